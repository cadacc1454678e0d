/** Which Trainer implements each model kind. */
import type { Docs, Model, Trainer, TrainContext } from './model.js';
import { nbsvmTrainer, svmTrainer } from './baseline.js';
import { hybridTrainer } from './hybrid.js';
import type { ModelKind, ModelSettings, SettingsOf } from './settings.js';
import { logregTrainer, mlpTrainer } from './transfer.js';

const TRAINERS: { [K in ModelKind]: Trainer<SettingsOf<K>> } = {
  svm: svmTrainer,
  nbsvm: nbsvmTrainer,
  logreg: logregTrainer,
  mlp: mlpTrainer,
  hybrid: hybridTrainer,
};

/** The trainer of a kind that settings.ts validated (kinds are a closed list there). */
export function trainerFor<K extends ModelKind>(kind: K): Trainer<SettingsOf<K>> {
  return TRAINERS[kind] as Trainer<SettingsOf<K>>;
}

/** Trains the model the settings name. */
export function trainModel(
  docs: Docs,
  labels: readonly number[],
  classes: readonly string[],
  settings: ModelSettings,
  ctx: TrainContext,
): Promise<Model> {
  return trainerFor(settings.model).train(docs, labels, classes, settings, ctx);
}
