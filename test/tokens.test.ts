/**
 * Many texts' tokens as training holds them (src/text/tokens.ts): one string per distinct
 * token, packed as ids to cross to a worker, tokenized once for the same texts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../src/text/tokenize.js';
import { packDocs, tokenizeTexts, unpackDocs } from '../src/text/tokens.js';

const texts = ['A film, a FILM!', 'the film', '', 'élan vital, élan'];

test('tokenizeTexts: the tokenizer tokens, every occurrence of a token one string', () => {
  const docs = tokenizeTexts([...texts], tokenize);
  assert.deepEqual(
    docs,
    texts.map((t) => tokenize(t)),
  );
  // The same string object wherever the token occurs (what keeps the heap small).
  const film = docs[0][1];
  assert.ok([docs[0][4], docs[1][1]].every((t) => Object.is(t, film)));
});

test('tokenizeTexts: the same texts again give the same documents; changed texts are tokenized again', () => {
  const input = [...texts];
  const docs = tokenizeTexts(input, tokenize);
  assert.equal(tokenizeTexts(input, tokenize), docs);
  input[1] = 'another text';
  const again = tokenizeTexts(input, tokenize);
  assert.notEqual(again, docs);
  assert.deepEqual(again[1], ['another', 'text']);
  const ascii = (t: string) => t.toLowerCase().split(/\s+/).filter(Boolean);
  assert.notEqual(tokenizeTexts(input, ascii), again, 'another tokenizer is another key');
});

test('packDocs / unpackDocs: the same documents back, empty ones included', () => {
  const docs = tokenizeTexts([...texts, 'x'], tokenize);
  const packed = packDocs(docs);
  assert.equal(packed.words.length, new Set(docs.flat()).size);
  assert.equal(packed.ids.length, docs.flat().length);
  assert.deepEqual(unpackDocs(packed), docs);
  assert.deepEqual(unpackDocs(packDocs([])), []);
});
