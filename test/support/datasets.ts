/**
 * The public benchmark sets in ../shared/data (never copied into the repository), read as
 * ANCHORS.md section 2 prescribes: MR and SUBJ decoded as Latin-1 and split on "\n" only.
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../../src/experiments/cross-validate.js';
import type { Dataset as ApiDataset } from '../../src/api/dataset.js';
import { fromLabelled, type LabelledSet as Dataset } from '../../src/text/dataset.js';
import { Random } from '../../src/random.js';

export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const DATA = `${SHARED}data/`;
export const FIXTURES = `${SHARED}fixtures/`;
// The tests pin emb to the reference data; without it they fail, they never skip.
if (!existsSync(DATA) || !existsSync(FIXTURES))
  throw new Error(
    `the public benchmark sets and fixtures are expected in ${SHARED} (data/ and fixtures/); see README.md`,
  );

function lines(path: string, encoding: 'latin1' | 'utf8'): string[] {
  const text = readFileSync(path).toString(encoding);
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

function twoFiles(pos: string, neg: string, names: [string, string], source: string): Dataset {
  const a = lines(pos, 'latin1');
  const b = lines(neg, 'latin1');
  return fromLabelled([...a, ...b], [...a.map(() => names[0]), ...b.map(() => names[1])], source);
}

export function loadMR(): Dataset {
  return twoFiles(`${DATA}mr/rt-polarity.pos`, `${DATA}mr/rt-polarity.neg`, ['pos', 'neg'], 'MR');
}

export function loadSUBJ(): Dataset {
  return twoFiles(
    `${DATA}subj/subj.subjective`,
    `${DATA}subj/subj.objective`,
    ['subjective', 'objective'],
    'SUBJ',
  );
}

/** SST-2 sentence level: "label sentence" lines, 0 negative, 1 positive. */
export function loadSST2(part: 'train' | 'dev' | 'test'): Dataset {
  const rows = lines(`${DATA}sst2/stsa.binary.${part}`, 'utf8');
  return fromLabelled(
    rows.map((r) => r.slice(2)),
    rows.map((r) => (r[0] === '1' ? 'positive' : 'negative')),
    `SST-2 ${part}`,
  );
}

/** SMS Spam Collection: "label<TAB>message". */
export function loadSMS(): Dataset {
  const rows = lines(`${DATA}sms_spam/SMSSpamCollection`, 'utf8').map((r) => r.replace(/\r$/, ''));
  return fromLabelled(
    rows.map((r) => r.slice(r.indexOf('\t') + 1)),
    rows.map((r) => r.slice(0, r.indexOf('\t'))),
    'SMS',
  );
}

/** A dataset as a CSV file with text and label columns (quoted as RFC 4180 wants). */
export function toCsv(data: Dataset): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const rows = data.texts.map((t, i) => `${quote(t)},${data.classes[data.labels[i]]}`);
  return ['text,label', ...rows].join('\n') + '\n';
}

export type SetName = 'MR' | 'SUBJ' | 'SST-2' | 'SMS';
export const SET_NAMES: readonly SetName[] = ['MR', 'SUBJ', 'SST-2', 'SMS'];

/**
 * A set as ANCHORS.md section 2 evaluates it: its tokens, and 10-fold cross-validation, or
 * for SST-2 its own test set (labels matched to the training classes by name).
 */
export function benchmarkTask(
  name: SetName,
  tokenize: (text: string) => string[],
): { data: Dataset; docs: string[][]; plan: Plan; testDocs: string[][] } {
  if (name === 'SST-2') {
    const data = loadSST2('train');
    const testSet = loadSST2('test');
    const labels = testSet.labels.map((y) => data.classes.indexOf(testSet.classes[y]));
    const testDocs = testSet.texts.map(tokenize);
    return {
      data,
      docs: data.texts.map(tokenize),
      plan: { test: { docs: testDocs, labels } },
      testDocs,
    };
  }
  const data = { MR: loadMR, SUBJ: loadSUBJ, SMS: loadSMS }[name]();
  return { data, docs: data.texts.map(tokenize), plan: { folds: 10 }, testDocs: [] };
}

/**
 * A set as the library API takes it (labels as strings): the data, and for SST-2 its own test
 * set; the others are cross-validated.
 */
export function benchmarkSet(name: SetName): { data: ApiDataset; test?: ApiDataset } {
  const strings = (d: Dataset): ApiDataset => ({
    texts: d.texts,
    labels: d.labels.map((y) => d.classes[y]),
  });
  if (name === 'SST-2')
    return { data: strings(loadSST2('train')), test: strings(loadSST2('test')) };
  return { data: strings({ MR: loadMR, SUBJ: loadSUBJ, SMS: loadSMS }[name]()) };
}

/**
 * AG News (4 classes) from its test split: RFC 4180 rows `"class","title","description"`,
 * no header, a backslash standing for an escaped newline (ag_news/readme.txt). The text is the
 * title and the description; the labels are the names of classes.txt.
 */
export function loadAGNews(): Dataset {
  const names = lines(`${DATA}ag_news/classes.txt`, 'utf8');
  const texts: string[] = [];
  const labels: string[] = [];
  for (const row of lines(`${DATA}ag_news/test.csv`, 'utf8')) {
    const fields = [...row.matchAll(/"((?:[^"]|"")*)"(?:,|$)/g)].map((m) =>
      m[1].replace(/""/g, '"').replace(/\\/g, '\n'),
    );
    if (fields.length !== 3) throw new Error(`ag_news/test.csv: expected 3 fields in ${row}`);
    texts.push(`${fields[1]}\n${fields[2]}`);
    labels.push(names[Number(fields[0]) - 1]);
  }
  return fromLabelled(texts, labels, 'AG News');
}

/**
 * A set made imbalanced: the texts of the other classes (all, or a seeded random `size` of
 * them) and a seeded random sample of `label`'s, so many that they are `share` of the result
 * (rounded), in the order of `data`.
 */
export function withMinority(
  data: Dataset,
  label: string,
  share: number,
  seed: number,
  size?: number,
): Dataset {
  const k = data.classes.indexOf(label);
  if (k < 0) throw new Error(`${data.source} has no class ${label}`);
  const rng = new Random(seed);
  let others = data.labels.flatMap((y, i) => (y === k ? [] : [i]));
  const minority = data.labels.flatMap((y, i) => (y === k ? [i] : []));
  if (size !== undefined) others = rng.shuffle(others).slice(0, Math.round(size * (1 - share)));
  const want = Math.round((others.length * share) / (1 - share));
  if (want > minority.length)
    throw new Error(`${data.source} has only ${minority.length} ${label}`);
  const keep = new Set([...others, ...rng.shuffle(minority).slice(0, want)]);
  const rows = data.labels.flatMap((_, i) => (keep.has(i) ? [i] : []));
  return fromLabelled(
    rows.map((i) => data.texts[i]),
    rows.map((i) => data.classes[data.labels[i]]),
    `${data.source} with ${Math.round(share * 100)}% ${label}`,
  );
}
