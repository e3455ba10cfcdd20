"""Attribution scorer: alignment, matching rules and P/R/F1 on invented cases with known answers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import shared_data
from storyline.evaluate.attribution import (
    GoldError,
    align_claims,
    load_gold,
    outlets_match,
    predict_for_gold,
    render_scores,
    score_attribution,
    score_by_source,
    speaker_matches,
    verbs_match,
)
from storyline.model import Attribution, Certainty, Claim, Polarity, SpeakerKind

TEXT = (
    "Officials said the bridge will close. "  # 0..37
    "The bridge was built in 1950. "  # 38..68
    "It may reopen in May, CNN reported. "  # 69..105
    "Police denied the report."  # 106..131
)
S = [(0, 37), (38, 68), (69, 105), (106, 131)]


def _gold_line(claims: list[dict]) -> dict:
    out = []
    for (start, end), c in zip(S, claims, strict=False):
        if c:
            out.append({"start": start, "end": end, "sentence": TEXT[start:end], **c})
    return {"doc": "fnc1:1", "text": TEXT, "claims": out}


GOLD = _gold_line(
    [
        dict(speaker="Officials", speaker_kind="anonymous", verb="say", cited_outlets=[],
             certainty="reported", polarity="affirmed"),
        dict(speaker=None, speaker_kind="article", verb=None, cited_outlets=[],
             certainty="asserted", polarity="affirmed"),
        dict(speaker="CNN", speaker_kind="media", verb="report", cited_outlets=["CNN"],
             certainty="hedged", polarity="affirmed"),
        dict(speaker="Police", speaker_kind="organisation", verb="deny", cited_outlets=[],
             certainty="reported", polarity="denied"),
    ]
)  # fmt: skip


def _claim(i: int, span: tuple[int, int], **attr: object) -> Claim:
    cert = attr.pop("certainty", Certainty.ASSERTED)
    pol = attr.pop("polarity", Polarity.AFFIRMED)
    return Claim(
        id=str(i), article_id="a", sentence_index=i, start=span[0], end=span[1],
        text=TEXT[span[0]:span[1]], attribution=Attribution(**attr),  # type: ignore[arg-type]
        certainty=cert, polarity=pol,
    )  # fmt: skip


@pytest.fixture
def gold(tmp_path: Path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(GOLD) + "\n", encoding="utf-8")
    return load_gold(path)


def test_gold_offsets_are_checked(tmp_path: Path) -> None:
    bad = dict(GOLD, claims=[dict(GOLD["claims"][0], start=1)])
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"bad.jsonl:1: .*offsets"):
        load_gold(path)
    with pytest.raises(GoldError, match="cannot read"):
        load_gold(tmp_path / "missing.jsonl")


def test_perfect_prediction_scores_one(gold) -> None:
    preds = [
        _claim(0, S[0], speaker="officials", kind=SpeakerKind.ANONYMOUS, verb="said",
               certainty=Certainty.REPORTED),
        _claim(1, S[1]),
        _claim(2, S[2], speaker="CNN", kind=SpeakerKind.MEDIA, verb="reported",
               cited_outlets=("CNN",), certainty=Certainty.HEDGED),
        _claim(3, S[3], speaker="Police", kind=SpeakerKind.ORGANISATION, verb="denied",
               certainty=Certainty.REPORTED, polarity=Polarity.DENIED),
    ]  # fmt: skip
    s = score_attribution(gold, {"fnc1:1": preds})
    for prf in (s.claims, s.speaker, s.verb, s.outlets, s.hedging, s.denied):
        assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    assert s.polarity_accuracy == s.certainty_accuracy == s.kind_accuracy == 1.0
    assert "speaker" in render_scores(s) and "1.000" in render_scores(s)


def test_known_partial_answer(gold) -> None:
    preds = [
        # speaker right, verb right
        _claim(0, S[0], speaker="Officials", kind=SpeakerKind.ANONYMOUS, verb="say"),
        # article voice given a speaker: a speaker false positive, and hedged wrongly
        _claim(1, S[1], speaker="the bridge", kind=SpeakerKind.ORGANISATION, verb="build",
               certainty=Certainty.HEDGED),
        # no claim for the whole CNN sentence (the fragment below aligns with it)
        # police sentence: wrong speaker, polarity missed, outlet invented
        _claim(3, (106, 131), speaker="the report", kind=SpeakerKind.DOCUMENT, verb="deny",
               cited_outlets=("Reuters",)),
        # a predicted claim outside every gold claim
        _claim(4, (69, 72), speaker="It", kind=SpeakerKind.PERSON),
    ]  # fmt: skip
    s = score_attribution(gold, {"fnc1:1": preds})
    # claims: 3 of 4 gold found; the (69, 72) fragment covers >= half of itself, so it aligns
    # with the CNN sentence: 4 aligned, 0 false positives.
    assert (s.claims.tp, s.claims.fp, s.claims.fn) == (4, 0, 0)
    # speaker: gold positives Officials, CNN, Police; only Officials matches;
    # fp: "the bridge", "the report", "It"; fn: CNN, Police.
    assert (s.speaker.tp, s.speaker.fp, s.speaker.fn) == (1, 3, 2)
    assert s.speaker.precision == pytest.approx(0.25)
    assert s.speaker.recall == pytest.approx(1 / 3)
    assert s.speaker.f1 == pytest.approx(2 * 0.25 * (1 / 3) / (0.25 + 1 / 3))
    # verb: say ok, build fp, CNN's report fn, deny ok
    assert (s.verb.tp, s.verb.fp, s.verb.fn) == (2, 1, 1)
    assert (s.outlets.tp, s.outlets.fp, s.outlets.fn) == (0, 1, 1)
    assert (s.hedging.tp, s.hedging.fp, s.hedging.fn) == (0, 1, 1)
    assert (s.denied.tp, s.denied.fp, s.denied.fn) == (0, 0, 1)
    assert s.polarity_accuracy == pytest.approx(3 / 4)


def test_missing_document_counts_as_no_claims(gold) -> None:
    s = score_attribution(gold, {})
    assert (s.claims.tp, s.claims.fn, s.speaker.fn, s.hedging.fn) == (0, 4, 3, 1)
    assert s.speaker.f1 == 0.0 and s.aligned == 0
    assert set(score_by_source(gold, {})) == {"all", "fnc1"}


def test_alignment_is_one_to_one_by_overlap(gold) -> None:
    a = _claim(0, (0, 20))
    b = _claim(1, (0, 37))
    c = _claim(2, (30, 60))  # 7 chars of sentence 0, 22 of sentence 1
    assert align_claims(gold[0].claims, [a, b, c]) == [(0, 1), (1, 2)]


def test_matching_rules() -> None:
    assert speaker_matches("Watson", ["Adrienne Watson"])
    assert speaker_matches("US intelligence sources", ["U.S. intelligence sources"])
    assert speaker_matches("sources", ["US intelligence sources"])
    assert speaker_matches("Reid's representative Jack Ketsoyan", ["Jack Ketsoyan"])
    assert speaker_matches("Kremlin", ["the Kremlin"])
    assert speaker_matches("he", ["Humberto Saballos", "He"])
    assert speaker_matches("Activists", ["Activists with the Local Coordination Committees"])
    assert not speaker_matches("he", ["Humberto Saballos"])
    assert speaker_matches("Scotland Yard", ["a representative from Scotland Yard"])
    assert speaker_matches("Secretary of the Interior Dirk Kempthorne", ["Dirk Kempthorne"])
    assert not speaker_matches("representatives of Apple", ["Scotland Yard"])
    assert not speaker_matches("CNN", ["US intelligence sources"])
    assert not speaker_matches(None, ["CNN"])
    assert verbs_match("said", "say") and verbs_match("told", "tell")
    assert verbs_match("confirmed", "confirm") and verbs_match("announces", "announce")
    assert verbs_match("admitted", "admit") and verbs_match("denies", "deny")
    assert not verbs_match("said", "deny") and not verbs_match(None, "say")
    assert outlets_match("Wall Street Journal", "The Wall Street Journal")
    assert outlets_match("WSJ", "The Wall Street Journal")
    assert outlets_match("WaPo", "The Washington Post")  # aliases in the outlet list
    assert not outlets_match("WaPo", "The New York Times")
    assert outlets_match("AP", "The Associated Press")
    assert outlets_match("the Post", "New York Post")
    assert not outlets_match("CNN", "Fox News")


def test_according_to_is_not_a_verb(gold) -> None:
    p = _claim(0, S[0], speaker="Officials", kind=SpeakerKind.ANONYMOUS, verb="according to")
    s = score_attribution(gold, {"fnc1:1": [p]})
    # the unaligned gold claims (CNN's "report", the police's "deny") are missed verbs too
    assert (s.verb.tp, s.verb.fp, s.verb.fn) == (0, 0, 3)


def test_predict_for_gold_without_reader_says_why(gold, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "storyline.read", None)  # import fails as when absent
    with pytest.raises(RuntimeError, match="reading stage is not available"):
        predict_for_gold(gold, reader=None)


def test_real_gold_file_is_consistent() -> None:
    docs = load_gold()
    assert docs, "gold file is empty"
    for d in docs:
        for c in d.claims:
            assert d.text[c.start : c.end] == c.sentence
            assert (c.speaker is None) == (c.speaker_kind is SpeakerKind.ARTICLE), c.sentence
            assert c.speaker is None or c.speaker.lower() in d.text.lower()


def test_gold_texts_match_the_sources() -> None:
    """Gold offsets hold only while the source texts (and the ECB+ loader) are unchanged."""
    import csv

    from storyline.evaluate.ecbplus import load_ecbplus

    docs = {d.doc: d.text for d in load_gold()}
    with shared_data("fnc1", "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        bodies = {f"fnc1:{r['Body ID']}": r["articleBody"] for r in csv.DictReader(fh)}
    ecb = {
        f"ecbplus:{d.doc_id}.xml": d.text
        for d in load_ecbplus(shared_data("ecbplus", "docs"), topics=set(range(1, 11)))
    }
    assert len(docs) == 50
    assert sum(k.startswith("fnc1:") for k in docs) == 30
    for doc, text in docs.items():
        source = bodies if doc.startswith("fnc1:") else ecb
        assert source[doc] == text, f"{doc}: source text changed; rebuild gold.jsonl"


HELDOUT_DIR = Path(__file__).resolve().parent / "eval" / "attribution"


@pytest.mark.parametrize("name", ["heldout.jsonl", "dev.jsonl", "dev2.jsonl", "dev3.jsonl"])
def test_held_out_and_dev_files_are_consistent(name: str) -> None:
    docs = load_gold(HELDOUT_DIR / name)
    assert {d.source for d in docs} == {"fnc1", "ecbplus"}
    for d in docs:
        for c in d.claims:
            assert d.text[c.start : c.end] == c.sentence
            assert (c.speaker is None) == (c.speaker_kind is SpeakerKind.ARTICLE), c.sentence
            assert c.speaker is None or c.speaker.lower() in d.text.lower()


def test_held_out_and_dev_are_disjoint_from_gold_and_match_the_draw() -> None:
    """The sets are what draw_heldout.py draws (fixed seeds), with texts as in the sources."""
    shared_data("fnc1", "train_bodies.csv")
    shared_data("ecbplus", "docs")
    sys.path.insert(0, str(HELDOUT_DIR))
    from draw_heldout import SETS, drawn

    gold = {d.doc for d in load_gold()}
    sets = {f"{name}.jsonl": dict(drawn(name)) for name in SETS}
    seen: set[str] = set()
    # Each set is disjoint from every set drawn before it.
    for docs in sets.values():
        assert not set(docs) & seen
        seen |= set(docs)
    for name, docs in sets.items():
        assert not set(docs) & gold
        for d in load_gold(HELDOUT_DIR / name):
            assert docs.get(d.doc) == d.text, f"{d.doc}: rebuild with draw_heldout.py"


def test_a_crash_of_claim_extraction_fails_the_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    # The reader notes the crash and goes on; scored, it would pass for missed claims.
    import storyline.read
    from storyline.evaluate.attribution import GoldDoc
    from storyline.model import ReadArticle

    def crashing(articles, reader):  # type: ignore[no-untyped-def]
        for a in articles:
            yield ReadArticle(article=a, notes=("claim extraction failed: IndexError: boom",))

    monkeypatch.setattr(storyline.read, "read_articles", crashing)
    with pytest.raises(RuntimeError, match=r"fnc1:1: claim extraction failed: IndexError"):
        predict_for_gold([GoldDoc("fnc1:1", TEXT)], reader=None)
