"""gensim's intrinsic evaluation, timed: the peer for bench/evaluate.ts.

usage: evaluate_gensim.py VECTORS.w2v.bin [--analogies FILE --restrict N ...] [--pairs FILE ...]
       evaluate_gensim.py --fasttext MODEL.bin
Prints one JSON document per task on stdout.
"""
import argparse
import json
import logging
import time

from gensim.models import KeyedVectors
from gensim.models.fasttext import load_facebook_vectors


def main():
    p = argparse.ArgumentParser()
    p.add_argument('vectors', nargs='?', help='word2vec binary file')
    p.add_argument('--analogies', help='analogy set (questions-words layout)')
    p.add_argument('--restrict', type=int, action='append', default=[])
    p.add_argument('--pairs', action='append', default=[], help='word-pair similarity set')
    p.add_argument('--fasttext', help='fastText .bin model: time load_facebook_vectors')
    a = p.parse_args()
    logging.disable(logging.CRITICAL)

    if a.fasttext:
        t = time.perf_counter()
        ft = load_facebook_vectors(a.fasttext)
        print(json.dumps({'task': 'load-fasttext-bin', 'seconds': time.perf_counter() - t,
                          'words': len(ft.index_to_key)}), flush=True)
    if not a.vectors:
        return
    t = time.perf_counter()
    kv = KeyedVectors.load_word2vec_format(a.vectors, binary=True)
    print(json.dumps({'task': 'load', 'seconds': time.perf_counter() - t}), flush=True)
    kv.fill_norms()  # computed once, outside the timed evaluation (as ours reads stored norms)
    for restrict in a.restrict:
        t = time.perf_counter()
        score, sections = kv.evaluate_word_analogies(a.analogies, restrict_vocab=restrict)
        seconds = time.perf_counter() - t
        total = next(s for s in sections if s['section'] == 'Total accuracy')
        print(json.dumps({'task': 'analogy', 'restrict': restrict, 'seconds': seconds,
                          'accuracy': score, 'correct': len(total['correct']),
                          'total': len(total['correct']) + len(total['incorrect'])}), flush=True)
    for pairs in a.pairs:
        t = time.perf_counter()
        (pearson, _), (spearman, _), oov = kv.evaluate_word_pairs(pairs)
        print(json.dumps({'task': 'pairs', 'file': pairs, 'seconds': time.perf_counter() - t,
                          'pearson': float(pearson), 'spearman': float(spearman), 'oov': oov}),
              flush=True)


if __name__ == '__main__':
    main()
