/**
 * The tokenizer for real text in any language (`unicode-v2`):
 *
 * - the text is made well-formed (a lone surrogate becomes U+FFFD), invisible format
 *   characters that only steer layout (soft hyphen, bidi marks, word joiner, BOM) are dropped
 *   so they cannot cut a word, a zero-width space counts as a space (Thai and Khmer use it
 *   between words), then NFKC-normalised and lower-cased (and normalised again), and the
 *   typographic apostrophe U+2019 becomes "'" (what vector vocabularies spell);
 * - the text is read in grapheme clusters, so no token ever holds half a character (an emoji
 *   with its skin tone, a ZWJ family, a flag, a letter with its combining marks);
 * - runs of letters, combining marks and digits are words; an apostrophe between two word
 *   characters stays inside the word (`don't`, `l'homme`, `rock'n'roll`) so that the feature
 *   lookup can resolve clitics against the vectors; "." and "," between two digits stay inside
 *   a number (`3.14`, `1,000`); an English clitic standing alone (`'s`, `'re`, `'ve`, `'ll`, `'d`,
 *   `'m`, as in pre-tokenized corpora: `it 's`) is one token;
 * - words in scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) are
 *   split into words by Intl.Segmenter (ICU's dictionaries, built into Node);
 * - every other grapheme cluster that is not white space (punctuation, symbols, emoji) is a
 *   token of its own. A combining mark with no base character (at the start of the text or
 *   after white space) carries nothing and is dropped.
 *
 * Versioned: any change to what this returns for some text must get a new name, because saved
 * models record the tokenizer they were trained with.
 */

