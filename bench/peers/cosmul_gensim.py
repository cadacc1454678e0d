"""3CosMul under evaluate_word_analogies' protocol, as a reference for `emb eval --method 3cosmul`.

gensim 4.2's evaluate_word_analogies always uses most_similar (3CosAdd), and most_similar_cosmul
has no restrict_vocab; this applies most_similar_cosmul's formula to the first RESTRICT rows with
the same question vocabulary, exclusions and "first of the best five" rule.

usage: cosmul_gensim.py VECTORS.w2v.bin QUESTIONS RESTRICT
"""
import json
import sys

import numpy as np
from gensim.models import KeyedVectors


def main():
    path, questions, restrict = sys.argv[1], sys.argv[2], int(sys.argv[3])
    kv = KeyedVectors.load_word2vec_format(path, binary=True)
    ok = {k.upper(): kv.get_index(k) for k in reversed(kv.index_to_key[:restrict])}
    rows = kv.vectors[:restrict]
    norms = np.linalg.norm(rows, axis=1)
    correct = total = 0
    for line in open(questions, encoding='utf8'):
        if line.startswith(': ') or len(line.split()) != 4:
            continue
        a, b, c, expected = [w.upper() for w in line.split()]
        if any(w not in ok for w in (a, b, c, expected)):
            continue
        ia, ib, ic = ok[a], ok[b], ok[c]
        pa, pb, pc = [(1 + rows @ kv.get_vector(i, norm=True) / norms) / 2 for i in (ia, ib, ic)]
        dists = pb * pc / (pa + 0.000001)
        best = [i for i in np.argsort(-dists, kind='stable')[:8] if i not in (ia, ib, ic)][:5]
        predicted = None
        for i in best:
            predicted = kv.index_to_key[i].upper()
            if predicted not in (a, b, c):
                break
        total += 1
        correct += predicted == expected
    print(json.dumps({'method': '3cosmul', 'restrict': restrict, 'correct': correct, 'total': total}))


if __name__ == '__main__':
    main()
