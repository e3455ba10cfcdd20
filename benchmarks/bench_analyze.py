"""End-to-end `analyze` throughput on real articles (FNC-1 bodies, then ECB+ documents).

Articles are fed in batches (each batch one `analyze` call on a JSONL file, as a feed or a
watch loop would), into one store that grows. Printed: articles/s overall, seconds per stage,
peak memory, and the per-article cost of the batches around each checkpoint (e.g. when the
store holds ~1,000 and ~N articles) to show how cost changes as the store grows.

    python benchmarks/bench_analyze.py --articles 2000 --batch 100 --checkpoints 1000,2000

Real data under ../shared/data (see its README). Run it with 2 cores to match the target
(e.g. `taskset -c 0,1`); torch is limited to the cores it is given. On a shared machine wall
time depends on the neighbours: CPU seconds (this process and its spaCy workers) and the load
average are printed with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def real_articles(limit: int) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    csv.field_size_limit(sys.maxsize)
    with (DATA / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.append({"text": r["articleBody"], "url": f"fnc1://body/{r['Body ID']}"})
            if len(rows) >= limit:
                return rows
    from storyline.evaluate.ecbplus import load_ecbplus

    for doc in load_ecbplus(DATA / "ecbplus" / "docs"):
        rows.append({"text": doc.text, "url": f"ecbplus://{doc.doc_id}"})
        if len(rows) >= limit:
            break
    return rows


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--checkpoints", default="1000,2000")
    ap.add_argument("--db", default=None, help="store file (default: a fresh temporary one)")
    ap.add_argument("--profile", default=None, help="write a cProfile dump of the run here")
    ap.add_argument(
        "--no-shared-sentences",
        action="store_true",
        help="the stance model embeds on its own (for a before/after of the shared cache)",
    )
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(max(1, len(os.sched_getaffinity(0))))

    import storyline.pipeline
    from storyline.config import load_options
    from storyline.pipeline import AnalyzeStats, analyze

    if args.no_shared_sentences:
        import contextlib

        storyline.pipeline._stance_embeds_through = lambda *_: contextlib.nullcontext()
    from storyline.store import open_store

    rows = real_articles(args.articles)
    tmp = Path(tempfile.mkdtemp(prefix="bench-analyze-"))
    db = args.db or str(tmp / "bench.db")
    opts = load_options(db=f"sqlite:///{db}")
    checkpoints = [int(x) for x in args.checkpoints.split(",") if x]
    print(
        f"{len(rows)} real articles (FNC-1 bodies, then ECB+), batches of {args.batch}, "
        f"{len(os.sched_getaffinity(0))} cores, store {db}"
    )
    totals: dict[str, float] = {}
    embed_s: dict[str, float] = {}
    embedded: dict[str, int] = {}
    per_batch: list[tuple[int, int, float, dict[str, float], float]] = []
    pairs = 0
    t_start, c_start = time.perf_counter(), _cpu()
    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    with open_store(opts.db) as store:
        for i in range(0, len(rows), args.batch):
            chunk = rows[i : i + args.batch]
            src = tmp / f"batch{i:06d}.jsonl"
            src.write_text("\n".join(json.dumps(r) for r in chunk) + "\n", encoding="utf-8")
            stats = AnalyzeStats()
            t0, c0 = time.perf_counter(), _cpu()
            analyze([str(src)], store, opts, stats=stats)
            dt, dc = time.perf_counter() - t0, _cpu() - c0
            pairs += stats.stance_pairs
            for k, v in stats.seconds.items():
                totals[k] = totals.get(k, 0.0) + v
            for k, v in stats.embed_seconds.items():
                embed_s[k] = embed_s.get(k, 0.0) + v
            for k, n in stats.embedded.items():
                embedded[k] = embedded.get(k, 0) + n
            stored = store.count_articles()
            per_batch.append((stored, len(chunk), dt, dict(stats.seconds), dc))
            print(
                f"  stored {stored:6d}  batch {len(chunk)} in {dt:6.1f}s "
                f"({1000 * dt / len(chunk):6.0f} ms/article, {1000 * dc / len(chunk):5.0f} "
                "CPU-ms)  "
                + " ".join(f"{k}={v:.1f}" for k, v in stats.seconds.items())
                + f"  embedding={sum(stats.embed_seconds.values()):.1f}"
                + f"/{sum(stats.embedded.values())} texts"
                + f"  recomputed={stats.stories_recomputed} pairs={stats.stance_pairs}"
                + f"  load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        n_stories = store.count_stories()
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)  # the batches (and the store, unless --db)
    wall, cpu = time.perf_counter() - t_start, _cpu() - c_start
    if prof is not None:
        prof.disable()
        prof.dump_stats(args.profile)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = sum(b[1] for b in per_batch)
    print(f"\nend to end: {n} articles in {wall:.1f}s = {n / wall:.2f} articles/s")
    cores = len(os.sched_getaffinity(0))
    print(
        f"cpu time: {cpu:.1f} s = {n / cpu:.2f} articles per CPU-second "
        f"(x{cores} cores = {cores * n / cpu:.1f} articles/s if the cores were ours); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print("seconds per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in totals.items()))
    from storyline.embed import STATS

    print(
        "of which embedding (s / texts encoded): "
        + ", ".join(
            f"{k} {embed_s[k]:.1f}/{embedded.get(k, 0)}" for k in embed_s if embedded.get(k)
        )
        + f"; texts asked {int(STATS['texts'])}, from memory {int(STATS['memo_hits'])},"
        + f" from the store's vector cache {int(STATS['store_hits'])}"
    )
    print(f"stories: {n_stories}; stance pairs: {pairs}; peak memory {peak:.0f} MiB")
    for cp in checkpoints:
        near = [b for b in per_batch if abs(b[0] - cp) <= args.batch]
        if not near:
            continue
        ms = 1000 * sum(b[2] for b in near) / sum(b[1] for b in near)
        cms = 1000 * sum(b[4] for b in near) / sum(b[1] for b in near)
        stages = {}
        for b in near:
            for k, v in b[3].items():
                stages[k] = stages.get(k, 0.0) + 1000 * v / sum(x[1] for x in near)
        print(
            f"per-article cost at ~{cp} stored: {ms:.0f} ms, {cms:.0f} CPU-ms ("
            + ", ".join(f"{k} {v:.0f}" for k, v in stages.items())
            + ")"
        )


if __name__ == "__main__":
    main()
