"""Contested detection on FNC-1: per headline, over its related bodies, is the verdict
``contested`` exactly when at least one body's gold stance is ``disagree``?

Each dev headline is a claim; its related bodies (gold agree / disagree / discuss) are the
articles of its story. The verdict comes from :func:`storyline.verdicts.verdict_for_claim` with
the shipped stance model — the same rule the dossier uses. Headlines come from the stance
model's committed dev split (never seen in its training), so the figure is held out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.evaluate.metrics import PRF

__all__ = ["ContestedDataError", "ContestedScores", "evaluate_contested"]


class ContestedDataError(ValueError):
    """The FNC-1 data or the split cannot be used; the message names the file and reason."""


@dataclass(slots=True)
class ContestedScores:
    split: str
    headlines: int = 0
    gold_contested: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    pairs: int = 0
    seconds: float = 0.0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.headlines if self.headlines else 0.0

    @property
    def contested(self) -> PRF:
        return PRF(self.tp, self.fp, self.fn)

    @property
    def precision(self) -> float:
        return self.contested.precision

    @property
    def recall(self) -> float:
        return self.contested.recall

    @property
    def f1(self) -> float:
        return self.contested.f1

    @property
    def not_contested_accuracy(self) -> float:
        n = self.tn + self.fp
        return self.tn / n if n else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "headlines": self.headlines,
            "gold_contested": self.gold_contested,
            "pairs": self.pairs,
            "accuracy": round(self.accuracy, 4),
            "contested_precision": round(self.precision, 4),
            "contested_recall": round(self.recall, 4),
            "contested_f1": round(self.f1, 4),
            "not_contested_accuracy": round(self.not_contested_accuracy, 4),
            "confusion": {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn},
            "seconds": round(self.seconds, 1),
        }

    def render(self) -> str:
        d = self.to_dict()
        return "\n".join(
            [
                f"contested detection on FNC-1 ({self.split} headlines): {self.headlines} "
                f"headlines, {self.gold_contested} with a disagreeing body, {self.pairs} pairs",
                f"accuracy             {d['accuracy']:.4f}",
                f"contested  P/R/F1    {d['contested_precision']:.4f} / "
                f"{d['contested_recall']:.4f} / {d['contested_f1']:.4f}",
                f"not contested right  {d['not_contested_accuracy']:.4f}",
                f"confusion (gold x predicted contested): tp={self.tp} fn={self.fn} "
                f"fp={self.fp} tn={self.tn}",
                f"time {self.seconds:.1f} s",
            ]
        )


def evaluate_contested(
    data: str | Path,
    *,
    split: str = "dev",
    limit: int | None = None,
    stance_model: Any = None,
    split_path: str | Path | None = None,
) -> ContestedScores:
    """Score contested detection on the FNC-1 headlines of ``split`` ("dev" or "all")."""
    from storyline.evaluate import fnc
    from storyline.model import Article, VerdictLabel
    from storyline.verdicts import verdict_for_claim

    folder = Path(data)
    bodies, stances = folder / "train_bodies.csv", folder / "train_stances.csv"
    for p in (bodies, stances):
        if not p.is_file():
            raise ContestedDataError(f"{p}: no such file (expected the FNC-1 training files)")
    try:
        fncdata = fnc.load_fnc1(bodies, stances)
    except fnc.FncError as exc:
        raise ContestedDataError(str(exc)) from None
    if split == "dev":
        from storyline.stance import DEFAULT_SPLIT_PATH

        path = Path(split_path or DEFAULT_SPLIT_PATH)
        if not path.is_file():
            raise ContestedDataError(f"{path}: the stance model's dev split is not there")
        pairs = fnc.apply_split(fncdata, fnc.load_split(path), "dev")
    elif split == "all":
        pairs = fncdata.pairs
    else:
        raise ContestedDataError(f"--split {split!r}: expected dev or all")
    if stance_model is None:
        from storyline.stance import load_stance_model

        stance_model = load_stance_model()

    by_headline: dict[str, list[Any]] = {}
    for pair in pairs:
        if pair.stance and pair.stance != "unrelated":
            by_headline.setdefault(pair.headline, []).append(pair)
    headlines = sorted(by_headline)
    if limit is not None:
        headlines = headlines[:limit]
    scores = ContestedScores(split=split)
    t0 = time.perf_counter()
    for h in headlines:
        related = by_headline[h]
        articles = [
            Article(id=f"fnc1-{p.body_id}", text=fncdata.bodies[p.body_id]) for p in related
        ]
        gold = any(p.stance == "disagree" for p in related)
        verdict = verdict_for_claim(h, articles, stance_model)
        pred = verdict.label is VerdictLabel.CONTESTED
        scores.headlines += 1
        scores.pairs += len(related)
        scores.gold_contested += gold
        if gold and pred:
            scores.tp += 1
        elif gold:
            scores.fn += 1
        elif pred:
            scores.fp += 1
        else:
            scores.tn += 1
    scores.seconds = time.perf_counter() - t0
    return scores
