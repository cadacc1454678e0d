#!/usr/bin/python3
"""scikit-learn peer of bench/duplicates.ts: 10-fold CV on SMS Spam of ANCHORS.md section 2's
methods A (TF-IDF linear SVM), C (standardised mean vectors, LogisticRegression) and D (the
same, MLPClassifier), with StratifiedKFold (copies of a text anywhere) and with
StratifiedGroupKFold (every copy of a token sequence in one fold). Prints one JSON document.

Usage: /usr/bin/python3 bench/peers/duplicates_sklearn.py DATA_DIR VECTORS.f32
VECTORS.f32: each text's mean word vector (float32, texts x 100), as emb computes it.
"""
import json
import re
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

TOKEN = re.compile(r"[a-z0-9']+|[^\s\x85a-z0-9']")


def tokenize(text):
    return TOKEN.findall(text.lower())


def load_sms(data):
    rows = (data / 'sms_spam' / 'SMSSpamCollection').read_text('utf-8').split('\n')
    rows = [r.rstrip('\r') for r in rows if r != '']
    return [r.split('\t', 1)[1] for r in rows], np.array([r.split('\t', 1)[0] == 'spam' for r in rows])


def svm(texts, vectors, y, tr, te):
    vec = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                          ngram_range=(1, 2), sublinear_tf=True)
    model = LinearSVC(C=1.0).fit(vec.fit_transform([texts[i] for i in tr]), y[tr])
    return model.predict(vec.transform([texts[i] for i in te]))


def logreg(texts, vectors, y, tr, te):
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    return model.fit(vectors[tr], y[tr]).predict(vectors[te])


def mlp(texts, vectors, y, tr, te):
    model = make_pipeline(StandardScaler(), MLPClassifier((256,), early_stopping=True,
                                                          random_state=0))
    return model.fit(vectors[tr], y[tr]).predict(vectors[te])


def accuracy(method, texts, vectors, y, splits):
    correct = 0
    for tr, te in splits:
        correct += int((method(texts, vectors, y, tr, te) == y[te]).sum())
    return correct / len(y)


def main():
    texts, y = load_sms(Path(sys.argv[1]))
    vectors = np.fromfile(sys.argv[2], dtype=np.float32).reshape(len(texts), -1)
    first = {}
    groups = np.array([first.setdefault(' '.join(tokenize(t)), i) for i, t in enumerate(texts)])
    out = {'copies': int((groups != np.arange(len(y))).sum())}
    warnings.simplefilter('ignore', ConvergenceWarning)
    for name, method in [('svm', svm), ('logreg', logreg), ('mlp', mlp)]:
        plain = StratifiedKFold(n_splits=10, shuffle=True, random_state=0).split(texts, y)
        grouped = StratifiedGroupKFold(n_splits=10, shuffle=True,
                                       random_state=0).split(texts, y, groups)
        out[name] = {'plain': accuracy(method, texts, vectors, y, plain),
                     'grouped': accuracy(method, texts, vectors, y, grouped)}
    print(json.dumps(out))


main()
