/**
 * A pretraining run from corpus to vectors: read and count the corpus once (its tokens kept as
 * ids in a scratch file), plan the vocabulary, train epoch by epoch in chunks (progress and
 * the abort signal between chunks), then write the .emb through a temporary file renamed into
 * place, or hand the vectors back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtomicFile } from '../atomic.js';
import { checkAborted, EmbError } from '../errors.js';
import { Embeddings, type Provenance } from '../embeddings/embeddings.js';
import { fastTextSubwords } from '../embeddings/fasttext-ngrams.js';
import { Vocabulary } from '../embeddings/vocabulary.js';
import { EmbWriter, verifyEmb } from '../formats/emb.js';
import { native } from '../native/addon.js';
import type { Progress } from '../progress.js';
import { tokenizerFor } from '../text/tokenize.js';
import { BREAK, ScratchIds, WordCounter } from './count.js';
import { corpusParts, readDocuments, type CorpusOptions, type CorpusSource } from './corpus.js';
import { MAX_SENTENCE, trainChunk, type KernelModel, type KernelState } from './kernel.js';
import {
  buildModel,
  planVocabulary,
  threadStates,
  wordRows,
  type VocabularyPlan,
} from './model.js';
import type { PretrainSettings } from './settings.js';

/** Progress of a run: reading (bytes), training (words, with the running loss), writing. */
export interface PretrainProgress extends Progress {
  stage: 'reading' | 'training' | 'writing';
  /** Training: the mean loss per example over the last chunk (negative-sampling loss). */
  loss?: number;
  /** Training: the epoch running, from 1. */
  epoch?: number;
}

/** What a pretrained file records of how it was made (provenance.pretrain in its header). */
export interface PretrainRecord {
  corpus: { name: string; bytes?: number }[];
  documents: number;
  tokens: number;
  /** Words in the vocabulary, of which `newWords` are not in the initial vectors. */
  words: number;
  newWords: number;
  /** Tokens of the corpus in the vocabulary (read each epoch). */
  trainWords: number;
  settings: Omit<PretrainSettings, 'tokenizer'> & { tokenizer: string };
  init: { source: string; words: number } | null;
  /** The mean loss per example over the last epoch. */
  loss: number;
}

export interface PretrainRun {
  source: CorpusSource;
  corpus: CorpusOptions;
  settings: PretrainSettings;
  init?: { embeddings: Embeddings; source: string };
  /** The .emb file to write; none: the vectors are returned. */
  out?: string;
  onProgress?: (p: PretrainProgress) => void;
  signal?: AbortSignal;
}

/** Ids handed to the kernel at once: progress and the abort signal are seen between chunks. */
const CHUNK = 1 << 20;

