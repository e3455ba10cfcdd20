"""`storyline watch`: rounds over the same sources ingest only what is new."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]


def test_watch_rounds_ingest_only_what_is_new(tmp_path: Path) -> None:
    from storyline.cli import app

    folder = tmp_path / "inbox"
    shutil.copytree(ROOT / "examples" / "articles", folder)
    db = f"sqlite:///{tmp_path / 'w.db'}"
    out = tmp_path / "dossiers"
    runner = CliRunner()
    args = ["watch", str(folder), "--db", db, "--every", "0", "--out", str(out), "-f", "json"]
    res = runner.invoke(app, [*args, "--rounds", "2"])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stderr.splitlines() if " round " in ln]
    assert "round 1: 2 new article(s)" in lines[0]
    assert "round 2: 0 new article(s), 0 story/stories updated" in lines[1]
    written = sorted(out.glob("*.json"))
    assert len(written) == 1
    assert json.loads(written[0].read_text(encoding="utf-8"))["article_count"] == 2
    written[0].unlink()

    # Something new arrives between two runs; a broken file is reported and the round goes on.
    (folder / "new.txt").write_text(
        "Flooding closed the main bridge in Riverton on Tuesday, the city council said. "
        "Engineers will inspect the structure before it reopens, officials added.\n",
        encoding="utf-8",
    )
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02 not text")
    res = runner.invoke(app, [*args, "--rounds", "1"])
    assert res.exit_code == 1, res.output  # the broken input, said in the exit status
    assert "round 1: 1 new article(s)" in res.stderr
    assert "broken.txt" in res.stderr
    assert len(list(out.glob("*.json"))) >= 1


def test_watch_refuses_an_unknown_format(tmp_path: Path) -> None:
    from storyline.cli import app

    res = CliRunner().invoke(app, ["watch", str(tmp_path), "--rounds", "1", "-f", "pdf"])
    assert res.exit_code == 1
    assert "--format 'pdf'" in res.output
