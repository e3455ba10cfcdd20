"""Bag-of-words views stacked under the stance model's stage 2.

The hand features of :mod:`storyline.stance_features` see cue words only through fixed
lexicons; a linear model over the TF-IDF terms of a text learns which words of a body or a
claim go with agree, disagree or discuss (bodies that "reportedly" and "claims" their way
through a story discuss it; headlines that say "hoax" or "denies" draw disagreement). Each
view is one multinomial logistic regression over the TF-IDF rows the article and claim
encodings already hold (the model's own vocabulary, so nothing new is tokenised at predict
time), and its three class probabilities become features of the LightGBM stage 2.

Views (:data:`VIEWS`): the whole body, the claim, the top claim-matching sentences, and the
terms the claim shares with those sentences. Stacking is honest only if stage 2 never sees
in-sample probabilities: on the training side every row gets its probabilities from a model
fitted on the other topics (grouped K-fold, :func:`fit_views`), and the shipped weights are
refitted on the whole training side. Weights are stored as JSON (pruned to the terms that
carry weight), never pickled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from storyline.stance_features import ArticleEncoding, ClaimEncoding

__all__ = ["LABELS3", "VIEWS", "BowStack", "fit_views", "view_rows"]

VIEWS = ("body", "claim", "top", "shared_top")
LABELS3 = ("agree", "disagree", "discuss")
# Sentences of the "top" view: as many as the evidence and the top-k features use.
TOP_SENTENCES = 3
# Inverse regularisation and balanced class weights: chosen on the inner split of the training
# side (C in 0.3 / 1 / 3; balanced lifted the stacked model's inner `disagree` F1 and weighted
# score both).
C = 1.0
# Ten folds: each out-of-fold model learns from 90% of the topics, closer to the shipped one
# (on the inner split five folds gave a stage 2 about a point worse: its stacked inputs were
# less sure than the shipped model's will be).
FOLDS = 10
# lbfgs stopping tolerance: 1e-3 halves the fitting time against sklearn's 1e-4.
TOL = 1e-3
# Terms whose largest absolute weight over the three classes is below this are dropped from
# the stored weights: they move a probability by well under a percent.
PRUNE = 0.02


def view_rows(
    claims: Sequence[ClaimEncoding],
    arts: Sequence[ArticleEncoding],
    orders: Sequence[Sequence[int]],
) -> dict[str, Any]:
    """One CSR matrix per view, a row per (claim, article, sentence ranking)."""
    import numpy as np
    from scipy.sparse import csr_matrix, vstack

    body = vstack([a.body_tfidf for a in arts], format="csr")
    claim = vstack([c.tfidf for c in claims], format="csr")
    tops = []
    for a, order in zip(arts, orders, strict=True):
        idx = list(order[:TOP_SENTENCES])
        if idx:
            tops.append(csr_matrix(a.sent_tfidf[idx].sum(axis=0)))
        else:
            tops.append(csr_matrix((1, body.shape[1]), dtype=np.float32))
    top = vstack(tops, format="csr")
    norms = np.sqrt(np.asarray(top.multiply(top).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    top = csr_matrix(top.multiply(1.0 / norms[:, None]), dtype=np.float32)
    return {
        "body": body,
        "claim": claim,
        "top": top,
        "shared_top": csr_matrix(claim.multiply(top), dtype=np.float32),
    }


def _softmax(z: np.ndarray) -> np.ndarray:
    import numpy as np

    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class BowStack:
    """The fitted linear models of every view: (vocab, 3) weights and 3 intercepts each."""

    def __init__(self, weights: dict[str, Any], intercepts: dict[str, Any]) -> None:
        import numpy as np

        self.weights = weights  # view -> CSR (vocab, 3)
        self.intercepts = {v: np.asarray(b, dtype=np.float64) for v, b in intercepts.items()}
        self.views = tuple(v for v in VIEWS if v in weights)

    @property
    def n_features(self) -> int:
        return 3 * len(self.views)

    def features(self, rows: dict[str, Any]) -> np.ndarray:
        """(n, 3 * views) class probabilities, views in :data:`VIEWS` order."""
        import numpy as np

        out = [
            _softmax((rows[v] @ self.weights[v]).toarray().astype(np.float64) + self.intercepts[v])
            for v in self.views
        ]
        return np.hstack(out).astype(np.float32)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"labels": list(LABELS3), "views": {}}
        for v in self.views:
            w = self.weights[v].tocsr()
            terms = w.getnnz(axis=1).nonzero()[0]
            dense = w[terms].toarray()
            out["views"][v] = {
                "rows": terms.tolist(),
                "w": [[round(float(x), 4) for x in r] for r in dense],
                "b": [round(float(x), 5) for x in self.intercepts[v]],
            }
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], vocab_size: int) -> BowStack:
        import numpy as np
        from scipy.sparse import csr_matrix

        if list(data.get("labels", [])) != list(LABELS3):
            raise ValueError(f"stack labels {data.get('labels')} are not {list(LABELS3)}")
        weights, intercepts = {}, {}
        for v, d in data["views"].items():
            rows = np.asarray(d["rows"], dtype=np.int64)
            w = np.asarray(d["w"], dtype=np.float32).reshape(len(rows), 3)
            if len(rows) and (rows.min() < 0 or rows.max() >= vocab_size):
                raise ValueError(f"stack view {v}: term index outside the vocabulary")
            r = np.repeat(rows, 3)
            c = np.tile(np.arange(3), len(rows))
            weights[v] = csr_matrix((w.ravel(), (r, c)), shape=(vocab_size, 3))
            intercepts[v] = d["b"]
        return cls(weights, intercepts)


def _fit_one(X: Any, y: Sequence[str]) -> tuple[Any, np.ndarray]:
    """A multinomial logistic regression; (vocab, 3) pruned CSR weights and the intercepts."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    m = LogisticRegression(C=C, tol=TOL, max_iter=3000, class_weight="balanced").fit(X, list(y))
    order = [list(m.classes_).index(lab) for lab in LABELS3]
    w = m.coef_[order].T.copy()  # (vocab, 3)
    w[np.abs(w).max(axis=1) < PRUNE] = 0.0
    return csr_matrix(w.astype(np.float32)), m.intercept_[order]