/** Format characters with no meaning for words: soft hyphen, bidi controls, word joiners, BOM. */
const IGNORABLE = /[\u00ad\u061c\u180e\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const ZERO_WIDTH_SPACE = /\u200b/g;
const TYPOGRAPHIC_APOSTROPHE = /\u2019/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text as the tokenizer reads it: well-formed, NFKC, lower-case (see above). */
export function normaliseText(text: string): string {
  return (
    text
      .replace(LONE_SURROGATE, '\ufffd')
      .replace(IGNORABLE, '')
      .replace(ZERO_WIDTH_SPACE, ' ')
      .normalize('NFKC')
      .toLowerCase()
      // Lower-casing can leave a sequence NFKC composes or reorders ("T\u0308" becomes
      // "t\u0308", which is "\u1e97"): normalised again, the tokens tokenize to themselves.
      .normalize('NFKC')
      .replace(TYPOGRAPHIC_APOSTROPHE, "'")
  );
}

/**
 * Below U+0300 there are no combining marks and no script without spaces: every code point is
 * a grapheme cluster of its own (CR LF is one, but both are white space), so one regular
 * expression gives exactly what the grapheme walk below gives, several times faster. Tested
 * to agree on random text of that range.
 */
const SIMPLE = /^[\0-\u02ff]*$/;
const SIMPLE_TOKEN =
  /[\p{L}\p{N}]+(?:(?:'|(?<=\p{Nd})[.,](?=\p{Nd}))[\p{L}\p{N}]+)*|'(?:s|re|ve|ll|d|m)(?![\p{L}\p{N}])|[^\s\p{Cc}]/gu;

/** U+0085 (NEL) is a control character (\p{Cc}), so it counts as a space here, as in Python. */
const SPACE = /^[\s\p{Cc}]/u;
const SPACE_INSIDE = /[\s\p{Cc}]/u;
const SPACES = /[\s\p{Cc}]+/u;
const WORD = /^[\p{L}\p{M}\p{N}]/u;
/** Characters that extend the cluster before them; leading a cluster, they have no base. */
const ORPHAN = /^[\p{M}\p{Join_Control}\p{Emoji_Modifier}\u{e0020}-\u{e007f}]/u;
const DIGIT_FIRST = /^\p{Nd}/u;
const DIGIT_LAST = /\p{Nd}$/u;
const CLITICS = new Set(['s', 're', 've', 'll', 'd', 'm']);
const SPACELESS =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

// A fixed locale: word breaks must not change with the user's LANG. Made on first use: ICU's
// word dictionaries take milliseconds to load, which ASCII text never needs.
let segmenters: { graphemes: Intl.Segmenter; words: Intl.Segmenter } | undefined;
const segmenter = (granularity: 'grapheme' | 'word') =>
  (segmenters ??= {
    graphemes: new Intl.Segmenter('en', { granularity: 'grapheme' }),
    words: new Intl.Segmenter('en', { granularity: 'word' }),
  })[granularity === 'grapheme' ? 'graphemes' : 'words'];

export function tokenizeUnicode(text: string): string[] {
  const s = normaliseText(text);
  if (SIMPLE.test(s)) return s.match(SIMPLE_TOKEN) ?? [];
  // Walking grapheme clusters costs ~1 us each: only the stretches between white space that
  // need it take that path. A cluster boundary always falls at white space (marks after a
  // space lead their stretch and are dropped as orphans either way), so this gives what
  // tokenizeClusters(s) gives for the whole text (tested on random text).
  const tokens: string[] = [];
  for (const stretch of s.split(SPACES)) {
    if (stretch === '') continue;
    if (SIMPLE.test(stretch)) for (const t of stretch.match(SIMPLE_TOKEN) ?? []) tokens.push(t);
    else for (const t of tokenizeClusters(stretch)) tokens.push(t);
  }
  return tokens;
}

const enum Kind {
  Space,
  Word,
  Apostrophe,
  Separator,
  Other,
}

function kindOf(cluster: string): Kind {
  if (SPACE.test(cluster) || ORPHAN.test(cluster)) return Kind.Space;
  if (WORD.test(cluster)) return Kind.Word;
  if (cluster === "'") return Kind.Apostrophe;
  if (cluster === '.' || cluster === ',') return Kind.Separator;
  return Kind.Other;
}

/** The normalised text's grapheme clusters, each cut before any white space inside it. */
function clustersOf(s: string): string[] {
  const out: string[] = [];
  for (const { segment } of segmenter('grapheme').segment(s)) {
    let rest = segment;
    // A "prepended" character (GB9b) absorbs a following space into its cluster: tokens
    // must never contain white space, so the cluster is cut there.
    for (let at: number; rest.length > 1 && (at = rest.slice(1).search(SPACE_INSIDE)) >= 0;) {
      out.push(rest.slice(0, at + 1));
      rest = rest.slice(at + 1);
    }
    out.push(rest);
  }
  return out;
}

/** The same grammar as SIMPLE_TOKEN, over grapheme clusters. */
export function tokenizeClusters(s: string): string[] {
  const clusters = clustersOf(s);
  const kinds = clusters.map(kindOf);
  const n = clusters.length;
  const tokens: string[] = [];
  let i = 0;
  while (i < n) {
    const kind = kinds[i];
    if (kind === Kind.Space) {
      i++;
    } else if (kind === Kind.Word) {
      const start = i++;
      for (;;) {
        if (i < n && kinds[i] === Kind.Word) i++;
        else if (
          i + 1 < n &&
          kinds[i + 1] === Kind.Word &&
          (kinds[i] === Kind.Apostrophe ||
            (kinds[i] === Kind.Separator &&
              DIGIT_LAST.test(clusters[i - 1]) &&
              DIGIT_FIRST.test(clusters[i + 1])))
        )
          i += 2;
        else break;
      }
      pushWord(tokens, clusters, start, i);
    } else if (kind === Kind.Apostrophe && i + 1 < n && kinds[i + 1] === Kind.Word) {
      // A standalone English clitic ("it 's"): the letters after the apostrophe, up to a
      // non-word cluster, must be one of the clitics.
      let end = i + 1;
      while (end < n && kinds[end] === Kind.Word) end++;
      const letters = clusters.slice(i + 1, end).join('');
      if (CLITICS.has(letters)) {
        tokens.push(`'${letters}`);
        i = end;
      } else tokens.push(clusters[i++]);
    } else tokens.push(clusters[i++]);
  }
  return tokens;
}

/** Pushes clusters[start..end) as one word, or as ICU's words for scripts without spaces. */
function pushWord(tokens: string[], clusters: string[], start: number, end: number): void {
  const word = clusters.slice(start, end).join('');
  if (!SPACELESS.test(word)) {
    tokens.push(word);
    return;
  }
  // ICU breaks on cluster boundaries in practice; keep only those, so that holds by design.
  const boundaries = new Set<number>();
  for (let k = start, at = 0; k < end; k++) boundaries.add((at += clusters[k].length));
  let from = 0;
  for (const { index, segment } of segmenter('word').segment(word)) {
    const to = index + segment.length;
    if (boundaries.has(to)) {
      pushPiece(tokens, word.slice(from, to), boundaries.has(from + 1), boundaries.has(to - 1));
      from = to;
    }
  }
}

/**
 * One of ICU's words, with an apostrophe at its edge split off when it is a grapheme cluster
 * of its own (`leadAlone`, `trailAlone`): ICU keeps "'" after a Hebrew letter (UAX #29, WB7a),
 * so "א'東" gives "א'" and "東"; alone, "א'" would tokenize as "א" and "'", and every token
 * must tokenize to itself. A standalone clitic ("'s") stays whole.
 */
function pushPiece(tokens: string[], piece: string, leadAlone: boolean, trailAlone: boolean): void {
  const lead = leadAlone && piece.length > 1 && piece[0] === "'" && !CLITICS.has(piece.slice(1));
  const trail = trailAlone && piece.length > 1 && piece.endsWith("'");
  if (lead) tokens.push("'");
  const middle = piece.slice(lead ? 1 : 0, trail ? -1 : undefined);
  if (middle !== '') tokens.push(middle);
  if (trail) tokens.push("'");
}
