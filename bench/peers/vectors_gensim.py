"""gensim 4.2's side of bench/vectors.ts: the same jobs on the same vectors, timed the same way.

usage: vectors_gensim.py prepare GLOVE_TXT KV_PATH     convert once to gensim's own format
       vectors_gensim.py load-text GLOVE_TXT           time load_word2vec_format(no_header=True)
       vectors_gensim.py analogy KV_PATH               whole process: mmap load + one analogy + print
       vectors_gensim.py similar KV_PATH WORDS_FILE    warm most_similar(topn=10), ms per query
"""
import json
import sys
import time

from gensim.models import KeyedVectors


def main():
    cmd = sys.argv[1]
    if cmd == "prepare":
        kv = KeyedVectors.load_word2vec_format(sys.argv[2], binary=False, no_header=True)
        kv.save(sys.argv[3])
    elif cmd == "load-text":
        t = time.perf_counter()
        kv = KeyedVectors.load_word2vec_format(sys.argv[2], binary=False, no_header=True)
        print(json.dumps({"seconds": time.perf_counter() - t, "words": len(kv)}))
    elif cmd == "analogy":
        kv = KeyedVectors.load(sys.argv[2], mmap="r")
        for word, score in kv.most_similar(positive=["king", "woman"], negative=["man"], topn=10):
            print(f"{word}\t{score:.4f}")
    elif cmd == "similar":
        kv = KeyedVectors.load(sys.argv[2], mmap="r")
        words = open(sys.argv[3]).read().split()
        kv.most_similar(words[0], topn=10)  # first query computes the norms
        times = []
        for w in words:
            t = time.perf_counter()
            kv.most_similar(w, topn=10)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(json.dumps({"median_ms": times[len(times) // 2], "queries": len(times)}))


main()