def fit_views(
    rows: dict[str, Any], y: Sequence[str], groups: Sequence[str], log: Any = print
) -> tuple[BowStack, np.ndarray]:
    """Fit every view on the related rows; return the shipped stack and out-of-fold features.

    ``rows`` hold the training pairs (all four labels); each model learns from the related
    pairs only (stage 2's population), but every row, unrelated ones included, gets
    probabilities from the fold model that did not see its topic (``groups``: one id per topic,
    so no headline or body of a held-out fold is in its model's training rows).
    """
    import numpy as np
    from sklearn.model_selection import GroupKFold

    labels = np.asarray(list(y))
    related = labels != "unrelated"
    n = len(labels)
    oof = np.zeros((n, 3 * len(VIEWS)), dtype=np.float32)
    folds = list(GroupKFold(n_splits=FOLDS).split(np.zeros(n), groups=list(groups)))
    weights, intercepts = {}, {}
    for j, v in enumerate(VIEWS):
        X = rows[v]
        for fit_idx, held in folds:
            fit_idx = fit_idx[related[fit_idx]]
            w, b = _fit_one(X[fit_idx], labels[fit_idx])
            one = BowStack({v: w}, {v: b})
            oof[held, 3 * j : 3 * j + 3] = one.features({v: X[held]})
        weights[v], intercepts[v] = _fit_one(X[related], labels[related])
        log(f"stack view {v}: {weights[v].getnnz(axis=1).astype(bool).sum()} terms kept")
    return BowStack(weights, intercepts), oof
