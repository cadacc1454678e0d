import { readEmb } from '../src/formats/emb.ts';
import { products } from '../src/embeddings/kernels.ts';
let t = performance.now();
const e = readEmb('/tmp/glove.emb');
console.log('readEmb', (performance.now() - t).toFixed(1), e.rows);
const q = e.unitRow(e.lookup('king')!.row);
for (let k = 0; k < 5; k++) {
  t = performance.now();
  const s = products(e.matrix, e.dims, e.rows, e.scale, q);
  console.log('scan', (performance.now() - t).toFixed(1), s[654]);
}
