/**
 * The defects of issue 8 outside the vector files, each as the fuzzing found it: control bytes
 * from a bad file in an error line, warnings before the error, `--vectors ""`, an EMB_HOME
 * that cannot be a folder, and model folders whose model.json is null or names a model kind
 * like "constructor", or whose labels or files are not what they should be.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDefault } from '../src/api/convert.js';
import { emb } from './support/cli.js';
import { reviewsCsv } from './support/reviews.js';

await prepareDefault();
const dir = mkdtempSync(join(tmpdir(), 'emb-robust-cli-'));

/** Exit 2, exactly one line on stderr matching `pattern`, no stack trace, no raw control bytes. */
function oneCleanLine(args: string[], pattern: RegExp, env?: Record<string, string>): string {
  const r = emb(args, { cwd: dir, env });
  assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  assert.equal(lines.length, 1, `one line: ${JSON.stringify(r.stderr)}`);
  assert.match(lines[0], pattern);
  // eslint-disable-next-line no-control-regex -- no raw control character may reach the terminal
  assert.doesNotMatch(lines[0], /[\u0000-\u0008\u000b-\u001f\u007f]/);
  return lines[0];
}

test('control bytes from a bad file are shown escaped, on one line', () => {
  writeFileSync(join(dir, 'esc.csv'), '"te\u001b[31mxt\rx",lab\u0000el\ngood,pos\n');
  const line = oneCleanLine(['train', 'esc.csv'], /no text column found/);
  assert.match(line, /te\\x1b\[31mxt\\rx/);
  assert.match(line, /lab\\x00el/);
});

test('a run that fails prints its one error line, not the warnings about the data before it', () => {
  // Two rows with an empty text (a warning when the run succeeds), then a single class.
  writeFileSync(join(dir, 'one-class.csv'), 'text,label\n"",pos\ngood,pos\n" ",pos\nfine,pos\n');
  oneCleanLine(['train', 'one-class.csv'], /every text has the label "pos"/);
  writeFileSync(join(dir, 'warned.csv'), reviewsCsv(20, 1).replace('\n2,', '\n98,"",pos\n2,'));
  const ok = emb(['train', 'warned.csv', '--model', 'svm', '--folds', '2'], { cwd: dir });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(
    ok.stderr,
    /skipped 1 rows with an empty text/,
    'the warning, once the run succeeded',
  );
});

test('--vectors "" is an error, not "wrote ;"', () => {
  oneCleanLine(['similar', 'frog', '--vectors', ''], /the vectors path is empty/);
});

test('an --out that is empty or only spaces is an error, not a folder named " "', () => {
  writeFileSync(join(dir, 'blank.csv'), reviewsCsv(20, 4));
  for (const args of [
    ['train', 'blank.csv', '--model', 'svm', '--out', ' '],
    ['compare', 'blank.csv', '--out', ''],
    ['predict', 'blank.model', 'a film', '--out', '  '],
  ])
    oneCleanLine(args, /--out must be a file or folder name, got "\s*"/);
  assert.ok(!existsSync(join(dir, ' ')));
});

test('an EMB_HOME that cannot be a folder: one line that says how to fix it', () => {
  writeFileSync(join(dir, 'a-file'), 'x');
  symlinkSync(join(dir, 'nowhere', 'x'), join(dir, 'dangling'));
  for (const home of ['/dev/null', join(dir, 'a-file'), join(dir, 'dangling')])
    oneCleanLine(['similar', 'frog'], /cannot use as the folder of converted vectors .*EMB_HOME/, {
      EMB_HOME: home,
    });
});

test('damaged model folders are refused field by field, never with a stack trace', () => {
  writeFileSync(join(dir, 'r.csv'), reviewsCsv(40, 2));
  assert.equal(
    emb(['train', 'r.csv', '--model', 'logreg', '--folds', '2'], { cwd: dir }).status,
    0,
  );
  const three = reviewsCsv(60, 3)
    .split('\n')
    .map((row, i) => (i > 0 && i % 3 === 0 ? row.replace(/(pos|neg)$/, 'mixed') : row))
    .join('\n');
  writeFileSync(join(dir, 'three.csv'), three);
  const threeArgs = ['three.csv', '--model', 'logreg', '--folds', '2', '--out', 'three'];
  assert.equal(emb(['train', ...threeArgs], { cwd: dir }).status, 0);
  const meta = JSON.parse(readFileSync(join(dir, 'r.model', 'model.json'), 'utf8'));
  const variant = (name: string, edit: (m: Record<string, unknown>, folder: string) => unknown) => {
    const folder = join(dir, name);
    rmSync(folder, { recursive: true, force: true });
    cpSync(join(dir, 'r.model'), folder, { recursive: true });
    const edited = edit(structuredClone(meta), folder);
    if (edited !== undefined) writeFileSync(join(folder, 'model.json'), JSON.stringify(edited));
    return name;
  };
  // network.json edited, and its size in model.json with it (so that the size check passes).
  const network = (
    m: Record<string, unknown>,
    folder: string,
    edit: (n: Record<string, unknown>) => unknown,
  ) => {
    const path = join(folder, 'network.json');
    const text = JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8'))));
    writeFileSync(path, text);
    return { ...m, files: { ...(m.files as object), 'network.json': Buffer.byteLength(text) } };
  };
  const cases: [string, (m: Record<string, unknown>, folder: string) => unknown, RegExp][] = [
    ['null.model', () => null, /field "\(top level\)": expected a JSON object/],
    [
      'ctor.model',
      (m) => ({ ...m, settings: { model: 'constructor' } }),
      /setting "model": expected one of/,
    ],
    [
      'proto.model',
      (m) => ({ ...m, settings: { model: '__proto__' } }),
      /setting "model": expected one of/,
    ],
    [
      'labels.model',
      (m) => ({ ...m, labels: 'pos,neg' }),
      /field "labels": expected a list of at least two distinct strings/,
    ],
    [
      'v1-tokens.model',
      (m) => ({ ...m, tokenizer: 'unicode-v1' }),
      /trained with the tokenizer unicode-v1; this emb has unicode-v2; train the model again/,
    ],
    ['files.model', (m) => ({ ...m, files: ['weights.bin'] }), /field "files"/],
    ['escape.model', (m) => ({ ...m, files: { '../r.csv': 10 } }), /field "files"/],
    [
      'short.model',
      (_, folder) => truncateSync(join(folder, 'weights.bin'), 10),
      /weights\.bin: expected \d+ bytes as model\.json records, found 10/,
    ],
    [
      'topology.model',
      (m, folder) => network(m, folder, (n) => ({ ...n, modelTopology: { config: 'x' } })),
      /network\.json: not a network this emb can load \(.*'className' and 'config' must set/,
    ],
    [
      'shape.model',
      (m, folder) =>
        network(m, folder, (n) =>
          JSON.parse(JSON.stringify(n).replace(/\[null,(\d+)\]/, '[null,7]')),
        ),
      /network\.json: not a network this emb can load \(Shape mismatch/,
    ],
    [
      'three.model',
      (m, folder) => {
        // A network and its weights that agree, from a model with three classes.
        const files = { ...(m.files as Record<string, number>) };
        for (const name of ['network.json', 'weights.bin']) {
          cpSync(join(dir, 'three', name), join(folder, name));
          files[name] = statSync(join(folder, name)).size;
        }
        return { ...m, files };
      },
      /network\.json: expected a network from 100 inputs to 2 outputs, found \[null,100\] to \[null,3\]/,
    ],
  ];
  for (const [name, edit, pattern] of cases)
    oneCleanLine(['predict', variant(name, edit), 'a wonderful film'], pattern);
});
