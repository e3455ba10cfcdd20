"""Claim alignment on invented stories (hand-built readings, the real embedding model)."""

from __future__ import annotations

import dataclasses
import time

import pytest

from storyfakes import BLAST_A, ENTS, KeywordStance, align, blast_readings, reading
from storyline.align import AlignOptions, claim_actors, response_kind
from storyline.model import Attribution, Claim, Polarity, StanceLabel


def _claim(text: str, **kw) -> Claim:
    return Claim(id="c", article_id="a", sentence_index=0, start=0, end=len(text), text=text, **kw)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The ministry has yet to comment on the report.", "no-comment"),
        ("A spokesman declined to comment.", "no-comment"),
        ("The company did not respond to requests for comment.", "no-comment"),
        ("Officials could not be reached on Sunday.", "no-comment"),
        ("The Kremlin denied that troops had crossed the border.", "denied"),
        ("The club rejected the claims as baseless.", "denied"),
        ("The ministry confirmed that two ships had docked.", "confirmed"),
        ("The storm killed four people in the valley.", None),
    ],
)
def test_response_kind(text: str, kind: str | None) -> None:
    assert response_kind(_claim(text)) == kind


def test_claim_actors_uses_speaker_then_subject_and_part_of() -> None:
    r = blast_readings()[1]
    no_comment = next(c for c in r.claims if "yet to comment" in c.text)
    assert "e:e-helio" in claim_actors(no_comment, r.mentions)
    spoke = dataclasses.replace(
        no_comment,
        attribution=Attribution(
            speaker="Heliotrope Industries",
            speaker_start=no_comment.start,
            speaker_end=no_comment.start + 21,
        ),
    )
    assert "e:parent" in claim_actors(spoke, r.mentions, {"e-helio": "parent"})


def test_paraphrases_across_articles_form_one_group() -> None:
    readings = blast_readings()
    al = align("s1", readings)
    by_seed = {g.representative_claim_id: g for g in al.groups if g.kind == "proposition"}
    casualty = [g for g in by_seed.values() if len(g.claim_ids) == 2]
    assert len(casualty) == 1, [g.claim_ids for g in al.groups]
    texts = {c.text for r in readings for c in r.claims if c.id in casualty[0].claim_ids}
    assert all("killed" in t for t in texts)
    links = al.links[casualty[0].id]
    assert {lk.article_id for lk in links} == {"art-a", "art-b"}
    assert all(lk.relation is StanceLabel.AGREE and lk.evidence for lk in links)
    # Every link names the exact span it rests on.
    for lk in links:
        ev = lk.evidence[0]
        text = next(r.article.text for r in readings if r.article.id == lk.article_id)
        assert text[ev.start : ev.end] == ev.text


def test_different_answers_of_one_actor_form_a_response_group() -> None:
    al = align("s1", blast_readings())
    responses = [g for g in al.groups if g.kind == "response"]
    assert len(responses) == 1
    rel = {lk.article_id: lk.relation for lk in al.links[responses[0].id]}
    assert len(rel) == 2 and StanceLabel.DISAGREE in rel.values()


def test_unrelated_claims_do_not_match() -> None:
    al = align("s1", blast_readings())
    for g in al.groups:
        if g.kind == "proposition" and len(g.claim_ids) > 1:
            assert "Mara Quell" not in " ".join(g.claim_ids)
    mayor = [g for g in al.groups if len(g.claim_ids) == 1]
    assert len(mayor) >= 3


def test_stance_model_links_articles_without_a_matching_claim() -> None:
    readings = blast_readings()
    denial = reading(
        "art-c",
        "Reports that workers died at the Norvale chemical plant are false, the union said.",
        outlet="Union Voice",
        entities=ENTS,
    )
    stance = KeywordStance()
    al = align("s1", [*readings, denial], stance_model=stance)
    assert stance.pairs > 0
    c_links = [lk for lks in al.links.values() for lk in lks if lk.article_id == "art-c"]
    assert any(lk.relation is StanceLabel.DISAGREE and lk.target_claim_id is None for lk in c_links)


