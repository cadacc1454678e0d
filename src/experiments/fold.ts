import type { Decision, Docs, TrainContext } from '../models/kind.js';
import { trainModel, type ModelSettings } from '../models/registry.js';

/** A training part and a test part, as indices into the same documents. */
export interface FoldRows {
  train: readonly number[];
  test: readonly number[];
}

/**
 * One fold, wherever it runs (this thread, a worker, a learning curve's run): trains on the
 * rows `train`, predicts the rows `test` and frees the model whatever happens. Returns the
 * test rows' class probabilities, the decision threshold the model chose (when its settings
 * ask for one: threshold.ts's decide turns probabilities into labels with it) and the seconds
 * training took.
 */
export async function runFold(
  data: { docs: Docs; labels: readonly number[]; classes: readonly string[] },
  rows: FoldRows,
  settings: ModelSettings,
  ctx: TrainContext,
): Promise<{ probabilities: Float32Array; decision?: Decision; seconds: number }> {
  const started = performance.now();
  const model = await trainModel(
    {
      docs: rows.train.map((i) => data.docs[i]),
      labels: rows.train.map((i) => data.labels[i]),
      classes: data.classes,
    },
    settings,
    ctx,
  );
  const seconds = (performance.now() - started) / 1000;
  try {
    const probabilities = await model.predict(rows.test.map((i) => data.docs[i]));
    return { probabilities, decision: model.decision, seconds };
  } finally {
    model.dispose();
  }
}
