/** A small made-up review set whose sentiment words all have vectors: quick to learn. */
import { Random } from '../../src/random.js';

const POS = [
  'good',
  'great',
  'excellent',
  'wonderful',
  'love',
  'best',
  'amazing',
  'delightful',
  'brilliant',
  'charming',
];
const NEG = [
  'bad',
  'awful',
  'terrible',
  'worst',
  'hate',
  'boring',
  'poor',
  'dull',
  'stupid',
  'painful',
];

/** `n` rows of id,review,sentiment, alternating pos and neg, seeded. */
export function reviewsCsv(n: number, seed: number): string {
  const rng = new Random(seed);
  const rows = ['id,review,sentiment'];
  for (let i = 0; i < n; i++) {
    const pos = i % 2 === 0;
    const words = pos ? POS : NEG;
    rows.push(
      `${i},"the film was ${words[rng.int(10)]}, ${words[rng.int(10)]} and ${words[rng.int(10)]}",${pos ? 'pos' : 'neg'}`,
    );
  }
  return rows.join('\n') + '\n';
}
