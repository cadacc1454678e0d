"""gensim's Word2Vec on a corpus file, timed: the peer for bench/pretrain.ts.

usage: pretrain_gensim.py CORPUS OUT.w2v.bin --sg 1 --dims 100 --window 5 --negative 5
           --min-count 5 --sample 1e-4 --epochs 5 --alpha 0.025 --workers 2 --seed 1
Trains with corpus_file= (its fastest mode), saves the vectors as word2vec binary, and prints
one JSON document: the training time (build_vocab and train, as gensim reports them) and the
vocabulary size.
"""
import argparse
import json
import logging
import time

from gensim.models import Word2Vec


def main():
    p = argparse.ArgumentParser()
    p.add_argument('corpus')
    p.add_argument('out')
    p.add_argument('--sg', type=int, default=1)
    p.add_argument('--dims', type=int, default=100)
    p.add_argument('--window', type=int, default=5)
    p.add_argument('--negative', type=int, default=5)
    p.add_argument('--min-count', type=int, default=5)
    p.add_argument('--sample', type=float, default=1e-3)
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--alpha', type=float, default=0.025)
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--seed', type=int, default=1)
    a = p.parse_args()
    logging.disable(logging.CRITICAL)
    t0 = time.perf_counter()
    model = Word2Vec(vector_size=a.dims, window=a.window, negative=a.negative, hs=0,
                     min_count=a.min_count, sample=a.sample, sg=a.sg, alpha=a.alpha,
                     min_alpha=a.alpha * 1e-4, workers=a.workers, seed=a.seed)
    model.build_vocab(corpus_file=a.corpus)
    t1 = time.perf_counter()
    model.train(corpus_file=a.corpus, total_words=model.corpus_total_words,
                total_examples=model.corpus_count, epochs=a.epochs)
    t2 = time.perf_counter()
    model.wv.save_word2vec_format(a.out, binary=True)
    print(json.dumps({'vocab_seconds': t1 - t0, 'train_seconds': t2 - t1,
                      'words': len(model.wv.index_to_key)}), flush=True)


if __name__ == '__main__':
    main()
