"""Training of the stance model on FNC-1: features, the inner-split choices, the artifact.

``storyline train stance --data DIR`` runs :func:`train_stance`: the committed dev split is held
out, every choice (stage-2 class weights, the `disagree` scale) is made on an inner topic split
of the training side, and dev is only scored. Stage 2 also reads the out-of-fold probabilities
of the bag-of-words views of :mod:`storyline.stance_stack`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.stance import (
    DEFAULT_MODEL_PATH,
    DEFAULT_SPLIT_PATH,
    LABELS,
    StanceError,
    StanceModel,
    combine_stages,
)

if TYPE_CHECKING:
    import numpy as np

    from storyline.config import Options

__all__ = [
    "PairFeatures",
    "choose_disagree",
    "fit_stage2",
    "fit_stance",
    "fnc_features",
    "train_stance",
]


# LightGBM settings; chosen on an inner split of the training side (never on dev).
STAGE1_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.5,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "verbose": -1,
    # One thread: on a shared machine OpenMP's spinning threads made two 60x slower.
    "num_threads": 1,
    "seed": 13,
    "deterministic": True,
}
STAGE1_ROUNDS = 300
STAGE2_PARAMS: dict[str, Any] = {
    **STAGE1_PARAMS,
    "objective": "multiclass",
    "num_class": 3,
    "num_leaves": 31,
}
STAGE2_ROUNDS = 400
STAGE2_LABELS = ("agree", "disagree", "discuss")
# Class weights of stage 2 are (majority / class count) ** this power: 1 would fully balance,
# 0 ignore the imbalance; in between protects `disagree` without flooding it.
CLASS_WEIGHT_POWER = 0.7
# Candidates for the stage-2 class-weight power and for the factor on the stage-2 `disagree`
# probability (applied by the model at predict time, stored in the artifact). Both are chosen by
# :func:`choose_disagree` on an inner validation split of the TRAINING side (never on dev).
CLASS_WEIGHT_POWERS = (0.7, 1.0)
DISAGREE_SCALES = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0)
# A candidate may cost at most this many points of inner-validation FNC weighted score against
# the best candidate; among those, the best inner-validation `disagree` F1 wins.
INNER_TOLERANCE = 0.5
INNER_SEED = 29
# Candidate shares of disagreeing articles for :func:`storyline.stance.contested_by_share`.
CONTESTED_SHARES = (0.2, 0.25, 0.3, 0.34, 0.4, 0.5)


@dataclass(slots=True)
class PairFeatures:
    """Feature rows of labelled pairs, ready for the classifiers."""

    X: np.ndarray
    y: list[str]


def fnc_features(
    data: Any,
    pairs: Sequence[Any],
    tfidf: Any,
    embed: Any,
    with_vectors: bool = True,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Feature rows for FNC pairs and their bag-of-words view rows (:func:`view_rows`).

    Every body and headline of ``data`` is encoded in one call: encoding all of ``data`` (not
    only ``pairs``) keeps the embedding calls identical between runs, so a disk cache of them
    is reused by the train and dev sides alike.
    """
    import numpy as np

    from storyline.stance_features import encode_articles, encode_claims, pair_features
    from storyline.stance_stack import view_rows

    body_ids = sorted(data.bodies, key=lambda x: (len(x), x))
    arts = dict(
        zip(
            body_ids, encode_articles([data.bodies[b] for b in body_ids], tfidf, embed), strict=True
        )
    )
    heads = sorted({p.headline for p in data.pairs})
    claims = dict(zip(heads, encode_claims(heads, tfidf, embed), strict=True))
    rows, orders = [], []
    for p in pairs:
        row, order, _ = pair_features(claims[p.headline], arts[p.body_id], with_vectors)
        rows.append(row)
        orders.append(order)
    views = view_rows([claims[p.headline] for p in pairs], [arts[p.body_id] for p in pairs], orders)
    return (np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)), views


def _class_weights(y: Sequence[str], power: float) -> dict[str, float]:
    from collections import Counter

    counts = Counter(y)
    top = max(counts.values())
    return {lab: (top / counts[lab]) ** power for lab in counts}


