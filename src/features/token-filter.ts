/**
 * Stemming and stop words for the bag-of-words features, from `natural` 6.10.5: the last
 * version whose install pulls no database clients (6.11 and later depend on mongoose, pg,
 * redis and memjs; measurements in bench/README.md). Loaded only when asked for, by subpath:
 * `require('natural')` loads every module, database drivers included.
 */
import { createRequire } from 'node:module';
import type { Docs } from '../text/tokenize.js';

export const STEM_LANGUAGES = [
  'en',
  'de',
  'es',
  'fa',
  'fr',
  'it',
  'nl',
  'no',
  'pt',
  'ru',
  'sv',
  'uk',
] as const;
export type StemLanguage = (typeof STEM_LANGUAGES)[number];

export const STOPWORD_LANGUAGES = [
  'en',
  'es',
  'fa',
  'fr',
  'id',
  'it',
  'ja',
  'nl',
  'no',
  'pl',
  'pt',
  'ru',
  'sv',
  'uk',
  'zh',
] as const;
export type StopwordLanguage = (typeof STOPWORD_LANGUAGES)[number];

const NATURAL = 'natural/lib/natural/';
const require = createRequire(import.meta.url);

/** natural's Porter stemmer for a language (English's has no suffix in its file name). */
function stemmer(language: StemLanguage): (token: string) => string {
  const file = language === 'en' ? 'porter_stemmer' : `porter_stemmer_${language}`;
  const module = require(`${NATURAL}stemmers/${file}.js`) as { stem(token: string): string };
  return (token) => module.stem(token);
}

function stopwords(language: StopwordLanguage): ReadonlySet<string> {
  const file = language === 'en' ? 'stopwords' : `stopwords_${language}`;
  return new Set((require(`${NATURAL}util/${file}.js`) as { words: string[] }).words);
}

export interface TokenFilter {
  apply(docs: Docs): string[][];
}

export interface FilterOptions {
  stem?: StemLanguage;
  stopwords?: StopwordLanguage;
}

/**
 * `stem` and `stopwords` read from untyped options (a saved model, a settings bag) and
 * checked: each absent, or a language natural has.
 */
export function filterOptions(options: FilterOptions): FilterOptions {
  const out: FilterOptions = {};
  if (options.stem !== undefined) out.stem = options.stem;
  if (options.stopwords !== undefined) out.stopwords = options.stopwords;
  return out;
}

/**
 * What the options ask for: stop words dropped, then tokens stemmed (each distinct token
 * stemmed once); undefined when neither.
 */
export function tokenFilter(options: FilterOptions): TokenFilter | undefined {
  const { stem: stemLanguage, stopwords: stopLanguage } = options;
  if (stemLanguage === undefined && stopLanguage === undefined) return undefined;
  const stem = stemLanguage ? stemmer(stemLanguage) : undefined;
  const drop = stopLanguage ? stopwords(stopLanguage) : undefined;
  const stems = new Map<string, string>();
  const stemOf = (t: string) => {
    let s = stems.get(t);
    if (s === undefined) stems.set(t, (s = stem!(t)));
    return s;
  };
  return {
    apply: (docs) =>
      docs.map((doc) => {
        const kept = drop ? doc.filter((t) => !drop.has(t)) : [...doc];
        return stem ? kept.map(stemOf) : kept;
      }),
  };
}
