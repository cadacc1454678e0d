#!/usr/bin/python3
"""scikit-learn peer of bench/baseline.ts: one 10-fold MR run of the TF-IDF linear SVM and of
NBSVM, protocol of ../../../shared/ANCHORS.md section 2. Prints one JSON document on stdout.

Usage: /usr/bin/python3 bench/peers/baseline_sklearn.py [DATA_DIR] [--nbsvm-c C]
The JSON's "folds" gives each sentence's test fold, so that ours can be scored on the same folds.
"""
import json
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

# Same tokens as src/text/tokenize.ts; U+0085 is whitespace for Python's \s too, listed anyway.
TOKEN = re.compile(r"[a-z0-9']+|[^\s\x85a-z0-9']")


def tokenize(text):
    return TOKEN.findall(text.lower())


def lines(path):
    # Latin-1, split on "\n" only (U+0085 is not a line break here).
    out = path.read_bytes().decode('latin-1').split('\n')
    return out[:-1] if out and out[-1] == '' else out


def load_mr(data):
    pos = lines(data / 'mr' / 'rt-polarity.pos')
    neg = lines(data / 'mr' / 'rt-polarity.neg')
    return pos + neg, np.array([1] * len(pos) + [0] * len(neg))


def tfidf_svm(train, ytr, test):
    vec = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                          ngram_range=(1, 2), sublinear_tf=True)
    svm = LinearSVC(C=1.0).fit(vec.fit_transform(train), ytr)
    return svm.predict(vec.transform(test))


def nbsvm(train, ytr, test, c, alpha=1.0, beta=0.25):
    vec = CountVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                          ngram_range=(1, 2), binary=True)
    xtr = vec.fit_transform(train)
    p = alpha + np.asarray(xtr[ytr == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(xtr[ytr == 0].sum(axis=0)).ravel()
    r = sp.diags(np.log((p / p.sum()) / (q / q.sum())))
    svm = LinearSVC(C=c).fit(xtr @ r, ytr)
    w, b = svm.coef_.ravel(), svm.intercept_[0]
    # Interpolate the bias like one more weight (ANCHORS.md).
    mean = np.abs(np.append(w, b)).mean()
    w, b = (1 - beta) * mean + beta * w, (1 - beta) * mean + beta * b
    return ((vec.transform(test) @ r) @ w + b > 0).astype(int)


def folds(texts, y):
    return StratifiedKFold(n_splits=10, shuffle=True, random_state=0).split(texts, y)


def cross_validate(method, texts, y):
    start, cpu = time.perf_counter(), time.process_time()
    correct = 0
    for tr, te in folds(texts, y):
        pred = method([texts[i] for i in tr], y[tr], [texts[i] for i in te])
        correct += int((pred == y[te]).sum())
    return {'seconds': time.perf_counter() - start, 'cpu': time.process_time() - cpu,
            'accuracy': correct / len(y)}


def main():
    args = sys.argv[1:]
    c = 1.0
    if '--nbsvm-c' in args:
        at = args.index('--nbsvm-c')
        c = float(args[at + 1])
        del args[at:at + 2]
    here = Path(__file__).resolve()
    data = Path(args[0]) if args else here.parents[3] / 'shared' / 'data'
    texts, y = load_mr(data)
    warnings.simplefilter('ignore', ConvergenceWarning)
    result = {
        'tool': 'scikit-learn', 'version': __import__('sklearn').__version__,
        'svm': cross_validate(tfidf_svm, texts, y),
        'nbsvm': cross_validate(lambda a, b, t: nbsvm(a, b, t, c), texts, y),
    }
    test_fold = [0] * len(y)
    for f, (_, te) in enumerate(folds(texts, y)):
        for i in te:
            test_fold[i] = f
    result['folds'] = test_fold
    print(json.dumps(result))


if __name__ == '__main__':
    main()