def test_claim_about_a_person_needs_an_article_naming_them() -> None:
    readings = blast_readings()
    other = reading(
        "art-d",
        "Plant managers approved the overfilling of the storage tanks, the report said.",
        outlet="Other",
        claims={
            "Plant managers approved the overfilling of the storage tanks, the report said.": {}
        },
    )
    al = align("s1", [readings[0], other], stance_model=KeywordStance())
    quell = next(c for c in readings[0].claims if "Mara Quell" in c.text)
    group = next(g for g in al.groups if quell.id in g.claim_ids)
    agree = [lk for lk in al.links[group.id] if lk.article_id == "art-d"]
    assert all(lk.relation is not StanceLabel.AGREE for lk in agree)


def test_copies_are_aligned_once_and_fast() -> None:
    base = blast_readings()
    copies = [
        dataclasses.replace(base[0], article=dataclasses.replace(base[0].article, id=f"copy{i}"))
        for i in range(500)
    ]
    stance = KeywordStance()
    t0 = time.perf_counter()
    al = align(
        "s1",
        [*copies, base[1]],
        stance_model=stance,
        copy_groups=[[c.article.id for c in copies]],
    )
    elapsed = time.perf_counter() - t0
    assert len(al.copies) == 499
    assert stance.pairs < 20
    assert elapsed < 30


def test_empty_and_one_article_stories() -> None:
    assert align("s0", []).groups == ()
    one = align("s1", blast_readings()[:1], stance_model=KeywordStance())
    assert all(len(g.claim_ids) == 1 for g in one.groups)
    assert one.stance_pairs == 0


def test_budget_caps_stance_calls() -> None:
    stance = KeywordStance()
    readings = blast_readings()
    align("s1", readings, stance_model=stance, options=AlignOptions(max_stance_pairs=1))
    assert stance.pairs <= 1
    assert BLAST_A  # the fixture text is what the claims point into
    assert Polarity.DENIED in {c.polarity for r in readings for c in r.claims}


def test_only_claims_close_to_one_claim_of_another_article_are_embedded():
    from storyline.align import ClaimItem, _lexically_close

    def item(article: str, words: str, entities: str = "") -> ClaimItem:
        return ClaimItem(None, article, set(entities.split()), set(), set(words.split()))  # type: ignore[arg-type]

    items = [
        item("a", "missi deliv syste"),  # shares "missi" with b's claim, "deliv" with c's
        item("b", "missi launc"),
        item("c", "deliv parli"),
        item("a", "ceasef talks hosta"),  # shares two words with one claim of c
        item("c", "ceasef hosta relea"),
        item("b", "other words", "e1 e2"),  # two actors with one claim of c
        item("c", "unrel", "e1 e2"),
        item("b", "ceasef hosta"),  # same two words as a claim of its own article only
    ]
    items[-1].article = "c"
    assert _lexically_close(items) == [3, 4, 5, 6, 7]


class _TopicalStance:
    """Says every article agrees and points at its first sentence, as an FNC-1 model does
    for an on-topic body whatever the claim's specifics."""

    def predict(self, claim: str, articles: list) -> list:
        from storyline.model import Evidence, Stance

        out = []
        for a in articles:
            first = a.text.split(". ")[0] + "."
            ev = (Evidence(a.id, 0, len(first), first, 0.8),)
            out.append(Stance(StanceLabel.AGREE, {"agree": 0.9}, ev, a.id))
        return out


def test_story_core_and_specifics() -> None:
    from storyline.align import _states_specifics, story_core

    texts = [
        "The dam on the Arlo river burst on Monday, flooding three villages.",
        "Three villages were flooded when the Arlo dam burst, officials said.",
        "The Arlo dam burst after days of rain; the dam was built in 1961 by a state company.",
    ]
    core = story_core(texts, 0.5)
    assert {"arlo", "burst", "villa", "flood"} <= core
    assert "built" not in core and "compa" not in core
    side = _claim("The dam was built in 1961 by a state company.")
    main = _claim("The Arlo dam burst, flooding villages.")
    # A side claim needs evidence that states its specifics; the main event needs none.
    assert not _states_specifics(side, ["The Arlo dam burst on Monday."], core)
    assert _states_specifics(side, ["It was built by a state company decades ago."], core)
    assert _states_specifics(main, ["Villages were flooded when the dam burst."], core)


