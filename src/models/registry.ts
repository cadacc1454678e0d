/** Which Trainer implements each model kind. */
import { EmbError } from '../errors.js';
import type { ModelKind, Trainer } from './model.js';
import { nbsvmTrainer, svmTrainer } from './baseline.js';
import { hybridTrainer } from './hybrid.js';
import { logregTrainer, mlpTrainer } from './transfer.js';

const trainers: Partial<Record<ModelKind, Trainer>> = {
  logreg: logregTrainer,
  mlp: mlpTrainer,
  svm: svmTrainer,
  nbsvm: nbsvmTrainer,
  hybrid: hybridTrainer,
};

export function trainerFor(kind: string): Trainer {
  const t = trainers[kind as ModelKind];
  if (!t)
    throw new EmbError(
      'E_INPUT',
      `unknown model "${kind}"; expected one of ${modelKinds().join(', ')}`,
    );
  return t;
}

export function modelKinds(): ModelKind[] {
  return Object.keys(trainers) as ModelKind[];
}
