"""What the pages show, built from the store: plain dataclasses the templates and the API read.

Article text is never turned into markup here. A text is cut into pieces (gaps, sentences,
claim spans) that the templates render with autoescape, so whatever an article contains stays
text in the browser.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline.model import (
    Article,
    Claim,
    ClaimLink,
    ReadArticle,
    Story,
    Verdict,
    VerdictLabel,
    to_dict,
)

__all__ = [
    "ArticleView",
    "LinkView",
    "Piece",
    "Segment",
    "StoryRow",
    "StoryView",
    "StoriesPage",
    "article_view",
    "claim_labels",
    "stories_page",
    "story_payload",
    "story_view",
]

# Which colour a claim takes when it sits in several verdicts: disagreement shows first.
_LABEL_RANK = {
    VerdictLabel.CONTESTED.value: 0,
    VerdictLabel.CORROBORATED.value: 1,
    VerdictLabel.SINGLE_SOURCE.value: 2,
    VerdictLabel.UNVERIFIED_HEDGED.value: 3,
}


# --------------------------------------------------------------------------- stories list


@dataclass(frozen=True, slots=True)
class StoryRow:
    story: Story
    counts: dict[str, int]

    @property
    def article_count(self) -> int:
        return len(self.story.article_ids)


@dataclass(frozen=True, slots=True)
class StoriesPage:
    rows: tuple[StoryRow, ...]
    total: int
    page: int
    per_page: int
    query: str = ""
    entity: str = ""
    outlet: str = ""
    since: str = ""
    until: str = ""
    # Set when an entity filter matched no known entity, to say so on the page.
    entity_unknown: bool = False
    # The count stopped early: more than ``total - 1`` stories match.
    more: bool = False

    @property
    def shown_total(self) -> str:
        return f"more than {self.total - 1:,}" if self.more else f"{self.total:,}"

    @property
    def pages(self) -> int:
        # With a partial count, ``total`` is one past this page: "More" leads on.
        return max(1, math.ceil(self.total / self.per_page))

    def to_api(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "total_is_lower_bound": self.more,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "items": [
                {
                    "id": r.story.id,
                    "title": r.story.title,
                    "outlets": list(r.story.outlets),
                    "article_count": r.article_count,
                    "first_published": r.story.first_published,
                    "last_published": r.story.last_published,
                    "counts": r.counts,
                }
                for r in self.rows
            ],
        }


def stories_page(
    store: Any,
    *,
    query: str = "",
    entity: str = "",
    outlet: str = "",
    since: str = "",
    until: str = "",
    page: int = 1,
    per_page: int = 50,
) -> StoriesPage:
    page = max(1, page)
    per_page = min(max(1, per_page), 200)
    entity_ids: list[str] | None = None
    if entity.strip():
        # An entity is searched by name or alias; its id is what stories record.
        entity_ids = [e.id for e in store.list_entities(query=entity.strip(), limit=50)]
    filtered = any(x.strip() for x in (query, entity, outlet, since, until))
    rows, total = store.search_stories(
        query=query.strip() or None,
        outlet=outlet.strip() or None,
        since=since.strip() or None,
        until=until.strip() or None,
        entity_ids=entity_ids,
        limit=per_page,
        offset=(page - 1) * per_page,
        # A filtered count scans every match: count only as far as this page needs to know
        # whether another follows (an unfiltered count is exact and cheap).
        count_limit=page * per_page,
    )
    return StoriesPage(
        rows=tuple(StoryRow(s, c) for s, c in rows),
        total=total,
        page=page,
        per_page=per_page,
        query=query,
        entity=entity,
        outlet=outlet,
        since=since,
        until=until,
        entity_unknown=entity_ids == [],
        more=total > page * per_page and filtered,
    )


# --------------------------------------------------------------------------- article text


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text inside a sentence; ``claim`` when it is (part of) a claim."""

    text: str
    claim: Claim | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence (``index`` set) or the text between sentences (``index`` None)."""

    pieces: tuple[Piece, ...]
    index: int | None = None
    furniture: bool = False


@dataclass(frozen=True, slots=True)
class ArticleView:
    article: Article
    segments: tuple[Segment, ...]
    claims: tuple[Claim, ...] = ()
    has_reading: bool = False
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def safe_url(self) -> str | None:
        """The article URL only when it is plain http(s); anything else is shown as text."""
        url = (self.article.url or "").strip()
        return url if url.lower().startswith(("http://", "https://")) else None

    def label_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for label in self.labels.values():
            out[label] = out.get(label, 0) + 1
        return out


def article_view(
    article: Article, reading: ReadArticle | None, labels: dict[str, str] | None = None
) -> ArticleView:
    """Cut an article into sentence and claim pieces for rendering."""
    labels = labels or {}
    text = article.text
    if reading is None or not reading.sentences:
        return ArticleView(article, (Segment((Piece(text),)),), (), False, {})
    claims_by_sentence: dict[int, list[Claim]] = {}
    for c in reading.claims:
        claims_by_sentence.setdefault(c.sentence_index, []).append(c)
    furniture = list(reading.furniture)
    segments: list[Segment] = []
    pos = 0
    for s in sorted(reading.sentences, key=lambda x: x.start):
        start, end = max(s.start, pos), min(s.end, len(text))
        if start >= end:
            continue
        if start > pos:
            segments.append(Segment((Piece(text[pos:start]),)))
        pieces = _sentence_pieces(text, start, end, claims_by_sentence.get(s.index, []), labels)
        is_furniture = any(f0 <= start and end <= f1 for f0, f1 in furniture)
        segments.append(Segment(tuple(pieces), s.index, is_furniture))
        pos = end
    if pos < len(text):
        segments.append(Segment((Piece(text[pos:]),)))
    article_labels = {c.id: labels[c.id] for c in reading.claims if c.id in labels}
    return ArticleView(article, tuple(segments), tuple(reading.claims), True, article_labels)


def _sentence_pieces(
    text: str, start: int, end: int, claims: list[Claim], labels: dict[str, str]
) -> list[Piece]:
    pieces: list[Piece] = []
    pos = start
    for c in sorted(claims, key=lambda c: (c.start, -c.end)):
        c0, c1 = max(c.start, pos), min(c.end, end)
        if c0 >= c1:
            # Overlapping or out-of-sentence claims stay clickable through their sentence.
            continue
        if c0 > pos:
            pieces.append(Piece(text[pos:c0]))
        pieces.append(Piece(text[c0:c1], c, labels.get(c.id, "claim")))
        pos = c1
    if pos < end:
        pieces.append(Piece(text[pos:end]))
    return pieces


# --------------------------------------------------------------------------- story


@dataclass(frozen=True, slots=True)
class LinkView:
    """From a clicked claim to the sentences of another article that bear on it."""

    article_id: str
    sentence_indices: tuple[int, ...]
    relation: str
    score: float
    claim_id: str | None
    verdict_label: str


@dataclass(frozen=True, slots=True)
class VerdictView:
    verdict: Verdict
    claim: Claim | None
    outlet: str | None
    supporting_outlets: tuple[str, ...]
    opposing_outlets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    when: str | None
    basis: str
    article: Article
    first_for: int = 0  # how many verdicts name this article as the earliest report


@dataclass(frozen=True, slots=True)
class StoryView:
    story: Story
    counts: dict[str, int]
    articles: tuple[ArticleView, ...]
    verdicts: tuple[VerdictView, ...]
    timeline: tuple[TimelineEntry, ...]
    claims: dict[str, Claim]
    claim_labels: dict[str, str]
    links: dict[str, tuple[LinkView, ...]]
    cited_origins: tuple[str, ...] = ()
    # storyline.dossier.Dossier: summary, statements, actors, timeline, independence groups.
    dossier: Any = None

    def verdicts_by_label(self) -> list[tuple[str, list[VerdictView]]]:
        groups: dict[str, list[VerdictView]] = {}
        for v in self.verdicts:
            groups.setdefault(v.verdict.label.value, []).append(v)
        return sorted(groups.items(), key=lambda kv: _LABEL_RANK.get(kv[0], 9))

    def outlet_of(self, article_id: str | None) -> str:
        for a in self.articles:
            if a.article.id == article_id:
                return a.article.outlet or a.article.id[:8]
        return (article_id or "?")[:8]


def story_view(store: Any, story_id: str) -> StoryView | None:
    story = store.get_story(story_id)
    if story is None:
        return None
    verdicts = store.get_verdicts(story.id)
    articles = store.get_articles(story.article_ids)
    readings: dict[str, ReadArticle | None] = {a.id: store.get_reading(a.id) for a in articles}
    claims: dict[str, Claim] = {}
    sentences: dict[str, list[tuple[int, int, int]]] = {}
    for aid, r in readings.items():
        if r is None:
            continue
        claims.update({c.id: c for c in r.claims})
        sentences[aid] = [(s.index, s.start, s.end) for s in r.sentences]

    labels = claim_labels(verdicts)
    links = _links(verdicts, claims, sentences)
    articles.sort(key=lambda a: (a.published or a.fetched_at or "~", a.outlet or ""))
    views = tuple(article_view(a, readings[a.id], labels) for a in articles)
    outlet_by_article = {a.id: a.outlet or a.id[:8] for a in articles}
    verdict_views = tuple(
        VerdictView(
            v,
            claims.get(v.claim_id),
            outlet_by_article.get(claims[v.claim_id].article_id) if v.claim_id in claims else None,
            _outlets(v.supporting, outlet_by_article),
            _outlets(v.opposing, outlet_by_article),
        )
        for v in sorted(verdicts, key=lambda v: _LABEL_RANK.get(v.label.value, 9))
    )
    first_counts: dict[str, int] = {}
    for v in verdicts:
        if v.earliest_article_id:
            first_counts[v.earliest_article_id] = first_counts.get(v.earliest_article_id, 0) + 1
    timeline = tuple(
        TimelineEntry(
            a.published or a.fetched_at,
            "published" if a.published else "fetched",
            a,
            first_counts.get(a.id, 0),
        )
        for a in articles
    )
    cited = tuple(dict.fromkeys(o for v in verdicts for o in v.cited_origins))
    return StoryView(
        story=story,
        counts=store.story_counts(story.id),
        articles=views,
        verdicts=verdict_views,
        timeline=timeline,
        claims=claims,
        claim_labels=labels,
        links=links,
        cited_origins=cited,
        dossier=_dossier(
            store,
            story,
            [readings[a.id] or ReadArticle(article=a) for a in articles],
            verdicts,
        ),
    )


def _outlets(links: Sequence[ClaimLink], outlet_by_article: dict[str, str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(outlet_by_article.get(link.article_id, "?") for link in links))


def claim_labels(verdicts: Sequence[Verdict]) -> dict[str, str]:
    """Claim id -> the verdict label it is shown in (the verdict's claim and its matches)."""
    labels: dict[str, str] = {}

    def put(claim_id: str | None, label: str) -> None:
        if not claim_id:
            return
        old = labels.get(claim_id)
        if old is None or _LABEL_RANK.get(label, 9) < _LABEL_RANK.get(old, 9):
            labels[claim_id] = label

    for v in verdicts:
        put(v.claim_id, v.label.value)
        for link in (*v.supporting, *v.opposing):
            put(link.target_claim_id, v.label.value)
    return labels


def _links(
    verdicts: Sequence[Verdict],
    claims: dict[str, Claim],
    sentences: dict[str, list[tuple[int, int, int]]],
) -> dict[str, tuple[LinkView, ...]]:
    """Both directions: a verdict's claim points at the evidence, the evidence's claims back."""
    out: dict[str, dict[tuple[str, str], LinkView]] = {}

    def add(src: str, view: LinkView) -> None:
        if not view.sentence_indices:
            return
        bucket = out.setdefault(src, {})
        key = (view.article_id, view.relation)
        old = bucket.get(key)
        if old is not None:
            merged = tuple(sorted(set(old.sentence_indices) | set(view.sentence_indices)))
            view = LinkView(
                view.article_id,
                merged,
                view.relation,
                max(old.score, view.score),
                old.claim_id or view.claim_id,
                view.verdict_label,
            )
        bucket[key] = view

    for v in verdicts:
        source = claims.get(v.claim_id)
        for link in (*v.supporting, *v.opposing):
            if source is not None and link.article_id == source.article_id:
                continue
            idx = _sentences_for(link, claims, sentences.get(link.article_id, []))
            relation = link.relation.value
            add(
                v.claim_id,
                LinkView(
                    link.article_id,
                    idx,
                    relation,
                    link.score,
                    link.target_claim_id,
                    v.label.value,
                ),
            )
            if source is None:
                continue
            # The way back: clicking a claim in the evidence article finds the verdict's claim.
            back_from = {link.target_claim_id} if link.target_claim_id else set()
            back_from |= {
                c.id
                for c in claims.values()
                if c.article_id == link.article_id and c.sentence_index in idx
            }
            for cid in back_from:
                if cid in claims:
                    add(
                        cid,
                        LinkView(
                            source.article_id,
                            (source.sentence_index,),
                            relation,
                            link.score,
                            source.id,
                            v.label.value,
                        ),
                    )
    return {k: tuple(b.values()) for k, b in out.items()}


def _sentences_for(
    link: ClaimLink, claims: dict[str, Claim], sentences: list[tuple[int, int, int]]
) -> tuple[int, ...]:
    found: set[int] = set()
    for ev in link.evidence:
        if ev.article_id not in (None, link.article_id):
            continue
        found |= {i for i, s0, s1 in sentences if s0 < ev.end and ev.start < s1}
    target = claims.get(link.target_claim_id or "")
    if target is not None:
        found.add(target.sentence_index)
    return tuple(sorted(found))


def _dossier(store: Any, story: Story, readings: list[ReadArticle], verdicts: list[Verdict]) -> Any:
    """The dossier (the same object the Markdown/HTML dossier renders), or None without it."""
    try:
        from storyline.dossier import dossier_from, story_entities
    except ImportError:
        return None
    return dossier_from(
        story, readings, verdicts, _source_groups(readings), story_entities(store, readings)
    )


_GROUPS: OrderedDict[tuple[Any, ...], list[Any]] = OrderedDict()
_GROUPS_LOCK = threading.Lock()


def _source_groups(readings: list[ReadArticle]) -> list[Any]:
    """Syndication groups of a story's articles, memoised.

    Article ids are hashes of their text, so copy detection over the same ids gives the same
    answer; the cited-origin part depends on the readings, keyed here by their claims. Building
    the groups costs ~0.2 s (LSH set-up), too much to pay on every page view.
    """
    from storyline.syndication import syndication_groups

    key = tuple(
        (r.article.id, tuple(c.attribution.cited_outlets for c in r.claims)) for r in readings
    )
    with _GROUPS_LOCK:
        hit = _GROUPS.get(key)
        if hit is not None:
            _GROUPS.move_to_end(key)
            return hit
    groups = syndication_groups([r.article for r in readings], readings)
    with _GROUPS_LOCK:
        _GROUPS[key] = groups
        while len(_GROUPS) > 2048:
            _GROUPS.popitem(last=False)
    return groups


# --------------------------------------------------------------------------- API payload


def claim_payload(claim: Claim, label: str | None, outlet: str | None) -> dict[str, Any]:
    data = to_dict(claim)
    data["verdict"] = label
    data["outlet"] = outlet
    return data


def story_payload(view: StoryView) -> dict[str, Any]:
    """The story as the page's script and API clients read it."""
    outlets = {a.article.id: a.article.outlet for a in view.articles}
    return {
        "story": to_dict(view.story),
        "counts": view.counts,
        "articles": [
            {
                "id": a.article.id,
                "title": a.article.title,
                "outlet": a.article.outlet,
                "published": a.article.published,
                "url": a.article.url,
                "has_reading": a.has_reading,
            }
            for a in view.articles
        ],
        "verdicts": [to_dict(v.verdict) for v in view.verdicts],
        "claims": {
            cid: claim_payload(c, view.claim_labels.get(cid), outlets.get(c.article_id))
            for cid, c in view.claims.items()
        },
        "links": {cid: [to_dict(link) for link in links] for cid, links in view.links.items()},
        "dossier": to_dict(view.dossier) if view.dossier is not None else None,
    }