def fit_stance(
    X: np.ndarray,
    y: Sequence[str],
    *,
    power: float = CLASS_WEIGHT_POWER,
    rounds: tuple[int, int] = (STAGE1_ROUNDS, STAGE2_ROUNDS),
    n_stage1: int | None = None,
) -> tuple[Any, Any]:
    """Train both stages on feature rows; returns (stage1, stage2) LightGBM boosters.

    Stage 1 reads the first ``n_stage1`` columns (the pair features): the stacked
    probabilities come from models of related pairs only and say nothing about relatedness
    (on the inner split they cost stage 1 a point of `unrelated` F1).
    """
    import lightgbm as lgb
    import numpy as np

    y_rel = np.array([lab != "unrelated" for lab in y], dtype=np.float32)
    stage1 = lgb.train(
        STAGE1_PARAMS, lgb.Dataset(X[:, :n_stage1], y_rel), num_boost_round=rounds[0]
    )
    return stage1, fit_stage2(X, y, power=power, rounds=rounds[1])


def fit_stage2(
    X: np.ndarray, y: Sequence[str], *, power: float = CLASS_WEIGHT_POWER, rounds: int = 0
) -> Any:
    """The agree / disagree / discuss booster, trained on the related rows of ``X``."""
    import lightgbm as lgb
    import numpy as np

    rel = [i for i, lab in enumerate(y) if lab != "unrelated"]
    y3 = [y[i] for i in rel]
    weights = _class_weights(y3, power)
    stage2 = lgb.train(
        STAGE2_PARAMS,
        lgb.Dataset(
            X[rel],
            np.array([STAGE2_LABELS.index(lab) for lab in y3]),
            weight=np.array([weights[lab] for lab in y3], dtype=np.float32),
        ),
        num_boost_round=rounds or STAGE2_ROUNDS,
    )
    return stage2


def choose_disagree(
    data: Any,
    train_pairs: Sequence[Any],
    X_train: np.ndarray,
    log: Any = print,
    n_stage1: int | None = None,
) -> tuple[float, float, list[dict[str, float]]]:
    """Pick (class-weight power, disagree scale) on an inner split of the training side only.

    The inner split is carved from ``train_pairs`` exactly as the dev split is carved from all
    of FNC-1 (:func:`storyline.evaluate.fnc.dev_split`: whole topics, no headline or body on both
    sides, cross pairs dropped), with its own seed :data:`INNER_SEED`. Both stages are fitted on
    the inner training side; every power in :data:`CLASS_WEIGHT_POWERS` times every scale in
    :data:`DISAGREE_SCALES` is scored on the inner validation side. Candidates within
    :data:`INNER_TOLERANCE` points of the best inner weighted score are kept, and the one with the
    highest inner `disagree` F1 wins (ties: the higher weighted score). The dev split is never
    looked at. Returns (power, scale, table of every candidate's inner scores).
    """
    import numpy as np

    from storyline.evaluate import fnc

    sub = data.subset(train_pairs)
    inner = fnc.dev_split(sub, seed=INNER_SEED)
    dev_h, dev_b = set(inner["dev_headline_ids"]), set(inner["dev_body_ids"])
    side = [(p.headline_id in dev_h, p.body_id in dev_b) for p in train_pairs]
    fit_rows = np.array([not h and not b for h, b in side])
    val_rows = np.array([h and b for h, b in side])
    y = [p.stance or "" for p in train_pairs]
    y_fit = [lab for lab, keep in zip(y, fit_rows, strict=True) if keep]
    y_val = [lab for lab, keep in zip(y, val_rows, strict=True) if keep]
    log(f"inner split: {int(fit_rows.sum())} fit, {int(val_rows.sum())} validation pairs")
    stage1, _ = fit_stance(X_train[fit_rows], y_fit, rounds=(STAGE1_ROUNDS, 1), n_stage1=n_stage1)
    X_val = X_train[val_rows]
    p_rel = np.asarray(stage1.predict(X_val[:, :n_stage1]), dtype=np.float64)
    table: list[dict[str, float]] = []
    predicted: dict[tuple[float, float], list[str]] = {}
    for power in CLASS_WEIGHT_POWERS:
        stage2 = fit_stage2(X_train[fit_rows], y_fit, power=power)
        p3 = np.asarray(stage2.predict(X_val), dtype=np.float64).reshape(len(X_val), -1)
        for scale in DISAGREE_SCALES:
            vec = [scale if lab == "disagree" else 1.0 for lab in STAGE2_LABELS]
            probs = combine_stages(p_rel, p3, STAGE2_LABELS, vec)
            labels = [
                "unrelated" if 1.0 - row[3] < 0.5 else LABELS[int(row[:3].argmax())]
                for row in probs
            ]
            sc = fnc.score(y_val, labels)
            predicted[(power, scale)] = labels
            table.append(
                {
                    "power": power,
                    "scale": scale,
                    "weighted": round(sc.weighted, 3),
                    "macro_f1": round(sc.macro_f1, 4),
                    "disagree_f1": round(sc.f1.get("disagree", 0.0), 4),
                }
            )
            log(
                f"inner power {power} scale {scale}: weighted {sc.weighted:.2f} "
                f"macro-F1 {sc.macro_f1:.3f} disagree F1 {sc.f1.get('disagree', 0.0):.3f}"
            )
    best_w = max(r["weighted"] for r in table)
    ok = [r for r in table if r["weighted"] >= best_w - INNER_TOLERANCE]
    best = max(ok, key=lambda r: (r["disagree_f1"], r["weighted"]))
    log(f"chosen on the inner split: power {best['power']}, disagree scale {best['scale']}")
    val_pairs = [p for p, keep in zip(train_pairs, val_rows, strict=True) if keep]
    contested_table(val_pairs, predicted[(best["power"], best["scale"])], log)
    return best["power"], best["scale"], table


