"""`analyze` end to end with the real components: incremental runs and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES
from storyline.config import load_options
from storyline.model import to_dict
from storyline.pipeline import AnalyzeStats, analyze
from storyline.store import open_store

FLOOD = (
    "Heavy rain caused the Varn river to burst its banks on Tuesday, flooding the town of "
    "Elsby. Mayor Tomas Brenn said 300 homes were evacuated overnight. The regional water "
    "authority said the flood barrier failed after a pump broke. Emergency crews rescued 14 "
    "people from rooftops, the fire service said. More rain is forecast for Thursday."
)
BRIDGE = (
    "Engineers closed the Kessing bridge after inspectors found cracks in two of its steel "
    "supports on Monday. The transport ministry said repairs could take six months. Commuters "
    "face detours of up to forty minutes, the city council said. The bridge carries 40,000 "
    "vehicles a day."
)
FRENCH = (
    "Le gouvernement a annoncé mardi une hausse du salaire minimum de trois pour cent. Les "
    "syndicats ont salué une mesure attendue depuis longtemps, mais jugent la hausse "
    "insuffisante face à l'inflation."
)
GERMAN = (
    "Die Stadtverwaltung hat am Montag den Bau einer neuen Straßenbahnlinie beschlossen. Die "
    "Kosten werden auf 120 Millionen Euro geschätzt, teilte ein Sprecher mit."
)


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> str:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return str(path)


def _run(db: str, sources: list[str]) -> tuple[list[dict[str, Any]], AnalyzeStats]:
    opts = load_options(db=db)
    stats = AnalyzeStats()
    with open_store(opts.db) as store:
        dossiers = analyze(sources, store, opts, stats=stats)
    return [to_dict(d) for d in dossiers], stats


def test_analyze_is_incremental(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'inc.db'}"
    first, s1 = _run(db, [str(EXAMPLES)])
    assert s1.ingested == 2 and s1.read == 2 and s1.stories_recomputed == 1
    again, s2 = _run(db, [str(EXAMPLES)])
    assert (s2.ingested, s2.read, s2.stories_recomputed) == (0, 0, 0)
    assert again == first
    extra = _jsonl(
        tmp_path / "flood.jsonl",
        [{"text": FLOOD, "outlet": "Valley News", "published": "2024-05-02", "title": "Flood"}],
    )
    third, s3 = _run(db, [extra])
    assert (s3.ingested, s3.read, s3.stories_recomputed) == (1, 1, 1)
    assert len(third) == 1 and third[0]["article_count"] == 1
    assert third[0]["story_id"] != first[0]["story_id"]
    # The seed story was not touched: asking for it again recomputes nothing.
    _, s4 = _run(db, [str(EXAMPLES)])
    assert s4.stories_recomputed == 0


def test_a_story_judged_again_in_a_new_process_embeds_nothing(tmp_path: Path) -> None:
    """Claim and sentence vectors are kept in the store: a new process (no model caches)
    judging a stored story again finds them all and gives the same verdicts."""
    import storyline.embed as embed
    from storyline.pipeline import CachedStance, analyze_stories
    from storyline.stance import DEFAULT_MODEL_PATH, StanceModel, read_artifact

    opts = load_options(db=f"sqlite:///{tmp_path / 'again.db'}")

    def new_process() -> CachedStance:
        embed._MEMO.clear()
        return CachedStance(StanceModel(read_artifact(DEFAULT_MODEL_PATH), opts))

    with open_store(opts.db) as store:
        (first,) = analyze([str(EXAMPLES)], store, opts, stance_model=new_process())
    fresh = new_process()
    before = embed.STATS["encoded"]
    with open_store(opts.db) as store:
        sid = first.story_id
        old = store.get_verdicts(sid)
        assert analyze_stories(store, [sid], opts, stance_model=fresh, force=True) == [sid]
        assert fresh.misses > 0  # the stance model did judge the pairs again
        assert embed.STATS["encoded"] == before
        assert store.get_verdicts(sid) == old


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], AnalyzeStats]:
    tmp = tmp_path_factory.mktemp("bad")
    rows: list[dict[str, Any]] = []
    # 40 near-identical copies of one wire story, each with one word changed.
    words = FLOOD.split()
    for i in range(40):
        w = list(words)
        w[-1] = f"Thursday{'.' if i % 2 else ', officials added.'}"
        w[5] = ["burst", "breach", "overflow", "top"][i % 4]
        rows.append({"text": " ".join(w) + f" Copy {i}.", "outlet": f"Wire {i}"})
    rows.append({"text": BRIDGE, "outlet": "Metro Daily"})  # no date, its own story
    rows.append({"text": FRENCH, "outlet": "Le Quotidien", "published": "2024-05-01"})
    rows.append({"text": GERMAN, "outlet": "Stadtblatt", "language": "de"})
    rows.append({"text": "Short note.", "outlet": "Tiny"})
    src = _jsonl(tmp / "bad.jsonl", rows)
    return _run(f"sqlite:///{tmp / 'bad.db'}", [src])


def test_bad_input_gives_sensible_dossiers(bad_run) -> None:
    dossiers, stats = bad_run
    total = sum(d["article_count"] for d in dossiers)
    assert total == stats.ingested
    for d in dossiers:
        assert d["summary"] and d["sources"]
        assert d["article_count"] == len(d["sources"])


def test_copies_count_as_one_source(bad_run) -> None:
    dossiers, _ = bad_run
    flood = max(dossiers, key=lambda d: d["article_count"])
    assert flood["article_count"] >= 38
    biggest = max((len(g["article_ids"]) for g in flood["independence_groups"]), default=0)
    assert biggest >= 38
    # 40 copies of one text are one report: nothing in them is corroborated by the copies.
    assert not flood["corroborated"]
    assert flood["single_source"] or flood["unverified_hedged"]
    # Copies without a date are ordered by fetch time, and the dossier says so.
    assert any("without a publication date" in n for n in flood["notes"])


def test_other_languages_and_loners_are_kept(bad_run) -> None:
    dossiers, _ = bad_run
    langs = {s["language"] for d in dossiers for s in d["sources"]}
    assert {"fr", "de"} <= langs
    for d in dossiers:
        if any(s["language"] in ("fr", "de") for s in d["sources"]):
            # Not read, not judged: listed, with a note, never a crash or a false verdict.
            assert not d["corroborated"] and not d["contested"]
    bridge = [d for d in dossiers if any(s["outlet"] == "Metro Daily" for s in d["sources"])]
    assert len(bridge) == 1 and bridge[0]["sources"][0]["date_basis"] == "fetched"
