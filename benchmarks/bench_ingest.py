"""Ingest throughput and memory on real article text.

Builds a corpus of HTML pages from the real article bodies in FNC-1 (``train_bodies.csv``):
each body is wrapped in a realistic but synthetic page (header, nav, byline, sidebar, footer,
<title>, site name and published-date meta tags), because FNC-1 ships bodies, not pages.
Then measures:

- extraction throughput (read file + trafilatura + cleaning + language), articles/s;
- ingest throughput (``ingest_sources`` on the folder: extraction + SQLite store), articles/s;
- store insert throughput for N articles (``Store.add_articles`` in batches) on SQLite and on
  PostgreSQL (a throwaway local server, as the tests start one; skipped with a message when
  PostgreSQL is not installed);
- peak resident memory of the process (``ru_maxrss``).

Usage: ``python benchmarks/bench_ingest.py [--pages 1000] [--store-articles 10000]``.
All work runs in one process (one core); the machine's load average is printed because
other jobs sharing the CPU slow every figure down.
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The same throwaway PostgreSQL server the tests start.
sys.path.insert(0, str(ROOT / "tests"))
from pgserver import start_postgres, stop_postgres  # noqa: E402

BODIES = (
    Path(os.environ.get("STORYLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))
    / "fnc1"
    / "train_bodies.csv"
)
OUTLETS = ["The Evening Ledger", "Harbour Times", "Daily Courier", "Metro Wire", "Valley Post"]


def load_bodies() -> list[str]:
    csv.field_size_limit(sys.maxsize)
    with BODIES.open(newline="", encoding="utf-8") as fh:
        return [row["articleBody"] for row in csv.DictReader(fh) if row["articleBody"].strip()]


def page(body: str, n: int) -> str:
    outlet = OUTLETS[n % len(OUTLETS)]
    first = body.strip().split("\n", 1)[0]
    title = html.escape(" ".join(first.split()[:12]))
    paras = "\n".join(f"<p>{html.escape(p.strip())}</p>" for p in body.split("\n") if p.strip())
    day = 1 + n % 28
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="og:title" content="{title}">
<meta name="author" content="Staff Reporter {n % 40}">
<meta property="article:published_time" content="2015-03-{day:02d}T08:00:00Z">
<link rel="stylesheet" href="/static/site.css"></head>
<body><header><a class="logo" href="/">{outlet}</a>
<nav><ul><li><a href="/news">News</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Staff Reporter {n % 40}</p>
{paras}
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a/{n}">Council approves new budget</a></li>
<li><a href="/b/{n}">Weather warning for the weekend</a></li>
<li><a href="/c/{n}">Five things to know today</a></li></ul></aside></main>
<footer><p>&copy; 2015 {outlet}. All rights reserved.</p>
<p><a href="/privacy">Privacy</a> | <a href="/terms">Terms</a> | <a href="/contact">Contact</a></p>
</footer></body></html>
"""


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the extraction workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def bench_extract(folder: Path) -> tuple[int, float]:
    from storyline.config import Options
    from storyline.sources import Context
    from storyline.sources.files import read_file

    ctx = Context(Options())
    files = sorted(folder.glob("*.html"))
    ok = 0
    start = time.perf_counter()
    for f in files:
        _label, item = read_file(f, ctx)
        ok += item.__class__.__name__ == "Article"
    return ok, time.perf_counter() - start


def bench_ingest(folder: Path, db: str) -> tuple[int, int, int, float]:
    from storyline.config import Options
    from storyline.ingest import ingest_sources
    from storyline.store import open_store

    with open_store(db) as store:
        start = time.perf_counter()
        report = ingest_sources([str(folder)], store, Options())
        elapsed = time.perf_counter() - start
    return len(report.stored), len(report.duplicates), len(report.failed), elapsed


def bench_store(db: str, bodies: list[str], n: int, batch: int = 500) -> float:
    from storyline.model import Article
    from storyline.store import open_store

    with open_store(db) as store:
        start = time.perf_counter()
        for i in range(0, n, batch):
            chunk = [
                Article.create(
                    f"{bodies[j % len(bodies)]}\n\n(copy {j})",
                    url=f"https://news.example/{j}",
                    outlet=OUTLETS[j % len(OUTLETS)],
                    source=f"bench-{j}",
                    meta={"bench": True},
                )
                for j in range(i, min(n, i + batch))
            ]
            store.add_articles(chunk)
        elapsed = time.perf_counter() - start
        assert store.count_articles() == n
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--store-articles", type=int, default=10_000)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    if not BODIES.exists():
        sys.exit(f"missing {BODIES} (see ../shared/data/README.md)")
    bodies = load_bodies()
    print(
        f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs (shared: every figure is slowed by other jobs)"
    )
    print(
        f"corpus: {args.pages} HTML pages = real FNC-1 article bodies ({len(bodies)} available, "
        "reused cyclically past that with a page number) wrapped in synthetic news-page HTML "
        "(header, nav, byline, sidebar, footer, title, site name, date meta)"
    )
    work = Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    try:
        folder = work / "pages"
        folder.mkdir()
        total_bytes = 0
        for n in range(args.pages):
            body = bodies[n % len(bodies)]
            if n >= len(bodies):
                body += f"\n\nThis is copy {n} of the report."
            text = page(body, n)
            total_bytes += len(text)
            (folder / f"{n:05d}.html").write_text(text, encoding="utf-8")
        print(f"  {total_bytes / 1e6:.1f} MB of HTML, mean {total_bytes / args.pages / 1e3:.1f} kB")

        # Warm the lazy imports (trafilatura, py3langid's model) outside the timings.
        bench_extract_warm = folder / "00000.html"
        from storyline.config import Options
        from storyline.sources import Context
        from storyline.sources.files import read_file

        read_file(bench_extract_warm, Context(Options()))

        cpu = cpu_seconds()
        ok, secs = bench_extract(folder)
        cpu = cpu_seconds() - cpu
        print(
            f"extraction, 1 process: {ok}/{args.pages} articles in {secs:.1f}s = "
            f"{ok / secs:.1f} articles/s wall; {cpu:.1f} CPU-s = {ok / cpu:.1f} articles per "
            "CPU-second"
        )

        cpu = cpu_seconds()
        stored, dups, failed, secs = bench_ingest(folder, f"sqlite:///{work / 'ingest.db'}")
        cpu = cpu_seconds() - cpu
        print(
            f"ingest (extract in {Context(Options()).workers} worker processes + SQLite store in "
            f"batches of 64): {stored} stored, {dups} duplicate, {failed} failed in "
            f"{secs:.1f}s = {(stored + dups) / secs:.1f} articles/s wall; {cpu:.1f} CPU-s in all "
            f"processes = {(stored + dups) / cpu:.1f} articles per CPU-second"
        )

        n = args.store_articles
        secs = bench_store(f"sqlite:///{work / 'store.db'}", bodies, n)
        print(f"store insert, SQLite: {n} articles in {secs:.1f}s = {n / secs:.0f} articles/s")
        if args.no_postgres:
            print("store insert, PostgreSQL: skipped (--no-postgres)")
        else:
            started = start_postgres()
            if isinstance(started, str):
                print(f"store insert, PostgreSQL: skipped ({started})")
            else:
                url, root = started
                try:
                    secs = bench_store(url, bodies, n)
                    print(
                        f"store insert, PostgreSQL: {n} articles in {secs:.1f}s = "
                        f"{n / secs:.0f} articles/s"
                    )
                finally:
                    stop_postgres(root)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss): {peak:.0f} MB")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
