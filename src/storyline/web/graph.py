"""The source graph of a story: outlet -> cited origin -> speaker, laid out for an inline SVG.

Only coordinates and labels are computed here; the template draws them with autoescape on, so a
speaker or outlet name taken from an article can never become markup.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from storyline.model import SpeakerKind

__all__ = ["GraphEdge", "GraphNode", "SourceGraph", "source_graph"]

COLUMNS = ("outlet", "origin", "speaker")
_COL_X = (8, 244, 480)
_NODE_W = 184
_NODE_H = 30
_ROW = 42
_TOP = 40
_MAX_PER_COLUMN = 14


@dataclass(frozen=True, slots=True)
class GraphNode:
    key: str
    column: str
    label: str
    full: str
    x: int
    y: int
    weight: int
    kind: str = ""

    @property
    def w(self) -> int:
        return _NODE_W

    @property
    def h(self) -> int:
        return _NODE_H


@dataclass(frozen=True, slots=True)
class GraphEdge:
    source: str
    target: str
    path: str
    weight: int
    width: float


@dataclass(frozen=True, slots=True)
class SourceGraph:
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    width: int
    height: int
    headers: tuple[tuple[str, int], ...]

    def to_api(self) -> dict[str, Any]:
        return {
            "nodes": [
                {"id": n.key, "column": n.column, "label": n.full, "weight": n.weight}
                for n in self.nodes
            ],
            "edges": [
                {"source": e.source, "target": e.target, "weight": e.weight} for e in self.edges
            ],
        }


def _key(column: str, name: str) -> str:
    return f"{column}:{' '.join(name.lower().split())}"


def source_graph(articles: Any) -> SourceGraph:
    """Build from article views (``.article`` and ``.claims``) of one story."""
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    weights: Counter[str] = Counter()
    edges: Counter[tuple[str, str]] = Counter()
    for view in articles:
        outlet = view.article.outlet or "unknown outlet"
        o = _key("outlet", outlet)
        names.setdefault(o, outlet)
        weights[o] += 0  # every outlet is drawn, even one that cites no one
        for claim in view.claims:
            att = claim.attribution
            origins = [_key("origin", c) for c in att.cited_outlets]
            for c, raw in zip(origins, att.cited_outlets, strict=True):
                names.setdefault(c, raw)
                edges[(o, c)] += 1
                weights[c] += 1
            cited_names = {x.lower() for x in att.cited_outlets}
            # A cited outlet named as the speaker is already drawn as the origin.
            if (
                att.speaker
                and att.kind is not SpeakerKind.ARTICLE
                and att.speaker.lower() not in cited_names
            ):
                s = _key("speaker", att.speaker)
                names.setdefault(s, att.speaker)
                kinds.setdefault(s, att.kind.value)
                weights[s] += 1
                for c in origins or [o]:
                    edges[(c, s)] += 1
    columns: dict[str, list[str]] = {c: [] for c in COLUMNS}
    for key in names:
        columns[key.split(":", 1)[0]].append(key)
    placed: dict[str, GraphNode] = {}
    for ci, col in enumerate(COLUMNS):
        keys = sorted(columns[col], key=lambda k: (-weights[k], names[k].lower()))
        for row, key in enumerate(keys[:_MAX_PER_COLUMN]):
            full = names[key]
            label = full if len(full) <= 24 else full[:23] + "…"
            placed[key] = GraphNode(
                key,
                col,
                label,
                full,
                _COL_X[ci],
                _TOP + row * _ROW,
                weights[key],
                kinds.get(key, ""),
            )
    top = max(edges.values(), default=1)
    drawn = []
    for (a, b), n in sorted(edges.items(), key=lambda kv: -kv[1]):
        if a not in placed or b not in placed:
            continue
        na, nb = placed[a], placed[b]
        x1, y1 = na.x + _NODE_W, na.y + _NODE_H // 2
        x2, y2 = nb.x, nb.y + _NODE_H // 2
        mx = (x1 + x2) // 2
        path = f"M{x1},{y1} C{mx},{y1} {mx},{y2} {x2},{y2}"
        drawn.append(GraphEdge(a, b, path, n, round(1.5 + 4.5 * n / top, 1)))
    rows = max((len(v[:_MAX_PER_COLUMN]) for v in columns.values()), default=1)
    headers = (("Outlet", _COL_X[0]), ("Cited origin", _COL_X[1]), ("Speaker", _COL_X[2]))
    return SourceGraph(
        tuple(placed.values()),
        tuple(drawn),
        _COL_X[2] + _NODE_W + 8,
        _TOP + max(rows, 1) * _ROW + 8,
        headers,
    )