export async function pretrain(
  run: PretrainRun,
): Promise<{ path?: string; embeddings?: Embeddings; record: PretrainRecord }> {
  const { settings, signal } = run;
  const progress = run.onProgress ?? (() => {});
  const tokenizer = tokenizerFor(settings.tokenizer);
  const parts = corpusParts(run.source);
  const corpusName = parts.map((p) => p.name).join(', ');
  checkAborted(signal);
  // The output's folder is checked before any work; its temporary goes on a signal too.
  const file = run.out ? new AtomicFile(run.out) : undefined;
  const scratchDir = file ? undefined : mkdtempSync(join(tmpdir(), 'emb-pretrain-'));
  let scratch: ScratchIds | undefined;
  try {
    scratch = new ScratchIds(run.out ?? join(scratchDir!, 'corpus'));
    const counter = new WordCounter(scratch);
    const totalBytes = parts.reduce((s, p) => s + (p.bytes ?? 0), 0);
    let bytes = 0;
    for await (const docs of readDocuments(run.source, run.corpus, (n) => (bytes += n))) {
      for (const doc of docs) counter.add(tokenizer.tokenize(doc));
      checkAborted(signal);
      progress({ stage: 'reading', done: bytes, total: totalBytes });
    }
    const init = run.init?.embeddings;
    const plan = planVocabulary(counter, settings.minCount, corpusName, init);
    const model = buildModel(plan, settings, init);
    const loss = await train(model, plan, scratch, settings, progress, signal);
    const record: PretrainRecord = {
      corpus: parts,
      documents: counter.documents,
      tokens: counter.tokens,
      words: plan.words.length,
      newWords: plan.words.length - plan.pretrained,
      trainWords: plan.trainWords,
      // The threads that trained: the JavaScript fallback has one.
      settings: { ...settings, threads: trainingThreads(settings), tokenizer: tokenizer.name },
      init: run.init ? { source: run.init.source, words: plan.pretrained } : null,
      loss: Number(loss.toPrecision(6)),
    };
    const provenance: Provenance & { pretrain: PretrainRecord } = {
      source: corpusName,
      sourceFormat: 'pretrain',
      pretrain: record,
    };
    progress({ stage: 'writing', done: 0, total: 1 });
    const rows = wordRows(model, plan.words.length);
    const vocab = Vocabulary.build(plan.words);
    const buckets = model.syn0.subarray(plan.words.length * settings.dims);
    if (file) {
      const writer = new EmbWriter(file, settings.dims, 'f32', !!settings.subwords);
      writer.append(rows, plan.words.length);
      const subwords = settings.subwords && {
        settings: settings.subwords,
        chunks: [new Uint8Array(buckets.buffer, buckets.byteOffset, buckets.byteLength)],
      };
      // No creation time: a seeded run with one thread writes the same bytes every time.
      writer.finish(vocab, provenance, subwords, null);
      verifyEmb(file.tmp);
      checkAborted(signal);
      file.commit();
      progress({ stage: 'writing', done: 1, total: 1 });
      return { path: run.out, record };
    }
    const subwords =
      settings.subwords && fastTextSubwords(settings.subwords, buckets.slice(), settings.dims);
    const embeddings = Embeddings.fromRows(
      vocab,
      rows.slice(),
      settings.dims,
      provenance,
      subwords,
    );
    return { embeddings, record };
  } catch (e) {
    file?.abort();
    throw e;
  } finally {
    scratch?.close();
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  }
}

const trainingThreads = (s: PretrainSettings) => (native ? s.threads : 1);

/** The epochs; returns the mean loss per example of the last one. */
async function train(
  model: KernelModel,
  plan: VocabularyPlan,
  scratch: ScratchIds,
  settings: PretrainSettings,
  progress: (p: PretrainProgress) => void,
  signal: AbortSignal | undefined,
): Promise<number> {
  const threads = trainingThreads(settings);
  const state: KernelState = {
    frozen: 0,
    alpha0: settings.lr,
    done: 0,
    total: settings.epochs * plan.trainWords,
    threads,
    rng: threadStates(settings.seed, threads),
  };
  let epochLoss = 0;
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    state.frozen = settings.freezeInit || epoch <= settings.warmupEpochs ? plan.pretrained : 0;
    let loss = 0;
    let examples = 0;
    for (const ids of chunks(scratch, plan.rowOf)) {
      checkAborted(signal);
      const r = trainChunk(model, ids, state);
      loss += r.loss;
      examples += r.examples;
      progress({
        stage: 'training',
        done: state.done,
        total: state.total,
        loss: r.examples > 0 ? r.loss / r.examples : undefined,
        epoch,
      });
      // Let timers and the abort signal run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    epochLoss = examples > 0 ? loss / examples : 0;
  }
  checkAborted(signal);
  if (!Number.isFinite(epochLoss))
    throw new EmbError('E_INPUT', `training diverged (loss ${epochLoss}); lower lr`);
  return epochLoss;
}

/**
 * The corpus as rows for one epoch, in chunks of about CHUNK ids that end with a sentence:
 * words left out are dropped, sentence breaks kept once.
 */
function* chunks(scratch: ScratchIds, rowOf: Int32Array): Generator<Int32Array> {
  const buf = new Int32Array(CHUNK + MAX_SENTENCE + 1);
  let n = 0;
  for (const block of scratch.blocks()) {
    for (let i = 0; i < block.length; i++) {
      const id = block[i];
      if (id === BREAK) {
        if (n === 0 || buf[n - 1] === BREAK) continue;
        buf[n++] = BREAK;
        if (n >= CHUNK) {
          yield buf.subarray(0, n);
          n = 0;
        }
      } else {
        const row = rowOf[id];
        if (row >= 0) buf[n++] = row;
      }
    }
  }
  if (n > 0) yield buf.subarray(0, n);
}
