"""Writes similar_several.json: gensim 4.2's most_similar(positive=[...]) on the shared
w2v_tiny.bin fixture, for queries of several words (run with Debian's /usr/bin/python3)."""
import json
import sys
from pathlib import Path

from gensim.models import KeyedVectors

here = Path(__file__).parent
kv = KeyedVectors.load_word2vec_format(here / '../../../shared/fixtures/w2v_tiny.bin', binary=True)
queries = [['film', 'movie'], ['good', 'great', 'fine'], ['king', 'queen'], ['dark', 'comedy']]
out = [
    {'positive': q, 'results': [[w, float(s)] for w, s in kv.most_similar(positive=q, topn=10)]}
    for q in queries
    if all(w in kv.key_to_index for w in q)
]
json.dump(out, open(here / 'similar_several.json', 'w'), indent=1)
print(f'{len(out)} queries', file=sys.stderr)
