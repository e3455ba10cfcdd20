"""The plain two-stage TF-IDF + logistic regression baseline, on the committed FNC-1 dev split.

The issue's reference point ("a plain two-stage TF-IDF + logistic regression scored 79.4% on
the FNC-1 test set"), measured on OUR split so the shipped model has a bag-of-words yardstick:
trained on the training side of ``data/stance/dev-split.json`` only, scored on its dev side.

Features per pair: TF-IDF (word 1-2 grams, sublinear tf, fitted on training-side bodies and
headlines) of the headline, of the body, their element-wise product (the shared terms) and their
cosine. Stage 1: logistic regression related vs unrelated; stage 2: multinomial logistic
regression agree / disagree / discuss on related pairs. No embeddings, no hand features.

    python benchmarks/baseline_stance.py [--data DIR] [--C 1.0]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "fnc1"))
    ap.add_argument("--C", type=float, default=1.0, help="inverse regularisation of both stages")
    ap.add_argument("--max-features", type=int, default=50000)
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from storyline.evaluate import fnc
    from storyline.stance import DEFAULT_SPLIT_PATH

    d = Path(args.data)
    if not (d / "train_bodies.csv").is_file():
        print(f"no FNC-1 data at {d}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    data = fnc.load_fnc1(d / "train_bodies.csv", d / "train_stances.csv")
    split = fnc.load_split(DEFAULT_SPLIT_PATH)
    train = fnc.apply_split(data, split, "train")
    dev = fnc.apply_split(data, split, "dev")
    vec = TfidfVectorizer(
        ngram_range=(1, 2),
        sublinear_tf=True,
        stop_words="english",
        min_df=2,
        max_features=args.max_features,
    )
    vec.fit(
        [data.bodies[b] for b in sorted({p.body_id for p in train})]
        + sorted({p.headline for p in train})
    )

    def features(pairs: list[fnc.FncPair]) -> csr_matrix:
        h = vec.transform([p.headline for p in pairs])
        b = vec.transform([data.bodies[p.body_id] for p in pairs])
        shared = h.multiply(b).tocsr()
        cos = np.asarray(shared.sum(axis=1))
        return hstack([h, b, shared * 10.0, csr_matrix(cos * 10.0)], format="csr")

    X_tr, X_dev = features(train), features(dev)
    y_tr = np.array([p.stance or "" for p in train])
    rel = y_tr != "unrelated"
    stage1 = LogisticRegression(C=args.C, max_iter=2000).fit(X_tr, rel)
    stage2 = LogisticRegression(C=args.C, max_iter=2000).fit(X_tr[rel], y_tr[rel])
    is_rel = stage1.predict_proba(X_dev)[:, 1] >= 0.5
    labels = np.where(is_rel, stage2.predict(X_dev), "unrelated")
    seconds = time.perf_counter() - t0
    result = fnc.score([p.stance or "" for p in dev], labels.tolist())
    print(f"TF-IDF + logistic regression, two stages (C={args.C}); train {len(train)} pairs")
    print(f"dev split of {DEFAULT_SPLIT_PATH.name}")
    for line in result.lines():
        print(line)
    mix = fnc.class_mix(data.pairs)
    print(
        f"at the class mix of all {sum(mix.values())} pairs: {fnc.score_at_mix(result, mix):.2f}%"
    )
    print(f"time: {seconds:.1f} s (train + score)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
