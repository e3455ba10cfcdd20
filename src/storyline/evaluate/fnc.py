"""FNC-1 and Emergent stance data: loaders, the by-topic dev split, and the official scorer.

The FNC-1 weighted score (as scored by the challenge): per pair +0.25 when related vs
unrelated is right, and for a related gold pair +0.75 more when the exact stance is right
(0.25 + 0.50 + 0.25 in the official code). It is reported as a percentage of the maximum a
perfect system gets on the same pairs, beside macro-F1 over the four classes, per-class F1
and the confusion matrix (rows gold, columns predicted).

The score depends on the class mix: an `unrelated` pair is worth a quarter of a related one
and is the easy class. The dev split keeps only pairs whose headline and body are both on the
dev side, so most of FNC-1's random `unrelated` pairs (a dev headline with a training body)
are dropped and the dev mix is 36% unrelated, where the FNC-1 files (and the competition test
set the 2017 scores were measured on) are 72-73% unrelated. :func:`score_at_mix` gives the
score the same per-class behaviour (the confusion rows) earns at another mix, so dev figures
can be set beside published ones.

The dev split is carved by topic: headlines and bodies joined by a related pair form
connected components; whole components go to dev (seeded), so no headline and no body is on
both sides; unrelated pairs that cross the split are dropped.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.evaluate.metrics import PRF
from storyline.model import content_id

__all__ = [
    "COMPETITION_TEST_MIX",
    "LABELS",
    "FncData",
    "FncError",
    "FncPair",
    "Score",
    "dev_split",
    "load_emergent",
    "load_fnc1",
    "load_split",
    "class_mix",
    "score",
    "score_at_mix",
    "topic_groups",
    "write_predictions",
]

LABELS = ("agree", "disagree", "discuss", "unrelated")
# Gold counts of the 2017 competition test set (25,413 pairs), as the challenge published
# them: the mix the 2017 scores (82.02% best, 75.20% baseline) were measured at.
COMPETITION_TEST_MIX = {"agree": 1903, "disagree": 697, "discuss": 4464, "unrelated": 18349}
RELATED = ("agree", "disagree", "discuss")
EMERGENT_MAP = {"for": "agree", "against": "disagree", "observing": "discuss"}


class FncError(ValueError):
    """A data file that cannot be read as FNC-1 / Emergent; the message names file and reason."""


@dataclass(frozen=True, slots=True)
class FncPair:
    headline: str
    body_id: str
    stance: str | None  # None when the file carries no labels

    @property
    def headline_id(self) -> str:
        return content_id(self.headline)


@dataclass(slots=True)
class FncData:
    bodies: dict[str, str]
    pairs: list[FncPair]

    def subset(self, pairs: Sequence[FncPair]) -> FncData:
        ids = {p.body_id for p in pairs}
        return FncData({b: t for b, t in self.bodies.items() if b in ids}, list(pairs))


def _read_csv(path: str | Path, required: Sequence[str]) -> list[dict[str, str]]:
    p = Path(path)
    try:
        with p.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = reader.fieldnames or []
            missing = [c for c in required if c not in fields]
            if missing:
                raise FncError(f"{p}: missing column(s) {', '.join(missing)} (has {fields})")
            return list(reader)
    except OSError as exc:
        raise FncError(f"{p}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FncError(f"{p}: not a UTF-8 CSV file: {exc}") from None


def load_fnc1(bodies: str | Path, stances: str | Path) -> FncData:
    """Read an FNC-1 bodies file and a stances file (the Stance column is optional)."""
    body_rows = _read_csv(bodies, ("Body ID", "articleBody"))
    stance_rows = _read_csv(stances, ("Headline", "Body ID"))
    texts = {r["Body ID"].strip(): r["articleBody"] or "" for r in body_rows}
    pairs = []
    for i, r in enumerate(stance_rows, start=2):
        bid = (r["Body ID"] or "").strip()
        if bid not in texts:
            raise FncError(f"{stances}: line {i}: Body ID {bid!r} is not in {bodies}")
        label = (r.get("Stance") or "").strip().lower() or None
        if label is not None and label not in LABELS:
            raise FncError(f"{stances}: line {i}: unknown stance {label!r}")
        pairs.append(FncPair(r["Headline"] or "", bid, label))
    return FncData(texts, pairs)


def load_emergent(path: str | Path) -> FncData:
    """Emergent (claimHeadline vs articleHeadline) as FNC-style pairs; every pair is related."""
    rows = _read_csv(path, ("claimHeadline", "articleHeadline", "articleHeadlineStance"))
    bodies: dict[str, str] = {}
    pairs = []
    for i, r in enumerate(rows, start=2):
        label = EMERGENT_MAP.get((r["articleHeadlineStance"] or "").strip().lower())
        if label is None:
            raise FncError(f"{path}: line {i}: unknown stance {r['articleHeadlineStance']!r}")
        bid = r.get("articleId") or str(i)
        bodies[bid] = r["articleHeadline"] or ""
        pairs.append(FncPair(r["claimHeadline"] or "", bid, label))
    return FncData(bodies, pairs)


# --------------------------------------------------------------------------- dev split


def _topics(pairs: Iterable[FncPair]) -> tuple[dict[str, str], Any]:
    """Union-find over headlines ("h" + id) and bodies ("b" + id) joined by a related pair."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        a, b = find("h" + p.headline_id), find("b" + p.body_id)
        if p.stance in RELATED and a != b:
            parent[a] = b
    return parent, find


