"""Verdicts per claim group, with source independence and provenance; a timeline per story.

Rules (each verdict's ``explanation`` says which one fired):

* **contested** — some article disagrees: a matched claim of opposite polarity in an article
  that does not also state the claim, a stance-model ``disagree``, or — for *response* groups —
  two articles that report different answers of the same actor ("X denied" vs "X has not
  commented"). Outside response groups, opposition must be at least ``CONTESTED_SHARE`` of
  the articles that take the claim up; a lone dissent among many is a note, not the verdict.
* **corroborated** — at least two independent reports agree and none disagree. Reports are
  independent when they are not copies of one another (near-duplicate syndication groups) and
  not from one outlet. Reports that rest on one *origin* (the same cited outlet or the same
  speaker, e.g. "US intelligence") still corroborate, but the verdict says how many origins
  stand behind them: "2 outlets, 1 independent origin: US intelligence via CNN".
* **unverified-hedged** — one report, or only hedged ones ("may", "it is unknown whether").
* **single-source** — one independent report, stated without hedging.

Provenance per claim: the earliest supporting article by published date, falling back to fetch
time (``earliest_basis`` says which); the cited origins (outlets named in the attribution),
with outlets that the text names as *earlier* reporters ("earlier reports from X") first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from storyline.align import GENERIC_SPEAKER_WORDS, norm_words
from storyline.model import (
    Article,
    Certainty,
    Claim,
    ClaimGroup,
    ClaimLink,
    Evidence,
    Mention,
    ReadArticle,
    SpeakerKind,
    StanceLabel,
    Verdict,
    VerdictLabel,
    content_id,
)

__all__ = [
    "EarlierReport",
    "TimelineEntry",
    "UnionFind",
    "article_date",
    "article_name",
    "attributed",
    "citation_chain",
    "earlier_reports",
    "origin_label",
    "speaker_key",
    "story_timeline",
    "story_verdicts",
    "verdict_for_claim",
]

_EARLIER = re.compile(
    r"\b(?:earlier|previous(?:ly)?|first|initial(?:ly)?|prior|originally|had)\s+"
    r"(?:\w+\s+){0,2}?(?:report(?:s|ed|ing)?|broke|revealed|published)"
    r"|\breport(?:s|ed)?\s+(?:\w+\s+){0,2}?(?:earlier|previously|first)\b"
    r"|\bbroke the (?:news|story)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class EarlierReport:
    """An outlet that an article names as having reported before it."""

    outlet: str
    article_id: str
    claim_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated (or ordered) event of a story: an article's publication or a cited report."""

    date: str | None
    basis: str  # "published", "fetched", "cited-earlier", "undated"
    article_id: str
    outlet: str | None
    text: str
    start: int | None = None
    end: int | None = None


# --------------------------------------------------------------------------- dates


def article_date(article: Article) -> tuple[str | None, str]:
    """The date to order an article by and its basis: published, else fetched."""
    if article.published:
        return article.published, "published"
    if article.fetched_at:
        return article.fetched_at, "fetched"
    return None, "undated"


def _earliest(articles: Iterable[Article]) -> tuple[str | None, str | None]:
    arts = list(articles)
    dated = [a for a in arts if a.published]
    if dated:
        first = min(dated, key=lambda a: (a.published or "", a.id))
        return first.id, "published"
    fetched = [a for a in arts if a.fetched_at]
    if fetched:
        first = min(fetched, key=lambda a: (a.fetched_at or "", a.id))
        return first.id, "fetched"
    return (min(arts, key=lambda a: a.id).id, None) if arts else (None, None)


# --------------------------------------------------------------------------- provenance


def earlier_reports(readings: Iterable[ReadArticle]) -> list[EarlierReport]:
    """Outlets the articles name as earlier reporters ("earlier reports from X")."""
    out = []
    for r in readings:
        for c in r.claims:
            outlets = c.attribution.cited_outlets
            if outlets and _EARLIER.search(c.text):
                for o in outlets:
                    out.append(EarlierReport(o, c.article_id, c.id, c.start, c.end, c.text))
    return out


def citation_chain(claim: Claim, article: Article | None) -> tuple[str, ...]:
    """outlet -> cited outlet(s) -> speaker, as far as the claim says."""
    chain: list[str] = [(article.outlet if article and article.outlet else claim.article_id)]
    chain.extend(claim.attribution.cited_outlets)
    speaker = claim.attribution.speaker
    named = {norm_words(x) for x in chain}
    if (
        speaker
        and claim.attribution.kind is not SpeakerKind.ARTICLE
        and norm_words(speaker) not in named
    ):
        chain.append(speaker)
    return tuple(chain)


