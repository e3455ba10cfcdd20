"""Quality gate: the shipped stance model on held-out FNC-1 dev pairs, with pinned floors.

The default run scores a fixed sample (every dev pair of 100 dev bodies, committed as ids in
``data/stance/gate-sample.json``); ``STORYLINE_FULL=1`` scores the whole dev split. The floors
sit a little below what the shipped model measured, so a regression fails here.
"""

from __future__ import annotations

import json
import os

import pytest

from conftest import shared_data
from storyline.evaluate import fnc
from storyline.stance import DEFAULT_GATE_PATH, DEFAULT_SPLIT_PATH, load_stance_model

# The shipped model (79 pair features; stage 2 also reads the out-of-fold probabilities of four
# bag-of-words views, storyline.stance_stack) measured 74.18% / 0.6341 / 0.2857 on the sample
# (957 pairs, 37 disagree: 8 found) and 77.90% / 0.7067 / 0.4876 on the full dev split (3,200
# pairs). The sample is small in `disagree`; one pair more or less moves its F1 by ~0.03.
SAMPLE_FLOORS = {"weighted": 73.5, "macro_f1": 0.62, "disagree_f1": 0.25}
FULL_FLOORS = {"weighted": 77.4, "macro_f1": 0.69, "disagree_f1": 0.46}


def _score(pairs: list[fnc.FncPair], data: fnc.FncData) -> fnc.Score:
    model = load_stance_model()
    stances = model.predict_pairs([(p.headline, data.bodies[p.body_id]) for p in pairs])
    return fnc.score([p.stance or "" for p in pairs], [s.label.value for s in stances])


def _data() -> fnc.FncData:
    root = shared_data("fnc1")
    return fnc.load_fnc1(root / "train_bodies.csv", root / "train_stances.csv")


def _check(s: fnc.Score, floors: dict[str, float]) -> None:
    report = "\n".join(s.lines())
    assert s.weighted >= floors["weighted"], report
    assert s.macro_f1 >= floors["macro_f1"], report
    assert s.f1["disagree"] >= floors["disagree_f1"], report


def test_quality_gate_on_the_committed_dev_sample() -> None:
    data = _data()
    dev = fnc.apply_split(data, fnc.load_split(DEFAULT_SPLIT_PATH), "dev")
    wanted = {tuple(x) for x in json.loads(DEFAULT_GATE_PATH.read_text())["pairs"]}
    pairs = [p for p in dev if (p.headline_id, p.body_id) in wanted]
    assert len({(p.headline_id, p.body_id) for p in pairs}) == len(wanted) > 900
    _check(_score(pairs, data), SAMPLE_FLOORS)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("STORYLINE_FULL"), reason="set STORYLINE_FULL=1")
def test_quality_gate_on_the_full_dev_split() -> None:
    data = _data()
    dev = fnc.apply_split(data, fnc.load_split(DEFAULT_SPLIT_PATH), "dev")
    _check(_score(dev, data), FULL_FLOORS)
