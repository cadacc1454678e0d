#!/usr/bin/python3
"""scikit-learn and fastText peers of bench/corpus.ts on a corpus of long texts (the
SpamAssassin export): TF-IDF uni+bigrams (sublinear tf, l2) + LinearSVC(C=1), 10-fold
stratified CV (shuffled, seed 0) plus the final fit on every text, timed as one job; and
fastText supervised (one fit on every text, bigrams, 2 threads) as a second reference.
Tokens as ANCHORS.md section 2. Prints one JSON document on stdout.

Usage: /usr/bin/python3 bench/peers/corpus_sklearn.py CORPUS.csv [--no-fasttext]
"""
import csv
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

TOKEN = re.compile(r"[a-z0-9']+|[^\s\x85a-z0-9']")


def tokenize(text):
    return TOKEN.findall(text.lower())


def read(path):
    csv.field_size_limit(1 << 30)
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.DictReader(f))
    return [r['text'] for r in rows], np.array([r['label'] for r in rows])


def fit(texts, y):
    vec = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                          ngram_range=(1, 2), sublinear_tf=True)
    return vec, LinearSVC(C=1.0).fit(vec.fit_transform(texts), y)


def sklearn_run(texts, y):
    start, cpu = time.perf_counter(), time.process_time()
    correct = 0
    for tr, te in StratifiedKFold(n_splits=10, shuffle=True, random_state=0).split(texts, y):
        vec, svm = fit([texts[i] for i in tr], y[tr])
        correct += int((svm.predict(vec.transform([texts[i] for i in te])) == y[te]).sum())
    cv = time.perf_counter() - start
    fit(texts, y)
    return {'cv_seconds': cv, 'seconds': time.perf_counter() - start,
            'cpu': time.process_time() - cpu, 'accuracy': correct / len(y),
            'peak_rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def fasttext_run(texts, y):
    """One supervised fit on every text (the binary reads a file of __label__ lines)."""
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, 'train.txt')
        with open(data, 'w', encoding='utf-8') as f:
            for t, label in zip(texts, y):
                f.write(f"__label__{label} {' '.join(tokenize(t))}\n")
        start = time.perf_counter()
        out = subprocess.run(['fasttext', 'supervised', '-input', data, '-output',
                              os.path.join(tmp, 'model'), '-wordNgrams', '2', '-thread', '2',
                              '-verbose', '0'], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if out.returncode != 0:
            return {'error': out.stderr.strip()}
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {'seconds': seconds, 'peak_rss_mib': child.ru_maxrss / 1024,
                'model_mib': os.path.getsize(os.path.join(tmp, 'model.bin')) / 2**20}


def main():
    args = sys.argv[1:]
    texts, y = read(args[0])
    warnings.simplefilter('ignore', ConvergenceWarning)
    result = {'tool': 'scikit-learn', 'version': __import__('sklearn').__version__,
              'texts': len(texts), 'sklearn': sklearn_run(texts, y)}
    if '--no-fasttext' not in args:
        result['fasttext'] = fasttext_run(texts, y)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
