/**
 * The model kinds emb knows, one line each, and what is derived from them: the settings
 * union, each kind's defaults, the one check of a caller's settings, and training and loading
 * by name. Nothing else in src/ spells a kind's name.
 */
import { checkAborted, EmbError, setting as named } from '../errors.js';
import type {
  Decision,
  Model,
  ModelKind,
  SavedModel,
  LoadContext,
  TrainContext,
  TrainingSet,
} from './kind.js';
import type { TokenizerName } from '../text/tokenize.js';
import { fail, type Check } from './setting.js';
import { cnn, type CnnSettings } from './kinds/cnn.js';
import { dan, type DanSettings } from './kinds/dan.js';
import { bowMlp, type BowMlpSettings } from './kinds/bow-mlp.js';
import { chi2Svm, type Chi2SvmSettings } from './kinds/chi2-svm.js';
import { hikSvm, type HikSvmSettings } from './kinds/hik-svm.js';
import { hybrid, type HybridSettings } from './kinds/hybrid.js';
import { logreg, type LogregSettings } from './kinds/logreg.js';
import { mlp, type MlpSettings } from './kinds/mlp.js';
import { nbsvm, type NbsvmSettings } from './kinds/nbsvm.js';
import { rbfSvm, type RbfSvmSettings } from './kinds/rbf-svm.js';
import { svm, type SvmSettings } from './kinds/svm.js';
import { chooseDecision, withDecision } from './threshold.js';

export type {
  CnnSettings,
  DanSettings,
  BowMlpSettings,
  Chi2SvmSettings,
  HikSvmSettings,
  HybridSettings,
  LogregSettings,
  MlpSettings,
  NbsvmSettings,
  RbfSvmSettings,
  SvmSettings,
};

/** Every kind, in the order --help, compare and the docs list them. */
export const KINDS = [
  svm,
  nbsvm,
  logreg,
  mlp,
  hybrid,
  rbfSvm,
  hikSvm,
  chi2Svm,
  bowMlp,
  cnn,
  dan,
] as const;

type Kind = (typeof KINDS)[number];
type SettingsOfKind<K> = K extends ModelKind<infer S> ? S : never;

/** One typed object per kind, discriminated on `model`. */
export type ModelSettings = SettingsOfKind<Kind>;
export type ModelName = ModelSettings['model'];
export type SettingsOf<N extends ModelName> = Extract<ModelSettings, { model: N }>;

/**
 * What a caller writes: the kind's name and any settings to change from the defaults. The
 * tokenizer may also be a function from text to tokens, which the API takes apart from the
 * settings (api/options.ts).
 */
export type ModelOptions = {
  [N in ModelName]: { model: N } & Partial<Omit<SettingsOf<N>, 'model' | 'tokenizer'>> & {
      tokenizer?: TokenizerName | ((text: string) => string[]);
    };
}[ModelName];

export const MODEL_NAMES: readonly ModelName[] = KINDS.map((k) => k.name);

/** The methods `compare` runs when none are named. */
export const DEFAULT_METHODS: readonly ModelName[] = KINDS.filter((k) => k.comparedByDefault).map(
  (k) => k.name,
);

/** The model emb trains unless told otherwise: the most accurate on every public set. */
export const DEFAULT_MODEL: ModelName = hybrid.name;

/** The kind of a name that settings were checked against (an unknown name is an E_INPUT). */
export function kindNamed<N extends ModelName>(name: N): ModelKind<SettingsOf<N>> {
  const kind = KINDS.find((k) => k.name === name);
  if (!kind) return fail('model', `one of ${MODEL_NAMES.join(', ')}`, name);
  return kind as unknown as ModelKind<SettingsOf<N>>;
}

/** Each kind's settings with nothing changed. */
export function defaultsOf<N extends ModelName>(name: N): SettingsOf<N> {
  const out: Record<string, unknown> = { model: name };
  for (const [setting, spec] of Object.entries(kindNamed(name).settings))
    if (spec.default !== undefined) out[setting] = structuredClone(spec.default);
  return out as unknown as SettingsOf<N>;
}

