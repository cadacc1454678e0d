#!/usr/bin/python3
"""scikit-learn peer of bench/calibration.ts: probabilities on the very same texts, folds and
features as emb's, from the methods scikit-learn offers for them.

Usage: /usr/bin/python3 bench/peers/calibration_sklearn.py TASK.json VECTORS.f32

TASK.json (written by bench/calibration.ts): {"texts", "labels" (class ids), "classes",
"fold" (each text's test fold; -1: always in training), "dims"}. VECTORS.f32: each text's mean
word vector (float32, texts x dims, not standardised), as emb computes it.

Methods, each fitted on a fold's training texts only:
  svm-cal:      CalibratedClassifierCV(LinearSVC(C=1)) (sigmoid, 5 folds) on TF-IDF uni+bigrams
  logreg:       LogisticRegression(C=1) on TF-IDF uni+bigrams
  hybrid-cal:   CalibratedClassifierCV(LinearSVC(C=1)) on emb's hybrid features at gamma 1:
                TF-IDF uni+bigrams and the standardised mean vector / sqrt(dims)
  hybrid-lr:    LogisticRegression(C=1) on those hybrid features
  vectors-lr:   StandardScaler + LogisticRegression(C=1) on mean vectors (emb's logreg)
  vectors-mlp:  StandardScaler + MLPClassifier((256,), early_stopping=True) (emb's mlp)
Prints one JSON document: per method, the seconds and the test texts' probabilities in the
order of the texts (null for texts never tested).
"""
import json
import re
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

# Same tokens as src/text/tokenize.ts; U+0085 is whitespace for Python's \s too, listed anyway.
TOKEN = re.compile(r"[a-z0-9']+|[^\s\x85a-z0-9']")


def tokenize(text):
    return TOKEN.findall(text.lower())


def tfidf():
    return TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                           ngram_range=(1, 2), sublinear_tf=True)


def sparse_features(train, test, texts, vectors):
    vec = tfidf()
    return vec.fit_transform([texts[i] for i in train]), vec.transform([texts[i] for i in test])


def hybrid_features(train, test, texts, vectors):
    xtr, xte = sparse_features(train, test, texts, vectors)
    scaler = StandardScaler().fit(vectors[train])
    scale = 1 / np.sqrt(vectors.shape[1])
    dense = [scaler.transform(vectors[rows]) * scale for rows in (train, test)]
    return sp.hstack([xtr, dense[0]]).tocsr(), sp.hstack([xte, dense[1]]).tocsr()


def dense_features(train, test, texts, vectors):
    return vectors[train], vectors[test]


METHODS = {
    'svm-cal': (sparse_features, lambda: CalibratedClassifierCV(LinearSVC(C=1.0), cv=5)),
    'logreg': (sparse_features, lambda: LogisticRegression(C=1.0, max_iter=1000)),
    'hybrid-cal': (hybrid_features, lambda: CalibratedClassifierCV(LinearSVC(C=1.0), cv=5)),
    'hybrid-lr': (hybrid_features, lambda: LogisticRegression(C=1.0, max_iter=1000)),
    'vectors-lr': (dense_features,
                   lambda: make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))),
    'vectors-mlp': (dense_features,
                    lambda: make_pipeline(StandardScaler(), MLPClassifier(
                        hidden_layer_sizes=(256,), early_stopping=True, random_state=0))),
}


def main():
    task = json.load(open(sys.argv[1]))
    texts, y, fold = task['texts'], np.array(task['labels']), np.array(task['fold'])
    vectors = np.fromfile(sys.argv[2], dtype=np.float32).reshape(len(texts), task['dims'])
    k = len(task['classes'])
    warnings.simplefilter('ignore', ConvergenceWarning)
    out = {'tool': 'scikit-learn', 'version': __import__('sklearn').__version__, 'methods': {}}
    only = sys.argv[3].split(',') if len(sys.argv) > 3 else list(METHODS)
    for name in only:
        features, model = METHODS[name]
        probs = np.full((len(texts), k), np.nan)
        start = time.perf_counter()
        for f in sorted(set(fold[fold >= 0].tolist())):
            train, test = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
            xtr, xte = features(train, test, texts, vectors)
            clf = model().fit(xtr, y[train])
            # Columns in class-id order, whatever classes this fold's training part had.
            p = np.zeros((len(test), k))
            p[:, clf.classes_] = clf.predict_proba(xte)
            probs[test] = p
        out['methods'][name] = {
            'seconds': time.perf_counter() - start,
            'probabilities': [None if np.isnan(r[0]) else r.tolist() for r in probs],
        }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