def contested_table(
    pairs: Sequence[Any], labels: Sequence[str], log: Any = print
) -> list[dict[str, float]]:
    """Contested-detection accuracy of each candidate share on inner-validation headlines.

    As ``storyline eval contested`` scores it (a headline is contested when one of its
    gold-related bodies disagrees; predicted contested by :func:`contested_by_share` over the
    predicted stances of those bodies), but on the inner validation side of the training
    split, so :data:`storyline.stance.CONTESTED_SHARE` can be re-chosen without the dev split.
    The table is logged; the constant is set by hand from it.
    """
    by_head: dict[str, list[tuple[str, str]]] = {}
    for p, lab in zip(pairs, labels, strict=True):
        if p.stance and p.stance != "unrelated":
            by_head.setdefault(p.headline, []).append((p.stance, lab))
    rows = []
    for share in (None, *CONTESTED_SHARES):
        right = 0
        for items in by_head.values():
            gold = any(g == "disagree" for g, _ in items)
            d = sum(1 for _, lab in items if lab == "disagree")
            n = sum(1 for _, lab in items if lab != "unrelated")
            pred = share is not None and d > 0 and d >= share * n
            right += pred == gold
        acc = right / max(1, len(by_head))
        rows.append({"share": share if share is not None else -1.0, "accuracy": round(acc, 4)})
        name = "never contested" if share is None else f"share {share}"
        log(f"inner contested ({len(by_head)} headlines): {name}: accuracy {acc:.3f}")
    return rows