def speaker_key(claim: Claim, mentions: Sequence[Mention]) -> str | None:
    """Who a claim rests on, as a comparable key: entities in the speaker span plus its
    remaining content words ("U.S. intelligence sources" == "US intelligence")."""
    att = claim.attribution
    if not att.speaker or att.kind is SpeakerKind.ARTICLE:
        return None
    parts: set[str] = set()
    covered = ""
    if att.speaker_start is not None and att.speaker_end is not None:
        for m in mentions:
            if m.start < att.speaker_end and m.end > att.speaker_start:
                parts.add(f"e:{m.entity_id}" if m.entity_id else f"t:{norm_words(m.text)}")
                covered += " " + norm_words(m.text)
    for w in norm_words(att.speaker).split():
        if w not in GENERIC_SPEAKER_WORDS and w not in covered.split():
            parts.add(f"w:{w}")
    return "|".join(sorted(parts)) if parts else None


def origin_label(claim: Claim) -> str | None:
    att = claim.attribution
    speaker = att.speaker if att.kind is not SpeakerKind.ARTICLE else None
    if speaker and att.cited_outlets:
        return f"{speaker} via {', '.join(att.cited_outlets)}"
    if att.cited_outlets:
        return ", ".join(att.cited_outlets)
    return speaker


def attributed(claim: Claim) -> bool:
    att = claim.attribution
    return bool(att.cited_outlets) or (bool(att.speaker) and att.kind is not SpeakerKind.ARTICLE)


# --------------------------------------------------------------------------- union-find


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self, items: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for x in items:
            out.setdefault(self.find(x), []).append(x)
        return out


# --------------------------------------------------------------------------- verdicts


@dataclass(slots=True)
class _Context:
    story_id: str
    articles: dict[str, Article]
    readings: dict[str, ReadArticle]
    claims: dict[str, Claim]
    copy_of: dict[str, str]
    origin_groups: list[tuple[str, ...]]


