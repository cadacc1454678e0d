"""scikit-learn's side of bench/transfer.ts: the same job, whole process, same tokens.

usage: transfer_sklearn.py prepare W2V_BIN KV_PATH     convert once to gensim's own format (mmap)
       transfer_sklearn.py logreg|mlp KV_PATH MR_DIR   load vectors (mmap), read MR, average,
                                                       standardise, 10-fold CV, then the final
                                                       fit on all data; prints JSON with the
                                                       in-process times of both
"""
import json
import re
import sys
import time

import numpy as np
from gensim.models import KeyedVectors

# emb's tokenizer (src/text/tokenize.ts); Python's \s already includes U+0085.
TOKEN = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")


def read_mr(folder):
    texts, labels = [], []
    for name, label in (("rt-polarity.pos", 1), ("rt-polarity.neg", 0)):
        lines = open(f"{folder}/{name}", "rb").read().decode("latin-1").split("\n")
        if lines[-1] == "":
            lines.pop()
        texts += lines
        labels += [label] * len(lines)
    return texts, np.array(labels)


def features(kv, texts):
    x = np.zeros((len(texts), kv.vector_size), dtype=np.float32)
    for i, t in enumerate(texts):
        rows = [kv.key_to_index[w] for w in TOKEN.findall(t.lower()) if w in kv.key_to_index]
        if rows:
            x[i] = kv.vectors[rows].mean(axis=0)
    return x


def main():
    cmd = sys.argv[1]
    if cmd == "prepare":
        KeyedVectors.load_word2vec_format(sys.argv[2], binary=True).save(sys.argv[3])
        return
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    started = time.perf_counter()
    kv = KeyedVectors.load(sys.argv[2], mmap="r")
    texts, y = read_mr(sys.argv[3])
    x = features(kv, texts)
    prepared = time.perf_counter() - started
    if cmd == "logreg":
        clf = LogisticRegression(C=1.0, max_iter=1000)
    else:
        clf = MLPClassifier(hidden_layer_sizes=(256,), early_stopping=True, random_state=0)
    folds = StratifiedKFold(n_splits=10, shuffle=True, random_state=0)
    scores = cross_val_score(make_pipeline(StandardScaler(), clf), x, y, cv=folds)
    cv_done = time.perf_counter() - started
    # What `emb train` also does after cross-validating: fit the final model on all the data.
    make_pipeline(StandardScaler(), clf).fit(x, y)
    print(json.dumps({
        "model": cmd,
        "accuracy": float(scores.mean()),
        "prepare_seconds": prepared,
        "seconds": cv_done,
        "seconds_with_final": time.perf_counter() - started,
    }))


main()
