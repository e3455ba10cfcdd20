"""Incremental story clustering: each new article joins the story it tells or starts a new one.

Two signals decide whether an article tells the same story as a candidate story:

* **key terms** (:mod:`storyline.story_terms`) -- names, multiword names, numbers and dates,
  weighted by TF-IDF. Stories of the same *kind* ("an earthquake", "a celebrity in rehab")
  share their vocabulary but not their names, places, dates and figures, so these terms are
  what tell two similar events apart;
* **text embeddings** (:mod:`storyline.embed`) of the opening of the article, which catch the
  same event told in other words.

Publication time bounds a story: when both dates are known an article more than
``window_days`` away from a story's span is not joined to it; unknown dates cost nothing.

Candidate stories come from an approximate nearest-neighbour index over the embeddings (usearch)
and from a capped inverted index over rare key terms, so the work per new article stays flat as
the store grows: nothing is compared with all stored articles. Stories merge when an article
links two of them strongly, and :meth:`StoryIndex.recluster` re-checks a story's members and
splits it when they no longer hold together.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from storyline.model import Article, Story, content_id
from storyline.story_terms import embedding_text, key_terms, parse_date, story_title

if TYPE_CHECKING:
    import numpy as np

    from storyline.config import Options
    from storyline.store import Store

__all__ = [
    "StoryIndex",
    "StoryParams",
    "cluster_articles",
    "cluster_store",
    "embedding_text",
    "finish_batch",
    "key_terms",
    "parse_date",
]


@dataclass(frozen=True, slots=True)
class StoryParams:
    """Thresholds of the clustering; the defaults were chosen on odd ECB+ topics by the mean
    B-cubed F1 over four arrival orders (see :mod:`storyline.evaluate.clustering`)."""

    # On arrival an article joins the story whose members it resembles this much on average
    # (average linkage, score in [0, 1]); strict, because arrival order is arbitrary.
    join_threshold: float = 0.3
    # Score = term_weight * key-term cosine + (1 - term_weight) * embedding cosine. The
    # embedding weighs little (more blurs two events of one kind) but is all there is for a
    # text without capitalised names.
    term_weight: float = 0.985
    # Stories whose members resemble each other this much on average merge after a batch.
    merge_threshold: float = 0.16
    # Two stories that each hold this many articles do not merge when, with weights computed
    # among their members, they resemble each other less than this share of how much their
    # own members resemble one another: two events of one kind, not one story.
    contrast_min_size: int = 5
    merge_contrast: float = 0.4
    contrast_sample: int = 200
    # Members of a story whose neighbours are looked up for the merge pass.
    merge_probe: int = 4
    # Numbers (dates, counts, scores) tell similar events apart better than most names.
    number_weight: float = 2.0
    # Articles further apart than this (days) from a story's span do not join it.
    window_days: float = 10.0
    # Nearest neighbours asked of the ANN index per article.
    neighbours: int = 20
    # Most distinctive key terms of an article used to look up candidate stories.
    lookup_terms: int = 12
    # Stories remembered per key term (most recent first): bounds the work per article.
    postings_cap: int = 30
    # Stories up to this size get their key-term weights recomputed after a batch.
    reweight_max_size: int = 32
    # Reassignment passes after a batch: fixes what the arrival order got wrong.
    refine_passes: int = 2
    # Splitting (recluster): between-group similarity below this share of within-group
    # similarity splits; each part needs this share of members (and two at least).
    split_ratio: float = 0.3
    split_min_share: float = 0.25
    split_min_size: int = 4
    # How many times a part may be split again in one recluster.
    split_depth: int = 1
    split_max_size: int = 500
    # Characters of each article given to the embedding model (its opening carries the event).
    embed_chars: int = 1200


# --------------------------------------------------------------------------- index


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    # Shared keys found in C (two stories share few of their terms); fsum is exact, so the
    # result does not depend on the (per-process) order of the set.
    return math.fsum(a[t] * b[t] for t in a.keys() & b.keys())


def _add_into(acc: dict[str, float], vec: dict[str, float], sign: float = 1.0) -> None:
    for t, w in vec.items():
        v = acc.get(t, 0.0) + sign * w
        if abs(v) < 1e-12:
            acc.pop(t, None)
        else:
            acc[t] = v


@dataclass(slots=True)
class _Member:
    article: Article
    terms: frozenset[str]
    weights: dict[str, float]  # unit TF-IDF vector over key terms
    vector: Any  # np.ndarray, unit length (zeros when there was no text to embed)
    day: float | None
    key: int  # key in the ANN index


@dataclass(slots=True)
class _StoryState:
    id: str
    members: dict[str, _Member] = field(default_factory=dict)
    term_sum: dict[str, float] = field(default_factory=dict)
    vector_sum: Any = None
    first_day: float | None = None
    last_day: float | None = None
    checked_size: int = 0  # members when last split-tested

    def add(self, m: _Member) -> None:
        self.members[m.article.id] = m
        _add_into(self.term_sum, m.weights)
        self.vector_sum = m.vector.copy() if self.vector_sum is None else self.vector_sum + m.vector
        if m.day is not None:
            self.first_day = m.day if self.first_day is None else min(self.first_day, m.day)
            self.last_day = m.day if self.last_day is None else max(self.last_day, m.day)

    def remove(self, article_id: str) -> _Member | None:
        m = self.members.pop(article_id, None)
        if m is None:
            return None
        _add_into(self.term_sum, m.weights, -1.0)
        self.vector_sum = self.vector_sum - m.vector if self.members else None
        days = [x.day for x in self.members.values() if x.day is not None]
        self.first_day = min(days) if days else None
        self.last_day = max(days) if days else None
        return m


class StoryIndex:
    """Stories held in memory with the indexes that find candidates for a new article.

    The similarity of an article to a story is its *mean* similarity to the story's members
    (average linkage, computed from per-story sums in time independent of the story's size);
    two stories merge when their mean cross similarity passes the same bar.

    ``add(article, vector)`` places one article and returns its story id; ``changed`` collects
    the ids of stories touched since the last ``take_changes()`` and ``removed`` those merged
    or split away, so a caller persists only what moved.
    """

    def __init__(self, params: StoryParams | None = None, dim: int = 384) -> None:
        from usearch.index import Index

        self.params = params or StoryParams()
        self.dim = dim
        self._ann = Index(ndim=dim, metric="cos", dtype="f32")
        # Vectors of reloaded members wait here and enter the ANN index in one bulk insert
        # (one call per article costs most of a reload).
        self._ann_pending: tuple[list[int], list[Any]] = ([], [])
        self._next_key = 0
        self._key_article: dict[int, str] = {}
        # Keys of articles already in a restored graph (see restore_ann), until reloaded.
        self._restored: dict[str, int] = {}
        self._story_of: dict[str, str] = {}
        self.stories: dict[str, _StoryState] = {}
        self._df: Counter[str] = Counter()
        self._docs = 0
        self._primed: set[str] = set()
        self._postings: dict[str, deque[str]] = {}
        self.changed: set[str] = set()
        self.removed: set[str] = set()
        self._recent: list[str] = []
        # Per article, what a caller keeps for updating its stories without re-reading the
        # article (story_store: syndication signature and cited origin).
        self.article_facts: dict[str, Any] = {}

    # ------------------------------------------------------------------ features

    def _terms_of(self, article: Article, extra_terms: Iterable[str] = ()) -> frozenset[str]:
        text = article.text if not article.title else f"{article.title}\n{article.text}"
        return frozenset(key_terms(text)) | {"@" + t for t in extra_terms}

    def terms_of(self, article: Article, extra_terms: Iterable[str] = ()) -> frozenset[str]:
        """The key terms an article is compared by (``extra_terms``: resolved entity ids)."""
        return self._terms_of(article, extra_terms)

    def prime(
        self, articles: Iterable[Article], terms: dict[str, frozenset[str]] | None = None
    ) -> None:
        """Count the key terms of a batch before adding it, so early articles of the batch are
        weighted with the batch's document frequencies rather than a near-empty count.
        ``terms`` gives articles' terms already known (as :meth:`terms_of` made them)."""
        for a in articles:
            if a.id in self._story_of or a.id in self._primed:
                continue
            self._primed.add(a.id)
            self._docs += 1
            known = terms.get(a.id) if terms else None
            self._df.update(known if known is not None else self._terms_of(a))

    def _idf(self, term: str) -> float:
        return math.log((1 + self._docs) / (1 + self._df.get(term, 0))) + 1.0

    def _weights(self, terms: Iterable[str]) -> dict[str, float]:
        nw = self.params.number_weight
        # A term no other article has links nothing and would only dilute the rest (a copy
        # with its own timestamp must still match its siblings): it is left out.
        w = {
            t: self._idf(t) * (nw if t.startswith("#") else 1.0)
            for t in terms
            if self._df.get(t, 0) >= 2
        }
        norm = math.sqrt(sum(v * v for v in w.values()))
        return {t: v / norm for t, v in w.items()} if norm > 0 else {}

    # ------------------------------------------------------------------ scoring

    def _score(self, m: _Member, story: _StoryState, exclude: _Member | None = None) -> float:
        """Mean similarity of ``m`` to the members of ``story`` (without ``exclude``)."""
        import numpy as np

        p = self.params
        n = len(story.members)
        if exclude is not None and exclude.article.id in story.members:
            n -= 1
        if n <= 0:
            return 0.0
        if (
            m.day is not None
            and story.first_day is not None
            and story.last_day is not None
            and not (story.first_day - p.window_days <= m.day <= story.last_day + p.window_days)
        ):
            return 0.0
        t = _dot(m.weights, story.term_sum)
        e = float(np.dot(m.vector, story.vector_sum))
        if exclude is not None and exclude.article.id in story.members:
            t -= _dot(m.weights, exclude.weights)
            e -= float(np.dot(m.vector, exclude.vector))
        return (p.term_weight * t + (1.0 - p.term_weight) * e) / n

    def _story_similarity(self, a: _StoryState, b: _StoryState) -> float:
        import numpy as np

        p = self.params
        if (
            a.first_day is not None
            and b.first_day is not None
            and a.last_day is not None
            and b.last_day is not None
            and (
                a.first_day > b.last_day + p.window_days or b.first_day > a.last_day + p.window_days
            )
        ):
            return 0.0
        t = _dot(a.term_sum, b.term_sum)
        e = float(np.dot(a.vector_sum, b.vector_sum))
        return (p.term_weight * t + (1.0 - p.term_weight) * e) / (len(a.members) * len(b.members))

    # ------------------------------------------------------------------ candidates

    def _candidates(self, m: _Member) -> set[str]:
        import numpy as np

        found: set[str] = set()
        self._flush_ann()
        if len(self._ann) and np.any(m.vector):
            k = min(self.params.neighbours, len(self._ann))
            matches = self._ann.search(m.vector, k)
            for key in matches.keys:
                aid = self._key_article.get(int(key))
                sid = self._story_of.get(aid) if aid else None
                if sid:
                    found.add(sid)
        # The most distinctive terms first: a shared rare name finds a story the embedding
        # may miss (the embedding sees the kind of event more than its names and numbers).
        rare = sorted(m.weights, key=lambda t: -m.weights[t])[: self.params.lookup_terms]
        for t in rare:
            found.update(self._postings.get(t, ()))
        return found

    def ann_snapshot(self) -> tuple[bytes, dict[str, int]]:
        """The ANN graph as bytes and each indexed article's key in it (see restore_ann)."""
        self._flush_ann()
        data = self._ann.save()
        assert data is not None  # no path given: the bytes
        return bytes(data), {aid: key for key, aid in self._key_article.items()}

    def restore_ann(self, data: bytes, keys: dict[str, int]) -> bool:
        """Start an empty index from a saved graph: reloaded members with a key there are not
        inserted again (most of a reload's cost). False when the graph does not fit."""
        from usearch.index import Index

        try:
            ann = None if self._story_of or len(self._ann) else Index.restore(bytearray(data))
        except Exception:  # noqa: BLE001 - a damaged snapshot only means a full rebuild
            ann = None
        if ann is None or ann.ndim != self.dim or len(ann) < len(keys):
            return False
        self._ann = ann
        self._restored = dict(keys)
        self._next_key = max(keys.values(), default=-1) + 1
        return True

    def _flush_ann(self) -> None:
        import numpy as np

        keys, vectors = self._ann_pending
        if keys:
            self._ann.add(np.asarray(keys, dtype=np.uint64), np.stack(vectors))
            self._ann_pending = ([], [])

    # ------------------------------------------------------------------ updates

    def _index_member(self, m: _Member, story_id: str) -> None:
        self._story_of[m.article.id] = story_id
        for t in m.terms:
            q = self._postings.get(t)
            if q is None:
                q = self._postings[t] = deque(maxlen=self.params.postings_cap)
            if story_id not in q:
                q.appendleft(story_id)

    def _new_story(self, m: _Member) -> _StoryState:
        # A story is named after its first article, so ids stay stable across runs.
        sid = self._free_id(m.article.id)
        story = _StoryState(id=sid)
        self.stories[sid] = story
        self.removed.discard(sid)
        return story

    def _free_id(self, article_id: str) -> str:
        # The story an article founded may still exist when the article leaves it.
        sid, n = content_id("story", article_id), 1
        while sid in self.stories:
            sid, n = content_id("story", article_id, str(n)), n + 1
        return sid

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._story_of

    def __len__(self) -> int:
        return len(self._story_of)

    def story_of(self, article_id: str) -> str | None:
        return self._story_of.get(article_id)

    def add(
        self,
        article: Article,
        vector: Any,
        *,
        extra_terms: Iterable[str] = (),
        story_id: str | None = None,
        terms: frozenset[str] | None = None,
    ) -> str:
        """Place ``article`` (with its unit embedding) and return its story id.

        ``extra_terms`` adds resolved entity ids; ``story_id`` places the article in a known
        story without scoring (used to reload persisted stories); ``terms`` are its key terms
        when already known (from :meth:`terms_of`), so a reload need not read every text again.
        """
        import numpy as np

        if article.id in self._story_of:
            return self._story_of[article.id]
        vector = np.asarray(vector, dtype=np.float32).reshape(-1)
        if vector.shape[0] != self.dim:
            raise ValueError(f"article {article.id}: embedding has {vector.shape[0]} dimensions")
        if terms is None:
            terms = self._terms_of(article, extra_terms)
        if article.id in self._primed:
            self._primed.discard(article.id)
        else:
            self._docs += 1
            self._df.update(terms)
        restored = self._restored.pop(article.id, None) if story_id is not None else None
        m = _Member(
            article,
            terms,
            self._weights(terms),
            vector,
            parse_date(article.published),
            self._next_key if restored is None else restored,
        )
        if restored is None:
            self._next_key += 1

        scored: list[tuple[float, str]] = []
        if story_id is not None:
            story = self.stories.get(story_id) or _StoryState(id=story_id)
            self.stories[story_id] = story
        else:
            scored = sorted(
                (
                    (self._score(m, self.stories[sid]), sid)
                    for sid in self._candidates(m)
                    if sid in self.stories
                ),
                reverse=True,
            )
            if scored and scored[0][0] >= self.params.join_threshold:
                story = self.stories[scored[0][1]]
            else:
                story = self._new_story(m)
        story.add(m)
        self._index_member(m, story.id)
        if restored is not None:
            self._key_article[m.key] = article.id  # in the restored graph already
        elif np.any(vector):
            if story_id is None:
                self._flush_ann()
                self._ann.add(m.key, vector)
            else:
                self._ann_pending[0].append(m.key)
                self._ann_pending[1].append(vector)
            self._key_article[m.key] = article.id
        self.changed.add(story.id)
        if story_id is None:
            self._recent.append(article.id)
        # Other stories the article also joins strongly may be the same story as its own.
        linked = [sid for sc, sid in scored[1:] if sc >= self.params.join_threshold]
        if linked:
            self._maybe_merge(story, linked)
        return self._story_of[article.id]

    def _maybe_merge(self, story: _StoryState, linked: Sequence[str]) -> None:
        """Merge ``story`` with the stories the new article links it to, when they match."""
        for sid in sorted(linked):
            other = self.stories.get(sid)
            if other is None or other.id == story.id:
                continue
            if self._story_similarity(story, other) >= self.params.join_threshold:
                story = self._merge(story, other)

    def merge_pass(self, story_ids: Iterable[str] | None = None) -> int:
        """Merge stories whose members resemble each other on average by ``merge_threshold``,
        best pair first (average-linkage agglomeration over stories, from candidates only).

        Greedy arrival joins articles only on strong evidence (``join_threshold``); this pass
        then joins what belongs together, in the order agglomerative clustering would.
        Returns the number of merges.
        """
        import heapq

        p = self.params
        todo = set(self.stories) if story_ids is None else set(story_ids) & set(self.stories)

        def pairs_of(sid: str) -> list[tuple[float, str, str]]:
            story = self.stories[sid]
            cands: set[str] = set()
            # A few members suffice to find a story's neighbours; bounds work on big stories.
            for m in list(story.members.values())[: p.merge_probe]:
                cands |= self._candidates(m)
            out = []
            for c in cands:
                if c != sid and c in self.stories:
                    sim = self._story_similarity(story, self.stories[c])
                    if sim >= p.merge_threshold:
                        out.append((-sim, min(sid, c), max(sid, c)))
            return out

        heap: list[tuple[float, str, str]] = []
        for sid in sorted(todo):
            heap.extend(pairs_of(sid))
        heapq.heapify(heap)
        merges = 0
        refused: set[tuple[str, str]] = set()
        while heap:
            neg, a, b = heapq.heappop(heap)
            if a not in self.stories or b not in self.stories:
                continue
            sim = self._story_similarity(self.stories[a], self.stories[b])
            if sim < p.merge_threshold:
                continue
            if sim < -neg - 1e-9:
                # Stale: a story grew since this pair was scored; score it again.
                heapq.heappush(heap, (-sim, a, b))
                continue
            if (a, b) in refused:
                continue
            if self._distinct(self.stories[a], self.stories[b]):
                refused.add((a, b))
                continue
            kept = self._merge(self.stories[a], self.stories[b])
            merges += 1
            for item in pairs_of(kept.id):
                heapq.heappush(heap, item)
        return merges

    def _merge(self, a: _StoryState, b: _StoryState) -> _StoryState:
        # The larger story survives (ties: the smaller id) so ids change as little as possible.
        keep, gone = (a, b) if (len(a.members), b.id) >= (len(b.members), a.id) else (b, a)
        for m in list(gone.members.values()):
            keep.add(m)
            self._index_member(m, keep.id)
        del self.stories[gone.id]
        self.changed.discard(gone.id)
        self.removed.add(gone.id)
        self.changed.add(keep.id)
        return keep

    def _move(self, m: _Member, src: _StoryState, dst: _StoryState) -> None:
        src.remove(m.article.id)
        dst.add(m)
        self._index_member(m, dst.id)
        self.changed.add(dst.id)
        if src.members:
            self.changed.add(src.id)
        else:
            del self.stories[src.id]
            self.changed.discard(src.id)
            self.removed.add(src.id)

    def reweight(self, story_ids: Iterable[str]) -> None:
        """Recompute the key-term weights of these stories' members with today's document
        frequencies: a name first seen in one article weighs nothing until a second article
        has it, so the first article of every story is brought up to date here."""
        for sid in list(story_ids):
            story = self.stories.get(sid)
            # Stale weights matter in small stories (their founding articles); in a big one a
            # few missing terms change nothing, and re-weighting it would cost its size.
            if story is None or len(story.members) > self.params.reweight_max_size:
                continue
            story.term_sum = {}
            for m in story.members.values():
                m.weights = self._weights(m.terms)
                _add_into(story.term_sum, m.weights)

    def refine(self, article_ids: Iterable[str] | None = None, passes: int | None = None) -> int:
        """Move articles to a better story than the one arrival order gave them; returns moves.

        Each article is compared with its own story (without itself) and with its candidates:
        an article that joined early, before its real story existed, moves there now.
        """
        moves = 0
        ids = list(article_ids) if article_ids is not None else list(self._story_of)
        for _ in range(self.params.refine_passes if passes is None else passes):
            moved = 0
            for aid in ids:
                sid = self._story_of.get(aid)
                if sid is None:
                    continue
                src = self.stories[sid]
                m = src.members[aid]
                own = self._score(m, src, exclude=m) if len(src.members) > 1 else 0.0
                best, best_sid = own, None
                for cand in self._candidates(m):
                    if cand == sid or cand not in self.stories:
                        continue
                    s = self._score(m, self.stories[cand])
                    if s > best:
                        best, best_sid = s, cand
                if best_sid is not None and best >= self.params.join_threshold:
                    self._move(m, src, self.stories[best_sid])
                    moved += 1
                elif len(src.members) > 1 and own < self.params.merge_threshold * 0.5:
                    # Nothing holds it here any more: it becomes its own story.
                    self._move(m, src, self._new_story(m))
                    moved += 1
            moves += moved
            if not moved:
                break
        return moves

    def recluster(self, story_id: str) -> list[str]:
        """Re-check a story's members; split it when they form two groups that share little.

        Weights are recomputed *inside* the story: names every member shares (the boxer of
        both fights, the company of both recalls) are dropped and common ones weigh little
        there, so what is left (the
        opponent, the date, the figures) shows whether two events were taken for one. The
        split is kept when the mean similarity between the two groups is below
        ``split_ratio`` times the lower mean similarity within them; parts are re-checked in
        turn. Returns the resulting story ids (the part holding the first article keeps the id).
        """
        story = self.stories.get(story_id)
        if story is None:
            return []
        members = sorted(story.members.values(), key=lambda x: x.key)
        parts = self._split(members)
        if len(parts) == 1:
            return [story_id]
        # Ids first, while ``story_id`` is still taken, so no part can be given it by chance.
        ids = [
            story_id if any(m is members[0] for m in part) else self._free_id(part[0].article.id)
            for part in parts
        ]
        for sid in ids:
            self.stories[sid] = _StoryState(id=sid)
        out = []
        for sid, part in zip(ids, parts, strict=True):
            new = self.stories[sid]
            for m in part:
                new.add(m)
                self._index_member(m, sid)
            self.removed.discard(sid)
            self.changed.add(sid)
            out.append(sid)
        if story_id not in out:
            self.removed.add(story_id)
        return out

    def _split(self, members: list[_Member], depth: int = 0) -> list[list[_Member]]:
        import numpy as np

        p = self.params
        n = len(members)
        if n < p.split_min_size or n > p.split_max_size:
            return [members]
        sim = self._local_similarity(members)
        if sim is None:
            return [members]
        labels = _two_groups(sim)
        a = np.flatnonzero(labels == 0)
        b = np.flatnonzero(labels == 1)
        if min(len(a), len(b)) < max(2, p.split_min_share * n):
            return [members]

        if _contrast(sim, a, b) >= p.split_ratio:
            return [members]
        if depth + 1 >= p.split_depth:
            return [[members[i] for i in a], [members[i] for i in b]]
        return self._split([members[i] for i in a], depth + 1) + self._split(
            [members[i] for i in b], depth + 1
        )

    def _local_similarity(self, members: Sequence[_Member]) -> Any:
        """Cosine similarities of ``members`` with key-term weights computed among them only
        (terms all of them share dropped); None when nothing is left to compare."""
        import numpy as np

        p = self.params
        n = len(members)
        df: Counter[str] = Counter()
        for m in members:
            df.update(m.terms)
        vocab = {t: i for i, t in enumerate(t for t, c in df.items() if c < n)}
        if not vocab:
            return None
        x = np.zeros((n, len(vocab)), dtype=np.float32)
        for r, m in enumerate(members):
            for t in m.terms:
                j = vocab.get(t)
                if j is not None:
                    idf = math.log((n + 1) / (df[t] + 1)) + 1.0
                    x[r, j] = idf * (p.number_weight if t.startswith("#") else 1.0)
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        x = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
        return x @ x.T

    def _distinct(self, a: _StoryState, b: _StoryState) -> bool:
        """True when two stories, seen side by side, look like two events of one kind.

        Both need ``contrast_min_size`` members; at most ``contrast_sample`` of each are used.
        """
        import numpy as np

        p = self.params
        if min(len(a.members), len(b.members)) < p.contrast_min_size:
            return False
        ma = sorted(a.members.values(), key=lambda m: m.key)[: p.contrast_sample]
        mb = sorted(b.members.values(), key=lambda m: m.key)[: p.contrast_sample]
        sim = self._local_similarity(ma + mb)
        if sim is None:
            return False
        ia = np.arange(len(ma))
        ib = np.arange(len(ma), len(ma) + len(mb))
        return _contrast(sim, ia, ib) < p.merge_contrast

    def take_recent(self) -> list[str]:
        """Ids of the articles placed (by scoring) since the last call."""
        out, self._recent = self._recent, []
        return out

    def take_changes(self) -> tuple[set[str], set[str]]:
        changed, removed = self.changed & set(self.stories), self.removed - set(self.stories)
        self.changed, self.removed = set(), set()
        return changed, removed

    # ------------------------------------------------------------------ output

    def story(self, story_id: str) -> Story:
        """The model object for one story: members by date, central title, outlets, span."""
        import numpy as np

        s = self.stories[story_id]
        members = sorted(
            s.members.values(), key=lambda m: (m.day is None, m.day or 0.0, m.article.id)
        )

        def centrality(m: _Member) -> float:
            return _dot(m.weights, s.term_sum) + float(np.dot(m.vector, s.vector_sum))

        central = max(members, key=lambda m: (centrality(m), m.article.id))
        dates = sorted(m.article.published for m in members if m.article.published)
        outlets = sorted({m.article.outlet for m in members if m.article.outlet})
        return Story(
            id=s.id,
            title=story_title(central.article),
            article_ids=tuple(m.article.id for m in members),
            outlets=tuple(outlets),
            first_published=dates[0] if dates else None,
            last_published=dates[-1] if dates else None,
        )

    def all_stories(self) -> list[Story]:
        return [self.story(sid) for sid in sorted(self.stories)]

    def labels(self) -> dict[str, str]:
        """Article id -> story id."""
        return dict(self._story_of)


def _contrast(sim: Any, a: Any, b: Any) -> float:
    """Mean similarity between groups ``a`` and ``b`` over the lower mean within them."""
    import numpy as np

    def within(idx: Any) -> float:
        if len(idx) < 2:
            return 0.0
        block = sim[np.ix_(idx, idx)]
        return float((block.sum() - np.trace(block)) / (len(idx) * (len(idx) - 1)))

    low = min(within(a), within(b))
    between = float(sim[np.ix_(a, b)].mean())
    return between / low if low > 0 else float("inf")


def _two_groups(sim: Any) -> Any:
    """Average-linkage split of a similarity matrix into two groups (labels 0/1)."""
    from sklearn.cluster import AgglomerativeClustering

    dist = 1.0 - sim
    dist[dist < 0] = 0.0
    return AgglomerativeClustering(
        n_clusters=2, metric="precomputed", linkage="average"
    ).fit_predict(dist)


# --------------------------------------------------------------------------- batch helpers


def cluster_articles(
    articles: Sequence[Article],
    vectors: np.ndarray,
    params: StoryParams | None = None,
    *,
    entity_ids: dict[str, Sequence[str]] | None = None,
    on_article: Callable[[Any], None] | None = None,
) -> StoryIndex:
    """Cluster ``articles`` (in the given order) with their unit embeddings; refine at the end."""
    dim = int(vectors.shape[1]) if len(vectors) else 384
    index = StoryIndex(params, dim)
    index.prime(articles)
    for article, vec in zip(articles, vectors, strict=True):
        index.add(article, vec, extra_terms=(entity_ids or {}).get(article.id, ()))
        if on_article:
            on_article(article)
    finish_batch(index)
    return index


def finish_batch(index: StoryIndex) -> None:
    """After a batch: move misplaced articles, split stories that hold two events, and let
    the parts find their right home."""
    # Only what this batch touched: its own articles are re-placed, its stories re-checked;
    # the rest of the store is left alone, so a batch costs what its articles cost.
    recent = [aid for aid in index.take_recent() if aid in index]
    index.reweight(set(index.changed))
    index.merge_pass(index.changed)
    index.refine(recent)
    for sid in sorted(index.changed & set(index.stories)):
        story = index.stories.get(sid)
        # Re-checked when it has grown by half since the last check: amortised, a big story
        # is not split-tested again for every article it gains.
        if story is not None and len(story.members) >= 1.5 * story.checked_size:
            story.checked_size = len(story.members)
            index.recluster(sid)
    index.refine(recent)


# --------------------------------------------------------------------------- store


def cluster_store(
    store: Store,
    options: Options | None = None,
    *,
    params: StoryParams | None = None,
    quiet: bool = True,
    on_article: Callable[[Any], None] | None = None,
) -> list[Story]:
    """Put every stored article that has no story yet into one; persist what changed
    (see :func:`storyline.story_store.cluster_store`)."""
    from storyline.story_store import cluster_store as run

    return run(store, options, params=params, quiet=quiet, on_article=on_article)