def _judge(
    ctx: _Context,
    seed_id: str,
    seed_text: str,
    links: Sequence[ClaimLink],
    kind: str = "proposition",
    actor: str | None = None,
) -> Verdict:
    seed = ctx.claims.get(seed_id)
    # Per article: the links that carry its position.
    by_article: dict[str, list[ClaimLink]] = {}
    for link in links:
        by_article.setdefault(link.article_id, []).append(link)
    # Copies take the position of the representative they copy.
    for copy, rep in ctx.copy_of.items():
        if rep in by_article and copy not in by_article:
            by_article[copy] = [
                ClaimLink(seed_id, copy, lk.relation, lk.score, None, ()) for lk in by_article[rep]
            ]

    support: dict[str, list[ClaimLink]] = {}
    oppose: dict[str, list[ClaimLink]] = {}
    discuss: list[str] = []
    internal_denials: list[ClaimLink] = []
    for a, lks in by_article.items():
        stated = [lk for lk in lks if lk.target_claim_id is not None]
        agree = [lk for lk in lks if lk.relation is StanceLabel.AGREE]
        disagree = [lk for lk in lks if lk.relation is StanceLabel.DISAGREE]
        if kind == "response":
            # Each article reports one answer; differing answers oppose the seed's.
            (support if agree else oppose)[a] = agree or disagree
            continue
        if stated and any(lk.relation is StanceLabel.AGREE for lk in stated):
            # The article states the claim; a denial it also reports is the speaker's, not
            # the outlet's, and is shown as a note rather than as opposition.
            support[a] = agree
            internal_denials.extend(lk for lk in disagree if lk.target_claim_id)
        elif disagree:
            oppose[a] = disagree
        elif agree:
            support[a] = agree
        elif any(lk.relation is StanceLabel.DISCUSS for lk in lks):
            discuss.append(a)

    # Independent reports: copies and one outlet's articles count once.
    reports = UnionFind()
    outlet_first: dict[str, str] = {}
    for a in support:
        reports.find(a)
        rep = ctx.copy_of.get(a, a)
        if rep != a:
            reports.union(a, rep)
        outlet = norm_words(ctx.articles[a].outlet or "") if a in ctx.articles else ""
        if outlet:
            if outlet in outlet_first:
                reports.union(a, outlet_first[outlet])
            else:
                outlet_first[outlet] = a
    report_groups = reports.groups(support)

    # Origins: reports that rest on the same cited outlet or speaker are one origin.
    origins = UnionFind()
    for key in report_groups:
        origins.find(key)
    key_owner: dict[str, str] = {}
    labels: dict[str, list[str]] = {}
    for key, members in report_groups.items():
        for a in members:
            for okey, label in _origin_keys(ctx, a, support[a], lead=len(report_groups) > 1):
                if label:
                    labels.setdefault(key, []).append(label)
                if okey in key_owner:
                    origins.union(key, key_owner[okey])
                else:
                    key_owner[okey] = key
    for group in ctx.origin_groups:
        present = [report for report, ms in report_groups.items() if set(ms) & set(group)]
        for other in present[1:]:
            origins.union(present[0], other)
    origin_groups = origins.groups(report_groups)
    origin_labels = []
    for members in origin_groups.values():
        names = [lab for m in members for lab in labels.get(m, [])]
        # The most specific label (the longest, i.e. with its "via" chain) names the origin.
        if names:
            origin_labels.append(max(names, key=lambda s: (len(s), s)))
        else:
            first = min((a for m in members for a in report_groups[m]), key=str)
            origin_labels.append(_own_reporting(ctx.articles.get(first), first))

    n_reports = len(report_groups)
    n_origins = len(origin_groups)
    outlets = sorted(
        {ctx.articles[a].outlet or a for a in support if a in ctx.articles}, key=str.lower
    )
    member_claims = [
        ctx.claims[lk.target_claim_id]
        for lks in support.values()
        for lk in lks
        if lk.target_claim_id in ctx.claims
    ]
    hedged = bool(member_claims) and all(
        c.certainty in (Certainty.HEDGED, Certainty.SPECULATIVE) for c in member_claims
    )
    if seed is not None and not member_claims:
        hedged = seed.certainty in (Certainty.HEDGED, Certainty.SPECULATIVE)

    notes: list[str] = []
    # Opposition counts when it is a share of the coverage, not one article among
    # many (storyline.stance.CONTESTED_SHARE, chosen on FNC-1 training-side headlines).
    from storyline.stance import contested_by_share

    minority = bool(oppose) and kind != "response"
    minority = minority and not contested_by_share(
        len(oppose), len(oppose) + len(support) + len(discuss)
    )
    if minority:
        who = sorted({ctx.articles[a].outlet or a for a in oppose if a in ctx.articles})
        notes.append(f"disputed only by {', '.join(who) or len(oppose)} (a minority)")
    if oppose and not minority:
        label = VerdictLabel.CONTESTED
        who = sorted({ctx.articles[a].outlet or a for a in oppose if a in ctx.articles})
        if kind == "response":
            answers = sorted({_answer(ctx, lk) for lks in by_article.values() for lk in lks})
            notes.append(
                f"the outlets report different responses of {actor or 'the actor'}: "
                + "; ".join(answers)
            )
        else:
            notes.append(f"disputed by {', '.join(who) or len(oppose)}")
    elif n_reports >= 2:
        label = VerdictLabel.CORROBORATED
    elif hedged:
        label = VerdictLabel.UNVERIFIED_HEDGED
    else:
        label = VerdictLabel.SINGLE_SOURCE
    if n_reports >= 1 and kind != "response":
        onoun = "origin" if n_origins == 1 else "origins"
        line = f"{_outlet_count(ctx, list(support))}, {n_origins} independent {onoun}"
        if n_origins < n_reports:
            line += f": {'; '.join(origin_labels)} — independence is limited"
        elif origin_labels:
            line += f": {'; '.join(origin_labels)}"
        notes.insert(0, line)
    if kind == "response":
        notes.insert(0, f"response of {actor or 'an actor'}")
    if hedged and label is not VerdictLabel.UNVERIFIED_HEDGED:
        notes.append("stated only with hedging")
    if internal_denials:
        speakers = sorted(
            {
                ctx.claims[lk.target_claim_id].attribution.speaker or "a party"
                for lk in internal_denials
                if lk.target_claim_id in ctx.claims
            }
        )
        notes.append(f"the reporting articles also carry a denial by {', '.join(speakers)}")
    if discuss:
        notes.append(f"{len(discuss)} more article(s) discuss it without taking a side")

    supporting_arts = [ctx.articles[a] for a in support if a in ctx.articles]
    earliest_id, basis = _earliest(supporting_arts)
    cited: list[str] = []
    earlier: list[str] = []
    for c in member_claims:
        for o in c.attribution.cited_outlets:
            if o not in cited:
                cited.append(o)
            if _EARLIER.search(c.text) and o not in earlier:
                earlier.append(o)
    cited = earlier + [o for o in cited if o not in earlier]
    if earlier:
        notes.append(f"named as an earlier reporter: {', '.join(earlier)}")

    supporting = tuple(lk for a in support for lk in support[a])
    opposing = tuple(lk for a in oppose for lk in oppose[a])
    return Verdict(
        story_id=ctx.story_id,
        claim_id=seed_id,
        label=label,
        text=seed_text,
        supporting=supporting,
        opposing=opposing,
        outlets=tuple(outlets),
        independent_origins=tuple(origin_labels),
        earliest_article_id=earliest_id,
        earliest_basis=basis,
        cited_origins=tuple(cited),
        explanation="; ".join(notes),
    )