def topic_groups(pairs: Sequence[FncPair]) -> list[str]:
    """One topic id per pair (its component of related pairs), for grouped K-fold splits.

    Folds of whole topics keep every headline and body on one side, as the dev split does;
    an unrelated pair joins the topic of its body.
    """
    _, find = _topics(pairs)
    return [find("b" + p.body_id) for p in pairs]


def dev_split(data: FncData, dev_fraction: float = 0.2, seed: int = 13) -> dict[str, list[str]]:
    """Headline and body ids of the dev side: whole topics (components of related pairs)."""
    parent, find = _topics(data.pairs)
    members: dict[str, list[str]] = defaultdict(list)
    for node in list(parent):
        members[find(node)].append(node)
    roots = sorted(members)
    random.Random(seed).shuffle(roots)
    n_bodies = sum(1 for node in parent if node[0] == "b")
    dev: list[str] = []
    taken = 0
    for root in roots:
        if taken >= dev_fraction * n_bodies:
            break
        dev.extend(members[root])
        taken += sum(1 for node in members[root] if node[0] == "b")
    return {
        "dev_headline_ids": sorted(n[1:] for n in dev if n[0] == "h"),
        "dev_body_ids": sorted((n[1:] for n in dev if n[0] == "b"), key=_body_key),
    }


def _body_key(x: str) -> tuple[int, str]:
    return (int(x), x) if x.isdigit() else (1 << 62, x)


def load_split(path: str | Path) -> dict[str, list[str]]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FncError(f"{path}: cannot read split file: {exc}") from None


def apply_split(data: FncData, split: dict[str, list[str]], side: str) -> list[FncPair]:
    """The pairs of one side ("train" or "dev"); pairs that cross the split are dropped."""
    dev_h = set(split["dev_headline_ids"])
    dev_b = set(split["dev_body_ids"])
    want = side == "dev"
    return [
        p for p in data.pairs if (p.headline_id in dev_h) == want and (p.body_id in dev_b) == want
    ]


# --------------------------------------------------------------------------- scoring


@dataclass(slots=True)
class Score:
    n: int
    weighted: float  # FNC-1 score as % of the maximum
    raw: float
    max_raw: float
    macro_f1: float
    f1: dict[str, float] = field(default_factory=dict)
    confusion: list[list[int]] = field(default_factory=list)  # rows gold, cols predicted
    accuracy: float = 0.0
    related_accuracy: float = 0.0  # 3-class accuracy on gold-related pairs
    related_macro_f1: float = 0.0  # macro-F1 over agree / disagree / discuss

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "weighted_score_pct": round(self.weighted, 2),
            "macro_f1": round(self.macro_f1, 4),
            "f1": {k: round(v, 4) for k, v in self.f1.items()},
            "accuracy": round(self.accuracy, 4),
            "related_accuracy": round(self.related_accuracy, 4),
            "related_macro_f1": round(self.related_macro_f1, 4),
            "confusion": {"labels": list(LABELS), "rows_gold_cols_predicted": self.confusion},
        }

    def lines(self) -> list[str]:
        out = [
            f"pairs: {self.n}",
            f"FNC-1 weighted score: {self.weighted:.2f}% of max "
            f"({self.raw:.2f} / {self.max_raw:.2f})",
            f"macro-F1 (4 classes): {self.macro_f1:.4f}   accuracy: {self.accuracy:.4f}",
            f"3-class on related gold: accuracy {self.related_accuracy:.4f}, "
            f"macro-F1 {self.related_macro_f1:.4f}",
            "per-class F1: " + "  ".join(f"{k} {v:.4f}" for k, v in self.f1.items()),
            "confusion (rows gold, columns predicted):",
            f"{'':>10} " + " ".join(f"{lab:>10}" for lab in LABELS),
        ]
        for lab, row in zip(LABELS, self.confusion, strict=True):
            out.append(f"{lab:>10} " + " ".join(f"{c:>10}" for c in row))
        return out


