/**
 * chi2-svm: an SVM with the exponential chi-squared kernel exp(-gamma sum_j (x_j - y_j)^2 /
 * (x_j + y_j)) on word counts, scikit-learn's chi2_kernel as a precomputed SVC kernel
 * (models/kernel-svm.ts).
 */
import { defineKind } from '../kind.js';
import { KernelSvmModel, trainKernelSvm } from '../kernel-svm.js';
import {
  COUNTS,
  GAMMA,
  KERNEL_SVM,
  type GammaSettings,
  type KernelSvmSettings,
} from '../setting.js';

export interface Chi2SvmSettings extends KernelSvmSettings, GammaSettings {
  model: 'chi2-svm';
}

export const chi2Svm = defineKind<Chi2SvmSettings>({
  name: 'chi2-svm',
  summary: 'an SVM with the exponential chi-squared kernel on word counts (LIBSVM)',
  family: 'bag-of-words',
  comparedByDefault: false,
  usesVectors: false,
  cost: 1,
  settings: {
    ...KERNEL_SVM,
    ...GAMMA,
    // The little feature engineering, measured: square roots of the counts: 89.16 / 71.64 / 84.50 on SUBJ / MR / AG News against 89.20 / 71.28 / 83.77 raw (bench/README.md, section 13).
    tf: { ...COUNTS.tf, default: 'sqrt' },
    norm: { ...COUNTS.norm, default: 'none' },
  },
  features: (s) => `${s.tf} counts of ${s.vocab} words, ${s.norm} norm`,
  train: (data, s, ctx) => trainKernelSvm('chi2-svm', 'chi2', data, s, ctx),
  load: async (dir, saved, ctx) => KernelSvmModel.load('chi2-svm', dir, saved, ctx.classes),
});