/**
 * Checks settings from a caller (an object from code, JSON or the command line) and fills in
 * the defaults: an unknown model, an unknown setting for the model, or a value of the wrong
 * type or range is an E_INPUT error naming the setting and what it expects.
 */
export function modelSettings(input: unknown): ModelSettings {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return fail('model', `an object such as { model: '${DEFAULT_MODEL}' }`, input);
  const given = input as Record<string, unknown>;
  const name = (given.model ?? DEFAULT_MODEL) as ModelName;
  const kind = kindNamed(name);
  const specs = kind.settings as Record<string, { check: Check }>;
  const out = defaultsOf(name) as unknown as Record<string, unknown>;
  for (const [setting, value] of Object.entries(given)) {
    if (setting === 'model' || value === undefined) continue;
    if (!Object.hasOwn(specs, setting))
      throw new EmbError(
        'E_INPUT',
        `${named(setting)} does not apply to the ${name} model; its settings are ${Object.keys(specs).join(', ')}`,
      );
    specs[setting].check(value, setting);
    out[setting] = Array.isArray(value) ? [...value] : value;
  }
  // Clitic parts follow the vectors' tokenization; the reference protocol looks tokens up whole.
  if ('clitics' in out && given.clitics === undefined) out.clitics = out.tokenizer !== 'ascii';
  return out as unknown as ModelSettings;
}

/** How a model finds its tokens' vectors (one without vectors: the default, clitic parts on). */
export function tokenLookup(s: ModelSettings): { clitics: boolean } {
  return { clitics: 'clitics' in s ? s.clitics : true };
}

/** Rejects what no classifier can learn from, with what was expected and what was found. */
export function checkTrainingSet({ docs, labels, classes }: TrainingSet): void {
  if (docs.length === 0)
    throw new EmbError('E_INPUT', 'expected at least one training document, got an empty list');
  if (labels.length !== docs.length)
    throw new EmbError(
      'E_INPUT',
      `expected one label per document, got ${labels.length} labels for ${docs.length} documents`,
    );
  if (classes.length < 2)
    throw new EmbError(
      'E_INPUT',
      `expected at least 2 classes, got ${classes.length} (${classes.join(', ') || 'none'})`,
    );
  const seen = new Set<number>();
  for (const y of labels) {
    if (!Number.isInteger(y) || y < 0 || y >= classes.length)
      throw new EmbError(
        'E_INPUT',
        `expected labels that are class ids 0..${classes.length - 1}, found ${y}`,
      );
    seen.add(y);
  }
  if (seen.size < 2)
    throw new EmbError(
      'E_INPUT',
      `expected training documents of at least 2 classes, found only class '${classes[labels[0]]}' in ${docs.length} documents`,
    );
}

/** Trains the model that checked settings name. */
export async function trainModel(
  data: TrainingSet,
  settings: ModelSettings,
  ctx: TrainContext,
): Promise<Model> {
  checkTrainingSet(data);
  checkAborted(ctx.signal);
  const kind = kindNamed(settings.model) as ModelKind<ModelSettings>;
  if (settings.threshold === undefined) return kind.train(data, settings, ctx);
  const fit = (part: TrainingSet, c: TrainContext) => kind.train(part, settings, c);
  const decision = await chooseDecision(data, settings.threshold, settings.metric, ctx, fit);
  return withDecision(await fit(data, ctx), decision);
}

/** Reopens a saved model of the kind that checked settings name. */
export async function loadModel(
  settings: ModelSettings,
  dir: string,
  saved: SavedModel,
  ctx: LoadContext,
  decision?: Decision,
): Promise<Model> {
  const model = await (kindNamed(settings.model) as ModelKind<ModelSettings>).load(dir, saved, ctx);
  return decision ? withDecision(model, decision) : model;
}

/** What a model reads, in words, for reports and model.json ("tfidf 1-2-grams"). */
export function describeFeatures(settings: ModelSettings): string {
  return (kindNamed(settings.model) as ModelKind<ModelSettings>).features(settings);
}

/** Whether the kind of that name reads pretrained word vectors. */
export function usesVectors(name: string): boolean {
  return KINDS.some((k) => k.name === name && k.usesVectors);
}
