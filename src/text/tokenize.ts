/**
 * Tokenizers, each with a stable versioned name that saved models record (as spaCy writes
 * "spacy.Tokenizer.v1"): a model trained with one tokenizer must be fed the same tokens.
 * Bag-of-words and averaged-vector models share the tokens, so both see the same words.
 */
import { EmbError } from '../errors.js';
import { tokenizeUnicode } from './unicode.js';

/** Documents as tokens, one array per text. */
export type Docs = readonly (readonly string[])[];

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
 * The setting of a model trained with a tokenizer function given in code: it can be trained,
 * evaluated and used, but not saved, since a model folder cannot hold the function.
 */
export const FUNCTION_TOKENIZER = 'function';

/** A tokenizer's name as settings hold it: a built-in kind, a registered name, or 'function'. */
export type TokenizerName = TokenizerKind | (string & Record<never, never>);

/** Whether settings may name this tokenizer. */
export function isTokenizerName(name: unknown): name is TokenizerName {
  return typeof name === 'string' && (BY_NAME.has(name) || name === FUNCTION_TOKENIZER);
}

/** Every name a setting may take, for messages. */
export function tokenizerNames(): string[] {
  return [
    ...TOKENIZER_KINDS,
    ...[...BY_NAME.values()].filter((t) => !TOKENIZER_KINDS.includes(t.kind)).map((t) => t.kind),
  ];
}

/**
 * Makes a tokenizer of your own usable by name, so that models trained with it can be saved
 * and loaded (register it again, with the same name and version, in the program that loads
 * them). `version` is saved with the model: change it when the function's tokens change.
 */
export function registerTokenizer(
  name: string,
  tokenize: (text: string) => string[],
  options: { version?: number; description?: string } = {},
): Tokenizer {
  const version = options.version ?? 1;
  if (!/^[a-z][a-z0-9_]*$/.test(name) || BY_NAME.has(name) || name === FUNCTION_TOKENIZER)
    throw new EmbError(
      'E_INPUT',
      `registerTokenizer: expected a new name of lower-case letters, digits and _ (not ${[...tokenizerNames(), FUNCTION_TOKENIZER].join(', ')}), got ${JSON.stringify(name)}`,
    );
  if (typeof tokenize !== 'function')
    throw new EmbError('E_INPUT', 'registerTokenizer: expected a function from text to tokens');
  if (!Number.isInteger(version) || version < 1)
    throw new EmbError(
      'E_INPUT',
      `registerTokenizer: version must be a whole number >= 1, got ${version}`,
    );
  const t: Tokenizer = {
    name: `${name}-v${version}`,
    kind: name as TokenizerKind,
    version,
    description: options.description ?? `registered tokenizer ${name}`,
    tokenize: checkedTokens(name, tokenize),
  };
  BY_NAME.set(name, t);
  BY_NAME.set(t.name, t);
  return t;
}

/** A caller's tokenizer, whose answer is checked: a list of strings. */
export function checkedTokens(
  name: string,
  tokenize: (text: string) => string[],
): (text: string) => string[] {
  return (text) => {
    const tokens = tokenize(text);
    if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string'))
      throw new EmbError(
        'E_INPUT',
        `tokenizer ${name}: expected a list of strings for ${JSON.stringify(text.slice(0, 40))}, got ${typeof tokens}`,
      );
    return tokens;
  };
}

/**
 * The tokenizer of that kind (`unicode`, `ascii`: the current version), registered name, or
 * exact versioned name (`unicode-v2`, as a saved model records it).
 */
export function tokenizerFor(name: string): Tokenizer {
  const t = BY_NAME.get(name);
  if (!t) {
    throw new EmbError(
      'E_INPUT',
      name === FUNCTION_TOKENIZER
        ? 'the tokenizer was a function given in code; pass it again, or register it by name (registerTokenizer)'
        : `unknown tokenizer "${name}"; expected one of ${tokenizerNames().join(', ')}, or a name given to registerTokenizer`,
    );
  }
  return t;
}

/** Tokens of `text` with the default tokenizer (`unicode-v2`). */
export function tokenize(text: string): string[] {
  return DEFAULT_TOKENIZER.tokenize(text);
}