def _f1(tp: int, fp: int, fn: int) -> float:
    return PRF(tp, fp, fn).f1


def score(gold: Iterable[str], predicted: Iterable[str]) -> Score:
    """Official FNC-1 weighted score plus macro-F1, per-class F1 and the confusion matrix."""
    g = [str(x) for x in gold]
    p = [str(x) for x in predicted]
    if len(g) != len(p):
        raise ValueError(f"{len(g)} gold labels but {len(p)} predictions")
    for lab in (*g, *p):
        if lab not in LABELS:
            raise ValueError(f"unknown stance label {lab!r}")
    idx = {lab: i for i, lab in enumerate(LABELS)}
    conf = [[0] * len(LABELS) for _ in LABELS]
    raw = max_raw = 0.0
    for a, b in zip(g, p, strict=True):
        conf[idx[a]][idx[b]] += 1
        max_raw += 0.25 if a == "unrelated" else 1.0
        if a == b:
            raw += 0.25
            if a != "unrelated":
                raw += 0.50
        if a in RELATED and b in RELATED:
            raw += 0.25
    f1 = {}
    for lab in LABELS:
        i = idx[lab]
        tp = conf[i][i]
        fp = sum(conf[r][i] for r in range(len(LABELS))) - tp
        fn = sum(conf[i]) - tp
        f1[lab] = _f1(tp, fp, fn)
    present = [lab for lab in LABELS if any(conf[idx[lab]]) or f1[lab] > 0]
    rel = [(a, b) for a, b in zip(g, p, strict=True) if a in RELATED]
    rel_f1 = []
    for lab in RELATED:
        tp = sum(1 for a, b in rel if a == b == lab)
        fp = sum(1 for a, b in rel if b == lab and a != lab)
        fn = sum(1 for a, b in rel if a == lab and b != lab)
        if tp + fn:
            rel_f1.append(_f1(tp, fp, fn))
    n = len(g)
    return Score(
        n=n,
        weighted=100.0 * raw / max_raw if max_raw else 0.0,
        raw=raw,
        max_raw=max_raw,
        macro_f1=sum(f1[lab] for lab in present) / len(present) if present else 0.0,
        f1=f1,
        confusion=conf,
        accuracy=sum(1 for a, b in zip(g, p, strict=True) if a == b) / n if n else 0.0,
        related_accuracy=sum(1 for a, b in rel if a == b) / len(rel) if rel else 0.0,
        related_macro_f1=sum(rel_f1) / len(rel_f1) if rel_f1 else 0.0,
    )


def class_mix(pairs: Iterable[FncPair]) -> dict[str, int]:
    """Gold label counts of ``pairs`` (unlabelled pairs are not counted)."""
    counts = dict.fromkeys(LABELS, 0)
    for p in pairs:
        if p.stance in counts:
            counts[p.stance] += 1
    return counts


def score_at_mix(result: Score, mix: dict[str, int]) -> float | None:
    """FNC-1 weighted score (% of max) of ``result``'s per-class behaviour at gold counts ``mix``.

    Each gold class keeps the points per pair it earned (its confusion row); the classes are
    then weighted by ``mix`` instead of their counts here. None when a class of ``mix`` has no
    gold pair in ``result`` (its behaviour is unknown).
    """
    got = best = 0.0
    for i, lab in enumerate(LABELS):
        want = mix.get(lab, 0)
        if not want:
            continue
        row = result.confusion[i]
        n = sum(row)
        if not n:
            return None
        if lab == "unrelated":
            points, most = 0.25 * row[i], 0.25
        else:
            related = sum(row[LABELS.index(r)] for r in RELATED)
            points, most = 0.25 * related + 0.75 * row[i], 1.0
        got += want * points / n
        best += want * most
    return 100.0 * got / best if best else None


def write_predictions(path: str | Path, pairs: Sequence[FncPair], labels: Sequence[str]) -> None:
    """FNC-1 submission format: Headline,Body ID,Stance."""
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", "Stance"])
        for pair, label in zip(pairs, labels, strict=True):
            w.writerow([pair.headline, pair.body_id, label])
