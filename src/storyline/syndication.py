"""Syndication and source independence: which articles count as one source.

Two relations put articles in one group:

* **copies** -- near-duplicate or lightly edited texts (wire copy carried by several outlets,
  a shortened or re-headlined version). Found with MinHash over word shingles and LSH banding,
  so 500 copies of one article cost 500 lookups, not 125,000 comparisons; each candidate pair
  is then checked on its exact shingle sets (Jaccard, or containment for a shortened copy).
  Signatures are stable across processes (:func:`signature`), so callers may store them.
* **one cited origin** -- given readings, articles whose claims rest mainly on the same cited
  outlet ("according to CNN") tell one outlet's report, however differently worded; the cited
  outlet's own article joins them.

A group counts as ONE independent source in every verdict. Groups are the connected components
of both relations together; articles in no group are independent on their own.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from storyline.model import Article, ReadArticle, SourceGroup, normalise_text

__all__ = [
    "SyndicationParams",
    "independent_origins",
    "outlet_key",
    "primary_origin",
    "shingles",
    "signature",
    "syndication_groups",
]

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SyndicationParams:
    # Words per shingle: 5 keeps common phrases ("said in a statement") from linking texts.
    shingle_size: int = 5
    num_perm: int = 128
    # LSH finds pairs above about this Jaccard; the exact check below decides.
    lsh_threshold: float = 0.3
    # A pair is a copy at this Jaccard of shingle sets ...
    min_jaccard: float = 0.6
    # ... or when the shorter text lies this much inside the longer (a shortened copy) ...
    min_containment: float = 0.85
    # ... provided the shorter text has at least this many shingles (a headline is no copy).
    min_shingles: int = 20
    # A copy this close to an indexed text is not indexed itself (it adds nothing to find).
    leader_jaccard: float = 0.9


_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = 5) -> set[str]:
    """Word ``size``-grams of the normalised text (a short text yields its one n-gram)."""
    words = _WORD.findall(normalise_text(text))
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


_MERSENNE = (1 << 61) - 1
_SIG_MEMO: OrderedDict[tuple[str, int, int], Any] = OrderedDict()
# ~50 MB at 128 permutations: every member of a story touched again is signed from memory.
SIG_MEMO_SIZE = 100_000


@functools.lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[Any, Any]:
    import numpy as np

    # Fixed seed: signatures are stored with the articles and compared across processes.
    rng = np.random.default_rng(1)
    a = rng.integers(1, 1 << 32, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64)
    return a, b


def signature(text: str, params: SyndicationParams | None = None) -> Any:
    """The MinHash signature of ``text`` (``num_perm`` uint32 values; None for a text without
    words). Stable across processes (CRC-32 of each shingle under fixed permutations), so it can
    be stored with the article and a story touched again need not shingle its members anew."""
    import numpy as np

    p = params or SyndicationParams()
    s = shingles(text, p.shingle_size)
    if not s:
        return None
    hv = np.fromiter((zlib.crc32(x.encode("utf-8")) for x in s), dtype=np.uint64, count=len(s))
    a, b = _permutations(p.num_perm)
    # hv < 2**32 and a, b < 2**32: the affine map stays inside uint64 before the modulus.
    phv = ((hv[:, None] * a[None, :] + b[None, :]) % _MERSENNE) & np.uint64(0xFFFFFFFF)
    return phv.min(axis=0).astype(np.uint32)


def _signature_of(article: Article, p: SyndicationParams, given: Mapping[str, Any] | None) -> Any:
    if given is not None and article.id in given:
        return given[article.id]
    key = (article.id, p.shingle_size, p.num_perm)
    if key in _SIG_MEMO:
        _SIG_MEMO.move_to_end(key)
        return _SIG_MEMO[key]
    sig = signature(article.text, p)
    _SIG_MEMO[key] = sig
    while len(_SIG_MEMO) > SIG_MEMO_SIZE:
        _SIG_MEMO.popitem(last=False)
    return sig


@functools.lru_cache(maxsize=8)
def _lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) for a threshold, as datasketch chooses them (by numerical integration:
    a quarter of a second, so once per threshold)."""
    from datasketch import MinHashLSH

    probe = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return probe.b, probe.r


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        # The lower index (earlier article) stays root so the group's origin is stable.
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True


