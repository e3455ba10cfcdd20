"""Verdict rules, independence and provenance on invented stories."""

from __future__ import annotations

import dataclasses

from storyfakes import KeywordStance, align, blast_readings, reading
from storyline.model import Article, VerdictLabel
from storyline.verdicts import (
    article_date,
    citation_chain,
    earlier_reports,
    story_timeline,
    story_verdicts,
    verdict_for_claim,
)


def _verdicts(readings, **kw):
    al = align("s1", readings, stance_model=KeywordStance())
    return story_verdicts("s1", al.groups, al.links, readings, copy_of=al.copies, **kw), al


def _find(verdicts, words):
    hits = [v for v in verdicts if all(w in v.text for w in words)]
    assert hits, [v.text for v in verdicts]
    return hits[0]


def test_two_outlets_same_origin_corroborate_with_caveat() -> None:
    verdicts, _ = _verdicts(blast_readings())
    v = _find(verdicts, ["killed"])
    assert v.label is VerdictLabel.CORROBORATED
    assert set(v.outlets) == {"Daily Ledger", "Evening Post"}
    # Both rest on "fire officials": two outlets, one origin, and the verdict says so.
    assert len(v.independent_origins) == 1
    assert "1 independent origin" in v.explanation
    assert v.earliest_article_id == "art-a" and v.earliest_basis == "published"


def test_different_responses_of_one_actor_are_contested() -> None:
    verdicts, _ = _verdicts(blast_readings())
    contested = [v for v in verdicts if v.label is VerdictLabel.CONTESTED]
    assert len(contested) == 1
    v = contested[0]
    texts = {lk.evidence[0].text for lk in v.supporting + v.opposing if lk.evidence}
    assert any("denied" in t for t in texts) and any("yet to comment" in t for t in texts)
    assert v.explanation.startswith("response of")


def test_single_source_and_hedged() -> None:
    verdicts, _ = _verdicts(blast_readings())
    assert _find(verdicts, ["Mara Quell"]).label is VerdictLabel.SINGLE_SOURCE
    assert _find(verdicts, ["mayor may"]).label is VerdictLabel.UNVERIFIED_HEDGED


def test_earlier_reporter_is_named() -> None:
    readings = blast_readings()
    named = earlier_reports(readings)
    assert [e.outlet for e in named] == ["The Harbour Times"]
    verdicts, _ = _verdicts(readings)
    v = _find(verdicts, ["Earlier reports"])
    assert v.cited_origins[0] == "The Harbour Times"
    timeline = story_timeline(readings)
    assert timeline[0].basis == "cited-earlier" and timeline[0].outlet == "The Harbour Times"
    assert [t.article_id for t in timeline if t.basis == "published"] == ["art-a", "art-b"]


def test_same_outlet_and_copies_count_once() -> None:
    a, b = blast_readings()
    same_outlet = dataclasses.replace(
        b, article=dataclasses.replace(b.article, outlet="Daily Ledger")
    )
    verdicts, _ = _verdicts([a, same_outlet])
    assert _find(verdicts, ["killed"]).label is VerdictLabel.SINGLE_SOURCE
    copy = dataclasses.replace(a, article=dataclasses.replace(a.article, id="copy", outlet="Wire"))
    al = align("s1", [a, copy], copy_groups=[["art-a", "copy"]])
    verdicts = story_verdicts("s1", al.groups, al.links, [a, copy], copy_of=al.copies)
    v = _find(verdicts, ["killed"])
    assert v.label is VerdictLabel.SINGLE_SOURCE
    assert {lk.article_id for lk in v.supporting} == {"art-a", "copy"}


def test_independent_origins_are_counted() -> None:
    a, b = blast_readings()
    # Same casualty claim, but on the authority of a different speaker.
    text = "The explosion at the Norvale chemical plant killed 12 workers, hospital staff said."
    c = reading(
        "art-c",
        text,
        outlet="Third Paper",
        published="2024-03-04",
        claims={text: {"speaker": "hospital staff", "verb": "said"}},
    )
    verdicts, _ = _verdicts([a, b, c])
    v = _find(verdicts, ["killed"])
    assert v.label is VerdictLabel.CORROBORATED
    assert len(v.independent_origins) == 2


