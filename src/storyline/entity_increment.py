"""Entities for new readings only, resolved against the entities a store already holds.

:func:`storyline.entities.resolve_store` merges the mentions of every reading of a store, so
its cost grows with the store. Here the stored entities stand in for the old readings: each
one becomes a group of its names (canonical name and aliases, under one key each) in the same
union-find as the new readings' mentions, and the same rules run. Only the groups a new
mention joined are written back:

- a group holding no stored entity is a new entity, named as a full resolution names it;
- a group holding one stored entity keeps its id, name and type, and gains the new aliases
  and articles;
- a group holding several (a new article says "X (Y)" of two stored entities) keeps the id
  of the one in most articles; the others are deleted and the readings that named them are
  rewritten, which touches only those entities' articles.

What a full resolution would do differently: a merge rule that a later name makes ambiguous
("the only person with that surname") does not undo earlier merges, and a description by
country ("Lebanon's militia") is only linked through appositions of the same batch.
``storyline aliases add`` still re-resolves everything.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from storyline.entities import (
    Embedder,
    _add_parents,
    _claim_entities,
    _graph,
    _merge,
    _name_group,
    _with_ids,
)
from storyline.model import Entity, ReadArticle
from storyline.names import AliasTable, _clean, mention_key, provisional_id

if TYPE_CHECKING:
    from storyline.store import Store

__all__ = ["Increment", "resolve_increment", "resolve_store_increment"]


@dataclasses.dataclass
class Increment:
    """What new readings change: entities to write, entities merged away (old id -> kept
    id), and the new readings with entity ids filled."""

    entities: list[Entity]
    merged: dict[str, str]
    readings: list[ReadArticle]


def _seed_names(entity: Entity) -> Iterable[str]:
    yield entity.name
    for alias in entity.aliases:
        words = _clean(alias).split()
        # Definite descriptions ("Lebanese militant group") end in a common noun; they name
        # this entity in one article only and must not pull other articles' mentions in.
        if words and not (words[-1].isalpha() and words[-1].islower()):
            yield alias


def resolve_increment(
    readings: Sequence[ReadArticle],
    known: Sequence[Entity],
    aliases: AliasTable | None = None,
    embedder: Embedder | None = None,
) -> Increment:
    """Resolve ``readings`` (new articles) against ``known`` (the stored entities)."""
    aliases = aliases if aliases is not None else AliasTable.load()
    g = _graph(readings, aliases)
    fresh = {n for n in g.nodes if isinstance(n, str)}
    new_nodes = list(g.nodes)
    by_id = {e.id: e for e in known}
    anchor: dict[str, str] = {}  # name key -> stored entity id
    for ent in known:
        first: str | None = None
        for surface in _seed_names(ent):
            key = mention_key(surface, ent.type)
            if not key or anchor.setdefault(key, ent.id) != ent.id:
                continue  # a key is one entity's: never merge two stored ones by a seed
            info = g.nodes[key]
            info.labels[ent.type] += 1
            info.surfaces[_clean(surface)] += 1
            g.uf.add(key)
            if first is None:
                first = key
            else:
                g.uf.union(first, key)
    linked = _merge(g, aliases, embedder, fresh=fresh)
    unlinked = set(g.places) - linked

    touched = {g.uf.find(n) for n in new_nodes if n not in unlinked}
    groups: dict[Hashable, list[Hashable]] = defaultdict(list)
    for node in g.nodes:
        if node not in unlinked:
            root = g.uf.find(node)
            if root in touched:
                groups[root].append(node)

    entity_of_root: dict[Hashable, str] = {}
    out: dict[str, Entity] = {}
    merged: dict[str, str] = {}
    for root, members in groups.items():
        stored = sorted({anchor[n] for n in members if isinstance(n, str) and n in anchor})
        name, etype, entry, surfaces, articles = _name_group(
            [n for n in members if n in fresh or not isinstance(n, str)] or members,
            g.nodes,
            aliases,
        )
        eid = provisional_id(mention_key(name))
        if not stored and eid in by_id:
            stored = [eid]  # named like a stored entity the seeds did not reach
        if eid in out and not stored:
            stored = [eid]
        if stored:
            olds = [out.get(i) or by_id[i] for i in stored]
            keep = max(olds, key=lambda e: (len(e.article_ids), e.id))
            for old in olds:
                if old.id != keep.id:
                    merged[old.id] = keep.id
                    out.pop(old.id, None)
            out[keep.id] = _grown(keep, olds, surfaces, articles)
            entity_of_root[root] = keep.id
            continue
        part_of = provisional_id(mention_key(entry.part_of)) if entry and entry.part_of else None
        out[eid] = Entity(
            id=eid,
            name=name,
            type=etype,
            aliases=tuple(
                s for s, _ in surfaces.most_common() if mention_key(s) != mention_key(name)
            ),
            article_ids=tuple(sorted(articles)),
            part_of=part_of,
        )
        entity_of_root[root] = eid
    # A chain of merges within one batch: every id points at the entity that survived.
    for gone, kept in list(merged.items()):
        while kept in merged:
            kept = merged[kept]
        merged[gone] = kept
    for root, eid in entity_of_root.items():
        entity_of_root[root] = merged.get(eid, eid)
    _add_parents(out, aliases, have=set(by_id))
    updated = [_with_ids(r, g.uf, g.node_of, entity_of_root) for r in readings]
    return Increment(list(out.values()), merged, updated)


def _grown(
    keep: Entity, olds: Sequence[Entity], surfaces: Counter[str], articles: set[str]
) -> Entity:
    names = [*keep.aliases]
    for old in olds:
        if old.id != keep.id:
            names += [old.name, *old.aliases]
    names += [s for s, _ in surfaces.most_common()]
    seen = {mention_key(keep.name)}
    out = []
    for s in names:
        k = mention_key(s)
        if k not in seen:
            seen.add(k)
            out.append(s)
    arts = set(articles)
    for old in olds:
        arts.update(old.article_ids)
    part_of = keep.part_of or next((o.part_of for o in olds if o.part_of), None)
    return dataclasses.replace(
        keep, aliases=tuple(out), article_ids=tuple(sorted(arts)), part_of=part_of
    )


def _rewrite(read: ReadArticle, merged: Mapping[str, str]) -> ReadArticle:
    mentions = tuple(
        dataclasses.replace(m, entity_id=merged.get(m.entity_id, m.entity_id)) if m.entity_id else m
        for m in read.mentions
    )
    claims = tuple(
        dataclasses.replace(c, entity_ids=_claim_entities(c, mentions)) for c in read.claims
    )
    return dataclasses.replace(read, mentions=mentions, claims=claims)


def resolve_store_increment(
    store: Store,
    readings: Sequence[ReadArticle],
    *,
    aliases: AliasTable | None = None,
    embedder: Embedder | None = None,
    options: object = None,
    reader_name: str = "",
) -> int:
    """Resolve new ``readings`` against ``store``'s entities; write the readings and the
    entities that changed. Returns how many entities were written."""
    if aliases is None:
        aliases = AliasTable.load(getattr(options, "alias_file", None), extra=store.list_aliases())
    known = store.list_entities()
    inc = resolve_increment(readings, known, aliases, embedder)
    for old, read in zip(readings, inc.readings, strict=True):
        if old.mentions != read.mentions or old.claims != read.claims:
            store.put_reading(read, reader=reader_name)
    if inc.merged:
        new_ids = {r.article.id for r in inc.readings}
        by_id = {e.id: e for e in known}
        olds = {a for i in inc.merged for a in by_id[i].article_ids if a not in new_ids}
        for aid in sorted(olds):
            stored = store.get_reading(aid)
            if stored is not None:
                store.put_reading(_rewrite(stored, inc.merged), reader=reader_name)
        store.delete_entities(list(inc.merged))
    store.put_entities(inc.entities, only=True)
    return len(inc.entities)
