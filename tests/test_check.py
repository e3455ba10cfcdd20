"""`storyline check` with claim-level reading (storyline.check) on real and written articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.check import check_articles, check_payload
from storyline.model import Article, Stance, StanceLabel
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


def test_the_answer_a_claim_is_about_is_found_in_the_article(model: StanceModel) -> None:
    # 000 reports Russia's denial "in a statement made by the Kremlin"; 004 says Russian
    # officials have yet to comment (the stance model finds it unrelated to the claim).
    report = check_articles("The Kremlin denied the transfer", _examples(), model)
    rows = _answers(report)
    assert rows["000"]["relation"] == "same answer"
    assert "declined" in rows["000"]["claim"]["text"]
    assert rows["000"]["claim"]["polarity"] == "denied"
    # The matching claim leads the evidence.
    assert rows["000"]["evidence"][0]["text"] == rows["000"]["claim"]["text"]
    assert "004" not in rows or rows["004"]["label"] != "agree"


def test_the_claim_that_states_it_comes_with_its_authority(model: StanceModel) -> None:
    # GOLD: Assad's consent is in 000 only, on US intelligence's authority (its lead says it
    # twice, once adding 'according to CNN'); 004 never names Assad.
    claim = "Assad consented to supply Hezbollah with an air defense system"
    rows = _answers(check_articles(claim, _examples(), model))
    assert rows["000"]["relation"] == "states"
    matched = rows["000"]["claim"]
    assert matched is not None and "intelligence" in (matched["speaker"] or "")
    assert matched["certainty"] == "reported"
    assert rows["004"]["relation"] is None and rows["004"]["claim"] is None


def test_the_issue_acceptance_through_check(model: StanceModel) -> None:
    # Issue 3's "done when". The stance model reads 000 as FNC-1 annotators would ("discuss":
    # it reports the delivery and the denial on others' authority); check's answer is the
    # article's own claim, with that authority beside it, as the dossier counts it.
    arts = _examples()
    deliver = _answers(
        check_articles("Wagner will deliver a Pantsir system to Hezbollah", arts, model)
    )
    assert deliver["000"]["label"] == deliver["004"]["label"] == "agree"
    for row in deliver.values():
        assert row["model_label"] in {"agree", "disagree", "discuss"}
        if row["basis"] == "claim":
            assert row["relation"] == "states" and row["claim"] is not None
        else:
            assert row["label"] == row["model_label"]
    lead = deliver["000"]["claim"]
    assert lead is not None and "intelligence" in (lead["speaker"] or "")
    denied = _answers(check_articles("The Kremlin denied the transfer", arts, model))
    assert denied["000"]["label"] == "agree" and denied["000"]["basis"] == "claim"
    assert "004" not in denied or denied["004"]["label"] != "agree"


class _OneLabel:
    """A stand-in stance model that gives every article one label (what the claim-level
    reading does with each)."""

    def __init__(self, label: str) -> None:
        self.label = label

    def predict(self, claim: str, articles: list[Article]) -> list[Stance]:
        probs = {k: 0.1 for k in ("agree", "disagree", "discuss", "unrelated")}
        return [Stance(StanceLabel(self.label), {**probs, self.label: 0.7}) for _ in articles]


def test_another_answer_of_the_same_actor_disagrees() -> None:
    said_nothing = Article.create(
        "The Wagner Group plans to hand a Pantsir air defence system to Hezbollah, United "
        "States officials said on Thursday. The Kremlin has yet to comment on the transfer, "
        "and Russia's defence ministry did not answer questions from reporters.",
        outlet="no comment",
    )
    claim = "The Kremlin denied the transfer"
    for model_label in ("discuss", "agree"):
        model = _OneLabel(model_label)
        row = _answers(check_articles(claim, [said_nothing], model))["no comment"]  # type: ignore[arg-type]
        assert row["relation"] == "other answer" and "yet to comment" in row["claim"]["text"]
        assert row["label"] == "disagree" and row["basis"] == "claim"
        assert row["model_label"] == model_label


def test_a_stance_model_disagree_is_kept_when_the_article_states_the_claim() -> None:
    # "Reports claimed ..." then a refutation: the article states the claim to refute it.
    article = Article.create(
        "The Wagner Group will deliver a Pantsir air defence system to Hezbollah, Western "
        "officials said on Tuesday.",
        outlet="states",
    )
    claim = "The Wagner Group will deliver a Pantsir air defence system to Hezbollah."
    stated = _answers(check_articles(claim, [article], _OneLabel("discuss")))["states"]  # type: ignore[arg-type]
    assert stated["relation"] == "states" and stated["label"] == "agree"
    kept = _answers(check_articles(claim, [article], _OneLabel("disagree")))["states"]  # type: ignore[arg-type]
    assert kept["relation"] == "states" and kept["label"] == "disagree"
    assert kept["basis"] == "model"


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
    assert rows["hedged"]["relation"] == "hedges"
    assert rows["hedged"]["claim"]["certainty"] in {"hedged", "speculative"}
    # A hedged statement never comes back as agreement.
    assert rows["hedged"]["label"] != "agree"
    assert rows["denied"]["relation"] == "negates"
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
    rows = {r["outlet"]: r for lab in ("agree", "disagree", "discuss") for r in data[lab]}
    assert rows["000"]["relation"] == "same answer"
    assert rows["000"]["claim"]["polarity"] == "denied"
    res = CliRunner().invoke(app, ["check", "The Kremlin denied the transfer", "--db", db])
    assert res.exit_code == 0, res.output
    assert "its claim reports the same answer" in res.stdout and "verdict:" in res.stdout


def test_eval_check_counts_gold_labels_by_relation() -> None:
    from conftest import shared_data
    from storyline.embed import embed_texts
    from storyline.evaluate import fnc
    from storyline.evaluate.checking import evaluate_check
    from storyline.read import load_reader
    from storyline.stance import DEFAULT_SPLIT_PATH

    root = shared_data("fnc1")
    data = fnc.load_fnc1(root / "train_bodies.csv", root / "train_stances.csv")
    train = fnc.apply_split(data, fnc.load_split(DEFAULT_SPLIT_PATH), "train")
    heads = sorted({p.headline for p in train})[:6]
    pairs = [p for p in train if p.headline in heads]
    result = evaluate_check(data, pairs, None, reader=load_reader(), embed=embed_texts)
    assert result.stance is None
    related = sum(1 for p in pairs if p.stance != "unrelated")
    assert 0 < sum(result.firings.values()) == sum(result.fired.values()) <= related
    assert {g for _, _, g in result.firings} <= {"agree", "disagree", "discuss"}
    assert any("gold labels by relation" in line for line in result.lines())


def test_agreeing_articles_on_one_origin_count_once(model: StanceModel) -> None:
    # GOLD: both seeds rest on US intelligence (000 via CNN): supported, independence limited.
    report = check_articles("Wagner will deliver a Pantsir system to Hezbollah", _examples(), model)
    payload = check_payload(report)
    assert len(payload["agree"]) == 2
    [origin] = payload["agree_origins"]
    assert sorted(origin["article_ids"]) == sorted(r["article_id"] for r in payload["agree"])
    assert "intelligence" in origin["origin"]
    assert "1 independent origin" in payload["summary"]


def test_independent_and_same_outlet_reports() -> None:
    claim = "The Wagner Group will deliver a Pantsir air defence system to Hezbollah."

    def report(outlet: str, source: str) -> Article:
        return Article.create(
            f"The Wagner Group will deliver a Pantsir air defence system to Hezbollah, {source} "
            "said on Tuesday. The talks took place in Syria last month.",
            outlet=outlet,
        )

    apart = [report("Daily A", "Western officials"), report("Daily B", "Israeli army sources")]
    payload = check_payload(check_articles(claim, apart, _OneLabel("agree")))  # type: ignore[arg-type]
    assert len(payload["agree"]) == 2 and len(payload["agree_origins"]) == 2
    assert "independent origin" not in payload["summary"]
    # Two reports of one outlet are one source, whatever they cite.
    same = [report("Daily A", "Western officials"), report("Daily A", "Israeli army sources")]
    payload = check_payload(check_articles(claim, same, _OneLabel("agree")))  # type: ignore[arg-type]
    assert len(payload["agree_origins"]) == 1
    assert "rest on 1 independent origin" in payload["summary"]


def test_articles_whose_own_claim_decides_come_first() -> None:
    """Within a label, an article whose own claim states the checked one leads, then the
    stance model's readings by probability; a claim-decided label's confidence is its cosine."""
    from storyline.model import Claim
    from storyline.stance import CheckEntry, summarize_check

    def stance(p: float) -> Stance:
        return Stance(StanceLabel.AGREE, {"agree": p, "disagree": 0.0, "discuss": 1 - p})

    model_only = CheckEntry(Article.create("A", outlet="model"), stance(0.99))
    claim = Claim(id="c", article_id="x", sentence_index=0, start=0, end=1, text="B")
    by_claim = CheckEntry(
        Article.create("B", outlet="claim"), stance(0.2), claim, 0.7, "states", "agree"
    )
    weaker = CheckEntry(Article.create("C", outlet="model 2"), stance(0.6))
    result = summarize_check("claim", [model_only, weaker, by_claim])
    assert [e.article.outlet for e in result.agree] == ["claim", "model", "model 2"]
    assert by_claim.confidence == 0.7 and model_only.confidence == 0.99
