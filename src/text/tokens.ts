/**
 * The tokens of many texts, as training holds them. Every occurrence of a token is one shared
 * string: the SpamAssassin corpus is 9.3M tokens but 183k distinct ones, and as 9.3M strings
 * its tokens took 300 MB of heap that every full garbage collection walked (a quarter of a
 * training run's time). To cross to a worker thread they are packed as ids into the distinct
 * tokens, since a structured clone copies every string again.
 */
import { ownString } from './own-string.js';

type Docs = readonly (readonly string[])[];

/**
 * Each text's tokens, every distinct token one string. The same texts (the same array, holding
 * the same strings) asked of the same tokenizer again get the same documents back, which
 * callers must not change: `emb train` cross-validates and then trains on the same data.
 */
export function tokenizeTexts(
  texts: readonly string[],
  tokenize: (text: string) => string[],
): string[][] {
  const known = tokenized.get(texts);
  if (
    known?.tokenize === tokenize &&
    known.texts.length === texts.length &&
    known.texts.every((t, i) => t === texts[i])
  )
    return known.docs;
  const shared = new Map<string, string>();
  const docs = texts.map((text) => {
    const doc = tokenize(text);
    for (let i = 0; i < doc.length; i++) {
      const s = shared.get(doc[i]);
      if (s === undefined) shared.set(doc[i], (doc[i] = ownString(doc[i])));
      else doc[i] = s;
    }
    return doc;
  });
  tokenized.set(texts, { tokenize, texts: [...texts], docs });
  return docs;
}

const tokenized = new WeakMap<
  readonly string[],
  { tokenize: (text: string) => string[]; texts: string[]; docs: string[][] }
>();

/** Documents as ids into their distinct tokens: document d is ids[offsets[d] .. offsets[d + 1]). */
export interface PackedDocs {
  words: string[];
  ids: Int32Array;
  offsets: Int32Array;
}

export function packDocs(docs: Docs): PackedDocs {
  const idOf = new Map<string, number>();
  const words: string[] = [];
  const offsets = new Int32Array(docs.length + 1);
  for (let d = 0; d < docs.length; d++) offsets[d + 1] = offsets[d] + docs[d].length;
  const ids = new Int32Array(offsets[docs.length]);
  let at = 0;
  for (const doc of docs) {
    for (const token of doc) {
      let id = idOf.get(token);
      if (id === undefined) {
        idOf.set(token, (id = words.length));
        words.push(token);
      }
      ids[at++] = id;
    }
  }
  return { words, ids, offsets };
}

/** The documents back, every distinct token one string. */
export function unpackDocs({ words, ids, offsets }: PackedDocs): string[][] {
  const docs: string[][] = new Array(offsets.length - 1);
  for (let d = 0; d < docs.length; d++) {
    const doc: string[] = new Array(offsets[d + 1] - offsets[d]);
    for (let k = offsets[d]; k < offsets[d + 1]; k++) doc[k - offsets[d]] = words[ids[k]];
    docs[d] = doc;
  }
  return docs;
}
