/**
 * Counting the corpus's words in one pass, as word2vec.c does, while the tokens go to a
 * scratch file as provisional ids (4 bytes a token): the epochs read that file, so the corpus
 * is tokenized once and a stream (stdin) can be trained on for several epochs. Memory holds
 * the distinct words and their counts, never the corpus.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { AtomicFile } from '../atomic.js';
import { MAX_SENTENCE } from './kernel.js';

/** Ends a sentence in the id streams. */
export const BREAK = -1;

/**
 * Distinct words held while counting before the rarest are pruned (word2vec.c prunes at 70%
 * of its 30M-entry hash table; a JavaScript Map holds at most 2^24 entries).
 */
export const MAX_LIVE_WORDS = 4_000_000;

/** A file of int32 ids, written once, read back in blocks; removed on close or on a signal. */
export class ScratchIds {
  private readonly file: AtomicFile;
  private buffer = new Int32Array(1 << 16);
  private used = 0;
  /** Ids written (tokens and breaks). */
  length = 0;

  /** `near` names a file beside which the scratch file is written (the output, or a temp). */
  constructor(near: string) {
    // Never committed: the careful writer gives a temporary removed on abort and on SIGINT.
    this.file = new AtomicFile(`${near}.corpus`);
  }

  push(id: number): void {
    if (this.used === this.buffer.length) this.flush();
    this.buffer[this.used++] = id;
    this.length++;
  }

  private flush(): void {
    const b = this.buffer;
    this.file.write(new Uint8Array(b.buffer, b.byteOffset, this.used * 4));
    this.used = 0;
  }

  /** The ids in order, in blocks of at most `size` (each block valid until the next). */
  *blocks(size = 1 << 20): Generator<Int32Array> {
    this.flush();
    const fd = openSync(this.file.tmp, 'r');
    const block = new Int32Array(size);
    const bytes = new Uint8Array(block.buffer);
    try {
      for (let at = 0; at < this.length * 4;) {
        const n = readSync(fd, bytes, 0, Math.min(bytes.length, this.length * 4 - at), at);
        if (n <= 0 || n % 4 !== 0) throw new Error('ScratchIds: the scratch file shrank');
        at += n;
        yield block.subarray(0, n / 4);
      }
    } finally {
      closeSync(fd);
    }
  }

  close(): void {
    this.file.abort();
  }
}

/**
 * Word counts by provisional id (first-seen order). When more than MAX_LIVE_WORDS are live,
 * the words seen at most `minReduce` times are forgotten and minReduce grows, as in
 * word2vec.c's ReduceVocab; a forgotten word seen again starts a new id, and its earlier
 * occurrences are not trained on (they are a handful of a very rare word's).
 */
export class WordCounter {
  private readonly ids = new Map<string, number>();
  /** The word of each live provisional id (undefined once pruned). */
  readonly words: (string | undefined)[] = [];
  counts = new Float64Array(1024);
  tokens = 0;
  documents = 0;
  private minReduce = 1;

  constructor(
    private readonly out: ScratchIds,
    private readonly maxLive = MAX_LIVE_WORDS,
  ) {}

  /** Counts one document's tokens; a sentence ends with the document or after MAX_SENTENCE. */
  add(tokens: readonly string[]): void {
    if (tokens.length === 0) return;
    for (let i = 0; i < tokens.length; i++) {
      if (i > 0 && i % MAX_SENTENCE === 0) this.out.push(BREAK);
      const word = tokens[i];
      let id = this.ids.get(word);
      if (id === undefined) {
        if (this.ids.size >= this.maxLive) this.prune();
        id = this.words.length;
        this.ids.set(word, id);
        this.words.push(word);
        if (id >= this.counts.length) {
          const bigger = new Float64Array(this.counts.length * 2);
          bigger.set(this.counts);
          this.counts = bigger;
        }
      }
      this.counts[id]++;
      this.out.push(id);
    }
    this.out.push(BREAK);
    this.tokens += tokens.length;
    this.documents++;
  }

  private prune(): void {
    for (const [word, id] of this.ids)
      if (this.counts[id] <= this.minReduce) {
        this.ids.delete(word);
        this.words[id] = undefined;
      }
    this.minReduce++;
  }
}