def _copy_edges(
    articles: Sequence[Article],
    p: SyndicationParams,
    signatures: Mapping[str, Any] | None = None,
) -> list[tuple[int, int, float, float]]:
    """(i, j, jaccard, containment) for every linked pair of copies, one edge per new link."""
    import numpy as np

    bands, rows = _lsh_bands(p.lsh_threshold, p.num_perm)
    sigs = [_signature_of(a, p, signatures) for a in articles]
    matrix = np.zeros((len(sigs), p.num_perm), dtype=np.uint32)
    for i, sig in enumerate(sigs):
        if sig is not None:
            matrix[i] = sig
    # Shingle sets only for the pairs the LSH proposes: most articles of a story are no copy
    # of anything, and shingling every member of a story at each update cost its size.
    sets: dict[int, set[str]] = {}

    def shingle_set(i: int) -> set[str]:
        got = sets.get(i)
        if got is None:
            got = sets[i] = shingles(articles[i].text, p.shingle_size)
        return got

    # Only "leaders" go into the LSH: an article that is a close copy of a leader is linked to
    # it and not inserted, so 500 copies of one text leave one entry and every lookup stays
    # small. Looser copies become leaders themselves, which keeps chains of edits linked.
    tables: list[dict[bytes, list[int]]] = [{} for _ in range(bands)]
    uf = _UnionFind(len(articles))
    edges: list[tuple[int, int, float, float]] = []
    for i, sig in enumerate(sigs):
        if sig is None:
            continue
        keys = [sig[k * rows : (k + 1) * rows].tobytes() for k in range(bands)]
        found: dict[int, None] = {}
        for table, key in zip(tables, keys, strict=True):
            for j in table.get(key, ()):
                found[j] = None
        closest = 0.0
        if found:
            s = shingle_set(i)
            cands = list(found)
            # Jaccard as the signatures estimate it, for the candidates linked already: no new
            # edge can come of them (500 copies of one text would cost 125,000 set checks).
            estimate = (matrix[cands] == sig).mean(axis=1)
            for j, est in zip(cands, estimate.tolist(), strict=True):
                if uf.find(i) == uf.find(j):
                    closest = max(closest, est)
                    continue
                b = shingle_set(j)
                # Short texts are copies only when identical and not a mere headline.
                if min(len(s), len(b)) < p.min_shingles and (s != b or len(s) < 5):
                    continue
                inter = len(s & b)
                jac = inter / len(s | b)
                cont = inter / min(len(s), len(b))
                closest = max(closest, jac)
                if (jac >= p.min_jaccard or cont >= p.min_containment) and uf.union(i, j):
                    edges.append((j, i, jac, cont))
        if closest < p.leader_jaccard:
            for table, key in zip(tables, keys, strict=True):
                table.setdefault(key, []).append(i)
    return edges


_OUTLET_NOISE = re.compile(r"^the\s+|\.(com|net|org|co\.uk|co|news|tv)$|^www\.")


def outlet_key(name: str | None) -> str:
    """A comparable form of an outlet name: "The Wall Street Journal", "wsj.com" -> keys that
    :func:`_same_outlet` can match."""
    if not name:
        return ""
    key = name.strip().lower()
    for _ in range(2):
        key = _OUTLET_NOISE.sub("", key)
    return re.sub(r"[^a-z0-9 ]", "", key).strip()


def _same_outlet(a: str, b: str) -> bool:
    ka, kb = outlet_key(a), outlet_key(b)
    if not ka or not kb:
        return False
    if ka.replace(" ", "") == kb.replace(" ", ""):
        return True

    # "wsj" against "wall street journal": the initials of one spell the other.
    def initials(k: str) -> str:
        return "".join(w[0] for w in k.split() if w)

    return (" " not in ka and len(ka) >= 2 and initials(kb) in (ka, ka.lstrip("t"))) or (
        " " not in kb and len(kb) >= 2 and initials(ka) in (kb, kb.lstrip("t"))
    )


def primary_origin(reading: ReadArticle) -> str | None:
    """The outlet an article's claims rest on most, or None when they cite no outlet.

    Outlets cited by the most claims win; ties go to the one cited first in the text (the
    lede usually names the origin of the report).
    """
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    names: dict[str, str] = {}
    own = reading.article.outlet
    for claim in sorted(reading.claims, key=lambda c: c.start):
        for outlet in claim.attribution.cited_outlets:
            key = outlet_key(outlet)
            if not key or (own and _same_outlet(outlet, own)):
                continue
            counts[key] += 1
            first.setdefault(key, claim.start)
            names.setdefault(key, outlet.strip())
    if not counts:
        return None
    best = max(counts, key=lambda k: (counts[k], -first[k]))
    return names[best]


