"""The dossier of one story: what is corroborated, contested, single-source, and by whom.

Built from the store (:func:`build_dossier`) or from model objects (:func:`dossier_from`).
Every statement links to the article id and character span it rests on, so a reader can check
each line against the text.

JSON schema (``to_dict(dossier)``; ``docs/dossier-schema.json`` is generated from these
dataclasses by :func:`dossier_json_schema` and checked by the tests)::

    Dossier
      schema_version   int           1
      story_id, title  str
      summary          str           two or three sentences in plain words
      article_count    int
      outlets          [str]
      first_published, last_published   str | null   ISO dates of the dated articles
      key_actors       [Actor]       {entity_id, name, type, aliases, mentions, article_ids, first}
      corroborated, contested, single_source, unverified_hedged   [Statement]
      timeline         [TimelineEntry] {date, basis, article_id, outlet, text, start, end}
      sources          [SourceEntry] {article_id, outlet, title, url, published, date_basis,
                                      language, group, claims}
      independence_groups [IndependenceGroup] {index, article_ids, reason, origin}
      earliest_reporter   EarliestReporter | null {outlet, basis, article_id, span}
      notes            [str]

    Statement
      claim_id, kind ("proposition" | "response"), verdict, text
      span             Span {article_id, start, end, text}      the representative claim
      outlets          [str]
      independent_reports int        reports after collapsing copies and same-outlet articles
      independent_origins [str]      one label per origin, e.g. "US intelligence via CNN"
      supporting, opposing [StatementSource]
          {article_id, outlet, relation, start, end, text, speaker, cited_outlets, chain,
           certainty, polarity, score}
      earliest_article_id  str | null,  earliest_basis  "published" | "fetched" | null
      cited_origins    [str]         earlier reporters first
      explanation      str

Article text appears only in ``text`` fields; renderers escape it.
"""

from __future__ import annotations

import dataclasses
import typing
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.model import (
    Article,
    Claim,
    ClaimLink,
    Entity,
    ReadArticle,
    SourceGroup,
    Story,
    Verdict,
    VerdictLabel,
)
from storyline.verdicts import (
    TimelineEntry,
    article_date,
    article_name,
    citation_chain,
    earlier_reports,
    story_timeline,
)

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "Dossier",
    "DossierError",
    "EarliestReporter",
    "IndependenceGroup",
    "SourceEntry",
    "Span",
    "Statement",
    "StatementSource",
    "build_dossier",
    "dossier_from",
    "dossier_json_schema",
    "story_entities",
]

SCHEMA_VERSION = 1

# Mention labels that name actors, places or things (not dates and numbers).
_ACTOR_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART"}
)


class DossierError(LookupError):
    """No dossier can be built; the message names the story and the reason."""


@dataclass(frozen=True, slots=True)
class Span:
    article_id: str
    start: int | None
    end: int | None
    text: str


@dataclass(frozen=True, slots=True)
class StatementSource:
    """One article's part in a statement: the sentence it rests on and on whose authority."""

    article_id: str
    outlet: str | None
    relation: str  # "states", "agrees", "disagrees", "discusses", "copy"
    start: int | None
    end: int | None
    text: str
    speaker: str | None = None
    cited_outlets: tuple[str, ...] = ()
    chain: tuple[str, ...] = ()
    certainty: str | None = None
    polarity: str | None = None
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Statement:
    claim_id: str
    kind: str
    verdict: str
    text: str
    span: Span
    outlets: tuple[str, ...] = ()
    independent_reports: int = 0
    independent_origins: tuple[str, ...] = ()
    supporting: tuple[StatementSource, ...] = ()
    opposing: tuple[StatementSource, ...] = ()
    earliest_article_id: str | None = None
    earliest_basis: str | None = None
    cited_origins: tuple[str, ...] = ()
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Actor:
    entity_id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mentions: int = 0
    article_ids: tuple[str, ...] = ()
    first: Span | None = None


@dataclass(frozen=True, slots=True)
class SourceEntry:
    article_id: str
    outlet: str | None
    title: str | None
    url: str | None
    published: str | None
    date_basis: str
    language: str | None
    group: int | None
    claims: int


