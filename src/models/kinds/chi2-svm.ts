/**
 * chi2-svm: an SVM with the exponential chi-squared kernel exp(-gamma sum_j (x_j - y_j)^2 /
 * (x_j + y_j)) on word counts, scikit-learn's chi2_kernel as a precomputed SVC kernel
 * (models/kernel-svm.ts). The counts' square roots, measured: 89.16 / 71.64 / 84.50 on SUBJ /
 * MR / AG News against 89.20 / 71.28 / 83.77 raw (bench/README.md, section 14).
 */
import { kernelKind } from '../kernel-svm.js';
import { GAMMA, type GammaSettings, type KernelSvmSettings } from '../setting.js';

export interface Chi2SvmSettings extends KernelSvmSettings, GammaSettings {
  model: 'chi2-svm';
}

export const chi2Svm = kernelKind<Chi2SvmSettings>({
  name: 'chi2-svm',
  kernel: 'chi2',
  summary: 'an SVM with the exponential chi-squared kernel on word counts (LIBSVM)',
  settings: GAMMA,
  tf: 'sqrt',
  norm: 'none',
});
