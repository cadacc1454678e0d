/**
 * hik-svm: an SVM with the histogram intersection kernel sum_j min(x_j, y_j) on word counts,
 * as scikit-learn's SVC(kernel='precomputed') trains it on the intersection Gram matrix
 * (models/kernel-svm.ts). Each row's counts as shares of its tokens (l1), measured: 89.68 /
 * 71.94 / 84.85 on SUBJ / MR / AG News against 87.42 / 70.59 / 82.73 raw (bench/README.md,
 * section 14).
 */
import { kernelKind } from '../kernel-svm.js';
import type { KernelSvmSettings } from '../setting.js';

export interface HikSvmSettings extends KernelSvmSettings {
  model: 'hik-svm';
}

export const hikSvm = kernelKind<HikSvmSettings>({
  name: 'hik-svm',
  kernel: 'hik',
  summary: 'an SVM with the histogram intersection kernel on word counts (LIBSVM)',
  settings: {},
  tf: 'raw',
  norm: 'l1',
});
