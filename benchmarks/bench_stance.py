"""Stance throughput: N claims x M articles of real FNC-1 text, on 2 CPU threads.

Prints pairs/s (everything included: sentence splitting, embedding each article once, features,
both classifiers), the time spent embedding, peak resident memory and the encoding caches' hit
rates. Default 100 claims x 100 articles = 10,000 pairs from the dev side of the committed split.

    python benchmarks/bench_stance.py [--claims 100] [--articles 100] [--data DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--claims", type=int, default=100)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "fnc1"))
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(args.threads)
    from storyline.evaluate import fnc
    from storyline.model import Article
    from storyline.stance import DEFAULT_SPLIT_PATH, load_stance_model

    data_dir = Path(args.data)
    if not (data_dir / "train_bodies.csv").is_file():
        print(f"no FNC-1 data at {data_dir}", file=sys.stderr)
        return 2
    data = fnc.load_fnc1(data_dir / "train_bodies.csv", data_dir / "train_stances.csv")
    dev = fnc.apply_split(data, fnc.load_split(DEFAULT_SPLIT_PATH), "dev")
    body_ids = sorted({p.body_id for p in dev}, key=int)[: args.articles]
    claims = sorted({p.headline for p in dev})[: args.claims]
    articles = [Article.create(data.bodies[b]) for b in body_ids]
    pairs = [(c, a) for c in claims for a in articles]

    t0 = time.perf_counter()
    model = load_stance_model()
    model.predict("warm up the embedding model", ["A short warm-up article."])
    t_load = time.perf_counter() - t0
    base = model.cache_stats()

    embed_time = 0.0
    embedded = 0
    original = model.embed

    def timed(texts: list[str]):  # type: ignore[no-untyped-def]
        nonlocal embed_time, embedded
        t = time.perf_counter()
        out = original(texts)
        embed_time += time.perf_counter() - t
        embedded += len(texts)
        return out

    model.embed = timed  # type: ignore[method-assign]
    t1 = time.perf_counter()
    labels: dict[str, int] = {}
    # One claim at a time over all articles: the way `storyline check` walks a store.
    for claim in claims:
        for s in model.predict(claim, articles):
            labels[s.label.value] = labels.get(s.label.value, 0) + 1
    elapsed = time.perf_counter() - t1
    stats = {k: v - base[k] for k, v in model.cache_stats().items()}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(pairs)
    sentences = sum(len(model.articles.data[model._key(a)].spans) for a in articles)
    print(f"pairs: {n} ({len(claims)} claims x {len(articles)} articles, {sentences} sentences)")
    print(f"torch threads: {torch.get_num_threads()}, cpu count: {os.cpu_count()}")
    # On a shared machine the figures scale with the load; print it next to them.
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"model load + warm-up: {t_load:.1f} s")
    print(f"stance: {elapsed:.1f} s -> {n / elapsed:.0f} pairs/s")
    print(
        f"  of which embedding: {embed_time:.1f} s ({embedded} texts, "
        f"{embedded / max(embed_time, 1e-9):.0f} texts/s); features + classifiers: "
        f"{elapsed - embed_time:.1f} s -> {n / max(elapsed - embed_time, 1e-9):.0f} pairs/s"
    )
    for kind in ("article", "claim"):
        hits, misses = stats[f"{kind}_hits"], stats[f"{kind}_misses"]
        rate = hits / max(1, hits + misses)
        print(f"{kind} cache: {hits} hits, {misses} misses, hit rate {rate:.1%}")
    print(f"peak RSS: {peak_mb:.0f} MB")
    print(f"labels: {labels}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
