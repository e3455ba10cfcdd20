"""Claim alignment scored on ECB+ event coreference: does "B supports claim c" mean B reports
the same event?

ECB+ annotates event mentions in its articles and links the mentions of one real-world event
across documents (``CROSS_DOC_COREF`` chains over ``ACTION_*`` markables). That gives a real,
human-made proxy for the question the dossier answers for every claim: *which other articles
state this?* For a claim ``c`` of article ``A`` (a sentence with at least one annotated event)
and another article ``B`` of the same gold story:

* gold: ``B`` reports an event of ``c`` when some annotated sentence of ``B`` carries a
  mention of one of the events of ``c``'s sentence;
* prediction: the product aligns the gold story (``storyline.align.align_story``, the stance
  model included) and ``B`` supports ``c`` when ``B`` has a claim in ``c``'s claim group or an
  ``agree`` stance link to the group.

Reported: precision (of predicted supports, how many report an event of the claim: article
level, and evidence level where the supporting sentence itself is annotated) and recall (of
gold pairs, how many the product links). Reporting events (``said``) are left out: every
article "says". It is a proxy: two sentences about one event can still make different claims,
and ECB+ annotates only some sentences of each article, so both figures are estimates; the
same proxy scores every setting alike, which is what choosing a threshold needs.

Stance links are kept with their probability and evidence score, so thresholds on them can be
chosen on some topics (:func:`sweep`) and reported on others without re-running the model.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.evaluate.metrics import PRF

__all__ = [
    "AlignmentScores",
    "PredictedSupport",
    "StorySupports",
    "event_sentences",
    "predict_supports",
    "score_supports",
    "sweep",
]


def event_sentences(path: str | Path) -> dict[int, frozenset[str]]:
    """For one ECB+ file: the index of each annotated sentence (in the order the loader keeps
    them, URL sentence of ecbplus files dropped) -> the cross-document event chains it mentions.
    Reporting events are left out."""
    path = Path(path)
    root = ET.parse(path).getroot()
    sent_of_token: dict[str, int] = {}
    sentence_numbers: set[int] = set()
    for tok in root.iter("token"):
        s = int(tok.get("sentence", "0"))
        sent_of_token[tok.get("t_id", "")] = s
        sentence_numbers.add(s)
    if path.name.endswith("ecbplus.xml"):
        sentence_numbers.discard(0)
    index = {s: i for i, s in enumerate(sorted(sentence_numbers))}
    markables = root.find("Markables")
    sentence_of_markable: dict[str, int] = {}
    for m in markables if markables is not None else ():
        tag = m.tag
        if not (tag.startswith("ACTION_") or tag.startswith("NEG_ACTION_")):
            continue
        if tag.endswith("REPORTING"):
            continue
        anchors = [a.get("t_id", "") for a in m.iter("token_anchor")]
        sents = {sent_of_token[a] for a in anchors if a in sent_of_token}
        if len(sents) == 1:
            sentence_of_markable[m.get("m_id", "")] = sents.pop()
    out: dict[int, set[str]] = defaultdict(set)
    relations = root.find("Relations")
    for rel in relations if relations is not None else ():
        if rel.tag != "CROSS_DOC_COREF":
            continue
        chain = rel.get("note", "")
        for src in rel.iter("source"):
            number = sentence_of_markable.get(src.get("m_id", ""))
            if number is not None and number in index:
                out[index[number]].add(chain)
    return {i: frozenset(c) for i, c in out.items()}


@dataclass(frozen=True, slots=True)
class PredictedSupport:
    """Article ``supporter`` supports claim (``article``, ``start``, ``end``)."""

    article: str
    start: int
    end: int
    supporter: str
    via: str  # "claim" (a matched claim of the supporter) | "stance" (an agree link)
    probability: float  # stance probability; 1.0 for matched claims
    evidence_score: float  # best evidence sentence similarity; 1.0 for matched claims
    evidence: tuple[tuple[int, int], ...] = ()


@dataclass(slots=True)
class StorySupports:
    """One gold story: its articles' annotated sentences and what the product predicted."""

    story: str
    # article id -> list of ((start, end) of an ECB+ sentence, its event chains)
    sentences: dict[str, list[tuple[tuple[int, int], frozenset[str]]]]
    # every claim of the story's articles: (article, start, end)
    claims: list[tuple[str, int, int]] = field(default_factory=list)
    supports: list[PredictedSupport] = field(default_factory=list)


