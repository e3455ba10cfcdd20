"""Load benchmark of the web UI: the stories page and story pages under 50 concurrent clients.

    python benchmarks/bench_web.py                      # 10,000 articles, 30 s per page kind
    python benchmarks/bench_web.py --extra-stories 97500 --seconds 15   # pad to 100,000 stories

The store is built once and cached under .bench/ (gitignored): 10,000 articles whose text is
FNC-1 article bodies (../shared/data/fnc1, real news text; synthetic text when absent), grouped
four to a story titled with an FNC-1 headline, each article read into sentences and claims, and
three verdicts per story (contested, corroborated, single-source) with claim links. The grouping
and verdicts are fixture data: this measures the web layer, not the pipeline. ``--extra-stories``
adds story rows (titles only) to check that the stories list stays fast at 100,000 stories.

The server is ``storyline serve`` in its own process on 127.0.0.1; the load is an asyncio/httpx
client in this process, bounded (concurrency, duration) and loopback only. Printed per page kind:
requests/s, p50/p90/p99 latency, errors, and the server's CPU time per request (what
the page costs, apart from waiting for a CPU on a shared machine).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FNC = Path(os.environ.get("STORYLINE_SHARED_DATA", ROOT.parent / "shared" / "data")) / "fnc1"
_SENT = re.compile(r"[^.!?\n]+[.!?]+")
OUTLETS = [
    "Harbour Gazette",
    "Coastal Times",
    "Evening Ledger",
    "Metro Wire",
    "Daily Courier",
    "Northern Star",
    "Valley Post",
    "City Bulletin",
]
SPEAKERS = ["officials", "the ministry", "police", "a spokesperson", "witnesses", None, None]


def _texts() -> tuple[list[str], list[str]]:
    """Article bodies and headlines: FNC-1 when present, else generated sentences."""
    if (FNC / "train_bodies.csv").exists():
        csv.field_size_limit(10_000_000)
        with (FNC / "train_bodies.csv").open(encoding="utf-8") as f:
            bodies = [r["articleBody"] for r in csv.DictReader(f) if len(r["articleBody"]) > 400]
        with (FNC / "train_stances.csv").open(encoding="utf-8") as f:
            heads = list(dict.fromkeys(r["Headline"] for r in csv.DictReader(f)))
        return bodies, heads
    rng = random.Random(1)
    words = [
        "council",
        "port",
        "strike",
        "minister",
        "police",
        "report",
        "city",
        "river",
        "vote",
        "talks",
        "budget",
    ]
    bodies = [
        " ".join(
            f"The {rng.choice(words)} {rng.choice(words)} said the {rng.choice(words)} would "
            f"{rng.choice(['resume', 'stop', 'grow', 'fall'])} on Monday."
            for _ in range(25)
        )
        for _ in range(500)
    ]
    heads = [f"{rng.choice(words).title()} {rng.choice(words)} {i}" for i in range(2000)]
    return bodies, heads


def build_store(path: Path, n_articles: int, extra_stories: int) -> None:
    from storyline.model import (
        Article,
        Attribution,
        Claim,
        ClaimLink,
        Evidence,
        ReadArticle,
        Sentence,
        SpeakerKind,
        StanceLabel,
        Story,
        Verdict,
        VerdictLabel,
        content_id,
        to_json,
    )
    from storyline.store import open_store

    bodies, heads = _texts()
    rng = random.Random(7)
    t0 = time.perf_counter()
    store = open_store(f"sqlite:///{path}")
    batch: list[Article] = []
    articles: list[Article] = []
    for i in range(n_articles):
        day = 1 + (i // 4) % 28
        a = Article.create(
            bodies[i % len(bodies)] + f"\n\nEdition {i} of this report.",
            title=heads[(i // 4) % len(heads)][:120] + ("" if i % 4 == 0 else f" ({i % 4})"),
            outlet=OUTLETS[i % len(OUTLETS)],
            published=f"2024-{1 + (i // 112) % 12:02d}-{day:02d}",
            url=f"https://news{i % len(OUTLETS)}.example/a/{i}",
        )
        batch.append(a)
        articles.append(a)
        if len(batch) == 500:
            store.add_articles(batch)
            batch = []
    store.add_articles(batch)
    claims_of: dict[str, list[Claim]] = {}
    for a in articles:
        sents = []
        for k, m in enumerate(_SENT.finditer(a.text)):
            start = m.start() + (len(m.group()) - len(m.group().lstrip()))
            sents.append(Sentence(a.id, k, start, m.end(), a.text[start : m.end()]))
        claims = []
        for s in sents:
            if len(s.text.split()) < 6:
                continue
            who = rng.choice(SPEAKERS)
            att = (
                Attribution(
                    who,
                    SpeakerKind.ANONYMOUS,
                    "said",
                    ("Metro Wire",) if rng.random() < 0.2 else (),
                )
                if who
                else Attribution()
            )
            claims.append(
                Claim(content_id(a.id, str(s.index)), a.id, s.index, s.start, s.end, s.text, att)
            )
        claims_of[a.id] = claims
        store.put_reading(ReadArticle(a, tuple(sents), (), tuple(claims)))
    for k in range(0, len(articles), 4):
        group = articles[k : k + 4]
        story = Story(
            id=content_id("bench-story", str(k)),
            title=heads[(k // 4) % len(heads)][:160],
            article_ids=tuple(a.id for a in group),
            outlets=tuple(dict.fromkeys(a.outlet or "" for a in group)),
            first_published=min(a.published or "" for a in group),
            last_published=max(a.published or "" for a in group),
        )
        store.put_story(story)
        verdicts = []
        first, other = claims_of[group[0].id], claims_of[group[-1].id]
        if first and other and len(group) > 1:

            def link(c: Claim, t: Claim, rel: StanceLabel) -> ClaimLink:
                return ClaimLink(
                    c.id,
                    t.article_id,
                    rel,
                    0.8,
                    t.id,
                    (Evidence(t.article_id, t.start, t.end, t.text),),
                )

            c0, t0_ = first[0], other[0]
            verdicts.append(
                Verdict(
                    story.id,
                    c0.id,
                    VerdictLabel.CONTESTED,
                    c0.text,
                    opposing=(link(c0, t0_, StanceLabel.DISAGREE),),
                )
            )
            if len(first) > 1 and len(other) > 1:
                c1, t1 = first[1], other[1]
                verdicts.append(
                    Verdict(
                        story.id,
                        c1.id,
                        VerdictLabel.CORROBORATED,
                        c1.text,
                        supporting=(link(c1, t1, StanceLabel.AGREE),),
                    )
                )
            verdicts.append(
                Verdict(story.id, first[-1].id, VerdictLabel.SINGLE_SOURCE, first[-1].text)
            )
        store.put_verdicts(story.id, verdicts)
    # Story rows without articles (bulk insert): only the list page reads them.
    from sqlalchemy import insert

    from storyline.store import stories as stories_table

    rows = []
    for j in range(extra_stories):
        sid = content_id("bench-extra", str(j))
        day = f"2023-{1 + j % 12:02d}-{1 + j % 28:02d}"
        extra = Story(
            id=sid,
            title=heads[j % len(heads)][:160],
            article_ids=tuple(f"x{sid}{n}" for n in range(1 + j % 3)),
            outlets=(OUTLETS[j % len(OUTLETS)],),
            first_published=day,
            last_published=day,
        )
        rows.append(
            {
                "id": sid,
                "title": extra.title,
                "size": len(extra.article_ids),
                "first_published": day,
                "last_published": day,
                "outlets": extra.outlets[0],
                "updated_at": "2024-01-01T00:00:00+00:00",
                "corroborated": j % 3,
                "contested": j % 2,
                "single_source": j % 4,
                "data": to_json(extra),
            }
        )
    with store.engine.begin() as conn:
        for i in range(0, len(rows), 5000):
            conn.execute(insert(stories_table), rows[i : i + 5000])
    print(
        f"built {path.name}: {store.count_articles()} articles, {store.count_stories()} stories "
        f"in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    store.close()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to tell server cost from waiting."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(base: str, paths: list[str], concurrency: int, seconds: float) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors = 0
    kinds: dict[str, int] = {}
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker(n: int) -> None:
            nonlocal errors
            i = n
            while time.perf_counter() < stop:
                path = paths[i % len(paths)]
                i += concurrency
                t = time.perf_counter()
                why = None
                try:
                    r = await client.get(path)
                    if r.status_code != 200 or not r.content:
                        why = f"HTTP {r.status_code}"
                except httpx.HTTPError as exc:
                    why = type(exc).__name__
                latencies.append(time.perf_counter() - t)
                if why:
                    errors += 1
                    kinds[why] = kinds.get(why, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        wall = time.perf_counter() - t0
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    out: dict[str, Any] = {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50": pct(0.50),
        "p90": pct(0.90),
        "p99": pct(0.99),
        "errors": errors,
        "why": ", ".join(f"{k} x{v}" for k, v in sorted(kinds.items())),
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--extra-stories", type=int, default=0)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--db", type=Path, default=None, help="store to build/reuse")
    ap.add_argument(
        "--modes", default="cache,nocache", help="server modes to measure: cache, nocache"
    )
    ap.add_argument("--only", default="", help="measure only page kinds containing this text")
    args = ap.parse_args()
    if args.concurrency > 200 or args.seconds > 120:
        sys.exit("bench_web: keep the load bounded (concurrency <= 200, seconds <= 120)")
    db = args.db or ROOT / ".bench" / f"web-{args.articles}-{args.extra_stories}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    if not db.exists():
        build_store(db, args.articles, args.extra_stories)
    for mode in args.modes.split(","):
        if mode not in ("cache", "nocache"):
            sys.exit(f"bench_web: --modes: unknown mode {mode!r} (cache, nocache)")
        _run(db, mode, args.concurrency, args.seconds, args.only)


def _run(db: Path, mode: str, concurrency: int, seconds: float, only: str = "") -> None:
    import httpx

    port = _free_port()
    exe = Path(sys.executable).parent / "storyline"
    cmd = [str(exe), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    if mode == "nocache":
        cmd.append("--no-page-cache")
    log = db.with_suffix(f".{mode}.log")
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(base + "/api/health", timeout=2).json()
                break
            except httpx.HTTPError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"bench_web: server did not start: {log.read_text()[-500:]}")
                time.sleep(0.2)
        rng = random.Random(3)
        ids = [s["id"] for s in httpx.get(base + "/api/stories?per_page=200").json()["items"]]
        story_paths = [f"/stories/{i}" for i in rng.sample(ids, min(50, len(ids)))]
        kinds = {
            "stories page (/)": ["/"],
            "stories pages 1-20": [f"/?page={p}" for p in range(1, 21)],
            "story page (50 stories)": story_paths,
            # Text search scans the stories table (LIKE); filters use their columns.
            "stories search/filters": [
                "/?q=police",
                "/?q=apple",
                "/?outlet=Metro+Wire",
                "/?since=2024-06-01",
                "/?until=2023-03-01&page=3",
            ],
        }
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(
            f"[{mode}] storyline serve{' --no-page-cache' if mode == 'nocache' else ''}: "
            f"{health['articles']} articles, {health['stories']} stories; {concurrency} "
            f"concurrent, {seconds:.0f} s per kind, loopback; {os.cpu_count()} CPU(s), "
            f"load average {load:.1f}",
            flush=True,
        )
        for name, paths in kinds.items():
            if only and only not in name:
                continue
            asyncio.run(_load(base, paths, concurrency, 2.0))  # warm-up
            cpu0 = _cpu_seconds(server.pid)
            r = asyncio.run(_load(base, paths, concurrency, seconds))
            cpu = (_cpu_seconds(server.pid) - cpu0) / max(1, r["requests"]) * 1000
            print(
                f"  {name:24s} {r['requests']:7.0f} req  {r['rps']:7.1f} req/s  "
                f"p50 {r['p50']:6.1f} ms  p90 {r['p90']:6.1f} ms  p99 {r['p99']:6.1f} ms  "
                f"errors {r['errors']:.0f}{' (' + r['why'] + ')' if r['why'] else ''}  "
                f"server CPU {cpu:5.2f} ms/req",
                flush=True,
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
