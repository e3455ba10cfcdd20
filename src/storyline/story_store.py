"""Stories kept in the store: the in-memory :class:`~storyline.stories.StoryIndex` of a store,
rebuilt cheaply in a new process, and :func:`cluster_store`, which places new articles.

A new process rebuilds the index of the stories there are before it places new articles. That
rebuild must not cost each stored article a read of its text and reading, or a run that adds a
few articles to a large store would cost what the store holds: each article's key terms are
kept next to its embedding (the store's embeddings table, under :data:`TERMS_KEY`), and
articles, embeddings and terms are read in bulk. Members of reloaded stories are placed
without scoring.

Updating a touched story must not cost its size in reads either: its syndication groups come
from each member's MinHash signature and cited origin, computed once per article and kept in
the same table (:data:`SIGNATURE_KEY`, :data:`ORIGIN_KEY`), and its entities from the members'
key terms; no member's reading or text is read again (a candidate pair of copies excepted).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from storyline.model import Article, ReadArticle, Story
from storyline.stories import StoryIndex, StoryParams, finish_batch
from storyline.story_terms import embedding_text

if TYPE_CHECKING:
    from storyline.config import Options
    from storyline.store import Store

__all__ = [
    "ANN_KEY",
    "ORIGIN_KEY",
    "SIGNATURE_KEY",
    "TERMS_KEY",
    "cluster_store",
    "reload_index",
    "save_ann",
]

# Bump the version when key_terms changes: terms stored under an older key are recomputed.
TERMS_KEY = "storyline.key-terms.v2"
# Per article: its syndication signature (uint32 MinHash values; empty for a text without
# words) and the outlet its claims cite most (utf-8; empty for none).
SIGNATURE_KEY = "storyline.minhash.v1"
ORIGIN_KEY = "storyline.cited-origin.v1"
# The ANN graph of the index (rows "graph" and "keys", under this key plus the embedding
# model's name), so a new process restores it instead of inserting every stored vector again.
ANN_KEY = "storyline.ann.v1"
# Saved once the index holds this many articles, and again when it has grown by a tenth:
# a save costs the whole graph, so it is not made for every batch.
ANN_MIN_SIZE = 1000
ANN_GROWTH = 1.1
_SEP = "\x1f"
_TOKEN_KEY = "stories.index_token"
_ANN_SIZE_KEY = "stories.ann_size"
_INDEX_CACHE: dict[tuple[str, str, StoryParams], tuple[StoryIndex, str]] = {}


def _embed_missing(
    store: Store, articles: Sequence[Article], options: Options | None, limit: int
) -> dict[str, Any]:
    """Unit embeddings for ``articles``: stored ones reused, missing ones computed and stored."""
    from storyline.embed import embed_texts, from_bytes, model_name, to_bytes

    key = model_name(options)
    found = {
        aid: from_bytes(b) for aid, b in store.get_embeddings(key, [a.id for a in articles]).items()
    }
    missing = [a for a in articles if a.id not in found]
    if missing:
        vectors = embed_texts([embedding_text(a, limit) for a in missing], options)
        store.put_embeddings(
            key, {a.id: to_bytes(v) for a, v in zip(missing, vectors, strict=True)}
        )
        found.update({a.id: v for a, v in zip(missing, vectors, strict=True)})
    return found


def _entity_ids(reading: ReadArticle | None) -> list[str]:
    if reading is None:
        return []
    return sorted({m.entity_id for m in reading.mentions if m.entity_id})


def _terms_missing(
    store: Store,
    index: StoryIndex,
    articles: Sequence[Article],
    readings: dict[str, ReadArticle | None] | None = None,
) -> dict[str, frozenset[str]]:
    """Key terms of ``articles`` (with their entity ids): stored ones reused, missing ones
    computed from the text and the reading, and stored. Readings read are left in
    ``readings``."""
    stored = store.get_embeddings(TERMS_KEY, [a.id for a in articles])
    found = {
        aid: frozenset(t for t in raw.decode("utf-8").split(_SEP) if t)
        for aid, raw in stored.items()
    }
    computed = {}
    for a in articles:
        if a.id in found:
            continue
        reading = store.get_reading(a.id)
        if readings is not None:
            readings[a.id] = reading
        computed[a.id] = index.terms_of(a, _entity_ids(reading))
    if computed:
        store.put_embeddings(
            TERMS_KEY, {aid: _SEP.join(sorted(t)).encode("utf-8") for aid, t in computed.items()}
        )
        found.update(computed)
    return found


def _facts_missing(
    store: Store,
    index: StoryIndex,
    articles: Sequence[Article],
    readings: dict[str, ReadArticle | None] | None = None,
) -> None:
    """Put the syndication signature and cited origin of ``articles`` in
    ``index.article_facts``: from memory, else from the store, else computed (from the text
    and the reading, ``readings`` holding those read already) and stored."""
    import numpy as np

    from storyline.syndication import primary_origin, signature

    facts = index.article_facts
    wanted = [a for a in articles if a.id not in facts]
    if not wanted:
        return
    ids = [a.id for a in wanted]
    sigs = store.get_embeddings(SIGNATURE_KEY, ids)
    origins = store.get_embeddings(ORIGIN_KEY, ids)
    new_sigs: dict[str, bytes] = {}
    new_origins: dict[str, bytes] = {}
    for a in wanted:
        raw = sigs.get(a.id)
        if raw is None:
            sig = signature(a.text)
            raw = new_sigs[a.id] = b"" if sig is None else sig.tobytes()
        raw_origin = origins.get(a.id)
        if raw_origin is None:
            reading = readings[a.id] if readings and a.id in readings else store.get_reading(a.id)
            origin = primary_origin(reading) if reading is not None else None
            raw_origin = new_origins[a.id] = (origin or "").encode("utf-8")
        facts[a.id] = (
            np.frombuffer(raw, dtype=np.uint32) if raw else None,
            raw_origin.decode("utf-8") or None,
        )
    if new_sigs:
        store.put_embeddings(SIGNATURE_KEY, new_sigs)
    if new_origins:
        store.put_embeddings(ORIGIN_KEY, new_origins)


def _story_record(index: StoryIndex, story_id: str) -> Story:
    """The story with its syndication groups and entities, from what the index holds."""
    from storyline.syndication import syndication_groups

    story = index.story(story_id)
    state = index.stories[story_id]
    members = [state.members[aid] for aid in story.article_ids]
    arts = [m.article for m in members]
    facts = index.article_facts
    groups = syndication_groups(
        arts,
        origins={a.id: facts[a.id][1] for a in arts},
        signatures={a.id: facts[a.id][0] for a in arts},
    )
    entities: Counter[str] = Counter()
    for m in members:
        # The entity ids are the members' "@" terms (see _terms_missing), sorted as
        # _entity_ids sorts a reading's.
        entities.update(sorted(t[1:] for t in m.terms if t.startswith("@")))
    return dataclasses.replace(
        story,
        syndication_groups=tuple(g.article_ids for g in groups),
        entity_ids=tuple(e for e, _ in entities.most_common()),
    )


def _ann_key(options: Options | None) -> str:
    from storyline.embed import model_name

    return f"{ANN_KEY}:{model_name(options)}"


def _restore_ann(store: Store, index: StoryIndex, options: Options | None) -> bool:
    saved = store.get_embeddings(_ann_key(options), ["graph", "keys"])
    if len(saved) < 2:
        return False
    keys = {}
    for item in saved["keys"].decode("utf-8").split(_SEP):
        aid, _, key = item.partition(" ")
        if key:
            keys[aid] = int(key)
    return index.restore_ann(saved["graph"], keys)


def save_ann(store: Store, index: StoryIndex, options: Options | None = None) -> None:
    """Keep the index's ANN graph in the store (see :data:`ANN_KEY`)."""
    graph, keys = index.ann_snapshot()
    listed = _SEP.join(f"{aid} {key}" for aid, key in keys.items()).encode("utf-8")
    store.put_embeddings(_ann_key(options), {"graph": graph, "keys": listed})
    store.set_meta(_ANN_SIZE_KEY, str(len(keys)))