def _events_of(
    sentences: Sequence[tuple[tuple[int, int], frozenset[str]]], start: int, end: int
) -> frozenset[str]:
    found: set[str] = set()
    for (s, e), chains in sentences:
        if s < end and start < e:
            found |= chains
    return frozenset(found)


def predict_supports(
    story: str,
    readings: Sequence[Any],
    sentences: dict[str, list[tuple[tuple[int, int], frozenset[str]]]],
    *,
    stance_model: Any = None,
    embed: Callable[[Sequence[str]], Any] | None = None,
    part_of: dict[str, str] | None = None,
) -> StorySupports:
    """Align one story with the product's aligner (every stance link kept, whatever its
    probability) and list, per claim, the articles predicted to support it."""
    from dataclasses import replace

    from storyline.align import AlignOptions, align_story
    from storyline.model import StanceLabel
    from storyline.syndication import syndication_groups

    articles = [r.article for r in readings]
    copies = [g.article_ids for g in syndication_groups(articles)]
    opts = replace(AlignOptions(), min_stance_probability=0.0)
    alignment = align_story(
        story,
        readings,
        stance_model=stance_model,
        embed=embed,
        copy_groups=copies,
        part_of=part_of,
        options=opts,
    )
    claim_at = {c.id: (r.article.id, c.start, c.end) for r in readings for c in r.claims}
    out = StorySupports(story, sentences, claims=sorted(claim_at.values()))
    links = alignment.links or {}
    for g in alignment.groups:
        if g.kind != "proposition":
            continue
        members = [claim_at[c] for c in g.claim_ids if c in claim_at]
        for art, s, e in members:
            for other, os_, oe in members:
                if other != art:
                    out.supports.append(
                        PredictedSupport(art, s, e, other, "claim", 1.0, 1.0, ((os_, oe),))
                    )
        for link in links.get(g.id, ()):
            if link.relation is not StanceLabel.AGREE or link.target_claim_id is not None:
                continue
            ev = tuple((x.start, x.end) for x in link.evidence)
            best = max((x.score for x in link.evidence), default=0.0)
            for art, s, e in members:
                if link.article_id != art:
                    out.supports.append(
                        PredictedSupport(art, s, e, link.article_id, "stance", link.score, best, ev)
                    )
    return out


@dataclass(frozen=True, slots=True)
class AlignmentScores:
    stories: int
    claims: int  # claims with at least one annotated event
    gold_pairs: int
    predicted_pairs: int
    precision: float  # article level
    recall: float
    f1: float
    evidence_precision: float  # where the supporting sentence is annotated
    evidence_judged: int
    stance_pairs: int  # predicted pairs that rest on a stance link only


