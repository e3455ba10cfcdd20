"""The FNC-1 scorer, loaders and the by-topic dev split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import shared_data
from storyline.evaluate import fnc


def test_weighted_score_matches_the_official_rule() -> None:
    gold = ["agree", "disagree", "discuss", "unrelated", "agree", "unrelated"]
    pred = ["agree", "discuss", "discuss", "unrelated", "unrelated", "agree"]
    s = fnc.score(gold, pred)
    # agree/agree 1.0; disagree->discuss 0.25 (related right); discuss 1.0; unrelated 0.25;
    # agree->unrelated 0; unrelated->agree 0.  Max: 4 related * 1.0 + 2 unrelated * 0.25.
    assert s.raw == pytest.approx(2.5)
    assert s.max_raw == pytest.approx(4.5)
    assert s.weighted == pytest.approx(100 * 2.5 / 4.5)
    assert s.confusion[0] == [1, 0, 0, 1]  # gold agree
    assert s.confusion[1] == [0, 0, 1, 0]  # gold disagree predicted discuss
    assert s.f1["disagree"] == 0.0
    assert s.f1["discuss"] == pytest.approx(2 / 3)
    assert s.f1["agree"] == pytest.approx(0.5)
    assert s.macro_f1 == pytest.approx((0.5 + 0 + 2 / 3 + 0.5) / 4)
    assert s.related_accuracy == pytest.approx(2 / 4)


def test_perfect_and_all_unrelated_predictions() -> None:
    gold = ["agree", "discuss", "unrelated", "unrelated"]
    assert fnc.score(gold, gold).weighted == pytest.approx(100.0)
    # The classic degenerate system: everything unrelated scores only the unrelated quarter.
    s = fnc.score(gold, ["unrelated"] * 4)
    assert s.weighted == pytest.approx(100 * 0.5 / 2.5)


def test_score_at_mix_reweights_the_confusion_rows() -> None:
    # 2 agree pairs (one right, one called discuss), 1 disagree called agree, 2 unrelated right.
    gold = ["agree", "agree", "disagree", "unrelated", "unrelated"]
    pred = ["agree", "discuss", "agree", "unrelated", "unrelated"]
    s = fnc.score(gold, pred)
    # Same mix as the pairs themselves: the plain weighted score.
    same = fnc.score_at_mix(s, fnc.class_mix([fnc.FncPair("h", "1", g) for g in gold]))
    assert same == pytest.approx(s.weighted)
    # Points per pair: agree (1 + 0.25) / 2, disagree 0.25, unrelated 0.25 (of 0.25).
    mix = {"agree": 10, "disagree": 10, "discuss": 0, "unrelated": 80}
    expected = 100 * (10 * 0.625 + 10 * 0.25 + 80 * 0.25) / (10 + 10 + 80 * 0.25)
    assert fnc.score_at_mix(s, mix) == pytest.approx(expected)
    # No discuss gold here, so its behaviour at a mix that has discuss is unknown.
    assert fnc.score_at_mix(s, {**mix, "discuss": 5}) is None


def test_score_rejects_mismatched_or_unknown_labels() -> None:
    with pytest.raises(ValueError, match="2 gold labels but 1"):
        fnc.score(["agree", "agree"], ["agree"])
    with pytest.raises(ValueError, match="unknown stance label 'maybe'"):
        fnc.score(["agree"], ["maybe"])


def test_loaders_name_the_file_and_the_problem(tmp_path: Path) -> None:
    bodies = tmp_path / "b.csv"
    stances = tmp_path / "s.csv"
    bodies.write_text('Body ID,articleBody\n1,"Some text."\n', encoding="utf-8")
    stances.write_text("Headline,Body ID,Stance\nA claim,2,agree\n", encoding="utf-8")
    with pytest.raises(fnc.FncError, match=r"Body ID '2' is not in"):
        fnc.load_fnc1(bodies, stances)
    stances.write_text("Headline,Body\nA claim,1\n", encoding="utf-8")
    with pytest.raises(fnc.FncError, match=r"missing column\(s\) Body ID"):
        fnc.load_fnc1(bodies, stances)
    with pytest.raises(fnc.FncError, match="cannot read"):
        fnc.load_fnc1(tmp_path / "nope.csv", stances)
    stances.write_text("Headline,Body ID\nA claim,1\n", encoding="utf-8")
    data = fnc.load_fnc1(bodies, stances)
    assert data.pairs[0].stance is None and data.bodies["1"] == "Some text."


def test_predictions_file_is_submission_format(tmp_path: Path) -> None:
    pairs = [fnc.FncPair('A "quoted", claim', "7", "agree")]
    out = tmp_path / "p.csv"
    fnc.write_predictions(out, pairs, ["discuss"])
    assert out.read_text(encoding="utf-8").splitlines() == [
        "Headline,Body ID,Stance",
        '"A ""quoted"", claim",7,discuss',
    ]


def test_committed_dev_split_separates_headlines_and_bodies() -> None:
    root = shared_data("fnc1")
    data = fnc.load_fnc1(root / "train_bodies.csv", root / "train_stances.csv")
    from storyline.stance import DEFAULT_SPLIT_PATH

    split = json.loads(DEFAULT_SPLIT_PATH.read_text(encoding="utf-8"))
    # The committed split is exactly what the seeded procedure produces.
    assert fnc.dev_split(data) == split
    train = fnc.apply_split(data, split, "train")
    dev = fnc.apply_split(data, split, "dev")
    assert {p.headline for p in train}.isdisjoint({p.headline for p in dev})
    assert {p.body_id for p in train}.isdisjoint({p.body_id for p in dev})
    assert 0.15 < len(split["dev_body_ids"]) / len(data.bodies) < 0.25
    assert len(dev) > 3000
    assert {p.stance for p in dev} == set(fnc.LABELS)


def test_emergent_maps_labels() -> None:
    data = fnc.load_emergent(shared_data("emergent", "train.csv"))
    labels = {p.stance for p in data.pairs}
    assert labels == {"agree", "disagree", "discuss"}
    assert len(data.pairs) == 2071


def test_topic_groups_keep_headlines_and_bodies_of_a_topic_together() -> None:
    h1, h2, h3 = "Claim one", "Claim two", "Claim three"
    pairs = [
        fnc.FncPair(h1, "1", "agree"),
        fnc.FncPair(h1, "2", "discuss"),
        fnc.FncPair(h2, "2", "disagree"),  # joins h1's topic through body 2
        fnc.FncPair(h3, "3", "agree"),
        fnc.FncPair(h3, "1", "unrelated"),  # an unrelated pair links nothing
    ]
    g = fnc.topic_groups(pairs)
    assert g[0] == g[1] == g[2] == g[4]  # the unrelated pair goes with its body's topic
    assert g[3] != g[0]


def test_competition_test_mix_is_the_published_one() -> None:
    # 25,413 pairs: 7.49% agree, 2.74% disagree, 17.57% discuss, 72.20% unrelated.
    mix = fnc.COMPETITION_TEST_MIX
    assert sum(mix.values()) == 25413
    shares = {k: round(100 * v / 25413, 2) for k, v in mix.items()}
    assert shares == {"agree": 7.49, "disagree": 2.74, "discuss": 17.57, "unrelated": 72.2}
