"""Writes kernels_sklearn.json: scikit-learn 1.2's and NumPy 1.24's answers that
test/kernels.test.ts pins emb's word counts and kernel SVMs to (run with Debian's
/usr/bin/python3 from this folder's parent's parent: python3 test/golden/kernels_sklearn.py).

- argsort: np.argsort (its default introsort) of integer arrays full of ties.
- vocab: CountVectorizer(max_features=N) on SUBJ's first 3,000 texts: the kept tokens.
- problems: SVC on small splits of SUBJ and AG News (counts of the top 1,000 tokens), with its
  decision values on the test texts (decision_function_shape='ovo'), iteration counts and
  support vector counts: rbf (gamma='scale'), linear, the intersection kernel and the
  exponential chi-squared kernel as precomputed Gram matrices, and class_weight='balanced'.
- floors: test accuracy of SVC rbf, SVC on the intersection Gram matrix and
  MLPClassifier((256,), early_stopping=True) on 2,000 / 2,000 (SUBJ) and 2,000 / 1,000
  (AG News) texts and the top 5,000 tokens, the references of the accuracy floors.
Tokens: ANCHORS.md section 2's tokenizer (emb's ascii-v1); splits: train_test_split(stratify,
random_state=0) of the indices, stored so that emb trains on the same texts.
"""
import csv
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics.pairwise import chi2_kernel
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC

here = Path(__file__).parent
data = here / '../../../shared/data'
sys.path.insert(0, str(here / '../../bench/peers'))
# ANCHORS.md section 2's tokens and Latin-1 lines, and the intersection Gram matrix, fast.
from baseline_sklearn import lines, tokenize  # noqa: E402
from kernels_sklearn import thermometer  # noqa: E402


def subj():
    a, b = lines(data / 'subj/subj.subjective'), lines(data / 'subj/subj.objective')
    return a + b, np.array([0] * len(a) + [1] * len(b))


def ag_news():
    names = (data / 'ag_news/classes.txt').read_text().split('\n')
    texts, labels = [], []
    with open(data / 'ag_news/test.csv', newline='', encoding='utf-8') as f:
        for cls, title, description in csv.reader(f):
            texts.append(f"{title}\n{description}".replace('\\', '\n'))
            labels.append(int(cls) - 1)
    # emb numbers classes in order of first appearance (src/text/dataset.ts).
    first = list(dict.fromkeys(labels))
    return texts, np.array([first.index(y) for y in labels]), [names[c] for c in first]


def split(labels, train, test, seed=0):
    idx = np.arange(len(labels))
    tr, rest = train_test_split(idx, train_size=train, stratify=labels, random_state=seed)
    te, _ = train_test_split(rest, train_size=test, stratify=labels[rest], random_state=seed)
    return tr, te


def counts(texts, tr, te, vocab):
    vec = CountVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                          max_features=vocab)
    xtr = vec.fit_transform([texts[i] for i in tr]).astype(np.float64)
    xte = vec.transform([texts[i] for i in te]).astype(np.float64)
    return vec.get_feature_names_out().tolist(), xtr, xte


def hik(a, b):
    """The intersection kernel of the rows of a and b (b the training rows)."""
    maxima = np.asarray(b.max(axis=0).todense()).ravel().astype(np.int64)
    return (thermometer(a, maxima) @ thermometer(b, maxima).T).toarray()


def svc_answer(svc, xte):
    return {
        'decision': np.asarray(svc.decision_function(xte)).tolist(),
        'iterations': np.atleast_1d(svc.n_iter_).tolist(),
        'support': int(len(svc.support_)),
    }


def problems():
    out = []
    texts, y = subj()
    tr, te = split(y, 800, 400)
    vocab, xtr, xte = counts(texts, tr, te, 1000)
    base = {'set': 'SUBJ', 'train': tr.tolist(), 'test': te.tolist(), 'vocab': 1000}
    out.append({**base, 'kernel': 'rbf',
                **svc_answer(SVC(kernel='rbf', gamma='scale').fit(xtr, y[tr]), xte)})
    out.append({**base, 'kernel': 'linear',
                **svc_answer(SVC(kernel='linear').fit(xtr, y[tr]), xte)})
    out.append({**base, 'kernel': 'hik',
                **svc_answer(SVC(kernel='precomputed').fit(hik(xtr, xtr), y[tr]),
                             hik(xte, xtr))})
    gamma = xtr.shape[0] / xtr.sum()  # emb's chi2 scale: 1 / the mean row sum
    out.append({**base, 'kernel': 'chi2', 'gamma': gamma, **svc_answer(
        SVC(kernel='precomputed').fit(chi2_kernel(xtr.toarray(), gamma=gamma), y[tr]),
        chi2_kernel(xte.toarray(), xtr.toarray(), gamma=gamma))})
    # Imbalanced: every objective text of the split, a quarter of the subjective ones.
    keep = np.array([i for i in tr if y[i] == 1 or i % 4 == 0])
    _, xk, xkte = counts(texts, keep, te, 1000)
    out.append({**base, 'train': keep.tolist(), 'kernel': 'rbf', 'classWeight': 'balanced',
                **svc_answer(SVC(kernel='rbf', gamma='scale', class_weight='balanced')
                             .fit(xk, y[keep]), xkte)})
    texts, y, _ = ag_news()
    tr, te = split(y, 600, 300)
    _, xtr, xte = counts(texts, tr, te, 1000)
    svc = SVC(kernel='rbf', gamma='scale', decision_function_shape='ovo').fit(xtr, y[tr])
    out.append({'set': 'AG', 'train': tr.tolist(), 'test': te.tolist(), 'vocab': 1000,
                'kernel': 'rbf', **svc_answer(svc, xte)})
    return out


def floors():
    out = []
    for name, (texts, y), sizes in [('SUBJ', subj(), (2000, 2000)),
                                    ('AG', ag_news()[:2], (2000, 1000))]:
        tr, te = split(y, *sizes)
        _, xtr, xte = counts(texts, tr, te, 5000)
        acc = lambda predicted: float((predicted == y[te]).mean())
        rbf = SVC(kernel='rbf', gamma='scale').fit(xtr, y[tr]).predict(xte)
        hk = SVC(kernel='precomputed').fit(hik(xtr, xtr), y[tr]).predict(hik(xte, xtr))
        mlp = MLPClassifier((256,), early_stopping=True, random_state=0).fit(xtr, y[tr])
        out.append({'set': name, 'train': tr.tolist(), 'test': te.tolist(),
                    'accuracy': {'rbf-svm': acc(rbf), 'hik-svm': acc(hk),
                                 'bow-mlp': acc(mlp.predict(xte))}})
    return out


def main():
    rng = np.random.default_rng(0)
    argsort = []
    for n, high in [(17, 3), (40, 2), (300, 5), (2000, 40)]:
        v = -rng.integers(1, high + 1, size=n)
        argsort.append({'values': v.tolist(), 'order': np.argsort(v).tolist()})
    texts, _ = subj()
    vocab = {str(n): CountVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False,
                                     max_features=n).fit(texts[:3000]).get_feature_names_out()
             .tolist() for n in (400, 3000)}
    golden = {'argsort': argsort, 'vocab': vocab, 'problems': problems(), 'floors': floors()}
    json.dump(golden, open(here / 'kernels_sklearn.json', 'w'))


if __name__ == '__main__':
    main()
