#!/usr/bin/python3
"""scikit-learn's side of bench/kernels.ts: kernel SVMs and a network on word counts.

usage: kernels_sklearn.py TOKENS_JSON split           the train/test split of the set
       kernels_sklearn.py TOKENS_JSON METHOD [VOCAB]  fit + predict one method on it

TOKENS_JSON is {"docs": [[token, ...], ...], "labels": [class id, ...], "train_size": N}, the
tokens emb made (so both sides count the same tokens). The split is
train_test_split(range(n), train_size=N, stratify=labels, random_state=0), ANCHORS.md
section 5's protocol. The counts are CountVectorizer(max_features=VOCAB, default 5000) over
those tokens. METHOD:
  rbf  SVC(kernel='rbf', C=1, gamma='scale')
  hik  SVC(kernel='precomputed') on the histogram intersection Gram matrix, computed as the
       linear kernel of thermometer-coded counts (min(a, b) = sum_k [a >= k][b >= k]), the
       test rows' counts capped at the training maxima (which leaves min() unchanged)
  mlp  MLPClassifier((256,), early_stopping=True, random_state=0)
Prints one JSON document: fit + predict seconds (the Gram matrices included), CPU seconds,
accuracy, the test predictions and peak resident memory (before and after).
"""
import json
import resource
import sys
import time

import numpy as np
import scipy.sparse as sp


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def split(labels, train_size):
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(labels))
    train, test = train_test_split(idx, train_size=train_size, stratify=labels, random_state=0)
    return train, test


def thermometer(x, maxima):
    """Each count c of column j as ones in columns offset[j] .. offset[j] + min(c, max_j) - 1."""
    x = x.tocsr()
    offset = np.concatenate([[0], np.cumsum(maxima)])
    counts = np.minimum(x.data, maxima[x.indices]).astype(np.int64)
    rows = np.repeat(np.repeat(np.arange(x.shape[0]), np.diff(x.indptr)), counts)
    starts = np.repeat(offset[x.indices], counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    cols = starts + within
    data = np.ones(len(cols))
    return sp.csr_matrix((data, (rows, cols)), shape=(x.shape[0], int(offset[-1])))


def main():
    path, method = sys.argv[1], sys.argv[2]
    vocab = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    data = json.load(open(path))
    labels = np.array(data["labels"])
    train, test = split(labels, data["train_size"])
    if method == "split":
        print(json.dumps({"train": train.tolist(), "test": test.tolist()}))
        return

    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC

    docs = data["docs"]
    vec = CountVectorizer(analyzer=lambda d: d, max_features=vocab)
    xtr = vec.fit_transform([docs[i] for i in train]).astype(np.float64)
    xte = vec.transform([docs[i] for i in test]).astype(np.float64)
    ytr, yte = labels[train], labels[test]
    before = max_rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    if method == "rbf":
        predicted = SVC(kernel="rbf", C=1, gamma="scale").fit(xtr, ytr).predict(xte)
    elif method == "hik":
        maxima = np.asarray(xtr.max(axis=0).todense()).ravel().astype(np.int64)
        ttr = thermometer(xtr, maxima)
        tte = thermometer(xte, maxima)
        gram = (ttr @ ttr.T).toarray()
        svc = SVC(kernel="precomputed", C=1).fit(gram, ytr)
        predicted = svc.predict((tte @ ttr.T).toarray())
    elif method == "mlp":
        mlp = MLPClassifier(hidden_layer_sizes=(256,), early_stopping=True, random_state=0)
        predicted = mlp.fit(xtr, ytr).predict(xte)
    else:
        raise SystemExit(f"unknown method {method}")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        json.dumps(
            {
                "tool": "scikit-learn",
                "version": __import__("sklearn").__version__,
                "method": method,
                "seconds": seconds,
                "cpu": cpu,
                "accuracy": float((predicted == yte).mean()),
                "predicted": predicted.tolist(),
                "rss_before_mb": before,
                "rss_peak_mb": max_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
