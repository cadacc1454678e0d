#!/usr/bin/python3
"""scikit-learn peer of bench/short-texts.ts: MLPClassifier((256,), early_stopping=True) after a
StandardScaler, on the mean word vectors emb computed for each text, on emb's folds.

Usage: /usr/bin/python3 bench/peers/short_texts_sklearn.py TASK.json VECTORS.f32 SEEDS

TASK.json: {"labels" (class ids), "fold" (each text's test fold), "dims"}; VECTORS.f32: each
text's mean word vector (float32, texts x dims, not standardised). SEEDS: e.g. 0,1,2 (the
MLP's random_state; the folds stay). Prints one JSON document: per seed the accuracy pooled
over the folds, the mean number of epochs and the seconds.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def main():
    task = json.load(open(sys.argv[1]))
    y, fold = np.array(task['labels']), np.array(task['fold'])
    x = np.fromfile(sys.argv[2], dtype=np.float32).reshape(len(y), task['dims'])
    warnings.simplefilter('ignore', ConvergenceWarning)
    out = []
    for seed in [int(s) for s in sys.argv[3].split(',')]:
        start = time.perf_counter()
        right, epochs = 0, []
        for f in sorted(set(fold.tolist())):
            train, test = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
            clf = make_pipeline(StandardScaler(), MLPClassifier(
                hidden_layer_sizes=(256,), early_stopping=True, random_state=seed))
            clf.fit(x[train], y[train])
            right += int((clf.predict(x[test]) == y[test]).sum())
            epochs.append(clf[-1].n_iter_)
        out.append({'seed': seed, 'accuracy': right / len(y), 'epochs': float(np.mean(epochs)),
                    'seconds': time.perf_counter() - start})
    print(json.dumps(out))


if __name__ == '__main__':
    main()
