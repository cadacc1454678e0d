/**
 * svm: TF-IDF n-grams (sublinear tf, smooth idf, l2 rows) and a linear SVM trained by
 * LIBLINEAR's dual coordinate descent (ANCHORS.md section 2, method A). Probabilities are the
 * decision values calibrated on out-of-fold decision values (calibration.ts).
 */
import { defineKind } from '../kind.js';
import { LinearBowModel, trainLinearBow } from '../linear-bow-model.js';
import { trainOneVsRest } from '../linear-svm.js';
import { weigher } from '../metric.js';
import {
  INNER,
  NGRAMS,
  SOLVER,
  type InnerSettings,
  type NgramSettings,
  type SvmSolverSettings,
} from '../setting.js';

export interface SvmSettings extends NgramSettings, SvmSolverSettings, InnerSettings {
  model: 'svm';
}

export const svm = defineKind<SvmSettings>({
  name: 'svm',
  summary: 'TF-IDF n-grams and a linear SVM (LIBLINEAR)',
  family: 'bag-of-words',
  comparedByDefault: true,
  usesVectors: false,
  cost: 0,
  settings: { ...NGRAMS, ...SOLVER, ...INNER },
  features: (s) => `tfidf ${s.ngrams.join('-')}-grams`,
  async train(data, s, ctx) {
    const weigh = weigher(s.classWeight, data.classes);
    return trainLinearBow('svm', 'tfidf', data, s, ctx, (x, labels) => {
      const options = { ...s, classWeights: weigh?.(labels) };
      return trainOneVsRest(x, labels, data.classes.length, options, ctx.seed).weights;
    });
  },
  async load(dir, saved, ctx) {
    return LinearBowModel.load('svm', dir, saved, ctx.classes);
  },
});