def _answer(ctx: _Context, link: ClaimLink) -> str:
    from storyline.align import response_kind

    c = ctx.claims.get(link.target_claim_id or "")
    if c is None:
        return link.relation.value
    outlet = ctx.articles[c.article_id].outlet if c.article_id in ctx.articles else None
    return f"{outlet or c.article_id}: {response_kind(c) or 'responded'}"


def article_name(article: Article | None, article_id: str) -> str:
    """How a reader finds an article again: its outlet, else its title (quoted, shortened),
    else its shortened id."""
    if article is not None and article.outlet:
        return article.outlet
    title = (article.title or "").strip() if article is not None else ""
    if title:
        return f"“{title if len(title) <= 60 else title[:57].rstrip() + '...'}”"
    return f"article {article_id[:8]}"


def _own_reporting(article: Article | None, article_id: str) -> str:
    """An origin that is an article's own reporting."""
    name = article_name(article, article_id)
    return name if article is not None and article.outlet else f"own reporting of {name}"


def _outlet_count(ctx: _Context, articles: Sequence[str]) -> str:
    """ "2 outlets"; articles of no known outlet are counted as articles, not as outlets."""
    known = {norm_words(ctx.articles[a].outlet or "") for a in articles if a in ctx.articles}
    known.discard("")
    unknown = sum(1 for a in articles if a in ctx.articles and not ctx.articles[a].outlet)
    parts = []
    if known or not unknown:
        parts.append(f"{len(known)} outlet{'' if len(known) == 1 else 's'}")
    if unknown:
        parts.append(f"{unknown} article{'' if unknown == 1 else 's'} of unknown outlet")
    return " and ".join(parts)


def _origin_keys(
    ctx: _Context, article_id: str, links: Sequence[ClaimLink], *, lead: bool = True
) -> list[tuple[str, str | None]]:
    """The origins an article's report rests on: its matched claims' attribution, or, for a
    claim in the article's own voice, the attribution the article leads with."""
    reading = ctx.readings.get(article_id)
    if reading is None:
        return []
    claims = [ctx.claims[lk.target_claim_id] for lk in links if lk.target_claim_id in ctx.claims]
    sourced = [c for c in claims if attributed(c)]
    if not sourced and lead:
        # A news story states its sourcing up front and then speaks in its own voice.
        sourced = [c for c in reading.claims[:6] if attributed(c)][:1]
    out: list[tuple[str, str | None]] = []
    for c in sourced:
        label = origin_label(c)
        for o in c.attribution.cited_outlets:
            out.append((f"o:{norm_words(o)}", label))
        key = speaker_key(c, reading.mentions)
        if key:
            out.append((f"s:{key}", label))
    return out


