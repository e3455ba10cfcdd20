"""The dossier: acceptance on the example articles (real pipeline, asserted on the JSON),
renderers (escaping), and the documented JSON schema."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, ROOT
from storyfakes import KeywordStance, align, blast_readings, reading
from storyline.dossier import dossier_from, dossier_json_schema
from storyline.model import Story, to_dict
from storyline.verdicts import story_verdicts


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], Any]:
    """`storyline analyze examples/articles` through the Python API, once for the module."""
    from storyline.config import load_options
    from storyline.pipeline import AnalyzeStats, analyze
    from storyline.store import open_store

    db = tmp_path_factory.mktemp("seed") / "seed.db"
    opts = load_options(db=f"sqlite:///{db}")
    stats = AnalyzeStats()
    with open_store(opts.db) as store:
        dossiers = analyze([str(EXAMPLES)], store, opts, stats=stats)
        texts = {a.id: a.text for a in store.list_articles()}
    return [to_dict(d) for d in dossiers], (stats, texts, str(db))


def _statements(d: dict[str, Any], *sections: str) -> list[dict[str, Any]]:
    sections = sections or ("corroborated", "contested", "single_source", "unverified_hedged")
    return [s for sec in sections for s in d[sec]]


def _sources(st: dict[str, Any]) -> list[dict[str, Any]]:
    return st["supporting"] + st["opposing"]


def _with(st_list: list[dict[str, Any]], *patterns: str) -> list[dict[str, Any]]:
    """Statements one of whose sentences matches every pattern (case-insensitive)."""
    out = []
    for st in st_list:
        texts = [st["text"]] + [s["text"] for s in _sources(st)]
        if any(all(re.search(p, t, re.I) for p in patterns) for t in texts):
            out.append(st)
    return out


def test_one_story_with_both_articles(seed_run) -> None:
    dossiers, (stats, texts, _) = seed_run
    assert len(dossiers) == 1
    d = dossiers[0]
    assert d["article_count"] == 2
    assert {s["outlet"] for s in d["sources"]} == {"Politics Today", "Bharat Express"}
    assert not stats.failed


def test_delivery_claim_corroborated_with_shared_origin(seed_run) -> None:
    d = seed_run[0][0]
    hits = _with(_statements(d, "corroborated"), r"wagner", r"deliver|suppl|transfer|facilitat")
    assert hits, [s["text"] for s in _statements(d)]
    # The delivery itself ("planning to deliver", "delivery ... will be facilitated"), not the
    # monitoring of the talks over the system's supply, which is corroborated too.
    st = next(h for h in hits if _with([h], r"wagner", r"deliver|facilitat"))
    assert len({s["article_id"] for s in st["supporting"]}) == 2
    assert len(st["outlets"]) == 2
    # Both outlets rest on US intelligence: fewer independent origins than outlets.
    assert len(st["independent_origins"]) == 1
    assert re.search(r"intelligence", st["independent_origins"][0], re.I)
    assert not _with(_statements(d, "contested"), r"wagner", r"planning to deliver")
    # The story's main event, stated in both leads, comes first among equally supported claims.
    assert d["corroborated"][0]["claim_id"] == st["claim_id"]


def test_assad_consent_is_single_source(seed_run) -> None:
    d = seed_run[0][0]
    consent = _with(_statements(d), r"assad", r"consent")
    assert consent
    assert all(st["verdict"] == "single-source" for st in consent)
    assert {s["article_id"] for st in consent for s in st["supporting"]} == {
        consent[0]["span"]["article_id"]
    }


def test_us_monitoring_is_corroborated_by_both_outlets(seed_run) -> None:
    """GOLD: US officials are monitoring the talks / movements — 000 says the U.S. is
    monitoring the system's movements, 004 that American officials are watching the talks
    over its supply: one claim in other words, stated by both outlets."""
    d = seed_run[0][0]
    both = {s["article_id"] for s in d["sources"]}
    hits = [
        st
        for st in _statements(d)
        if _with([st], r"monitoring", r"pantsir") and _with([st], r"watching", r"SA-22")
    ]
    assert hits, [s["text"] for s in _statements(d, "corroborated")]
    for st in hits:
        assert st["verdict"] == "corroborated"
        assert {s["article_id"] for s in st["supporting"]} == both
        assert len(st["outlets"]) == 2
        assert not st["opposing"]


def test_side_claims_of_one_article_are_not_corroborated(seed_run) -> None:
    """GOLD: the system's original exclusive Syrian use (000) and its use in Ukraine (004) rest
    on one outlet each; the other article is on the story's topic but never states them."""
    d = seed_run[0][0]
    for patterns in ((r"exclusive", r"syria"), (r"ukrain", r"war")):
        hits = [
            st for st in _statements(d) if all(re.search(p, st["text"], re.I) for p in patterns)
        ]
        assert hits, patterns
        for st in hits:
            assert st["verdict"] in ("single-source", "unverified-hedged"), st["text"]
            assert len({s["article_id"] for s in st["supporting"]}) == 1
            # Only the article that states it: the other one neither supports nor opposes it.
            assert {s["article_id"] for s in _sources(st)} == {st["span"]["article_id"]}
            assert len(st["outlets"]) == 1


