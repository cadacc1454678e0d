/**
 * The cluster recipe of docs/scale.md on a real engine: a Dask LocalCluster of two worker
 * processes (Debian's python3-distributed; .ci/run installs it) pipes the partitions of a
 * dask.bag of texts through `emb predict --json`, and the answers equal one process's byte
 * for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { train } from '../src/index.js';
import { emb } from './support/cli.js';
import { loadSMS } from './support/datasets.js';

const root = fileURLToPath(new URL('..', import.meta.url));

test('emb predict on a Dask LocalCluster (2 worker processes) answers as one process, byte for byte', async () => {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import dask.bag, distributed']);
  assert.equal(probe.status, 0, `${python} needs Dask: apt-get install python3-distributed`);
  const dir = mkdtempSync(join(tmpdir(), 'emb-dask-'));
  const sms = loadSMS();
  const clf = await train(
    {
      texts: sms.texts.slice(0, 1500),
      labels: sms.labels.slice(0, 1500).map((y) => sms.classes[y]),
    },
    { model: 'svm', seed: 0 },
  );
  const model = join(dir, 'sms.model');
  await clf.save(model);
  // 2,000 lines, a blank one and one in another script among them.
  const lines = [...sms.texts.slice(1500, 3499), '', 'très bien, merci 🙂'];
  const texts = join(dir, 'texts.txt');
  writeFileSync(texts, lines.join('\n') + '\n');
  const one = emb(['predict', model, '--json'], { input: lines.join('\n') + '\n' });
  assert.equal(one.status, 0, one.stderr);
  assert.equal(one.stdout.split('\n').length, lines.length + 1);
  const command = `${process.execPath} ${join(root, 'bin/emb.js')}`;
  const script = join(root, 'docs/dask-predict.py');
  const cluster = spawnSync(python, [script, model, texts, '--partitions', '7', '--emb', command], {
    encoding: 'utf8',
    env: { ...process.env, EMB_QUIET: '1' },
    timeout: 300_000,
  });
  assert.equal(cluster.status, 0, cluster.stderr);
  assert.equal(cluster.stdout, one.stdout);
});
