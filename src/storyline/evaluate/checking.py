"""``storyline eval check``: the claim-level readings of ``check`` against FNC-1's gold.

FNC-1 is the closest labelled data to ``storyline check``: a one-line claim (the headline)
and whole articles (the bodies), each agreeing with it, disagreeing, discussing it or
unrelated. Every body is read (spaCy; claims with attribution, certainty and polarity), each
headline is read as a checked claim, entities are resolved over both, and
:func:`storyline.check.refine_entries` finds each article's claim that bears on the headline,
exactly as ``check`` does. The table printed counts the gold labels of the pairs by the
relation of that claim (states / negates / hedges / same answer / other answer), its
certainty and its cosine band: how far each reading goes with the article-level label. With a
stance model it also scores check's own labels, where the matching claim decides (see
:mod:`storyline.check` for why they differ from FNC-1's reading).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline.evaluate import fnc

__all__ = ["CheckEval", "evaluate_check"]


@dataclass(slots=True)
class CheckEval:
    # The stance model's score on the pairs (None with gold relatedness, no model).
    stance: fnc.Score | None
    # check's labels (the matching claim's answer where one decides, else the stance's).
    checked: fnc.Score | None = None
    # relation -> pairs with a matching claim of the article.
    fired: Counter[str] = field(default_factory=Counter)
    # (relation, certainty of the article's claim and cosine band, gold) -> pairs, for every
    # answer with a matching claim: how each reading goes with gold, whatever the stance said.
    firings: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    read_seconds: float = 0.0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = []
        if self.stance is not None:
            out.append("stance model:")
            out += ["  " + line for line in self.stance.lines()]
        if self.checked is not None:
            out.append("check (the article's own claim decides where one matches):")
            out += ["  " + line for line in self.checked.lines()]
        out.append(
            "articles with a matching claim: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.fired.items()))
        )
        out.append("gold labels by relation of the matching claim (its certainty, cosine):")
        rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for (relation, certainty, gold), n in self.firings.items():
            rows[(relation, certainty)][gold] += n
        out.append(f"  {'':<34} " + " ".join(f"{g:>9}" for g in fnc.LABELS))
        for key in sorted(rows):
            name = " / ".join(key)
            out.append(f"  {name:<34} " + " ".join(f"{rows[key][g]:>9}" for g in fnc.LABELS))
        return out


def _claim_text(headline: str) -> str:
    text = headline.strip()
    return text if text[-1:] in ".!?\"'”" else text + "."


def evaluate_check(
    data: fnc.FncData,
    pairs: Sequence[fnc.FncPair],
    model: Any,
    *,
    reader: Any,
    embed: Callable[[Sequence[str]], Any],
    on_progress: Callable[[str], None] | None = None,
) -> CheckEval:
    """Score the stance model and ``check`` on ``pairs`` (see the module docstring)."""
    import time

    from storyline.check import QUERY_ID, refine_entries
    from storyline.entity_increment import resolve_increment
    from storyline.model import Article, ReadArticle, Stance, StanceLabel
    from storyline.names import AliasTable
    from storyline.read import read_articles
    from storyline.stance import CheckEntry

    log = on_progress or (lambda _msg: None)
    t0 = time.perf_counter()
    if model is None:
        # Rules only: gold relatedness stands in for stage 1 and every related pair is given
        # `agree`; the scores then mean nothing, the table of relations against gold is what
        # counts.
        stances = [
            Stance(StanceLabel.UNRELATED if p.stance == "unrelated" else StanceLabel.AGREE)
            for p in pairs
        ]
    else:
        stances = model.predict_pairs([(p.headline, data.bodies[p.body_id]) for p in pairs])
        log(f"stance model: {len(pairs)} pairs")
    related = [k for k, s in enumerate(stances) if s.label.value != "unrelated" and not s.reason]
    body_ids = sorted({pairs[k].body_id for k in related}, key=lambda b: (len(b), b))
    heads = sorted({pairs[k].headline for k in related})
    head_id = {h: f"h{n}" for n, h in enumerate(heads)}
    docs = [Article(id=f"b{b}", text=data.bodies[b]) for b in body_ids]
    docs += [Article(id=head_id[h], text=_claim_text(h)) for h in heads]
    t1 = time.perf_counter()
    readings: list[ReadArticle] = list(read_articles(docs, reader))
    inc = resolve_increment(readings, [], AliasTable.load())
    read_seconds = time.perf_counter() - t1
    log(f"read {len(docs)} texts in {read_seconds:.0f} s")
    by_id = {r.article.id: r for r in inc.readings}
    part_of = {e.id: e.part_of for e in inc.entities if e.part_of}

    by_head: dict[str, list[int]] = defaultdict(list)
    for k in related:
        by_head[pairs[k].headline].append(k)
    fired: Counter[str] = Counter()
    firings: Counter[tuple[str, str, str]] = Counter()
    checked = [s.label.value for s in stances]
    for h, ks in by_head.items():
        entries = [CheckEntry(Article(id=f"b{pairs[k].body_id}", text=""), stances[k]) for k in ks]
        query = by_id[head_id[h]]
        query = ReadArticle(
            article=Article(id=QUERY_ID, text=query.article.text),
            sentences=query.sentences,
            mentions=query.mentions,
            claims=query.claims,
        )
        got = refine_entries(entries, query, by_id, embed=embed, part_of=part_of)
        for k, after in zip(ks, got, strict=True):
            checked[k] = after.label
            if after.relation is not None and after.claim is not None:
                fired[after.relation] += 1
                band = ">=0.78" if (after.score or 0.0) >= 0.78 else "<0.78"
                key = (
                    after.relation,
                    f"{after.claim.certainty.value} {band}",
                    pairs[k].stance or "",
                )
                firings[key] += 1
    gold = [p.stance or "" for p in pairs]
    return CheckEval(
        stance=None if model is None else fnc.score(gold, [s.label.value for s in stances]),
        checked=None if model is None else fnc.score(gold, checked),
        fired=fired,
        firings=firings,
        read_seconds=read_seconds,
        seconds=time.perf_counter() - t0,
    )
