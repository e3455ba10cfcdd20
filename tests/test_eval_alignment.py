"""`storyline eval alignment`: the ECB+ event-coreference proxy for claim support links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import shared_data
from storyline.cli_eval import _topics
from storyline.evaluate.alignment import (
    PredictedSupport,
    StorySupports,
    event_sentences,
    score_supports,
)


def test_topic_ranges() -> None:
    assert _topics("1-3,7") == {1, 2, 3, 7}
    with pytest.raises(ValueError, match="not a topic number"):
        _topics("one")


def _story() -> StorySupports:
    # Article A: sentence 0 mentions event E1, sentence 1 mentions nothing annotated.
    # Article B: sentence 0 mentions E1; sentence 1 mentions E2. Article C: E2 only.
    sentences = {
        "A": [((0, 10), frozenset({"E1"})), ((11, 20), frozenset())],
        "B": [((0, 10), frozenset({"E1"})), ((11, 20), frozenset({"E2"}))],
        "C": [((0, 10), frozenset({"E2"}))],
    }
    claims = [("A", 0, 10), ("A", 11, 20), ("C", 0, 10)]
    supports = [
        # Right: B reports E1, and its evidence sentence is the E1 one.
        PredictedSupport("A", 0, 10, "B", "claim", 1.0, 1.0, ((0, 10),)),
        # Wrong: C never reports E1 (a weak stance link).
        PredictedSupport("A", 0, 10, "C", "stance", 0.45, 0.5, ((0, 10),)),
        # Claim of A's unannotated sentence: no gold, not scored.
        PredictedSupport("A", 11, 20, "B", "stance", 0.9, 0.9, ((11, 20),)),
        # Right article (B reports E2), wrong evidence sentence (B's E1 sentence).
        PredictedSupport("C", 0, 10, "B", "stance", 0.9, 0.8, ((0, 10),)),
    ]
    return StorySupports("s", sentences, claims, supports)


def test_scores_count_what_the_gold_says() -> None:
    s = score_supports([_story()])
    assert s.claims == 2  # A's unannotated sentence has no gold
    assert s.gold_pairs == 2  # (A/E1, B) and (C/E2, B)
    assert s.predicted_pairs == 3
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == 1.0
    # Evidence: B's E1 sentence for A (right), C's E2 sentence for A (wrong), B's E1 sentence
    # for C's E2 claim (wrong).
    assert s.evidence_precision == pytest.approx(1 / 3)
    assert s.stance_pairs == 2


def test_strict_scores_need_every_event_of_the_claim() -> None:
    # D's claim mentions E1 and E2: B reports both (gold), C only E2 (not gold when strict).
    sentences = {
        "D": [((0, 10), frozenset({"E1", "E2"})), ((11, 20), frozenset({"E1"}))],
        "B": [((0, 10), frozenset({"E1"})), ((11, 20), frozenset({"E2"}))],
        "C": [((0, 10), frozenset({"E2"}))],
    }
    claims = [("D", 0, 10), ("D", 11, 20)]
    supports = [
        PredictedSupport("D", 0, 10, "B", "stance", 0.9, 0.9, ((0, 10),)),
        PredictedSupport("D", 0, 10, "C", "stance", 0.9, 0.9, ((0, 10),)),
    ]
    story = StorySupports("s", sentences, claims, supports)
    lenient = score_supports([story])
    assert (lenient.claims, lenient.gold_pairs, lenient.precision) == (2, 3, 1.0)
    strict = score_supports([story], strict=True)
    # The one-event claim is not scored; of the two links only B reports both events.
    assert (strict.claims, strict.gold_pairs, strict.predicted_pairs) == (1, 1, 2)
    assert strict.precision == pytest.approx(0.5)
    assert strict.recall == 1.0


def test_thresholds_drop_weak_stance_links_only() -> None:
    s = score_supports([_story()], min_probability=0.5)
    assert s.predicted_pairs == 2 and s.precision == 1.0
    s = score_supports([_story()], min_evidence=0.85)
    assert s.predicted_pairs == 1 and s.recall == 0.5
    s = score_supports([_story()], use_stance=False)
    assert s.predicted_pairs == 1 and s.stance_pairs == 0


def test_event_sentences_of_a_real_file() -> None:
    docs = shared_data("ecbplus", "docs")
    from storyline.evaluate.ecbplus import parse_ecbplus_file

    for name in ("1/1_10ecb.xml", "1/1_10ecbplus.xml"):
        path = docs / name
        doc = parse_ecbplus_file(path)
        events = event_sentences(path)
        assert events, f"{name}: no annotated event sentence found"
        assert all(0 <= i < len(doc.sentences) for i in events)
        assert all(
            c and not c.startswith(("HUM", "LOC", "TIM")) for v in events.values() for c in v
        )


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("STORYLINE_FULL"), reason="set STORYLINE_FULL=1")
def test_support_links_on_all_ecbplus_topics() -> None:
    """All 35 topics (66 stories; about 4 minutes on 2 quiet cores). Measured when pinned, at
    the shipped settings (agree needs evidence stating the claim's specifics): P/R 0.938/0.299,
    evidence P 0.921; strict (every event of the claim reported) P/R 0.426/0.429. Without
    that rule: 0.910/0.386, 0.884, strict 0.377/0.495. Floors a little below."""
    from storyline.align import AlignOptions
    from storyline.evaluate.alignment import evaluate_alignment

    stories = evaluate_alignment(Path(shared_data("ecbplus", "docs")))
    shipped = AlignOptions().min_stance_probability
    s = score_supports(stories, min_probability=shipped)
    assert s.claims > 1500
    assert s.precision >= 0.92
    assert s.recall >= 0.28
    assert s.evidence_precision >= 0.9
    strict = score_supports(stories, min_probability=shipped, strict=True)
    assert strict.claims > 1000
    assert strict.precision >= 0.41
    assert strict.recall >= 0.41
