"""`storyline check` with claim-level reading (storyline.check) on real and written articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.check import check_articles, check_payload
from storyline.model import Article
from storyline.stance import StanceModel, load_stance_model

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


@pytest.fixture(scope="module")
def model() -> StanceModel:
    return load_stance_model()


def _examples() -> list[Article]:
    # 000 (Politics Today), 004 (Bharat Express): the seeds, read here by the generic reader.
    files = sorted(EXAMPLES.glob("*.txt"))
    return [Article.create(f.read_text(encoding="utf-8"), outlet=f.stem[:3]) for f in files]


def _answers(report: object) -> dict[str, dict[str, object]]:
    payload = check_payload(report)  # type: ignore[arg-type]
    out = {}
    for lab in ("agree", "disagree", "discuss"):
        for row in payload[lab]:
            out[row["outlet"]] = row
    return out


def test_a_reported_answer_agrees_and_another_answer_does_not(model: StanceModel) -> None:
    # The acceptance: "The Kremlin denied the transfer" is agreed by one article and
    # not by the other. 000 reports Russia's denial "in a statement made by the Kremlin" (the
    # stance model alone says discuss); 004 says Russian officials have yet to comment.
    report = check_articles("The Kremlin denied the transfer", _examples(), model)
    rows = _answers(report)
    assert rows["000"]["label"] == "agree"
    assert rows["000"]["basis"] == "response"
    assert "declined" in rows["000"]["evidence"][0]["text"]
    assert "004" not in rows or rows["004"]["label"] != "agree"


def test_a_claim_stated_on_a_sources_authority_agrees_with_that_authority(
    model: StanceModel,
) -> None:
    # GOLD: Assad's consent is in 000 only, on US intelligence's authority (its lead says it
    # twice, once adding 'according to CNN'). The stance
    # model alone says discuss for 000 and agree for 004, which never names Assad.
    claim = "Assad consented to supply Hezbollah with an air defense system"
    rows = _answers(check_articles(claim, _examples(), model))
    assert rows["000"]["label"] == "agree" and rows["000"]["basis"] == "claim"
    matched = rows["000"]["claim"]
    assert matched is not None and "intelligence" in (matched["speaker"] or "")
    assert matched["certainty"] == "reported"
    assert rows["004"]["label"] != "agree"


@pytest.mark.xfail(
    strict=False,
    reason="000 states it in its own voice ('The delivery of the SA-22 (Pantsir) ... will be "
    "facilitated by the Wagner Group, a paramilitary organization ...'), but that claim's "
    "cosine with the checked claim is 0.59, under the 0.6 claim-matching threshold chosen on "
    "ECB+ for the dossier, and the stance model says discuss (p 0.94); 004 agrees",
)
def test_the_delivery_claim_is_agreed_by_both(model: StanceModel) -> None:
    rows = _answers(
        check_articles("Wagner will deliver a Pantsir system to Hezbollah", _examples(), model)
    )
    assert rows["000"]["label"] == rows["004"]["label"] == "agree"


def test_hedged_and_negated_statements_of_the_claim(model: StanceModel) -> None:
    hedged = Article.create(
        "Western officials said on Tuesday that the Wagner Group may deliver a Pantsir air "
        "defence system to Hezbollah in the coming weeks. Talks between the two groups took "
        "place in Syria last month, the officials said.",
        outlet="hedged",
    )
    denied = Article.create(
        "The Wagner Group will not deliver a Pantsir air defence system to Hezbollah, a "
        "spokesman for the group said on Tuesday. He called the reports of talks in Syria "
        "an invention of Western intelligence services.",
        outlet="denied",
    )
    claim = "The Wagner Group will deliver a Pantsir air defence system to Hezbollah."
    rows = _answers(check_articles(claim, [hedged, denied], model))
    assert rows["hedged"]["basis"] == "claim" and rows["hedged"]["label"] == "discuss"
    assert rows["hedged"]["claim"]["certainty"] in {"hedged", "speculative"}
    assert rows["denied"]["basis"] == "claim" and rows["denied"]["label"] == "disagree"
    assert rows["denied"]["claim"]["polarity"] == "denied"


def test_unrelated_articles_are_not_read(model: StanceModel) -> None:
    weather = Article.create(
        "Heavy rain is expected across northern England on Thursday, forecasters said. The Met "
        "Office issued a yellow warning for parts of Yorkshire and Cumbria.",
        outlet="weather",
    )
    report = check_articles("The Kremlin denied the transfer", [weather], model)
    assert report.result.unrelated == 1 and report.result.verdict == "unreported"
    assert not report.notes


def test_cli_check_json_names_the_basis_and_the_articles_claim(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storyline.cli import app
    from storyline.store import open_store

    db = f"sqlite:///{tmp_path / 's.db'}"
    with open_store(db) as store:
        for a in _examples():
            store.add_article(a)
    res = CliRunner().invoke(
        app, ["check", "The Kremlin denied the transfer", "--db", db, "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    (row,) = data["agree"]
    assert row["basis"] == "response" and row["claim"]["polarity"] == "denied"
    res = CliRunner().invoke(app, ["check", "The Kremlin denied the transfer", "--db", db])
    assert res.exit_code == 0 and "response match" in res.stdout and "verdict:" in res.stdout