def _maybe_save_ann(store: Store, index: StoryIndex, options: Options | None) -> None:
    size = len(index)
    saved = int(store.get_meta(_ANN_SIZE_KEY) or 0)
    if size >= ANN_MIN_SIZE and size >= ANN_GROWTH * saved:
        save_ann(store, index, options)


def reload_index(
    store: Store, options: Options | None = None, params: StoryParams | None = None
) -> StoryIndex | None:
    """The index of the stories in ``store`` (None when there are none); members unscored."""
    listed = store.list_stories(limit=None)
    story_of = {aid: s.id for s in listed for aid in s.article_ids}
    if not story_of:
        return None
    arts = store.get_articles(list(story_of))
    present = {a.id for a in arts}
    for s in listed:
        # A story whose articles are all gone is gone too.
        if not any(aid in present for aid in s.article_ids):
            store.delete_story(s.id)
    if not arts:
        return None
    params = params or StoryParams()
    vecs = _embed_missing(store, arts, options, params.embed_chars)
    index = StoryIndex(params, len(next(iter(vecs.values()))))
    _restore_ann(store, index, options)
    terms = _terms_missing(store, index, arts)
    index.prime(arts, terms)
    for a in arts:
        index.add(a, vecs[a.id], terms=terms[a.id], story_id=story_of[a.id])
    index.take_recent()
    index.take_changes()
    return index


