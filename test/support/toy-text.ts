/**
 * A toy task for the fine-tuned networks: k classes, each with ten words whose 8-dimensional
 * vectors lean along the class's own axis, filler words, and words without a vector.
 */
import { Embeddings } from '../../src/embeddings/embeddings.js';
import { Vocabulary } from '../../src/embeddings/vocabulary.js';
import { Random } from '../../src/random.js';

export const TOY_DIMS = 8;

export function toyVectors(classes = 3): Embeddings {
  const rng = new Random(7);
  const words: string[] = [];
  const rows: number[] = [];
  for (let c = 0; c < classes; c++)
    for (let i = 0; i < 10; i++) {
      words.push(`w${c}x${i}`);
      for (let j = 0; j < TOY_DIMS; j++) rows.push((j === c ? 1 : 0) + (rng.next() - 0.5));
    }
  for (const filler of ['the', 'of', 'and']) {
    words.push(filler);
    for (let j = 0; j < TOY_DIMS; j++) rows.push(0.1 * (rng.next() - 0.5));
  }
  return Embeddings.fromRows(Vocabulary.build(words), Float32Array.from(rows), TOY_DIMS, {
    source: 'toy',
    sourceFormat: 'test',
  });
}

/**
 * n texts of 3 to 8 tokens, labels cycling through the classes: mostly words of the text's
 * class (words 0-7 only, so words 8 and 9 never occur in training texts), some filler, some
 * of another class, and now and then an unknown word.
 */
export function toyDocs(
  n: number,
  seed: number,
  classes = 3,
  { unseen = false } = {},
): { docs: string[][]; labels: number[] } {
  const rng = new Random(seed);
  const docs: string[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % classes;
    const doc: string[] = [];
    const length = 3 + rng.int(6);
    for (let t = 0; t < length; t++) {
      const r = rng.next();
      const word = unseen ? 8 + rng.int(2) : rng.int(8);
      if (r < 0.2) doc.push(['the', 'of', 'and'][rng.int(3)]);
      else if (r < 0.3) doc.push(`zz${rng.int(30)}`);
      else if (r < 0.4) doc.push(`w${(y + 1 + rng.int(classes - 1)) % classes}x${word}`);
      else doc.push(`w${y}x${word}`);
    }
    docs.push(doc);
    labels.push(y);
  }
  return { docs, labels };
}
