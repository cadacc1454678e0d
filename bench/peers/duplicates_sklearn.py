#!/usr/bin/python3
"""scikit-learn peer of bench/duplicates.ts: 10-fold CV of the TF-IDF linear SVM (ANCHORS.md
section 2, method A) on SMS Spam, with StratifiedKFold (copies of a text anywhere) and with
StratifiedGroupKFold (every copy of a token sequence in one fold). Prints one JSON document.

Usage: /usr/bin/python3 bench/peers/duplicates_sklearn.py DATA_DIR
"""
import json
import re
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.svm import LinearSVC

TOKEN = re.compile(r"[a-z0-9']+|[^\s\x85a-z0-9']")


def tokenize(text):
    return TOKEN.findall(text.lower())


def load_sms(data):
    rows = (data / 'sms_spam' / 'SMSSpamCollection').read_text('utf-8').split('\n')
    rows = [r.rstrip('\r') for r in rows if r != '']
    return [r.split('\t', 1)[1] for r in rows], np.array([r.split('\t', 1)[0] == 'spam' for r in rows])


def accuracy(texts, y, splits):
    correct = 0
    for tr, te in splits:
        vec = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                              ngram_range=(1, 2), sublinear_tf=True)
        svm = LinearSVC(C=1.0).fit(vec.fit_transform([texts[i] for i in tr]), y[tr])
        correct += int((svm.predict(vec.transform([texts[i] for i in te])) == y[te]).sum())
    return correct / len(y)


def main():
    texts, y = load_sms(Path(sys.argv[1]))
    first = {}
    groups = np.array([first.setdefault(' '.join(tokenize(t)), i) for i, t in enumerate(texts)])
    plain = StratifiedKFold(n_splits=10, shuffle=True, random_state=0).split(texts, y)
    grouped = StratifiedGroupKFold(n_splits=10, shuffle=True, random_state=0).split(texts, y, groups)
    print(json.dumps({'copies': int((groups != np.arange(len(y))).sum()),
                      'plain': accuracy(texts, y, plain), 'grouped': accuracy(texts, y, grouped)}))


main()
