/**
 * Tokenizers, each with a stable versioned name that saved models record (as spaCy writes
 * "spacy.Tokenizer.v1"): a model trained with one tokenizer must be fed the same tokens.
 * Bag-of-words and averaged-vector models share the tokens, so both see the same words.
 */
import { EmbError } from '../errors.js';
import { tokenizeUnicode } from './unicode.js';

export type TokenizerKind = 'unicode' | 'ascii';
export const TOKENIZER_KINDS: readonly TokenizerKind[] = ['unicode', 'ascii'];

export interface Tokenizer {
  /** Stable name and version, as saved with models: `unicode-v2`, `ascii-v1`. */
  readonly name: string;
  readonly kind: TokenizerKind;
  readonly version: number;
  /** One line on what it does, for reports and `--help`. */
  readonly description: string;
  tokenize(text: string): string[];
}

/**
 * ANCHORS.md section 2's reference protocol, kept bit for bit so that the published figures
 * can be reproduced: lower-case, then runs of [a-z0-9'] are words and every other non-space
 * character is a token of its own. U+0085 (NEL) counts as space, as in Python's str.split; it
 * occurs in MR and SUBJ decoded as Latin-1.
 */
const ASCII_TOKEN = /[a-z0-9']+|[^\s\u0085a-z0-9']/g;

const ASCII: Tokenizer = {
  name: 'ascii-v1',
  kind: 'ascii',
  version: 1,
  description: "lower-case; [a-z0-9']+ or one other non-space character (the reference protocol)",
  tokenize: (text) => text.toLowerCase().match(ASCII_TOKEN) ?? [],
};

const UNICODE: Tokenizer = {
  name: 'unicode-v2',
  kind: 'unicode',
  // v2: an apostrophe ICU keeps at the edge of a word (after a Hebrew letter) is split off,
  // so that every token tokenizes to itself; the same tokens as v1 on every public set.
  version: 2,
  description:
    'NFKC, lower-case; words of letters, marks and digits in any script (Chinese, Japanese, Thai... split by ICU), emoji and symbols as whole characters',
  tokenize: tokenizeUnicode,
};

const BY_NAME = new Map<string, Tokenizer>(
  [UNICODE, ASCII].flatMap((t) => [
    [t.kind, t],
    [t.name, t],
  ]),
);

export const DEFAULT_TOKENIZER: Tokenizer = UNICODE;

/**
 * The tokenizer of that kind (`unicode`, `ascii`: the current version) or exact versioned
 * name (`unicode-v2`, as a saved model records it).
 */
export function tokenizerFor(name: string): Tokenizer {
  const t = BY_NAME.get(name);
  if (!t) {
    throw new EmbError(
      'E_INPUT',
      `unknown tokenizer "${name}"; expected one of ${[...BY_NAME.keys()].join(', ')}`,
    );
  }
  return t;
}

/** Tokens of `text` with the default tokenizer (`unicode-v2`). */
export function tokenize(text: string): string[] {
  return DEFAULT_TOKENIZER.tokenize(text);
}
