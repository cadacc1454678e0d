/**
 * One shape of progress for every long call of the library: what runs (`stage`, e.g.
 * "cross-validating", "epoch"), and how much of it is done, in units of the stage's choosing
 * (folds, bytes, training examples). The command line draws it; programs log it.
 */
export interface Progress {
  stage: string;
  done: number;
  total: number;
  /** What runs now, in words, when the stage has parts worth naming ("svm n=200, run 2 of 5"). */
  detail?: string;
}

export type OnProgress = (progress: Progress) => void;
