"""Per-article cost of `analyze` as the store grows: the same new articles into a small and a
large store.

A store is filled with real news text by ``analyze`` in batches (every stage: read, cluster,
verdicts, dossiers): the FNC-1 bodies and ECB+ documents, whole and shuffled, then their
paragraphs of at least 150 characters as further articles (as ``bench_stories.py`` does) until
it holds ``--large`` articles. A copy is kept when it holds ``--small``. Then the same
``--probe`` FNC-1 bodies, held out of the fill (nor are their paragraphs in it), are analyzed
into each copy, each in a fresh process, so the only difference between the two figures is
the store. The probe bodies belong to FNC-1 stories the fill has, so they join stored stories
and their verdicts are recomputed, as new coverage of running stories would.

    python benchmarks/bench_scale.py --small 1000 --large 10000 --probe 100 --dir /tmp/scale

Printed per store: wall and CPU milliseconds per probe article by stage, stories recomputed,
stance pairs, the largest story touched, peak memory. The fill is kept in ``--dir``: a rerun
with the same arguments only repeats the probes (delete the folder to refill). CPU seconds
count this process and its spaCy workers; on a shared machine compare CPU, not wall.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_analyze import _cpu  # noqa: E402 - this process's and its spaCy workers' CPU-s


def texts(n_probe: int, limit: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(fill, probe): real articles as JSONL rows; the probe bodies and theirs paragraphs are
    not in the fill."""
    from storyline.evaluate.ecbplus import load_ecbplus

    csv.field_size_limit(sys.maxsize)
    with (DATA / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        fnc = [(f"fnc1://body/{r['Body ID']}", r["articleBody"]) for r in csv.DictReader(fh)]
    step = max(1, len(fnc) // max(1, n_probe))
    probe_ids = {u for u, _ in fnc[::step][:n_probe]}
    probe = [{"url": u, "text": t} for u, t in fnc if u in probe_ids]
    ecb = [(f"ecbplus://{d.doc_id}", d.text) for d in load_ecbplus(DATA / "ecbplus" / "docs")]
    whole = [(u, t) for u, t in fnc if u not in probe_ids] + ecb
    rng = random.Random(0)
    rng.shuffle(whole)
    paras = [
        (f"{u}#p{k}", p.strip())
        for u, t in whole
        for k, p in enumerate(t.split("\n"))
        if len(p.strip()) >= 150
    ]
    rng.shuffle(paras)
    seen = {t.strip() for _, t in whole} | {r["text"].strip() for r in probe}
    fill = [{"url": u, "text": t} for u, t in whole]
    for u, p in paras:
        if len(fill) >= limit:
            break
        if p not in seen:
            seen.add(p)
            fill.append({"url": u, "text": p})
    return fill[:limit], probe


def _analyze_file(db: str, src: Path) -> dict[str, object]:
    from storyline.config import load_options
    from storyline.pipeline import AnalyzeStats, analyze
    from storyline.store import open_store

    opts = load_options(db=f"sqlite:///{db}")
    stats = AnalyzeStats()
    t0, c0 = time.perf_counter(), _cpu()
    with open_store(opts.db) as store:
        dossiers = analyze([str(src)], store, opts, stats=stats)
        stored = store.count_articles()
        stories = store.count_stories()
    return {
        "wall": time.perf_counter() - t0,
        "cpu": _cpu() - c0,
        "stages": dict(stats.seconds),
        "embedded": sum(stats.embedded.values()),
        "recomputed": stats.stories_recomputed,
        "pairs": stats.stance_pairs,
        "largest": max((d.article_count for d in dossiers), default=0),
        "stored": stored,
        "stories": stories,
        "failed": len(stats.failed),
        "peak_mib": _peak_mib(),
    }


def _peak_mib() -> float:
    """This process's peak resident memory. Linux carries ``ru_maxrss`` over from the parent
    into a child process, so a child reads its own high-water mark (VmHWM) instead."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fill(args: argparse.Namespace, small_db: Path, large_db: Path) -> None:
    rows, _ = texts(args.probe, args.large)
    work = args.dir / "filling.db"
    work.unlink(missing_ok=True)
    start, cpu0 = time.perf_counter(), _cpu()
    print(f"filling with {len(rows)} articles, batches of {args.batch}", flush=True)
    done = 0
    while done < len(rows):
        # A batch ends where the small store is copied.
        size = args.batch if done >= args.small else min(args.batch, args.small - done)
        chunk = rows[done : done + size]
        src = args.dir / "batch.jsonl"
        src.write_text("\n".join(json.dumps(r) for r in chunk) + "\n", encoding="utf-8")
        got = _analyze_file(str(work), src)
        done += len(chunk)
        print(
            f"  stored {got['stored']:6d}  stories {got['stories']:5d}  batch {len(chunk)} "
            f"{1000 * float(got['cpu']) / len(chunk):5.0f} CPU-ms/article  "
            f"largest touched {got['largest']}  load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if done == args.small:
            shutil.copyfile(work, small_db)
    shutil.move(work, large_db)
    wall, cpu = time.perf_counter() - start, _cpu() - cpu0
    print(f"fill: {len(rows)} articles in {wall:.0f} s wall, {cpu:.0f} CPU-s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10000)
    ap.add_argument("--probe", type=int, default=100)
    ap.add_argument("--batch", type=int, default=500, help="fill batch size")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/storyline-bench-scale"))
    ap.add_argument("--probe-into", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(max(1, len(os.sched_getaffinity(0))))
    if args.probe_into:
        # A child: analyze the probe file into the given store, print the figures as JSON.
        print(json.dumps(_analyze_file(args.probe_into, args.dir / "probe.jsonl")))
        return

    args.dir.mkdir(parents=True, exist_ok=True)
    tag = f"{args.small}-{args.large}-{args.probe}"
    small_db, large_db = args.dir / f"small-{tag}.db", args.dir / f"large-{tag}.db"
    if not (small_db.exists() and large_db.exists()):
        fill(args, small_db, large_db)
    _, probe = texts(args.probe, args.large)
    (args.dir / "probe.jsonl").write_text(
        "\n".join(json.dumps(r) for r in probe) + "\n", encoding="utf-8"
    )
    print(f"probe: {len(probe)} FNC-1 bodies held out of the fill; each run in a fresh process")
    header = f"{'stored':>7} {'ms/art':>7} {'CPU-ms/art':>10}  stages (ms/article)"
    print(header)
    for db in (small_db, large_db):
        copy = args.dir / "probe-run.db"
        shutil.copyfile(db, copy)
        out = subprocess.run(
            [sys.executable, __file__, "--dir", str(args.dir), "--probe-into", str(copy)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        got = json.loads(out.strip().splitlines()[-1])
        n = len(probe)
        stages = ", ".join(f"{k} {1000 * v / n:.0f}" for k, v in got["stages"].items())
        print(
            f"{got['stored'] - n:7d} {1000 * got['wall'] / n:7.0f} {1000 * got['cpu'] / n:10.0f}"
            f"  {stages}; {got['recomputed']} stories recomputed, {got['pairs']} stance pairs,"
            f" {got['embedded']} texts embedded, largest story touched {got['largest']},"
            f" peak {got['peak_mib']:.0f} MiB, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        copy.unlink()


if __name__ == "__main__":
    main()