def cluster_store(
    store: Store,
    options: Options | None = None,
    *,
    params: StoryParams | None = None,
    quiet: bool = True,
    on_article: Callable[[Any], None] | None = None,
) -> list[Story]:
    """Put every stored article that has no story yet into one; persist what changed.

    Existing stories are reloaded as they are (their members are not re-scored), new articles
    are placed one by one through the ANN index, then the touched stories are refined, merged,
    split where they hold two events, and given their syndication groups. Returns the stories
    written (deleted ones are gone from the store).
    """
    import uuid

    from storyline.embed import model_name
    from storyline.progress import progress_callback

    params = params or StoryParams()
    batch = max(1, int(getattr(options, "batch_size", 64) or 64))
    index: StoryIndex | None = None

    def ensure_index(dim: int) -> StoryIndex:
        nonlocal index
        if index is None:
            index = StoryIndex(params, dim)
        return index

    # The index of the last run in this process is reused while the store's stories are the
    # ones it wrote (same token): a batch then costs what its new articles cost, not a reload
    # of every story. Taken out while in use, so a failed run leaves no half-updated index.
    cache_key = (store.url, model_name(options), params)
    cached = _INDEX_CACHE.pop(cache_key, None)
    token = store.get_meta(_TOKEN_KEY)
    if (
        cached is not None
        and token is not None
        and cached[1] == token
        and len(cached[0].stories) == store.count_stories()
    ):
        index = cached[0]
    else:
        index = reload_index(store, options, params)

    order = {aid: n for n, aid in enumerate(store.unclustered_article_ids())}
    new = sorted(store.get_articles(list(order)), key=lambda a: order[a.id])
    if not new:
        if index is not None and token is not None:
            _INDEX_CACHE[cache_key] = (index, token)
        return []
    with progress_callback("Clustering", total=len(new), quiet=quiet) as advance:
        for start in range(0, len(new), batch):
            chunk = new[start : start + batch]
            vecs = _embed_missing(store, chunk, options, params.embed_chars)
            idx = ensure_index(len(next(iter(vecs.values()))))
            readings: dict[str, ReadArticle | None] = {}
            terms = _terms_missing(store, idx, chunk, readings)
            _facts_missing(store, idx, chunk, readings)
            idx.prime(chunk, terms)
            for a in chunk:
                idx.add(a, vecs[a.id], terms=terms[a.id])
                advance(a)
                if on_article:
                    on_article(a)
    assert index is not None
    finish_batch(index)
    changed, removed = index.take_changes()
    for sid in sorted(removed):
        store.delete_story(sid)
    written = []
    for sid in sorted(changed):
        # Members reloaded from an older store may have no stored facts yet: computed once.
        _facts_missing(store, index, [m.article for m in index.stories[sid].members.values()])
        story = _story_record(index, sid)
        store.put_story(story)
        written.append(story)
    _maybe_save_ann(store, index, options)
    token = uuid.uuid4().hex
    store.set_meta(_TOKEN_KEY, token)
    _INDEX_CACHE.clear()  # one store's index at a time: bounded memory
    _INDEX_CACHE[cache_key] = (index, token)
    return written
