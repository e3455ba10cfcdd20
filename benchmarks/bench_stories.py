"""Story clustering cost per article as the index grows from 1,000 to 10,000 articles.

Articles: the 1,683 FNC-1 bodies (``fnc1/train_bodies.csv``) and the 772 ECB+ documents
(``ecbplus/docs``), whole; then, to reach 10,000, their paragraphs of at least 150 characters
as further articles (FNC-1 first), in a fixed shuffled order. All real news text.

Vectors: by default a cheap stand-in for the sentence embeddings (hashed word counts under a
fixed random projection to 384 dimensions, unit length), because embedding 10,000 texts with
all-MiniLM-L6-v2 on 2 shared CPU cores takes far longer than the clustering measured here and
costs the same per article whatever the store size. ``--model`` uses the real embeddings.

Articles are added one by one, and after every ``--batch`` of them ``finish_batch`` runs
(refine, merge, split what the batch touched), as ``cluster_store`` does. Printed per window
of 1,000 articles: mean and median milliseconds per ``StoryIndex.add``, the batch work per
article, their sum, and the candidate stories scored per article; then the number of
stories and peak memory. A flat per-article cost means the incremental work is bounded.

    python benchmarks/bench_stories.py [--articles 10000] [--window 1000] [--batch 100] [--model]

``--store`` measures :func:`storyline.stories.cluster_store` instead: the store (SQLite in a
temporary folder) is filled to each size in ``--sizes``; then the in-process index cache is
dropped and ``--new`` further articles are clustered (*cold*: a new process, which first
rebuilds the index from the store), then ``--new`` more in the same process (*warm*: a watch
loop or a long ``analyze``). Printed per new article: the rebuild alone (``reload_index``), the
cold run (rebuild included) and the warm run; ``--profile PREFIX`` writes cProfile dumps.

    python benchmarks/bench_stories.py --store [--sizes 1000,2000,5000,10000] [--new 100]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def real_texts(limit: int) -> tuple[list[str], str]:
    from storyline.evaluate.ecbplus import load_ecbplus

    csv.field_size_limit(sys.maxsize)
    with (DATA / "fnc1" / "train_bodies.csv").open(encoding="utf-8") as fh:
        fnc = [row["articleBody"] for row in csv.DictReader(fh)]
    ecb = [d.text for d in load_ecbplus(DATA / "ecbplus" / "docs")]
    whole = fnc + ecb
    rng = random.Random(0)
    rng.shuffle(whole)
    texts = list(whole)
    paras = [p.strip() for t in fnc + ecb for p in t.split("\n") if len(p.strip()) >= 150]
    rng.shuffle(paras)
    seen = {t.strip() for t in texts}
    for p in paras:
        if len(texts) >= limit:
            break
        if p not in seen:
            seen.add(p)
            texts.append(p)
    what = (
        f"{len(fnc)} FNC-1 bodies + {len(ecb)} ECB+ docs"
        f" + {max(0, len(texts) - len(whole))} paragraphs of them (>= 150 chars)"
    )
    return texts[:limit], what


def cheap_vectors(texts: list[str], dim: int = 384):
    import numpy as np
    from sklearn.feature_extraction.text import HashingVectorizer

    x = HashingVectorizer(n_features=2**16, alternate_sign=False, norm="l2").transform(texts)
    proj = np.random.default_rng(0).normal(size=(2**16, dim)).astype(np.float32)
    v = np.asarray(x @ proj, dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-9
    return v


def bench_store(texts: list[str], sizes: list[int], new: int, profile: str | None = None) -> None:
    """Per-article cost of ``cluster_store`` at each store size: in a fresh process (the
    index rebuilt from the store first) and in a process that clustered the last batch."""
    import tempfile

    from storyline.embed import model_name, to_bytes
    from storyline.model import Article
    from storyline.store import open_store
    from storyline.stories import StoryIndex, cluster_store, embedding_text, finish_batch
    from storyline.story_store import _INDEX_CACHE, TERMS_KEY, reload_index

    try:
        from storyline.story_store import _facts_missing, save_ann
    except ImportError:  # an older storyline (for a before/after comparison) keeps none

        def _facts_missing(*_args: object) -> None:
            return None

        save_ann = None

    articles = [Article.create(t, outlet=f"outlet{i % 37}.example") for i, t in enumerate(texts)]
    vectors = cheap_vectors([embedding_text(a) for a in articles])
    key = model_name(None)
    print(
        f"{'stored':>8} {'fill s':>8} {'rebuild s':>10} {'cold ms/new':>12} {'warm ms/new':>12}"
        f" {'cold CPU-ms':>11} {'warm CPU-ms':>11} {'biggest story':>14} {'load':>5}"
    )
    index = StoryIndex()

    def arrive(store, lo: int, hi: int) -> tuple[float, float]:
        """Store articles lo..hi as new (with their vectors) and cluster them; (wall, CPU) s."""
        batch = articles[lo:hi]
        store.add_articles(batch)
        store.put_embeddings(
            key, {a.id: to_bytes(v) for a, v in zip(batch, vectors[lo:hi], strict=True)}
        )
        start, cpu = time.perf_counter(), time.process_time()
        if profile:
            import cProfile

            with cProfile.Profile() as prof:
                cluster_store(store)
            prof.dump_stats(f"{profile}.{lo}")
        else:
            cluster_store(store)
        took = time.perf_counter() - start, time.process_time() - cpu
        # The bench's own index goes on with the new articles as the store now has them.
        index.prime(batch)
        for a, v in zip(batch, vectors[lo:hi], strict=True):
            index.add(a, v, story_id=store.story_of(a.id))
        index.take_changes()
        return took

    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{tmp}/bench.db") as store:
        done = 0
        for size in sizes:
            if size + 2 * new > len(articles):
                raise SystemExit(f"--articles must be at least {size + 2 * new}")
            start = time.perf_counter()
            # Filled with what cluster_store would have written, clustered in memory (the
            # per-story syndication pass of cluster_store is left out: it costs the same per
            # article at any size, and it would make filling 10,000 articles take an hour).
            chunk = articles[done:size]
            store.add_articles(chunk)
            store.put_embeddings(
                key, {a.id: to_bytes(v) for a, v in zip(chunk, vectors[done:size], strict=True)}
            )
            store.put_embeddings(
                TERMS_KEY,
                {a.id: "\x1f".join(sorted(index.terms_of(a))).encode() for a in chunk},
            )
            # Signatures and cited origins (none: no readings here), as cluster_store keeps.
            _facts_missing(store, index, chunk, {a.id: None for a in chunk})
            for lo in range(done, size, 100):
                index.prime(articles[lo : min(size, lo + 100)])
                for a, v in zip(articles[lo : min(size, lo + 100)], vectors[lo:], strict=False):
                    index.add(a, v)
                finish_batch(index)
            changed, removed = index.take_changes()
            for sid in removed:
                store.delete_story(sid)
            for sid in changed:
                store.put_story(index.story(sid))
            # The ANN graph as cluster_store keeps it (it saves at each tenth of growth).
            if save_ann is not None:
                save_ann(store, index)
            fill = time.perf_counter() - start
            # A new process: no cached index; ``new`` articles arrive.
            _INDEX_CACHE.clear()
            start = time.perf_counter()
            reload_index(store)
            rebuild = time.perf_counter() - start
            _INDEX_CACHE.clear()
            cold = arrive(store, size, size + new)
            # The same process, its index cached: the next ``new`` articles arrive.
            warm = arrive(store, size + new, size + 2 * new)
            biggest = max(len(s.members) for s in index.stories.values())
            print(
                f"{size:>8} {fill:>8.1f} {rebuild:>10.2f} {1000 * cold[0] / new:>12.2f}"
                f" {1000 * warm[0] / new:>12.2f} {1000 * cold[1] / new:>11.2f}"
                f" {1000 * warm[1] / new:>11.2f} {biggest:>14} {os.getloadavg()[0]:>5.1f}",
                flush=True,
            )
            done = size + 2 * new
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MiB; load average: {os.getloadavg()[0]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--window", type=int, default=1_000)
    ap.add_argument("--batch", type=int, default=100, help="articles per finish_batch")
    ap.add_argument("--model", action="store_true", help="real all-MiniLM-L6-v2 embeddings")
    ap.add_argument("--store", action="store_true", help="cluster_store in a fresh process")
    ap.add_argument("--sizes", default="1000,2000,5000,10000", help="store sizes for --store")
    ap.add_argument("--new", type=int, default=100, help="new articles per --store run")
    ap.add_argument("--profile", default=None, help="--store: cProfile dumps to PREFIX.N")
    args = ap.parse_args()
    if args.store:
        sizes = [int(x) for x in args.sizes.split(",")]
        texts, what = real_texts(max(args.articles, max(sizes) + 2 * args.new))
        print(f"articles: {len(texts)} ({what})")
        bench_store(texts, sizes, args.new, args.profile)
        return

    from storyline.model import Article
    from storyline.stories import StoryIndex, embedding_text, finish_batch

    texts, what = real_texts(args.articles)
    print(f"articles: {len(texts)} ({what})")
    articles = [Article.create(t) for t in texts]
    t0 = time.perf_counter()
    if args.model:
        from storyline.embed import embed_texts

        vectors = embed_texts([embedding_text(a) for a in articles])
        kind = "all-MiniLM-L6-v2"
    else:
        vectors = cheap_vectors([embedding_text(a) for a in articles])
        kind = "hashed stand-in"
    print(f"vectors: {kind}, {time.perf_counter() - t0:.1f}s (not counted below)")

    index = StoryIndex()
    scored: list[int] = []
    original = index._candidates

    def counting(m):  # count the candidate stories each article is scored against
        found = original(m)
        scored.append(len(found))
        return found

    index._candidates = counting  # type: ignore[method-assign]
    add_times: list[float] = []
    finish_times: list[float] = []
    print(
        f"{'stored':>8} {'add ms/article':>15} {'median':>8} {'batch ms/article':>17}"
        f" {'total ms/article':>17} {'candidates':>11}"
    )
    batch: list[str] = []
    for i, (a, v) in enumerate(zip(articles, vectors, strict=True), 1):
        start = time.perf_counter()
        index.add(a, v)
        add_times.append(time.perf_counter() - start)
        batch.append(a.id)
        if len(batch) == args.batch or i == len(articles):
            # As cluster_store does after each batch: refine, merge, split what it touched.
            start = time.perf_counter()
            finish_batch(index)
            index.take_changes()
            finish_times.append((time.perf_counter() - start) / len(batch))
            batch = []
        if i % args.window == 0 or i == len(articles):
            w = add_times[-args.window :]
            f = finish_times[-max(1, args.window // args.batch) :]
            c = scored[-args.window :]
            add_ms = 1000 * statistics.fmean(w)
            fin_ms = 1000 * statistics.fmean(f)
            print(
                f"{i:>8} {add_ms:>15.2f} {1000 * statistics.median(w):>8.2f} {fin_ms:>17.2f}"
                f" {add_ms + fin_ms:>17.2f} {statistics.fmean(c):>11.1f}"
            )
    print(f"stories: {len(index.stories)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MiB; load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