def test_russia_response_is_contested(seed_run) -> None:
    d = seed_run[0][0]
    contested = _statements(d, "contested")
    hits = [
        st
        for st in contested
        if _with([st], r"yet to comment") and _with([st], r"russia", r"declined|denied")
    ]
    assert hits, [s["text"] for s in contested]
    st = hits[0]
    assert st["kind"] == "response"
    assert {s["article_id"] for s in _sources(st)} == {s["article_id"] for s in d["sources"]}


def test_wsj_is_the_earliest_cited_reporter(seed_run) -> None:
    d = seed_run[0][0]
    e = d["earliest_reporter"]
    assert e is not None
    assert re.search(r"wall street journal|wsj", e["outlet"], re.I)
    assert e["basis"] == "named as an earlier report"
    assert d["timeline"][0]["basis"] == "cited-earlier"


def test_every_statement_points_at_its_exact_span(seed_run) -> None:
    dossiers, (_, texts, _) = seed_run
    d = dossiers[0]
    n = 0
    for st in _statements(d):
        span = st["span"]
        assert texts[span["article_id"]][span["start"] : span["end"]] == span["text"]
        for s in _sources(st):
            if s["start"] is not None:
                assert texts[s["article_id"]][s["start"] : s["end"]] == s["text"]
                n += 1
    assert n >= 10


def test_furniture_is_no_statement(seed_run) -> None:
    d = seed_run[0][0]
    for st in _statements(d):
        assert not re.search(r"Photo by|dedicated to publishing|Also read", st["text"])
    assert all(a["name"].strip() != "I" for a in d["key_actors"])


def test_dossier_json_matches_documented_schema(seed_run) -> None:
    schema = json.loads((ROOT / "docs" / "dossier-schema.json").read_text(encoding="utf-8"))
    assert schema == dossier_json_schema(), "regenerate docs/dossier-schema.json"
    _validate(seed_run[0][0], schema, schema)


