"""Syndication: copies and shared cited origins count as one independent source."""

from __future__ import annotations

import random

from storyline.model import Article, Attribution, Claim, ReadArticle, SourceGroup
from storyline.syndication import (
    independent_origins,
    outlet_key,
    primary_origin,
    shingles,
    syndication_groups,
)

WIRE = (
    "Officials in the coastal province said on Tuesday that the new suspension bridge across "
    "the estuary would open to traffic in March, two years later than planned, after repeated "
    "cost overruns and a dispute with the main contractor over steel deliveries. The regional "
    "transport minister told reporters that tolls would be waived for the first month and that "
    "an inquiry into the delays would report before the summer. Residents of the fishing towns "
    "on both banks have waited more than a decade for a fixed crossing to replace the ferry."
)
OTHER = (
    "The home side won three goals to nil on a rainy night at the stadium, with the captain "
    "scoring twice before half-time and the substitute striker adding a late third from the "
    "penalty spot. The coach praised the defence, which has not conceded in five matches, and "
    "said the squad would rest several players before the cup tie against the league leaders."
)


def _art(text: str, outlet: str | None = None, **kw: object) -> Article:
    return Article.create(text, outlet=outlet, **kw)  # type: ignore[arg-type]


def _reading(article: Article, *cited: tuple[str, ...]) -> ReadArticle:
    claims = tuple(
        Claim(
            id=f"{article.id}-{i}",
            article_id=article.id,
            sentence_index=i,
            start=i * 10,
            end=i * 10 + 5,
            text="claim",
            attribution=Attribution(speaker=None, cited_outlets=outs),
        )
        for i, outs in enumerate(cited)
    )
    return ReadArticle(article=article, claims=claims)


def test_shingles_are_word_ngrams_of_normalised_text() -> None:
    assert shingles("The  Cat sat", 2) == {"the cat", "cat sat"}
    assert shingles("Hi", 5) == {"hi"}
    assert shingles("", 5) == set()


def test_lightly_edited_copies_form_one_group_and_unrelated_stay_out() -> None:
    original = _art(WIRE, "wire.example", published="2024-03-01")
    # Same wire copy, new headline sentence and one word changed: a lightly edited copy.
    edited = _art(
        "Bridge delayed again. " + WIRE.replace("two years later", "twenty-four months later"),
        "paper.example",
        published="2024-03-02",
    )
    # A shortened copy: the first two sentences only.
    short = _art(". ".join(WIRE.split(". ")[:2]) + ".", "site.example")
    other = _art(OTHER, "sport.example")
    groups = syndication_groups([original, edited, short, other])
    assert len(groups) == 1
    g = groups[0]
    assert set(g.article_ids) == {original.id, edited.id, short.id}
    assert g.reason.startswith("near-duplicate, Jaccard ")
    assert g.origin == "wire.example"  # the earliest dated copy
    assert independent_origins([original.id, edited.id, short.id, other.id], groups) == 2


def test_same_topic_different_text_is_not_a_copy() -> None:
    a = _art(WIRE, "a.example")
    b = _art(
        "A decade-long wait for a fixed crossing is nearly over: the estuary bridge opens in "
        "March, its builders say, though tolls and the inquiry into delays remain disputed by "
        "residents of the fishing towns, who still rely on the old ferry for now.",
        "b.example",
    )
    assert syndication_groups([a, b]) == []


def test_five_hundred_near_identical_copies_make_one_group() -> None:
    rng = random.Random(7)
    words = WIRE.split()
    arts = []
    for i in range(500):
        w = list(words)
        # Each copy differs by one or two words and a sign-off.
        for _ in range(rng.randint(1, 2)):
            w[rng.randrange(len(w))] = rng.choice(["today", "officials", "new", "bridge"])
        arts.append(_art(" ".join(w) + f" (copy {i})", f"outlet{i}.example"))
    groups = syndication_groups([*arts, _art(OTHER, "sport.example")])
    assert len(groups) == 1
    assert len(groups[0].article_ids) == 500
    assert independent_origins([a.id for a in arts], groups) == 1


def test_exact_duplicates_and_degenerate_input() -> None:
    a = _art(WIRE, "x.example")
    assert syndication_groups([]) == []
    assert syndication_groups([a]) == []
    # The same article twice is one article, not a group.
    assert syndication_groups([a, a]) == []
    # Empty and very short texts are never copies of each other.
    e1, e2 = _art(" ", "e1"), _art("Breaking news.", "e2")
    e3 = _art("Breaking news!", "e3")
    assert syndication_groups([e1, e2, e3]) == []