def test_dates_fall_back_to_fetch_time_and_say_so() -> None:
    a, b = blast_readings()
    a = dataclasses.replace(
        a, article=dataclasses.replace(a.article, published=None, fetched_at="2024-03-05T10:00:00")
    )
    b = dataclasses.replace(
        b, article=dataclasses.replace(b.article, published=None, fetched_at="2024-03-04T09:00:00")
    )
    verdicts, _ = _verdicts([a, b])
    v = _find(verdicts, ["killed"])
    assert (v.earliest_article_id, v.earliest_basis) == ("art-b", "fetched")
    assert article_date(a.article) == ("2024-03-05T10:00:00", "fetched")
    nodate = dataclasses.replace(a, article=dataclasses.replace(a.article, fetched_at=None))
    assert story_timeline([nodate])[-1].basis == "undated"


def test_citation_chain() -> None:
    a = blast_readings()[0]
    c = next(c for c in a.claims if "Harbour" in c.text)
    assert citation_chain(c, a.article) == ("Daily Ledger", "The Harbour Times")
    c = next(c for c in a.claims if "killed" in c.text)
    assert citation_chain(c, a.article) == ("Daily Ledger", "Fire officials")


def test_verdict_for_claim_from_stance_alone() -> None:
    arts = [
        Article(id="1", text="Scientists confirm the comet will pass close to Earth."),
        Article(id="2", text="The comet story is a hoax, astronomers say."),
        Article(id="3", text="A comet will pass close to Earth next week, NASA said."),
    ]
    model = KeywordStance()
    v = verdict_for_claim("A comet will pass close to Earth", arts, model)
    assert v.label is VerdictLabel.CONTESTED
    assert [lk.article_id for lk in v.opposing] == ["2"]
    v = verdict_for_claim("A comet will pass close to Earth", [arts[0], arts[2]], model)
    assert v.label is VerdictLabel.CORROBORATED
    v = verdict_for_claim("A comet will pass close to Earth", arts[:1], model)
    assert v.label is VerdictLabel.SINGLE_SOURCE
    v = verdict_for_claim("A comet will pass close to Earth", [], model)
    assert v.label is VerdictLabel.SINGLE_SOURCE and not v.supporting


def test_eval_contested_on_a_dev_sample() -> None:
    """Real FNC-1 dev headlines with the shipped stance model: the command's numbers add up.
    (The accuracy itself is reported by `storyline eval contested`; see the report.)"""
    import pytest

    from conftest import shared_data
    from storyline.evaluate.contested import evaluate_contested

    folder = shared_data("fnc1")
    try:
        from storyline.stance import DEFAULT_MODEL_PATH
    except ImportError:
        pytest.skip("stance component not installed")
    if not DEFAULT_MODEL_PATH.exists():
        pytest.skip(f"no shipped stance model at {DEFAULT_MODEL_PATH}")
    scores = evaluate_contested(folder, split="dev", limit=12)
    assert scores.headlines == 12
    assert scores.tp + scores.fp + scores.fn + scores.tn == 12
    assert scores.pairs >= 12
    assert 0.0 <= scores.accuracy <= 1.0


def test_articles_of_unknown_outlet_are_counted_as_articles() -> None:
    """No outlet known (plain files, or dumps without metadata): each article counts as its own
    report, and the verdict says "articles of unknown outlet", not "outlets"."""
    readings = [
        dataclasses.replace(r, article=dataclasses.replace(r.article, outlet=None))
        for r in blast_readings()
    ]
    verdicts, _ = _verdicts(readings)
    v = _find(verdicts, ["killed"])
    assert v.label is VerdictLabel.CORROBORATED
    assert "2 articles of unknown outlet" in v.explanation
    assert "outlets," not in v.explanation
    one = dataclasses.replace(
        readings[0], article=dataclasses.replace(readings[0].article, outlet="Daily Ledger")
    )
    verdicts, _ = _verdicts([one, *readings[1:]])
    assert "1 outlet and 1 article of unknown outlet" in _find(verdicts, ["killed"]).explanation
