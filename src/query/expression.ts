import { EmbError } from '../errors.js';

/**
 * How a query's words are read, the same for the API and the command line.
 *
 * Phrases: a quoted "new york" and the two words new york mean the same. When the vectors have
 * the phrase as one token (word2vec's GoogleNews vectors spell it new_york), that token is
 * used; otherwise each word counts on its own (averaged with the others, with the term's sign).
 *
 * Operators: "king - man + woman", "king -man +woman" and "king-man+woman" are the same
 * expression; a token that is itself a word of the vectors ("x-ray", "well-known") is kept
 * whole. Three bare words "a b c" read as in analogy test sets: a is to b as c is to ?.
 */
export interface Term {
  word: string;
  weight: 1 | -1;
}

/** Whether the vectors know a word (exact or lower-cased), for telling words from operators. */
export type Knows = (word: string) => boolean;

const nobody: Knows = () => false;

/** The phrase's own token when the vectors have it, else its words. */
export function phraseWords(words: readonly string[], knows: Knows): string[] {
  const parts = words.flatMap((w) => w.split(/\s+/)).filter((w) => w.length > 0);
  if (parts.length > 1) {
    const joined = parts.join('_');
    if (knows(joined)) return [joined];
  }
  return parts;
}

/** Splits "king-man+woman" into words and operators, unless the vectors know it whole. */
function splitOperators(token: string, knows: Knows): string[] {
  if (token === '+' || token === '-' || knows(token)) return [token];
  return token.split(/([+-])/).filter((p) => p.length > 0);
}

/**
 * Parses an analogy or arithmetic expression into signed terms. Words between two operators
 * form one phrase (see phraseWords); "+" may be left out between words.
 */
export function parseExpression(tokens: readonly string[], knows: Knows = nobody): Term[] {
  const parts = tokens
    .flatMap((t) => t.split(/\s+/))
    .filter((t) => t.length > 0)
    .flatMap((t) => splitOperators(t, knows));
  const text = parts.join(' ');
  if (parts.length === 0)
    throw new EmbError('E_INPUT', 'an analogy needs words, e.g. "king - man + woman"');
  if (!parts.some((p) => p === '+' || p === '-')) {
    if (parts.length === 3 && !knows(parts.join('_'))) {
      return [
        { word: parts[1], weight: 1 },
        { word: parts[0], weight: -1 },
        { word: parts[2], weight: 1 },
      ];
    }
    return phraseWords(parts, knows).map((word) => ({ word, weight: 1 }));
  }
  const terms: Term[] = [];
  let sign: 1 | -1 = 1;
  let run: string[] = [];
  let pending = true; // at the start, a sign may come first ("-man + woman")
  const flush = () => {
    for (const word of phraseWords(run, knows)) terms.push({ word, weight: sign });
    run = [];
  };
  for (const [i, p] of parts.entries()) {
    if (p === '+' || p === '-') {
      if (pending && i > 0) throw new EmbError('E_INPUT', `two operators in a row in "${text}"`);
      flush();
      sign = p === '-' ? -1 : 1;
      pending = true;
      continue;
    }
    run.push(p);
    pending = false;
  }
  if (pending) throw new EmbError('E_INPUT', `the expression "${text}" ends with an operator`);
  flush();
  return terms;
}