def test_same_cited_origin_groups_articles_and_the_origin_itself() -> None:
    a = _art("Report one, own words about the operation and the groups involved.", "bbc.co.uk")
    b = _art("Another outlet retells it with a different angle and quotes.", "Reuters")
    c = _art("A third, independent report with its own sources on the ground.", "ap.example")
    wsj = _art("The original investigation as published by the newspaper.", "wsj.com")
    readings = [
        _reading(a, ("The Wall Street Journal",), ("The Wall Street Journal",), ()),
        _reading(b, ("Wall Street Journal",), ("CNN",), ("Wall Street Journal",)),
        _reading(c, (), ()),
        _reading(wsj),
    ]
    groups = syndication_groups([a, b, c, wsj], readings)
    assert len(groups) == 1
    g = groups[0]
    assert set(g.article_ids) == {a.id, b.id, wsj.id}
    assert g.reason == "same cited origin: The Wall Street Journal"
    assert g.origin == "The Wall Street Journal"
    # Readings given as a mapping work the same.
    again = syndication_groups([a, b, c, wsj], {r.article.id: r for r in readings})
    assert again == groups
    # Each article's primary origin (as a store keeps it) stands in for the readings.
    kept = {r.article.id: primary_origin(r) for r in readings}
    assert syndication_groups([a, b, c, wsj], origins=kept) == groups
    # Without readings, only copies count: none here.
    assert syndication_groups([a, b, c, wsj]) == []
    assert independent_origins([a.id, b.id, c.id, wsj.id], groups) == 2


def test_primary_origin_prefers_most_cited_then_first() -> None:
    a = _art("text", "own.example")
    r = _reading(a, ("CNN",), ("Reuters",), ("Reuters",))
    assert primary_origin(r) == "Reuters"
    r2 = _reading(a, ("CNN",), ("Reuters",))
    assert primary_origin(r2) == "CNN"
    # An outlet citing itself is not resting on another origin.
    own = _art("text", "cnn.com")
    assert primary_origin(_reading(own, ("CNN",))) is None
    assert primary_origin(_reading(a)) is None


def test_outlet_keys_match_names_domains_and_initials() -> None:
    assert outlet_key("The Wall Street Journal") == "wall street journal"
    assert outlet_key("www.cnn.com") == "cnn"
    from storyline.syndication import _same_outlet

    assert _same_outlet("wsj.com", "The Wall Street Journal")
    assert _same_outlet("CNN", "cnn.com")
    assert not _same_outlet("CNN", "BBC")
    assert not _same_outlet("", "BBC")


def test_copy_and_origin_groups_combine_into_one_reason() -> None:
    a = _art(WIRE, "one.example")
    b = _art(WIRE + " Additional closing line.", "two.example")
    c = _art("Independent text resting on the same cited report from elsewhere.", "three.ex")
    readings = [_reading(a, ("CNN",)), _reading(c, ("CNN",))]
    groups = syndication_groups([a, b, c], readings)
    assert len(groups) == 1
    assert isinstance(groups[0], SourceGroup)
    assert set(groups[0].article_ids) == {a.id, b.id, c.id}
    assert "near-duplicate" in groups[0].reason and "same cited origin: CNN" in groups[0].reason


def test_signatures_are_stable_across_processes_and_can_be_given() -> None:
    """Signatures are stored with articles, so a new process (another string-hash salt)
    must compute the same ones; given signatures replace hashing the texts."""
    import os
    import subprocess
    import sys

    import numpy as np

    from storyline.syndication import signature

    sig = signature(WIRE)
    assert sig.dtype == np.uint32 and sig.shape == (128,)
    assert signature("") is None
    code = "import sys; from storyline.syndication import signature; "
    code += "sys.stdout.write(signature(sys.stdin.read()).tobytes().hex())"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], input=WIRE, capture_output=True, text=True, env=env
    )
    assert out.stdout == sig.tobytes().hex()
    # The share of equal values estimates the Jaccard of the shingle sets.
    edited = WIRE.replace("two years later", "twenty-four months later")
    a, b = shingles(WIRE), shingles(edited)
    assert abs(float(np.mean(sig == signature(edited))) - len(a & b) / len(a | b)) < 0.12
    original, copy, other = _art(WIRE, "a.example"), _art(edited, "b.example"), _art(OTHER)
    arts = [original, copy, other]
    given = {x.id: signature(x.text) for x in arts}
    assert syndication_groups(arts, signatures=given) == syndication_groups(arts)
    # A signature given is used as it is: one made to match nothing unlinks the copy.
    given[copy.id] = np.arange(128, dtype=np.uint32)
    assert syndication_groups(arts, signatures=given) == []
