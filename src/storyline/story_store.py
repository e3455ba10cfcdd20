"""Stories kept in the store: the in-memory :class:`~storyline.stories.StoryIndex` of a store,
rebuilt cheaply in a new process, and :func:`cluster_store`, which places new articles.

A new process rebuilds the index of the stories there are before it places new articles. That
rebuild must not cost each stored article a read of its text and reading, or a run that adds a
few articles to a large store would cost what the store holds: each article's key terms are
kept next to its embedding (the store's embeddings table, under :data:`TERMS_KEY`), and
articles, embeddings and terms are read in bulk. Members of reloaded stories are placed
without scoring.
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

__all__ = ["TERMS_KEY", "cluster_store", "reload_index"]

# Bump the version when key_terms changes: terms stored under an older key are recomputed.
TERMS_KEY = "storyline.key-terms.v2"
_SEP = "\x1f"
_TOKEN_KEY = "stories.index_token"
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
    store: Store, index: StoryIndex, articles: Sequence[Article]
) -> dict[str, frozenset[str]]:
    """Key terms of ``articles`` (with their entity ids): stored ones reused, missing ones
    computed from the text and the reading, and stored."""
    stored = store.get_embeddings(TERMS_KEY, [a.id for a in articles])
    found = {
        aid: frozenset(t for t in raw.decode("utf-8").split(_SEP) if t)
        for aid, raw in stored.items()
    }
    computed = {
        a.id: index.terms_of(a, _entity_ids(store.get_reading(a.id)))
        for a in articles
        if a.id not in found
    }
    if computed:
        store.put_embeddings(
            TERMS_KEY, {aid: _SEP.join(sorted(t)).encode("utf-8") for aid, t in computed.items()}
        )
        found.update(computed)
    return found


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
    from storyline.syndication import syndication_groups

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
            terms = _terms_missing(store, idx, chunk)
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
        story = index.story(sid)
        arts = [index.stories[sid].members[aid].article for aid in story.article_ids]
        readings = [r for r in (store.get_reading(a.id) for a in arts) if r is not None]
        groups = syndication_groups(arts, readings or None)
        entities: Counter[str] = Counter()
        for r in readings:
            entities.update(_entity_ids(r))
        story = dataclasses.replace(
            story,
            syndication_groups=tuple(g.article_ids for g in groups),
            entity_ids=tuple(e for e, _ in entities.most_common()),
        )
        store.put_story(story)
        written.append(story)
    token = uuid.uuid4().hex
    store.set_meta(_TOKEN_KEY, token)
    _INDEX_CACHE.clear()  # one store's index at a time: bounded memory
    _INDEX_CACHE[cache_key] = (index, token)
    return written
