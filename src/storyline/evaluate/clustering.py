"""Story clustering scored on ECB+: B-cubed and pairwise precision/recall/F1, with a baseline.

All documents of the chosen topics are mixed and shuffled (fixed seed), with no topic given;
the gold story of a document is ``(topic, ecb|ecbplus)``: each topic holds two real events of
the same kind, so names, places, dates and numbers are what tell its two stories apart.

Two systems run side by side on the same documents:

* **storyline** -- :class:`storyline.stories.StoryIndex` with its default :class:`StoryParams`,
  which were chosen on the *odd* topics (mean B-cubed F1 over arrival orders shuffled with
  seeds 1-4; the order scored here uses seed 0); the even topics are held out;
* **baseline** -- TF-IDF over the full text and average-linkage agglomerative clustering, its
  distance threshold tuned in this run on the odd topics (best B-cubed F1 on a grid).

Each is reported on the held-out even topics, on the tuning (odd) topics, and on all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storyline.evaluate.metrics import f1_of

if TYPE_CHECKING:
    import numpy as np

    from storyline.evaluate.ecbplus import EcbDoc
    from storyline.stories import StoryParams

__all__ = [
    "ClusteringResult",
    "Scores",
    "baseline_labels",
    "bcubed",
    "evaluate_clustering",
    "pairwise",
    "storyline_labels",
    "tune_baseline",
]

SEED = 0
BASELINE_GRID = tuple(round(0.50 + 0.01 * i, 2) for i in range(50))


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class ClusteringResult:
    system: str  # "storyline" | "baseline"
    split: str  # "held-out even" | "tuning odd" | "all"
    topics: tuple[int, ...]
    documents: int
    gold_stories: int
    stories_found: int
    bcubed: Scores
    pairwise: Scores
    setting: str = ""  # the threshold(s) used


def _prf(p: float, r: float) -> Scores:
    return Scores(p, r, f1_of(p, r))


def bcubed(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> Scores:
    """B-cubed precision/recall/F1 (Bagga & Baldwin 1998), averaged over items."""
    if len(gold) != len(pred):
        raise ValueError("gold and predicted labels differ in length")
    if not gold:
        return Scores(0.0, 0.0, 0.0)
    g_size = Counter(gold)
    p_size = Counter(pred)
    both = Counter(zip(gold, pred, strict=True))
    p = sum(both[(g, q)] / p_size[q] for g, q in zip(gold, pred, strict=True)) / len(gold)
    r = sum(both[(g, q)] / g_size[g] for g, q in zip(gold, pred, strict=True)) / len(gold)
    return _prf(p, r)


def pairwise(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> Scores:
    """Precision/recall/F1 over pairs of items put in one cluster."""
    if len(gold) != len(pred):
        raise ValueError("gold and predicted labels differ in length")

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    together = sum(pairs(n) for n in Counter(zip(gold, pred, strict=True)).values())
    pred_pairs = sum(pairs(n) for n in Counter(pred).values())
    gold_pairs = sum(pairs(n) for n in Counter(gold).values())
    p = together / pred_pairs if pred_pairs else 1.0
    r = together / gold_pairs if gold_pairs else 1.0
    return _prf(p, r)


# --------------------------------------------------------------------------- systems


def storyline_labels(
    texts: Sequence[str],
    vectors: np.ndarray,
    params: StoryParams | None = None,
) -> list[str]:
    """Story ids from the incremental clustering, articles added in the given order."""
    from storyline.model import Article
    from storyline.stories import cluster_articles

    articles = [Article.create(t) for t in texts]
    index = cluster_articles(articles, vectors, params)
    labels = index.labels()
    return [labels[a.id] for a in articles]


def baseline_labels(texts: Sequence[str], threshold: float) -> list[int]:
    """TF-IDF over the full text + average-linkage agglomerative clustering (cosine)."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return [0] * len(texts)
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    sim = (x @ x.T).toarray()
    dist = 1.0 - sim
    dist[dist < 0] = 0.0
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    return [int(v) for v in model.fit_predict(dist)]


def tune_baseline(texts: Sequence[str], gold: Sequence[Hashable]) -> float:
    """The baseline's distance threshold with the best B-cubed F1 on ``texts``."""
    best = max(BASELINE_GRID, key=lambda t: (bcubed(gold, baseline_labels(texts, t)).f1, -t))
    return best


# --------------------------------------------------------------------------- evaluation


def _shuffled(docs: Sequence[EcbDoc]) -> list[EcbDoc]:
    import random

    out = sorted(docs, key=lambda d: d.doc_id)
    random.Random(SEED).shuffle(out)
    return out


def evaluate_clustering(
    docs: Sequence[EcbDoc],
    *,
    embed: Callable[[Sequence[str]], np.ndarray] | None = None,
    params: StoryParams | None = None,
    baseline: bool = True,
    on_stage: Callable[[str], None] | None = None,
) -> list[ClusteringResult]:
    """Score storyline (and the baseline) on held-out even topics, odd topics, and all.

    ``embed`` maps texts to unit vectors (default: :func:`storyline.embed.embed_texts`).
    """
    from storyline.model import Article
    from storyline.stories import StoryParams, embedding_text

    if not docs:
        raise ValueError("no ECB+ documents to evaluate")
    params = params or StoryParams()
    docs = _shuffled(docs)
    if embed is None:
        from storyline.embed import embed_texts

        embed = embed_texts
    if on_stage:
        on_stage(f"embedding {len(docs)} documents")
    vectors = embed([embedding_text(Article.create(d.text), params.embed_chars) for d in docs])
    pos = {d.doc_id: i for i, d in enumerate(docs)}

    odd = [d for d in docs if d.topic % 2 == 1]
    even = [d for d in docs if d.topic % 2 == 0]
    splits = [
        ("held-out even", even),
        ("tuning odd", odd),
        ("all", docs),
    ]
    threshold = None
    if baseline and odd:
        if on_stage:
            on_stage("tuning the baseline on odd topics")
        threshold = tune_baseline([d.text for d in odd], [d.story for d in odd])

    results = []
    for name, part in splits:
        if not part:
            continue
        gold = [d.story for d in part]
        topics = tuple(sorted({d.topic for d in part}))
        if on_stage:
            on_stage(f"clustering {name}")
        labels = storyline_labels(
            [d.text for d in part], vectors[[pos[d.doc_id] for d in part]], params
        )
        results.append(
            ClusteringResult(
                system="storyline",
                split=name,
                topics=topics,
                documents=len(part),
                gold_stories=len(set(gold)),
                stories_found=len(set(labels)),
                bcubed=bcubed(gold, labels),
                pairwise=pairwise(gold, labels),
                setting=(
                    f"join {params.join_threshold}, merge {params.merge_threshold}, "
                    f"term weight {params.term_weight}"
                ),
            )
        )
        if threshold is not None:
            base = baseline_labels([d.text for d in part], threshold)
            results.append(
                ClusteringResult(
                    system="baseline",
                    split=name,
                    topics=topics,
                    documents=len(part),
                    gold_stories=len(set(gold)),
                    stories_found=len(set(base)),
                    bcubed=bcubed(gold, base),
                    pairwise=pairwise(gold, base),
                    setting=f"distance threshold {threshold} (tuned on odd topics)",
                )
            )
    return results


def confusion(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> dict[Any, Counter[Any]]:
    """Predicted cluster -> counts of gold labels in it (for looking at errors)."""
    out: dict[Any, Counter[Any]] = defaultdict(Counter)
    for g, p in zip(gold, pred, strict=True):
        out[p][g] += 1
    return dict(out)