def syndication_groups(
    articles: Sequence[Article],
    readings: Mapping[str, ReadArticle] | Iterable[ReadArticle] | None = None,
    params: SyndicationParams | None = None,
    *,
    origins: Mapping[str, str | None] | None = None,
    signatures: Mapping[str, Any] | None = None,
) -> list[SourceGroup]:
    """Groups (of two or more articles) that count as one independent source each.

    ``readings`` (by article id, or an iterable of :class:`ReadArticle`) adds the cited-origin
    relation; without them only copies are grouped. ``origins`` (article id -> its
    :func:`primary_origin`) may stand in for the readings, and ``signatures`` (article id ->
    :func:`signature`) for hashing the texts again. Groups list article ids in input order.
    """
    p = params or SyndicationParams()
    articles = list({a.id: a for a in articles}.values())
    if len(articles) < 2:
        return []
    pos = {a.id: i for i, a in enumerate(articles)}
    uf = _UnionFind(len(articles))
    copy_jac: dict[int, float] = {}  # root-independent: per article, weakest copy link
    for i, j, jac, _cont in _copy_edges(articles, p, signatures):
        uf.union(i, j)
        for k in (i, j):
            copy_jac[k] = min(copy_jac.get(k, 1.0), jac)

    if origins is None and readings is not None:
        items = readings.values() if isinstance(readings, Mapping) else readings
        origins = {r.article.id: primary_origin(r) for r in items}
    origin_of: dict[int, str] = {}
    if origins is not None:
        by_origin: dict[str, list[int]] = {}
        origin_name: dict[str, str] = {}
        for at, article in enumerate(articles):
            origin = origins.get(article.id)
            if origin:
                key = outlet_key(origin).replace(" ", "")
                by_origin.setdefault(key, []).append(at)
                origin_name.setdefault(key, origin)
        for key, members in by_origin.items():
            name = origin_name[key]
            # The cited outlet's own article rests on the same origin: it is the origin.
            members = members + [
                i
                for i, a in enumerate(articles)
                if a.outlet and _same_outlet(a.outlet, name) and i not in members
            ]
            if len(members) < 2:
                continue
            for i in members:
                origin_of.setdefault(i, name)
            for i in members[1:]:
                uf.union(members[0], i)

    components: dict[int, list[int]] = {}
    for i in range(len(articles)):
        components.setdefault(uf.find(i), []).append(i)
    groups = []
    for members in components.values():
        if len(members) < 2:
            continue
        reasons = []
        jacs = [copy_jac[i] for i in members if i in copy_jac]
        if jacs:
            n = sum(1 for i in members if i in copy_jac)
            reasons.append(f"near-duplicate, Jaccard {min(jacs):.2f}" + (f" ({n} copies)"))
        cited = sorted({origin_of[i] for i in members if i in origin_of})
        if cited:
            reasons.append("same cited origin: " + ", ".join(cited))
        origin = cited[0] if cited else _earliest_outlet([articles[i] for i in members])
        groups.append(
            SourceGroup(
                article_ids=tuple(articles[i].id for i in members),
                reason="; ".join(reasons),
                origin=origin,
            )
        )
    groups.sort(key=lambda g: pos[g.article_ids[0]])
    return groups


def _earliest_outlet(articles: Sequence[Article]) -> str | None:
    dated = sorted(
        (a for a in articles if a.outlet),
        key=lambda a: (a.published is None, a.published or "", a.fetched_at or ""),
    )
    return dated[0].outlet if dated else None


def independent_origins(article_ids: Iterable[str], groups: Iterable[SourceGroup]) -> int:
    """How many independent sources ``article_ids`` amount to, given the groups."""
    group_of: dict[str, int] = {}
    for n, g in enumerate(groups):
        for aid in g.article_ids:
            group_of.setdefault(aid, n)
    seen: set[object] = set()
    for aid in article_ids:
        seen.add(("g", group_of[aid]) if aid in group_of else ("a", aid))
    return len(seen)
