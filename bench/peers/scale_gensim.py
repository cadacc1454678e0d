"""gensim 4.2's side of bench/scale.ts, and the physical floor (numpy's OpenBLAS sgemm).

usage: scale_gensim.py generate PATH ROWS DIMS SEED   a seeded synthetic word2vec binary
       scale_gensim.py queries PATH WORDS_FILE         load, warm most_similar loop, sgemm floor
"""
import json
import resource
import sys
import time

import numpy as np


def generate(path, rows, dims, seed):
    rng = np.random.default_rng(seed)
    with open(path, "wb") as f:
        f.write(f"{rows} {dims}\n".encode())
        step = 50000
        for start in range(0, rows, step):
            n = min(step, rows - start)
            m = rng.standard_normal((n, dims), dtype=np.float32)
            f.write(b"".join(f"w{start + i} ".encode() + m[i].tobytes() for i in range(n)))


def queries(path, words_file):
    from gensim.models import KeyedVectors

    t = time.perf_counter()
    kv = KeyedVectors.load_word2vec_format(path, binary=True)
    load = time.perf_counter() - t
    words = open(words_file).read().split()
    kv.most_similar(words[0], topn=10)  # the first query computes the norms
    times = []
    answers = {}
    for w in words:
        t = time.perf_counter()
        answers[w] = kv.most_similar(w, topn=10)
        times.append(time.perf_counter() - t)
    # The floor: the whole normalised matrix times 256 unit queries at once (OpenBLAS sgemm).
    m = kv.get_normed_vectors()
    q = np.ascontiguousarray(m[[kv.key_to_index[w] for w in words[:256]]].T)
    m @ q[:, :8]  # warm the pages and the library
    t = time.perf_counter()
    m @ q
    floor = (time.perf_counter() - t) / q.shape[1]
    print(
        json.dumps(
            {
                "load_s": load,
                "loop_ms_per_query": 1000 * sum(times) / len(times),
                "floor_ms_per_query": 1000 * floor,
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "answers": {w: [a for a, _ in r] for w, r in answers.items()},
            }
        )
    )


cmd = sys.argv[1]
if cmd == "generate":
    generate(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
elif cmd == "queries":
    queries(sys.argv[2], sys.argv[3])
