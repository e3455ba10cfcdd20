"""The ingest API and command end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from storyline.config import Options
from storyline.ingest import ingest_items, ingest_sources
from storyline.model import Article, IngestStatus
from storyline.sources import Failure
from storyline.store import open_store

FIXTURES = Path(__file__).parent / "fixtures"


def prose(n: int) -> str:
    return (
        f"Officials in district {n} said on Tuesday that the new water plant would open next "
        f"spring. The project, delayed {n % 7 + 1} times, cost more than planned, according to "
        f"a council report published this week. Residents of ward {n} welcomed the news."
    )


def test_examples_stored_with_manifest_metadata(store_url: str) -> None:
    with open_store(store_url) as store:
        report = ingest_sources([str(EXAMPLES)], store, Options())
        assert len(report.stored) == 2 and not report.failed
        by_outlet = {a.outlet: a for a in store.list_articles()}
        assert set(by_outlet) == {"Politics Today", "Bharat Express"}
        assert by_outlet["Politics Today"].published == "2023-11-03"
        assert by_outlet["Politics Today"].meta["sources_line"] == [
            "Arab News",
            "CNN",
            "WSJ",
            "Pravda",
        ]
        again = ingest_sources([str(EXAMPLES)], store, Options())
        assert len(again.duplicates) == 2 and not again.stored
        assert store.count_articles() == 2


class PoisonStore:
    """A real store that refuses one article, to exercise the one-by-one fallback."""

    def __init__(self, store: Any, poison: str) -> None:
        self.store, self.poison = store, poison

    def add_articles(self, batch: list[Article]) -> Any:
        if any(a.id == self.poison for a in batch):
            raise RuntimeError("value too long for column")
        return self.store.add_articles(batch)

    def add_article(self, article: Article) -> Any:
        if article.id == self.poison:
            raise RuntimeError("value too long for column\nsecond line")
        return self.store.add_article(article)

    def set_meta(self, key: str, value: str) -> None:
        self.store.set_meta(key, value)


def test_one_bad_article_does_not_lose_its_batch(store_url: str) -> None:
    arts = [Article.create(prose(i), source=f"in-{i}") for i in range(10)]
    items = [(a.source, a) for a in arts[:5]] + [("bad.txt", Failure("empty file"))]
    items += [(a.source, a) for a in arts[5:]]
    seen: list[Any] = []
    with open_store(store_url) as real:
        outcomes = ingest_items(
            items, PoisonStore(real, arts[3].id), batch_size=4, on_outcome=seen.append
        )
        assert seen == outcomes
        assert [o.source for o in outcomes] == [f"in-{i}" for i in range(5)] + ["bad.txt"] + [
            f"in-{i}" for i in range(5, 10)
        ]
        statuses = [o.status for o in outcomes]
        assert statuses.count(IngestStatus.STORED) == 9
        bad = [o for o in outcomes if o.status is IngestStatus.FAILED]
        assert [(o.source, o.reason) for o in bad] == [
            ("in-3", "cannot store: value too long for column"),
            ("bad.txt", "empty file"),
        ]
        assert real.count_articles() == 9


def test_database_error_on_one_article_keeps_the_rest(store_url: str) -> None:
    # PostgreSQL refuses an outlet longer than its column (SQLite does not check lengths):
    # the batch fails as a whole there, and the one-by-one fallback stores all the others.
    arts = [Article.create(prose(i), source=f"in-{i}", outlet="Wire") for i in range(6)]
    arts[2] = Article.create(prose(2), source="in-2", outlet="X" * 300)
    with open_store(store_url) as store:
        outcomes = ingest_items([(a.source, a) for a in arts], store, batch_size=6)
        statuses = [o.status.value for o in outcomes]
        if store.dialect == "postgresql":
            assert statuses == ["stored", "stored", "failed", "stored", "stored", "stored"]
            assert outcomes[2].reason and outcomes[2].reason.startswith("cannot store:")
            assert "\n" not in outcomes[2].reason
            assert store.count_articles() == 5
        else:
            assert statuses == ["stored"] * 6


def test_same_text_in_one_batch_is_one_article(store_url: str) -> None:
    a = Article.create(prose(1), source="a.txt")
    b = Article.create("  " + prose(1).replace(" ", "  ") + "\n", source="b.txt")
    with open_store(store_url) as store:
        outcomes = ingest_items([("a.txt", a), ("b.txt", b)], store)
        assert [o.status for o in outcomes] == [IngestStatus.STORED, IngestStatus.DUPLICATE]


def _bad_inputs(tmp_path: Path) -> list[str]:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.dat").write_bytes(bytes(range(256)) * 16)
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"text": prose(7)}) + "\n{not json\n")
    return [str(tmp_path / "empty.txt"), str(tmp_path / "binary.dat"), str(dump)]


def test_cli_reports_failures_and_exits_nonzero(tmp_path: Path) -> None:
    from storyline.cli import app

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(app, ["--db", db, "ingest", str(EXAMPLES), *_bad_inputs(tmp_path)])
    assert result.exit_code == 1, result.output
    err = result.stderr
    assert f"failed {tmp_path / 'empty.txt'}: empty file" in err
    assert f"failed {tmp_path / 'binary.dat'}: binary file" in err
    assert f"failed {tmp_path / 'dump.jsonl'}:2: not JSON" in err
    assert "Traceback" not in result.output
    assert "3 stored, 0 duplicate, 3 failed" in result.stdout
    again = runner.invoke(app, ["--db", db, "ingest", str(EXAMPLES), "--json"])
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert [o["status"] for o in data["outcomes"]] == ["duplicate", "duplicate"]
    with open_store(db) as store:
        assert store.count_articles() == 3


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


def test_sigkill_mid_folder_then_resume(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    total = 400
    for i in range(total):
        (folder / f"{i:04d}.txt").write_text(prose(i) + "\n\n" + prose(i + 10_000))
    db = tmp_path / "kill.db"
    cmd = [
        sys.executable,
        "-c",
        "from storyline.cli import main; main()",
        "--db",
        f"sqlite:///{db}",
        "ingest",
        str(folder),
    ]
    env = {**os.environ, "STORYLINE_BATCH_SIZE": "8", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while _count(db) < 24 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "ingest finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        stored, distinct, seqs = conn.execute(
            "select count(*), count(distinct id), count(distinct seq) from articles"
        ).fetchone()
    assert 0 < stored < total and stored == distinct == seqs
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{total - stored} stored, {stored} duplicate, 0 failed" in done.stdout
    with open_store(f"sqlite:///{db}") as store:
        assert store.count_articles() == total
        assert len({a.id for a in store.iter_articles()}) == total


@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_batch_sizes_give_same_result(tmp_path: Path, batch_size: int) -> None:
    for i in range(7):
        (tmp_path / f"{i}.txt").write_text(prose(i))
    (tmp_path / "dup.txt").write_text(prose(2))
    with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
        report = ingest_sources([str(tmp_path)], store, Options(batch_size=batch_size))
    assert [o.status.value for o in report.outcomes] == ["stored"] * 7 + ["duplicate"]
    assert report.outcomes[-1].source == str(tmp_path / "dup.txt")


def test_missing_manifest_is_one_failure(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 's.db'}") as store:
        report = ingest_sources(
            [str(EXAMPLES)], store, Options(), manifest=str(tmp_path / "nope.csv")
        )
        assert [(o.status.value, o.source) for o in report.outcomes] == [
            ("failed", str(tmp_path / "nope.csv"))
        ]
        assert "cannot read manifest" in (report.outcomes[0].reason or "")
        assert store.count_articles() == 0
