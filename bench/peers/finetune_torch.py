"""PyTorch's side of bench/finetune.ts: Kim's CNN (static and non-static) and the deep averaging
network, on the split, tokens and vectors bench/finetune.ts wrote (ANCHORS.md section 3).

usage: finetune_torch.py TASK.json MODEL SEED [EPOCHS]
       MODEL: cnn-static | cnn-non-static | dan | dan-static
       (TORCH_THREADS: threads, default 2; TORCH_ADAM=sparse: the word rows by SparseAdam,
       which updates only the rows a batch used, as emb does)

TASK.json (written by bench/finetune.ts): tokens of every text, labels, the outer split (train /
test), the validation part of the training part for each seed, and the words that have a
pretrained vector with their rows in TASK.f32 (float32, row-major).

The protocol: the vocabulary is the words of the fitted part (training minus validation);
those with a pretrained vector start from it, the others from U(-0.25, 0.25); a word outside
that vocabulary reads its pretrained vector when it has one, else nothing (zero, as padding).
Adam 1e-3, batches of 50, test accuracy at the epoch of best validation accuracy (the first
such epoch). Prints one JSON line: per-epoch validation and test accuracy and seconds (the
training pass plus the validation pass; the test pass is the protocol's and not timed).
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "2")))

WIDTHS = (3, 4, 5)
MAPS = 100
PAD = max(WIDTHS) - 1


SPARSE = os.environ.get("TORCH_ADAM") == "sparse"


def embedding(table, static):
    return nn.Embedding.from_pretrained(table, freeze=static, padding_idx=0, sparse=SPARSE)


class Cnn(nn.Module):
    def __init__(self, table, classes, static):
        super().__init__()
        self.embed = embedding(table, static)
        dims = table.shape[1]
        self.convs = nn.ModuleList(nn.Conv1d(dims, MAPS, w) for w in WIDTHS)
        self.dropout = nn.Dropout(0.5)
        self.out = nn.Linear(MAPS * len(WIDTHS), classes)

    def forward(self, ids, mask):
        x = self.embed(ids).transpose(1, 2)  # batch x dims x length
        pooled = [F.relu(conv(x)).max(dim=2).values for conv in self.convs]
        return self.out(self.dropout(torch.cat(pooled, 1)))


class Dan(nn.Module):
    def __init__(self, table, classes, static, word_dropout=0.3, hidden=300):
        super().__init__()
        self.embed = embedding(table, static)
        self.word_dropout = word_dropout
        dims = table.shape[1]
        self.layers = nn.Sequential(
            nn.Linear(dims, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, classes),
        )

    def forward(self, ids, mask):
        keep = mask
        if self.training and self.word_dropout > 0:
            drop = torch.rand(mask.shape) < self.word_dropout
            kept = mask & ~drop
            # A text whose every word was dropped keeps them all.
            none = kept.sum(1, keepdim=True) == 0
            keep = torch.where(none, mask, kept)
        k = keep.unsqueeze(2).float()
        count = k.sum(1).clamp(min=1)
        mean = (self.embed(ids) * k).sum(1) / count
        return self.layers(mean)


def main():
    task_path, model_name, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    task = json.load(open(task_path))
    epochs = int(sys.argv[4]) if len(sys.argv) > 4 else (10 if model_name.startswith("cnn") else 20)
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)

    words = task["words"]
    dims = task["dims"]
    pretrained = np.fromfile(task_path[: -len(".json")] + ".f32", dtype=np.float32).reshape(
        len(words), dims
    )
    row_of = {w: i for i, w in enumerate(words)}
    tokens, labels = task["tokens"], np.array(task["labels"])
    train = task["train"]
    validation = set(task["validation"][str(seed)])
    fitted = [i for i in train if i not in validation]
    val = [i for i in train if i in validation]
    test = task["test"]

    # Ids: 0 is padding; the fitted part's words, then the other words with a vector.
    ids = {}
    for i in fitted:
        for t in tokens[i]:
            ids.setdefault(t, len(ids) + 1)
    for w in words:
        ids.setdefault(w, len(ids) + 1)
    table = np.zeros((len(ids) + 1, dims), dtype=np.float32)
    for w, j in ids.items():
        if w in row_of:
            table[j] = pretrained[row_of[w]]
        else:
            table[j] = rng.uniform(-0.25, 0.25, dims)
    classes = len(task["classes"])
    static = model_name in ("cnn-static", "dan-static")
    net = (Cnn if model_name.startswith("cnn") else Dan)(
        torch.from_numpy(table), classes, static
    )
    rows = [net.embed.weight] if SPARSE and not static else []
    dense = [p for p in net.parameters() if p.requires_grad and all(p is not r for r in rows)]
    optimizers = [torch.optim.Adam(dense, lr=1e-3)]
    if rows:
        optimizers.append(torch.optim.SparseAdam(rows, lr=1e-3))
    cnn = model_name.startswith("cnn")
    longest = max(len(tokens[i]) for i in train)

    def batch(rows):
        seqs = [[ids.get(t, 0) for t in tokens[i]] for i in rows]
        width = max(longest, max(len(s) for s in seqs))
        lead = PAD if cnn else 0
        full = width + 2 * PAD if cnn else width
        x = np.zeros((len(rows), max(full, 1)), dtype=np.int64)
        for r, s in enumerate(seqs):
            x[r, lead : lead + len(s)] = s
        x = torch.from_numpy(x)
        return x, x != 0

    def accuracy(rows):
        net.eval()
        right = 0
        with torch.no_grad():
            for s in range(0, len(rows), 500):
                part = rows[s : s + 500]
                x, m = batch(part)
                right += (net(x, m).argmax(1).numpy() == labels[part]).sum()
        return right / len(rows)

    loss_fn = nn.CrossEntropyLoss()
    history = []
    order = np.array(fitted)
    for epoch in range(epochs):
        started = time.perf_counter()
        net.train()
        rng.shuffle(order)
        for s in range(0, len(order), 50):
            part = order[s : s + 50]
            x, m = batch(part)
            for o in optimizers:
                o.zero_grad()
            loss = loss_fn(net(x, m), torch.from_numpy(labels[part]))
            loss.backward()
            for o in optimizers:
                o.step()
        val_acc = accuracy(val)
        seconds = time.perf_counter() - started
        history.append({"validation": val_acc, "test": accuracy(test), "seconds": seconds})
    best = max(range(epochs), key=lambda e: (history[e]["validation"], -e))
    print(
        json.dumps(
            {
                "model": model_name,
                "seed": seed,
                "best_epoch": best + 1,
                "test_accuracy": history[best]["test"],
                "epoch_seconds": float(np.mean([h["seconds"] for h in history])),
                "history": history,
            }
        )
    )


if __name__ == "__main__":
    main()
