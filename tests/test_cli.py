"""The CLI shell: instant help, one-line errors, listing and showing articles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from storyline.cli import app
from storyline.model import Article
from storyline.store import open_store

runner = CliRunner()


def _seed(url: str) -> list[Article]:
    items = [
        Article.create("First <b>text</b>.", outlet="Outlet A", published="2023-11-01", title="A"),
        Article.create("Second text.", outlet="Outlet B", title="B [bold]markup[/bold]"),
    ]
    with open_store(url) as s:
        s.add_articles(items)
    return items


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from storyline.cli import app; "
        "heavy = [m for m in ('torch', 'spacy', 'sentence_transformers', 'trafilatura', "
        "'sklearn', 'sqlalchemy', 'fastapi') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_articles_and_show(sqlite_url: str) -> None:
    a, b = _seed(sqlite_url)
    result = runner.invoke(app, ["articles", "--db", sqlite_url, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["id"] for r in rows} == {a.id, b.id}
    result = runner.invoke(app, ["articles", "--db", sqlite_url, "--outlet", "outlet a", "--json"])
    assert [r["id"] for r in json.loads(result.stdout)] == [a.id]
    result = runner.invoke(app, ["show", b.id[:8], "--db", sqlite_url])
    assert result.exit_code == 0
    # Untrusted text is shown literally, never interpreted as rich markup.
    assert "[bold]markup[/bold]" in result.stdout
    result = runner.invoke(app, ["show", a.id, "--db", sqlite_url, "--json"])
    assert json.loads(result.stdout)["text"] == a.text


def test_unknown_article_is_a_one_line_error(sqlite_url: str) -> None:
    result = runner.invoke(app, ["show", "ffffffffffff", "--db", sqlite_url])
    assert result.exit_code == 1
    assert "no such article" in result.output
    assert len(result.output.strip().splitlines()) == 1
    # A short prefix is refused with the reason, not a bare "not found".
    result = runner.invoke(app, ["show", "fff", "--db", sqlite_url])
    assert result.exit_code == 1
    assert "at least 6 characters" in result.output


def test_bad_store_url_is_one_line_without_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STORYLINE_DEBUG"}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from storyline.cli import main; main()",
            "articles",
            "--db",
            f"sqlite:///{tmp_path}/missing-dir/x.db",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "cannot open store" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
