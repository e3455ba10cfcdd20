"""Throughput of the whole reading step: reader (spaCy) + claims + entity resolution.

Reads N real news bodies from FNC-1 (``../shared/data/fnc1/train_bodies.csv``), then resolves
entities across all of them, and prints articles per second. Model loading is timed apart.

    python benchmarks/bench_read.py                 # 1,000 articles, n_process=1, embeddings on
    python benchmarks/bench_read.py --n-process 2   # two spaCy worker processes
    python benchmarks/bench_read.py --cores 2       # pin the process to two CPU cores

    python benchmarks/bench_read.py --resolve-store S.db --increment 100
        # no reading: the readings of store S.db resolved 100 at a time, incrementally
        # (against the entities so far) and fully (all readings again), ms per article each

The target of issue 4 is >= 10 articles/s on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "fnc1" / "train_bodies.csv"


def load_bodies(path: Path, n: int) -> list[str]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as fh:
        bodies = [row["articleBody"] for row in csv.DictReader(fh)]
    seen: set[str] = set()
    out = []
    for body in bodies:
        if body.strip() and body not in seen:
            seen.add(body)
            out.append(body)
    if len(out) < n:
        print(f"note: only {len(out)} distinct bodies in {path}", file=sys.stderr)
    return out[:n]


def _cpu() -> float:
    """CPU seconds of this process and its finished children (spaCy workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def resolve_growth(db: Path, step: int) -> int:
    """Entity resolution cost per new article as a store grows: increment vs full."""
    import tempfile

    from storyline.entities import AliasTable, resolve_entities
    from storyline.entity_increment import resolve_store_increment
    from storyline.store import open_store

    with open_store(f"sqlite:///{db}") as src:
        ids = [a.id for a in src.iter_articles()]
        reads = [r for r in (src.get_reading(i) for i in ids) if r is not None]
    aliases = AliasTable.load()
    print(f"{len(reads)} readings from {db}; steps of {step}")
    with open_store(f"sqlite:///{tempfile.mkdtemp()}/grow.db") as store:
        for i in range(0, len(reads), step):
            chunk = reads[i : i + step]
            for r in chunk:
                store.add_article(r.article)
            c0, t0 = _cpu(), time.perf_counter()
            resolve_store_increment(store, chunk, aliases=aliases)
            inc, inc_cpu = time.perf_counter() - t0, _cpu() - c0
            c1, t1 = _cpu(), time.perf_counter()
            resolve_entities(reads[: i + len(chunk)], aliases)
            full, full_cpu = time.perf_counter() - t1, _cpu() - c1
            print(
                f"  {i + len(chunk):6d} articles: increment {1000 * inc / len(chunk):6.1f} ms "
                f"({1000 * inc_cpu / len(chunk):5.1f} CPU-ms) per new article, "
                f"{store.count_entities():6d} entities; full re-resolution "
                f"{1000 * full / len(chunk):7.1f} ms ({1000 * full_cpu / len(chunk):6.1f} CPU-ms) "
                "per new article",
                flush=True,
            )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("-n", "--n", type=int, default=1000, help="articles to read")
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cores", type=int, default=0, help="pin to this many cores (Linux)")
    parser.add_argument("--no-embeddings", action="store_true")
    parser.add_argument(
        "--no-claims", action="store_true", help="leave claim extraction out (to attribute cost)"
    )
    parser.add_argument("--resolve-store", type=Path, default=None, metavar="DB")
    parser.add_argument("--increment", type=int, default=100)
    args = parser.parse_args()
    if args.resolve_store is not None:
        return resolve_growth(args.resolve_store, args.increment)

    if args.cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[: args.cores]))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    warnings.simplefilter("ignore")
    if not args.data.exists():
        print(f"error: {args.data}: not found (see ../shared/data/README.md)", file=sys.stderr)
        return 1

    import torch

    from storyline.entities import AliasTable, default_embedder, resolve_entities
    from storyline.model import Article
    from storyline.read import load_reader, read_articles

    if args.no_claims:
        import storyline.read

        storyline.read._claims_extractor = lambda: None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    torch.set_num_threads(max(1, cores or 1))
    bodies = load_bodies(args.data, args.n)
    articles = [Article.create(b, outlet="fnc1") for b in bodies]
    words = sum(len(b.split()) for b in bodies)

    t0 = time.perf_counter()
    reader = load_reader()
    reader.batch_size = args.batch_size
    reader.n_process = args.n_process
    aliases = AliasTable.load()
    embedder = None if args.no_embeddings else default_embedder()
    if embedder is not None:
        embedder(["warm-up"])  # load the model outside the timed part
    t_load = time.perf_counter() - t0

    c1, t1 = _cpu(), time.perf_counter()
    reads = list(read_articles(articles, reader))
    c2, t2 = _cpu(), time.perf_counter()
    entities, reads = resolve_entities(reads, aliases, embedder)
    c3, t3 = _cpu(), time.perf_counter()
    t_read, t_resolve, total = t2 - t1, t3 - t2, t3 - t1
    cpu = c3 - c1

    claims = sum(len(r.claims) for r in reads)
    mentions = sum(len(r.mentions) for r in reads)
    noted = sum(1 for r in reads if r.notes)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"data:        {args.data} ({len(articles)} articles, {words:,} words)")
    print(f"setup:       cores={cores} n_process={args.n_process} batch_size={args.batch_size}")
    print(
        f"             embeddings={'off' if embedder is None else 'all-MiniLM-L6-v2'}"
        f" claims={'off' if args.no_claims else 'on'}"
    )
    print(f"load:        {t_load:.1f} s (spaCy pipeline, alias table, embedding model)")
    print(
        f"read:        {t_read:.1f} s ({len(articles) / t_read:.1f} articles/s; "
        f"{c2 - c1:.1f} CPU-s)"
    )
    print(f"resolve:     {t_resolve:.1f} s ({len(entities):,} entities from {mentions:,} mentions)")
    print(f"claims:      {claims:,}; articles with notes: {noted}")
    print(f"throughput:  {len(articles) / total:.1f} articles/s, {words / total:,.0f} words/s")
    # On a shared machine wall time depends on the neighbours; CPU time does not.
    print(
        f"cpu time:    {cpu:.1f} s ({len(articles) / cpu:.1f} articles per CPU-second; "
        f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(f"peak RSS:    {rss:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
