/**
 * nbsvm: binary n-grams scaled by the naive Bayes log-count ratio, a linear SVM, and its
 * weights interpolated toward their mean magnitude (Wang & Manning 2012; ANCHORS.md section 2,
 * method B). Probabilities as the svm's.
 */
import { defineKind } from '../kind.js';
import { LinearBowModel, trainLinearBow } from '../linear-bow-model.js';
import { trainNbsvm } from '../nbsvm.js';
import { weigher } from '../metric.js';
import {
  INNER,
  NB,
  NGRAMS,
  SOLVER,
  type InnerSettings,
  type NbSettings,
  type NgramSettings,
  type SvmSolverSettings,
} from '../setting.js';

export interface NbsvmSettings extends NgramSettings, SvmSolverSettings, InnerSettings, NbSettings {
  model: 'nbsvm';
}

export const nbsvm = defineKind<NbsvmSettings>({
  name: 'nbsvm',
  summary: 'NBSVM: naive-Bayes-weighted n-grams and a linear SVM (Wang & Manning 2012)',
  family: 'bag-of-words',
  comparedByDefault: true,
  usesVectors: false,
  cost: 0,
  settings: { ...NGRAMS, ...SOLVER, ...INNER, ...NB },
  features: (s) => `nb-weighted binary ${s.ngrams.join('-')}-grams`,
  async train(data, s, ctx) {
    const weigh = weigher(s.classWeight, data.classes);
    return trainLinearBow('nbsvm', 'binary', data, s, ctx, (x, labels) => {
      const options = { ...s, seed: ctx.seed, classWeights: weigh?.(labels) };
      return trainNbsvm(x, labels, data.classes.length, options).weights;
    });
  },
  async load(dir, saved, ctx) {
    return LinearBowModel.load('nbsvm', dir, saved, ctx.classes);
  },
});