def test_topical_agree_on_a_side_claim_is_no_support() -> None:
    a = (
        "The Arlo dam burst on Monday, flooding three villages. "
        "The dam was built in 1961 by a state company."
    )
    b = "Three villages were flooded when the Arlo dam burst. Rescuers searched the river banks."
    c = "The Arlo dam burst after heavy rain. Farmers lost their harvest to the flood water."
    side = "The dam was built in 1961 by a state company."
    readings = [
        reading("art-a", a, outlet="A", claims={side: {}}),
        reading("art-b", b, outlet="B"),
        reading("art-c", c, outlet="C"),
    ]
    al = align("s-dam", readings, stance_model=_TopicalStance())
    group = next(g for g in al.groups if any("1961" in c.text for c in readings[0].claims))
    # B and C tell the main event only: neither supports (nor discusses) the side claim.
    assert {lk.article_id for lk in al.links[group.id]} == {"art-a"}
    off = align(
        "s-dam",
        readings,
        stance_model=_TopicalStance(),
        options=dataclasses.replace(AlignOptions(), specifics=False),
    )
    assert {lk.relation for lk in off.links[group.id] if lk.article_id != "art-a"} == {
        StanceLabel.AGREE
    }


def _frame_story() -> list:
    ents = {
        "The coast guard": ("ORG", "e-cg"),
        "Maritime officials": ("ORG", "e-cg"),
        "Arlo Star": ("PRODUCT", "e-ship"),
        "MV-7 tanker": ("PRODUCT", "e-ship"),
        "Port Veno": ("GPE", "e-port"),
    }
    texts = {
        "art-a": "The coast guard is closely monitoring the movements of the Arlo Star.",
        "art-b": "Maritime officials are now watching talks between its owners and two salvage "
        "firms over towing the stricken MV-7 tanker to Port Veno, where divers could inspect "
        "its damaged hull.",
        "art-c": "Maritime officials have fined the owners of the stricken MV-7 tanker over a "
        "fuel spill.",
    }
    return [
        reading(aid, text + " Nobody was hurt.", outlet=aid, entities=ents, claims={text: {}})
        for aid, text in texts.items()
    ]


def test_one_actor_doing_the_same_in_other_words_is_one_claim() -> None:
    """A frame: the same subject actor, another shared actor, and predicates that mean the
    same ("monitoring" / "watching") match claims whose sentences are far apart."""
    a, b, c = _frame_story()
    grouped = align("s-frame", [a, b])
    assert [len(g.claim_ids) for g in grouped.groups] == [2]
    off = dataclasses.replace(AlignOptions(), frame_similarity=0.0)
    assert [len(g.claim_ids) for g in align("s-frame", [a, b], options=off).groups] == [1, 1]
    # Fining the tanker's owners is another thing the same actor did: no match.
    for pair in ([a, c], [b, c]):
        assert all(len(g.claim_ids) == 1 for g in align("s-frame", pair).groups)


def test_subject_and_predicate_of_a_claim() -> None:
    from storyline.align_words import predicate, subjects

    a, b, _ = _frame_story()
    for r, verb in ((a, "monitoring"), (b, "watching")):
        claim = r.claims[0]
        subject = subjects(claim, r.mentions, {})
        assert list(subject) == ["e:e-cg"]
        assert predicate(claim, r.mentions, subject["e:e-cg"]) == verb
    said = reading(
        "art-d",
        "The coast guard said the Arlo Star had drifted to Port Veno.",
        entities={"The coast guard": ("ORG", "e-cg"), "Arlo Star": ("PRODUCT", "e-ship")},
        claims={
            "The coast guard said the Arlo Star had drifted to Port Veno.": {
                "speaker": "The coast guard"
            }
        },
    )
    # The speaker is no subject: the claim is about the tanker.
    claim = said.claims[0]
    subject = subjects(claim, said.mentions, {"e-ship": "e-fleet"})
    assert set(subject) == {"e:e-ship", "e:e-fleet"}
    assert predicate(claim, said.mentions, subject["e:e-ship"]) == "drifted"