def story_verdicts(
    story_id: str,
    groups: Sequence[ClaimGroup],
    links: Mapping[str, Sequence[ClaimLink]],
    readings: Sequence[ReadArticle],
    *,
    copy_of: dict[str, str] | None = None,
    origin_groups: Iterable[Sequence[str]] = (),
) -> list[Verdict]:
    """One verdict per claim group of a story (see the module docstring for the rules).

    ``copy_of`` maps copies to the article that represents them (from alignment);
    ``origin_groups`` are article groups known to rest on one origin (syndication)."""
    ctx = _Context(
        story_id=story_id,
        articles={r.article.id: r.article for r in readings},
        readings={r.article.id: r for r in readings},
        claims={c.id: c for r in readings for c in r.claims},
        copy_of=dict(copy_of or {}),
        origin_groups=[tuple(g) for g in origin_groups if len(g) > 1],
    )
    out = []
    for g in groups:
        seed = ctx.claims.get(g.representative_claim_id)
        text = seed.text if seed else g.representative_claim_id
        out.append(
            _judge(ctx, g.representative_claim_id, text, links.get(g.id, ()), g.kind, g.actor)
        )
    order = {
        VerdictLabel.CONTESTED: 0,
        VerdictLabel.CORROBORATED: 1,
        VerdictLabel.SINGLE_SOURCE: 2,
        VerdictLabel.UNVERIFIED_HEDGED: 3,
    }
    # Equally supported claims: the one the articles state nearest their lead first (news
    # puts the main event first, background and side claims further down).
    out.sort(key=lambda v: (order[v.label], -len(v.supporting), _depth(ctx, v), v.claim_id))
    return out


def _depth(ctx: _Context, v: Verdict) -> float:
    """Mean position (0 = the first character, 1 = the last) of the supporting sentences in
    their articles."""
    spots = []
    for link in v.supporting:
        article = ctx.articles.get(link.article_id)
        if article is None or not article.text or not link.evidence:
            continue
        spots.append(link.evidence[0].start / len(article.text))
    return sum(spots) / len(spots) if spots else 1.0


def verdict_for_claim(
    claim: str,
    articles: Sequence[Article],
    stance_model: object,
    *,
    story_id: str = "adhoc",
    min_probability: float = 0.0,
    copy_groups: Iterable[Sequence[str]] = (),
) -> Verdict:
    """The verdict on a free-standing claim (a headline) over a set of articles, from the
    stance model alone: what ``storyline eval contested`` scores on FNC-1."""
    from storyline.align import copy_representatives

    stances = stance_model.predict(claim, list(articles))  # type: ignore[attr-defined]
    claim_id = content_id("claim", claim)
    links = []
    for a, st in zip(articles, stances, strict=True):
        label = StanceLabel(st.label)
        p = float(st.probabilities.get(label.value, 0.0)) if st.probabilities else 1.0
        if label is StanceLabel.UNRELATED or p < min_probability:
            continue
        ev = tuple(Evidence(a.id, e.start, e.end, e.text, e.score) for e in (st.evidence or ()))
        links.append(ClaimLink(claim_id, a.id, label, round(p, 4), None, ev))
    readings = [ReadArticle(article=a) for a in articles]
    rep = copy_representatives(readings, copy_groups)
    ctx = _Context(
        story_id=story_id,
        articles={a.id: a for a in articles},
        readings={},
        claims={},
        copy_of={a: b for a, b in rep.items() if a != b},
        origin_groups=[],
    )
    return _judge(ctx, claim_id, claim, links)


# --------------------------------------------------------------------------- timeline


def story_timeline(readings: Sequence[ReadArticle]) -> list[TimelineEntry]:
    """Articles in date order (published, else fetched; undated last), each preceded by the
    earlier reports it names."""
    earlier = earlier_reports(readings)
    entries: list[tuple[tuple[int, str, str], TimelineEntry]] = []
    for r in readings:
        a = r.article
        date, basis = article_date(a)
        lead = r.claims[0] if r.claims else None
        text = a.title or (lead.text if lead else a.text[:160])
        rank = {"published": 0, "fetched": 1}.get(basis, 2)
        # Dated articles first in date order; a fetch time only orders undated ones.
        key = (0 if basis == "published" else rank, date or "", a.id)
        for e in earlier:
            if e.article_id == a.id:
                entries.append(
                    (
                        (key[0], key[1], a.id + "\x00"),
                        TimelineEntry(
                            None,
                            "cited-earlier",
                            a.id,
                            e.outlet,
                            e.text,
                            e.start,
                            e.end,
                        ),
                    )
                )
        entries.append(
            (
                (key[0], key[1], a.id + "\x01"),
                TimelineEntry(
                    date,
                    basis,
                    a.id,
                    a.outlet,
                    text,
                    lead.start if lead and not a.title else None,
                    lead.end if lead and not a.title else None,
                ),
            )
        )
    entries.sort(key=lambda kv: kv[0])
    return [e for _, e in entries]