def _validate(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> None:
    """The subset of JSON Schema the generated schema uses: $ref, anyOf, type, properties."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _validate(value, root["$defs"][name], root, path)
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                return _validate(value, option, root, path)
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{path}: matches no option: {errors}")
    kind = schema.get("type")
    checks = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "null": type(None),
    }
    if kind:
        assert isinstance(value, checks[kind]), f"{path}: expected {kind}, got {value!r}"
    if kind == "object":
        assert set(value) == set(schema["required"]), f"{path}: keys {sorted(value)}"
        for key, sub in schema["properties"].items():
            _validate(value[key], sub, root, f"{path}.{key}")
    if kind == "array":
        for i, item in enumerate(value):
            _validate(item, schema["items"], root, f"{path}[{i}]")
    return None


# --------------------------------------------------------------------------- renderers


def _hostile_dossier():
    text = (
        'The <script>alert("x")</script> council said [bold]rates[/bold] will rise by 3% '
        "next year. **Officials** may cut | the budget."
    )
    r = reading(
        "evil",
        text,
        outlet="<b>Outlet</b>",
        published="2024-01-01",
        claims={text.split(" next year.")[0] + " next year.": {}},
    )
    readings = [r, *blast_readings()]
    al = align("s", readings, stance_model=KeywordStance())
    verdicts = story_verdicts("s", al.groups, al.links, readings, copy_of=al.copies)
    story = Story(id="s", title="<img src=x onerror=alert(1)>", article_ids=("evil",))
    return dossier_from(story, readings, verdicts)


def test_html_is_standalone_and_escapes_article_text() -> None:
    from storyline.report.html import render_html

    html = render_html(_hostile_dossier())
    assert html.startswith("<!doctype html>") and "<style>" in html
    assert "<script>" not in html and "<img" not in html and "<b>Outlet" not in html
    assert "&lt;script&gt;" in html
    assert "http" not in html.split("<body>")[0].replace("https://", "")  # nothing fetched


def test_markdown_escapes_and_links_spans() -> None:
    from storyline.report.markdown import render_markdown

    md = render_markdown(_hostile_dossier())
    assert "<script>" not in md
    assert "\\<img src=x" in md and "\\[bold\\]rates" in md
    assert "\\<script\\>" in md
    assert re.search(r"`evil` \[\d+–\d+\]", md)


def test_terminal_and_json_render() -> None:
    from io import StringIO

    from rich.console import Console

    from storyline.report.dossier_terminal import render_dossier
    from storyline.report.json import render_json

    d = _hostile_dossier()
    buf = StringIO()
    render_dossier(d, Console(file=buf, width=120, no_color=True))
    out = buf.getvalue()
    assert "[bold]rates[/bold]" in out  # shown literally, not interpreted as markup
    data = json.loads(render_json(d))
    assert data["story_id"] == "s" and data["schema_version"] == 1
    assert json.loads(render_json([d, d]))[1]["story_id"] == "s"


def test_one_article_dossier_is_sensible() -> None:
    r = blast_readings()[:1]
    al = align("one", r)
    verdicts = story_verdicts("one", al.groups, al.links, r)
    d = dossier_from(Story(id="one", title="t", article_ids=("art-a",)), r, verdicts)
    assert d.article_count == 1 and not d.corroborated and not d.contested
    assert d.single_source and d.summary


def test_dossier_of_articles_without_outlet_or_date() -> None:
    """A dump of bare texts: the summary says no outlet is known instead of "0 outlet(s)",
    and the earliest article (by fetch time, saying so) is named by its title, not an id."""
    import dataclasses

    r = [
        dataclasses.replace(
            x,
            article=dataclasses.replace(
                x.article,
                outlet=None,
                published=None,
                title=f"Blast report {n}",
                fetched_at=f"2024-03-0{n + 1}T10:00:00",
            ),
        )
        for n, x in enumerate(
            [
                reading(
                    "x1", "Fire crews put out a blaze at the depot on Monday. Nobody was hurt."
                ),
                reading("x2", "A blaze at the depot was put out by fire crews on Monday."),
            ]
        )
    ]
    al = align("s", r, stance_model=KeywordStance())
    verdicts = story_verdicts("s", al.groups, al.links, r, copy_of=al.copies)
    d = dossier_from(
        Story(id="s", title="t", article_ids=tuple(x.article.id for x in r)), r, verdicts
    )
    assert f"{len(r)} article(s), no outlet known" in d.summary
    assert d.earliest_reporter is not None
    assert d.earliest_reporter.outlet == "“Blast report 0”"
    assert "fetched" in d.earliest_reporter.basis


def test_schema_file_is_current() -> None:
    path = Path(ROOT / "docs" / "dossier-schema.json")
    assert json.loads(path.read_text(encoding="utf-8")) == dossier_json_schema()


def test_dossier_command_renders_every_format(seed_run, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storyline.cli import app

    dossiers, (_, _, db) = seed_run
    story_id = dossiers[0]["story_id"]
    runner = CliRunner()
    res = runner.invoke(app, ["dossier", story_id[:8], "--db", db, "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)[0]["story_id"] == story_id
    for fmt, suffix in (("markdown", "md"), ("html", "html"), ("terminal", "txt")):
        res = runner.invoke(
            app, ["dossier", story_id, "--db", db, "-f", fmt, "--out", str(tmp_path)]
        )
        assert res.exit_code == 0, res.output
        assert (tmp_path / f"{story_id}.{suffix}").stat().st_size > 1000
    res = runner.invoke(app, ["dossier", "nosuchstory", "--db", db])
    assert res.exit_code == 1 and "no such story" in res.output
    assert "Traceback" not in res.output


def test_key_actors_take_the_resolved_canonical_name() -> None:
    """Articles say "Russian" more often than "Russia": the actor is still named Russia."""
    from storyline.dossier import _actors
    from storyline.model import Article, Entity, Mention, ReadArticle

    text = "Russian officials spoke. Russian troops moved. Russia denied it."
    art = Article.create(text)
    mentions = (
        Mention(art.id, 0, 7, "Russian", "NORP", 0, "e-ru"),
        Mention(art.id, 25, 32, "Russian", "NORP", 1, "e-ru"),
        Mention(art.id, 46, 52, "Russia", "GPE", 2, "e-ru"),
    )
    reading = ReadArticle(article=art, mentions=mentions)
    plain = _actors([reading])
    assert plain[0].name == "Russian"  # without entities: the most frequent surface
    named = _actors([reading], {"e-ru": Entity(id="e-ru", name="Russia", type="GPE")})
    assert (named[0].name, named[0].type) == ("Russia", "GPE")
    assert named[0].aliases == ("Russian",)