@dataclass(frozen=True, slots=True)
class IndependenceGroup:
    index: int
    article_ids: tuple[str, ...]
    reason: str
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class EarliestReporter:
    outlet: str
    basis: str  # "named as an earlier report" or "earliest article (published|fetched)"
    article_id: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Dossier:
    schema_version: int
    story_id: str
    title: str
    summary: str
    article_count: int
    outlets: tuple[str, ...] = ()
    first_published: str | None = None
    last_published: str | None = None
    key_actors: tuple[Actor, ...] = ()
    corroborated: tuple[Statement, ...] = ()
    contested: tuple[Statement, ...] = ()
    single_source: tuple[Statement, ...] = ()
    unverified_hedged: tuple[Statement, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    sources: tuple[SourceEntry, ...] = ()
    independence_groups: tuple[IndependenceGroup, ...] = ()
    earliest_reporter: EarliestReporter | None = None
    notes: tuple[str, ...] = ()

    @property
    def statements(self) -> tuple[Statement, ...]:
        return self.contested + self.corroborated + self.single_source + self.unverified_hedged


# --------------------------------------------------------------------------- building


def _source(
    link: ClaimLink,
    claims: dict[str, Claim],
    articles: dict[str, Article],
) -> StatementSource:
    art = articles.get(link.article_id)
    outlet = art.outlet if art else None
    claim = claims.get(link.target_claim_id or "")
    if claim is not None:
        att = claim.attribution
        return StatementSource(
            article_id=link.article_id,
            outlet=outlet,
            relation="states" if link.relation.value == "agree" else "disagrees",
            start=claim.start,
            end=claim.end,
            text=claim.text,
            speaker=att.speaker,
            cited_outlets=att.cited_outlets,
            chain=citation_chain(claim, art),
            certainty=claim.certainty.value,
            polarity=claim.polarity.value,
            score=link.score,
        )
    relation = {"agree": "agrees", "disagree": "disagrees", "discuss": "discusses"}.get(
        link.relation.value, link.relation.value
    )
    if link.evidence:
        ev = link.evidence[0]
        return StatementSource(
            link.article_id, outlet, relation, ev.start, ev.end, ev.text, score=link.score
        )
    # A copy of another article: its position is the copied article's.
    return StatementSource(link.article_id, outlet, "copy", None, None, "", score=link.score)


def _statement(v: Verdict, claims: dict[str, Claim], articles: dict[str, Article]) -> Statement:
    claim = claims.get(v.claim_id)
    span = (
        Span(claim.article_id, claim.start, claim.end, claim.text)
        if claim
        else Span("", None, None, v.text)
    )
    supporting = tuple(_source(lk, claims, articles) for lk in v.supporting)
    opposing = tuple(_source(lk, claims, articles) for lk in v.opposing)
    kind = "response" if v.explanation.startswith("response of ") else "proposition"
    reports = _count_reports(v, articles)
    return Statement(
        claim_id=v.claim_id,
        kind=kind,
        verdict=v.label.value,
        text=v.text,
        span=span,
        outlets=v.outlets,
        independent_reports=reports,
        independent_origins=v.independent_origins,
        supporting=supporting,
        opposing=opposing,
        earliest_article_id=v.earliest_article_id,
        earliest_basis=v.earliest_basis,
        cited_origins=v.cited_origins,
        explanation=v.explanation,
    )


def _count_reports(v: Verdict, articles: dict[str, Article]) -> int:
    # Mirrors the verdict rule: one outlet counts once; copies carry no span of their own.
    keys = set()
    for lk in v.supporting:
        if not lk.evidence and lk.target_claim_id is None:
            continue
        art = articles.get(lk.article_id)
        keys.add((art.outlet or "").lower() or lk.article_id if art else lk.article_id)
    return len(keys)


def _actors(
    readings: Sequence[ReadArticle],
    entities: Mapping[str, Entity] | None = None,
    limit: int = 12,
) -> tuple[Actor, ...]:
    names: dict[str, Counter[str]] = {}
    types: dict[str, Counter[str]] = {}
    arts: dict[str, list[str]] = {}
    first: dict[str, Span] = {}
    for r in readings:
        for m in r.mentions:
            if m.label not in _ACTOR_LABELS:
                continue
            key = m.entity_id or "t:" + " ".join(m.text.lower().split())
            names.setdefault(key, Counter())[m.text.strip()] += 1
            types.setdefault(key, Counter())[m.label] += 1
            seen = arts.setdefault(key, [])
            if r.article.id not in seen:
                seen.append(r.article.id)
            first.setdefault(key, Span(r.article.id, m.start, m.end, m.text))
    ranked = sorted(names, key=lambda k: (-len(arts[k]), -sum(names[k].values()), min(names[k])))
    out = []
    for key in ranked[:limit]:
        counts = names[key]
        entity = (entities or {}).get(key)
        # The resolved entity's canonical name ("Russia", not the adjective "Russian" the
        # articles repeat); without one, the most frequent form, the longer on ties.
        name = entity.name if entity else max(counts, key=lambda s: (counts[s], len(s)))
        out.append(
            Actor(
                entity_id=key,
                name=name,
                type=entity.type if entity and entity.type else types[key].most_common(1)[0][0],
                aliases=tuple(sorted(a for a in counts if a != name)),
                mentions=sum(counts.values()),
                article_ids=tuple(arts[key]),
                first=first[key],
            )
        )
    return tuple(out)


def dossier_from(
    story: Story,
    readings: Sequence[ReadArticle],
    verdicts: Sequence[Verdict],
    source_groups: Iterable[SourceGroup] = (),
    entities: Mapping[str, Entity] | None = None,
) -> Dossier:
    """Assemble a dossier from a story, its articles as read, its verdicts and its groups;
    ``entities`` (by id) name the key actors by their resolved canonical names."""
    articles = {r.article.id: r.article for r in readings}
    claims = {c.id: c for r in readings for c in r.claims}
    groups = [g for g in source_groups if len(g.article_ids) > 1]
    group_of = {a: n for n, g in enumerate(groups, 1) for a in g.article_ids}
    buckets: dict[VerdictLabel, list[Statement]] = {label: [] for label in VerdictLabel}
    for v in verdicts:
        buckets[v.label].append(_statement(v, claims, articles))

    sources = []
    for r in sorted(readings, key=lambda r: (article_date(r.article)[0] or "\uffff", r.article.id)):
        a = r.article
        date, basis = article_date(a)
        sources.append(
            SourceEntry(
                article_id=a.id,
                outlet=a.outlet,
                title=a.title,
                url=a.url,
                published=a.published,
                date_basis=basis,
                language=a.language,
                group=group_of.get(a.id),
                claims=len(r.claims),
            )
        )
    outlets = tuple(sorted({a.outlet for a in articles.values() if a.outlet}, key=str.lower))
    dated = sorted(a.published for a in articles.values() if a.published)
    earliest = _earliest_reporter(readings)
    notes = []
    undated = [a.id for a in articles.values() if not a.published]
    if undated:
        notes.append(f"{len(undated)} article(s) without a publication date: ordered by fetch time")
    foreign = sorted(
        {a.language for a in articles.values() if a.language is not None and not a.is_english}
    )
    if foreign:
        notes.append(f"articles in other languages ({', '.join(foreign)}) are listed, not read")
    for r in readings:
        for note in getattr(r, "notes", ()) or ():
            notes.append(f"{r.article.id}: {note}")
    dossier = Dossier(
        schema_version=SCHEMA_VERSION,
        story_id=story.id,
        title=story.title,
        summary="",
        article_count=len(readings),
        outlets=outlets,
        first_published=dated[0] if dated else None,
        last_published=dated[-1] if dated else None,
        key_actors=_actors(readings, entities),
        corroborated=tuple(buckets[VerdictLabel.CORROBORATED]),
        contested=tuple(buckets[VerdictLabel.CONTESTED]),
        single_source=tuple(buckets[VerdictLabel.SINGLE_SOURCE]),
        unverified_hedged=tuple(buckets[VerdictLabel.UNVERIFIED_HEDGED]),
        timeline=tuple(story_timeline(readings)),
        sources=tuple(sources),
        independence_groups=tuple(
            IndependenceGroup(n, g.article_ids, g.reason, g.origin) for n, g in enumerate(groups, 1)
        ),
        earliest_reporter=earliest,
        notes=tuple(notes),
    )
    return dataclasses.replace(dossier, summary=_summary(dossier))


def _earliest_reporter(readings: Sequence[ReadArticle]) -> EarliestReporter | None:
    named = earlier_reports(readings)
    if named:
        e = named[0]
        return EarliestReporter(
            e.outlet,
            "named as an earlier report",
            e.article_id,
            Span(e.article_id, e.start, e.end, e.text),
        )
    dated = [(article_date(r.article), r.article) for r in readings]
    dated = [(d, a) for d, a in dated if d[0]]
    if not dated:
        return None
    (date, basis), a = min(dated, key=lambda x: (x[0][1] != "published", x[0][0], x[1].id))
    return EarliestReporter(article_name(a, a.id), f"earliest article ({basis})", a.id, None)


def _summary(d: Dossier) -> str:
    span = ""
    if d.first_published:
        span = (
            f", {d.first_published[:10]}"
            if d.first_published[:10] == (d.last_published or "")[:10]
            else f", {d.first_published[:10]} to {(d.last_published or '')[:10]}"
        )
    n_out = len(d.outlets)
    unknown = sum(1 for src in d.sources if not src.outlet)
    if unknown == d.article_count:
        origin = ", no outlet known"
    else:
        origin = f" from {n_out} outlet(s)"
        origin += f" and {unknown} of unknown outlet" if unknown else ""
    parts = [
        f"{d.article_count} article(s){origin}{span}: "
        f"{len(d.corroborated)} corroborated, {len(d.contested)} contested, "
        f"{len(d.single_source)} single-source and {len(d.unverified_hedged)} "
        "hedged claim(s)."
    ]
    if d.corroborated:
        top = d.corroborated[0]
        parts.append(f"Best supported: \u201c{top.text}\u201d ({top.explanation}).")
    if d.contested:
        parts.append(f"Contested: \u201c{d.contested[0].text}\u201d.")
    if d.earliest_reporter:
        parts.append(f"Earliest reporter named: {d.earliest_reporter.outlet}.")
    return " ".join(parts)


def build_dossier(store: Any, story_id: str) -> Dossier:
    """The dossier of a stored story (id or unique prefix) from its stored verdicts."""
    from storyline.syndication import syndication_groups

    story = store.get_story(story_id)
    if story is None:
        raise DossierError(f"{story_id}: no such story")
    articles = store.get_articles(story.article_ids)
    readings = []
    for a in articles:
        r = store.get_reading(a.id)
        readings.append(r if r is not None else ReadArticle(article=a))
    verdicts = store.get_verdicts(story.id)
    groups = syndication_groups(articles, readings)
    return dossier_from(story, readings, verdicts, groups, story_entities(store, readings))


def story_entities(store: Any, readings: Sequence[ReadArticle]) -> dict[str, Entity]:
    """The stored entities the readings mention (empty for a store without them)."""
    getter = getattr(store, "get_entities", None)
    if getter is None:
        return {}
    return dict(getter({m.entity_id for r in readings for m in r.mentions if m.entity_id}))


# --------------------------------------------------------------------------- JSON schema


def _schema_of(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        non_none = [a for a in args if a is not type(None)]
        inner = _schema_of(non_none[0], defs)
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is tuple:
        return {"type": "array", "items": _schema_of(args[0], defs)}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}
            hints = typing.get_type_hints(tp)
            defs[name] = {
                "type": "object",
                "properties": {
                    f.name: _schema_of(hints[f.name], defs) for f in dataclasses.fields(tp)
                },
                "required": [f.name for f in dataclasses.fields(tp)],
                "additionalProperties": False,
            }
        return {"$ref": f"#/$defs/{name}"}
    return {
        str: {"type": "string"},
        int: {"type": "integer"},
        float: {"type": "number"},
        bool: {"type": "boolean"},
    }.get(tp, {})


def dossier_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of ``to_dict(Dossier)``, derived from the dataclasses."""
    defs: dict[str, Any] = {}
    root = _schema_of(Dossier, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "storyline dossier",
        "description": "One story: corroborated, contested and single-source claims with "
        "the article spans behind them (see storyline.dossier).",
        **root,
        "$defs": defs,
    }
