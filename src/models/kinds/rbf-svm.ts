/**
 * rbf-svm: an SVM with the Gaussian kernel exp(-gamma |x - y|^2) on word counts, trained as
 * scikit-learn's SVC(kernel='rbf') trains it (models/kernel-svm.ts). The counts' square roots,
 * measured: 88.90 / 71.71 / 84.08 on SUBJ / MR / AG News against 88.44 / 70.22 / 83.12 raw
 * (bench/README.md, section 14).
 */
import { kernelKind } from '../kernel-svm.js';
import { GAMMA, type GammaSettings, type KernelSvmSettings } from '../setting.js';

export interface RbfSvmSettings extends KernelSvmSettings, GammaSettings {
  model: 'rbf-svm';
}

export const rbfSvm = kernelKind<RbfSvmSettings>({
  name: 'rbf-svm',
  kernel: 'rbf',
  summary: 'an SVM with the RBF kernel on the counts of the top 5,000 words (LIBSVM)',
  settings: GAMMA,
  tf: 'sqrt',
  norm: 'none',
});