def score_supports(
    stories: Sequence[StorySupports],
    *,
    min_probability: float = 0.0,
    min_evidence: float = 0.0,
    use_stance: bool = True,
    strict: bool = False,
) -> AlignmentScores:
    """Score predicted supports against ECB+ event coreference (see the module docstring).
    Stance links below ``min_probability`` or ``min_evidence`` are dropped first.

    ``strict`` is closer to what "corroborated" means: only claims mentioning two events or
    more are scored, and ``B`` supports ``c`` only when it reports *every* event of ``c`` (an
    article about the main event does not state a claim that adds a second one)."""
    gold = pred = hit = claims = 0
    ev_judged = ev_hit = stance_only = 0
    for st in stories:
        events_of_article: dict[str, frozenset[str]] = {
            a: frozenset().union(*(c for _, c in sents)) if sents else frozenset()
            for a, sents in st.sentences.items()
        }
        kept: dict[tuple[str, int, int], dict[str, list[PredictedSupport]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for p in st.supports:
            if p.via == "stance" and (
                not use_stance or p.probability < min_probability or p.evidence_score < min_evidence
            ):
                continue
            kept[(p.article, p.start, p.end)][p.supporter].append(p)
        for key in st.claims:
            art, s, e = key
            events = _events_of(st.sentences.get(art, []), s, e)
            if not events or (strict and len(events) < 2):
                continue  # unannotated claim sentence: no gold
            claims += 1
            gold_here = {
                b
                for b, ev in events_of_article.items()
                if b != art and (events <= ev if strict else ev & events)
            }
            pred_here = kept.get(key, {})
            gold += len(gold_here)
            pred += len(pred_here)
            hit += len(gold_here & set(pred_here))
            for b, ps in pred_here.items():
                if all(p.via == "stance" for p in ps):
                    stance_only += 1
                spans = {sp for p in ps for sp in p.evidence}
                annotated = [
                    ev for a0, a1 in spans if (ev := _events_of(st.sentences.get(b, []), a0, a1))
                ]
                if annotated:
                    ev_judged += 1
                    ev_hit += any(ev & events for ev in annotated)
    prf = PRF(tp=hit, fp=pred - hit, fn=gold - hit)
    return AlignmentScores(
        stories=len(stories),
        claims=claims,
        gold_pairs=gold,
        predicted_pairs=pred,
        precision=prf.precision,
        recall=prf.recall,
        f1=prf.f1,
        evidence_precision=ev_hit / ev_judged if ev_judged else 0.0,
        evidence_judged=ev_judged,
        stance_pairs=stance_only,
    )


def sweep(
    stories: Sequence[StorySupports],
    probabilities: Sequence[float] = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8),
    evidence: Sequence[float] = (0.0, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7),
) -> list[tuple[float, float, AlignmentScores]]:
    """Scores for every (stance probability, evidence score) threshold pair."""
    return [
        (p, e, score_supports(stories, min_probability=p, min_evidence=e))
        for p in probabilities
        for e in evidence
    ]


def evaluate_alignment(
    directory: str | Path,
    topics: set[int] | None = None,
    *,
    on_stage: Callable[[str], None] | None = None,
) -> list[StorySupports]:
    """Read every ECB+ document of ``topics``, resolve entities across them, and align each
    gold story (topic x ecb/ecbplus) with the product's aligner and stance model."""
    from storyline.embed import embed_texts
    from storyline.entities import resolve_entities
    from storyline.evaluate.ecbplus import load_ecbplus
    from storyline.model import Article
    from storyline.pipeline import load_stance_or_none
    from storyline.read import load_reader, read_articles

    def stage(msg: str) -> None:
        if on_stage is not None:
            on_stage(msg)

    directory = Path(directory)
    docs = load_ecbplus(directory, topics)
    files = {p.name[: -len(".xml")]: p for p in directory.rglob("*.xml")}
    stage(f"reading {len(docs)} documents")
    articles = [Article.create(d.text, url=f"ecbplus://{d.doc_id}", outlet=d.doc_id) for d in docs]
    readings = list(read_articles(articles, load_reader()))
    stage("resolving entities")
    entities, readings = resolve_entities(readings)
    part_of = {e.id: e.part_of for e in entities if e.part_of}
    model = load_stance_or_none()
    by_story: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        by_story[d.story].append(i)
    out = []
    for n, (story, idx) in enumerate(sorted(by_story.items())):
        stage(f"aligning story {n + 1}/{len(by_story)} ({story}, {len(idx)} articles)")
        sentences = {}
        for i in idx:
            events = event_sentences(files[docs[i].doc_id])
            sentences[articles[i].id] = [
                (span, events.get(k, frozenset())) for k, span in enumerate(docs[i].sentences)
            ]
        out.append(
            predict_supports(
                story,
                [readings[i] for i in idx],
                sentences,
                stance_model=model,
                embed=embed_texts,
                part_of=part_of,
            )
        )
    return out
