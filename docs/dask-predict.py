#!/usr/bin/python3
"""Label a file of texts (one per line) on a Dask cluster with `emb predict`.

Each partition of a dask.bag of the lines is piped through one `emb predict MODEL --json`
process on a worker; the answers come back partition after partition, in input order, so the
output is the one-process output byte for byte (docs/scale.md says why).

    python3 dask-predict.py MODEL texts.txt > answers.jsonl
    python3 dask-predict.py MODEL texts.txt --scheduler tcp://host:8786 --partitions 64

Without --scheduler it starts a LocalCluster of two worker processes on this machine
(Debian: apt-get install python3-distributed). Every worker needs emb, the model folder and
the vectors the model was trained with. --emb names the command (default: emb).
"""
import argparse
import re
import shlex
import subprocess
import sys

import dask.bag as db
from dask.distributed import Client, LocalCluster


def predict(lines, model, command):
    """One emb process for one partition: its lines in, one answer line per line out."""
    lines = list(lines)
    if not lines:
        return []
    out = subprocess.run(shlex.split(command) + ['predict', model, '--json', '--quiet'],
                         input=''.join(line + '\n' for line in lines).encode('utf-8'),
                         capture_output=True, check=True)
    answers = out.stdout.decode('utf-8').splitlines()
    if len(answers) != len(lines):
        raise RuntimeError(f'emb answered {len(answers)} of {len(lines)} lines')
    return answers


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('model')
    p.add_argument('texts', help='one text per line, UTF-8')
    p.add_argument('--scheduler', help='address of a running Dask scheduler')
    p.add_argument('--partitions', type=int, default=8)
    p.add_argument('--emb', default='emb', help='the emb command (default: emb)')
    args = p.parse_args()
    with open(args.texts, encoding='utf-8', newline='') as f:
        # Lines as emb reads them: LF, CRLF or CR end one (str.splitlines knows more breaks).
        lines = re.split(r'\r\n|\r|\n', f.read())
    if lines and lines[-1] == '':
        lines.pop()
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    with client:
        bag = db.from_sequence(lines, npartitions=max(1, min(args.partitions, len(lines))))
        answers = bag.map_partitions(predict, args.model, args.emb).compute()
    sys.stdout.write(''.join(a + '\n' for a in answers))


if __name__ == '__main__':
    main()
