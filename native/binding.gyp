{
  "targets": [
    {
      "target_name": "emb_native",
      "sources": ["emb_native.c"],
      "cflags": ["-O3", "-fopenmp-simd", "-march=native", "-std=c11", "-ffp-contract=off"],
      "libraries": ["-lpthread"]
    }
  ]
}
