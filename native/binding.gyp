{
  "targets": [
    {
      "target_name": "emb_native",
      "sources": ["emb_native.c", "scan.c", "analogy.c", "parse.c", "crc32c.c", "linear.c", "sentence.c", "word2vec.c", "smo.c", "sparse.c", "nets.c"],
      "cflags": ["-O3", "-std=gnu11", "-ffp-contract=off", "-fno-math-errno", "-Wall"],
      "libraries": ["-lpthread"]
    }
  ]
}