def train_stance(
    data_dir: str | Path,
    out: str | Path | None = None,
    *,
    split_path: str | Path | None = None,
    cache_dir: str | None = None,
    options: Options | None = None,
    with_vectors: bool = False,
    log: Any = print,
) -> dict[str, Any]:
    """Train on the FNC-1 training side of the committed split, score dev, write the artifact.

    The stage-2 class-weight power and the `disagree` probability scale are chosen by
    :func:`choose_disagree` on an inner topic split of the training side (dev is only scored),
    then both stages are refitted on the whole training side with the chosen power, and the
    scale is stored in the artifact (``stage2_scale``) so :meth:`StanceModel.predict` applies it.

    Stage 2 reads the pair features and the bag-of-words view probabilities
    (:mod:`storyline.stance_stack`): out-of-fold by topic on the training side, from the
    refitted views on dev.

    Returns the dev scores (as :meth:`storyline.evaluate.fnc.Score.to_dict`) and timings.
    """
    import time

    import numpy as np

    from storyline.evaluate import fnc
    from storyline.stance_features import Tfidf, cached
    from storyline.stance_stack import fit_views

    t0 = time.perf_counter()
    d = Path(data_dir)
    data = fnc.load_fnc1(d / "train_bodies.csv", d / "train_stances.csv")
    split_file = Path(split_path or DEFAULT_SPLIT_PATH)
    if split_file.is_file():
        split = fnc.load_split(split_file)
    else:
        split = fnc.dev_split(data)
        split_file.parent.mkdir(parents=True, exist_ok=True)
        split_file.write_text(json.dumps(split, indent=0) + "\n", encoding="utf-8")
        log(f"wrote new dev split {split_file}")
    train_pairs = fnc.apply_split(data, split, "train")
    dev_pairs = fnc.apply_split(data, split, "dev")
    if not train_pairs:
        raise StanceError(f"{d}: no training pairs after the split")
    log(f"pairs: {len(train_pairs)} train, {len(dev_pairs)} dev (cross pairs dropped)")
    train_bodies = {p.body_id for p in train_pairs}
    docs = [data.bodies[b] for b in sorted(train_bodies)]
    docs += sorted({p.headline for p in train_pairs})
    tfidf = Tfidf.fit(docs)
    from storyline.embed import embed_texts

    embed = cached(lambda texts: embed_texts(texts, options), cache_dir)
    X_all, views = fnc_features(data, train_pairs + dev_pairs, tfidf, embed, with_vectors)
    t_feat = time.perf_counter() - t0
    n_base = X_all.shape[1]
    log(f"features: {n_base} per pair, {t_feat:.0f} s")
    n_tr = len(train_pairs)
    y_train = [p.stance or "" for p in train_pairs]
    stack, oof = fit_views(
        {v: m[:n_tr] for v, m in views.items()}, y_train, fnc.topic_groups(train_pairs), log
    )
    X_train = np.hstack([X_all[:n_tr], oof])
    log(f"bag-of-words stack: {stack.n_features} features, {time.perf_counter() - t0:.0f} s")
    power, scale, inner_table = choose_disagree(data, train_pairs, X_train, log, n_base)
    stage1, stage2 = fit_stance(X_train, y_train, power=power, n_stage1=n_base)
    t_fit = time.perf_counter() - t0 - t_feat
    log(f"classifiers: {t_fit:.0f} s")
    artifact = {
        "format": "storyline-stance-1",
        "with_vectors": with_vectors,
        "tfidf": tfidf.to_dict(),
        "stage1": stage1.model_to_string(),
        "stage2": stage2.model_to_string(),
        "stage2_labels": list(STAGE2_LABELS),
        "related_threshold": 0.5,
        "stage2_scale": {"disagree": scale},
        "stack": stack.to_dict(),
        "meta": {
            "trained_on": "FNC-1 train_stances.csv, training side of dev-split.json",
            "train_pairs": len(train_pairs),
            "embedding": "all-MiniLM-L6-v2",
            "class_weight_power": power,
            "disagree_scale": scale,
            "inner_split": {"seed": INNER_SEED, "tolerance": INNER_TOLERANCE, "table": inner_table},
        },
    }
    model = StanceModel(artifact, options)
    result: dict[str, Any] = {"train_pairs": len(train_pairs), "dev_pairs": len(dev_pairs)}
    if dev_pairs:
        # Through the stored (rounded) weights, exactly as predict() will compute them.
        assert model.stack is not None
        dev_views = {v: m[n_tr:] for v, m in views.items()}
        X_dev = np.hstack([X_all[n_tr:], model.stack.features(dev_views)])
        predicted = model.decide(model.probabilities(X_dev))
        dev_score = fnc.score([p.stance or "" for p in dev_pairs], predicted)
        result["dev"] = dev_score.to_dict()
        for line in dev_score.lines():
            log("dev " + line)
        at_mix = fnc.score_at_mix(dev_score, fnc.class_mix(data.pairs))
        if at_mix is not None:
            result["dev"]["weighted_score_pct_at_file_mix"] = round(at_mix, 2)
            log(f"dev FNC-1 weighted score at the class mix of all pairs: {at_mix:.2f}%")
    artifact["meta"]["dev"] = result.get("dev")
    target = Path(out or DEFAULT_MODEL_PATH)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(artifact, separators=(",", ":")).encode("utf-8")
    target.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    result["artifact"] = str(target)
    result["artifact_bytes"] = target.stat().st_size
    result["seconds"] = round(time.perf_counter() - t0, 1)
    log(f"wrote {target} ({result['artifact_bytes'] / 1e6:.2f} MB) in {result['seconds']:.0f} s")
    return result
