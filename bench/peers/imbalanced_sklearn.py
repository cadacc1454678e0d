#!/usr/bin/python3
"""scikit-learn peer of bench/imbalanced.ts: on the texts, labels and test folds that script
writes (MR with 5% positives), TF-IDF 1-2-grams (sublinear tf, the same tokens as emb's ascii
tokenizer) and LinearSVC or LogisticRegression, with and without class_weight='balanced'.
Prints one JSON document: each method's out-of-fold predictions (class ids) and seconds.

Usage: /usr/bin/python3 bench/peers/imbalanced_sklearn.py SET.json
"""
import json
import re
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

TOKEN = re.compile(r"[a-z0-9']+|[^\s\x85a-z0-9']")


def tokenize(text):
    return TOKEN.findall(text.lower())


METHODS = {
    'LinearSVC': lambda cw: LinearSVC(C=1.0, class_weight=cw),
    'LinearSVC balanced': lambda cw: LinearSVC(C=1.0, class_weight='balanced'),
    'LogisticRegression': lambda cw: LogisticRegression(C=1.0, max_iter=2000),
    'LogisticRegression balanced':
        lambda cw: LogisticRegression(C=1.0, max_iter=2000, class_weight='balanced'),
}


def main():
    data = json.load(open(sys.argv[1]))
    texts, y, fold = data['texts'], np.array(data['labels']), np.array(data['folds'])
    warnings.simplefilter('ignore', ConvergenceWarning)
    out = {'tool': 'scikit-learn', 'version': __import__('sklearn').__version__, 'methods': {}}
    for name, make in METHODS.items():
        start = time.perf_counter()
        predicted = np.zeros(len(y), dtype=int)
        for f in range(fold.max() + 1):
            tr, te = np.where(fold != f)[0], np.where(fold == f)[0]
            vec = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                                  ngram_range=(1, 2), sublinear_tf=True)
            model = make(None).fit(vec.fit_transform([texts[i] for i in tr]), y[tr])
            predicted[te] = model.predict(vec.transform([texts[i] for i in te]))
        out['methods'][name] = {'seconds': time.perf_counter() - start,
                                'predicted': predicted.tolist()}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
