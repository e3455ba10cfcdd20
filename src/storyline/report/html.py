"""The dossier as one standalone HTML file: inline CSS, no script, every article text escaped."""

from __future__ import annotations

from html import escape

from storyline.dossier import Dossier, Statement, StatementSource

__all__ = ["render_html"]

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ddd;margin-top:2rem}
.summary{background:#f6f6f6;padding:.8rem 1rem;border-radius:6px}
.st{margin:.8rem 0;padding:.6rem .8rem;border-left:4px solid #999;background:#fafafa}
.contested{border-color:#c0392b}.corroborated{border-color:#27ae60}
.single-source{border-color:#e67e22}.unverified-hedged{border-color:#8e44ad}
.why{color:#555;font-style:italic}.src{margin:.2rem 0 .2rem 1rem;font-size:.92rem}
code{background:#eee;padding:0 .25rem;border-radius:3px;font-size:.85rem}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left}
.note{color:#8a6d3b}
"""


def _e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def _span(article_id: str, start: int | None, end: int | None) -> str:
    where = f"{start}&ndash;{end}" if start is not None else "whole article"
    return f'<code title="article id and character span">{_e(article_id)} [{where}]</code>'


def _source(s: StatementSource) -> str:
    chain = " &rarr; ".join(_e(x) for x in s.chain) if len(s.chain) > 1 else ""
    text = f" &ldquo;{_e(s.text)}&rdquo;" if s.text else ""
    extra = f" <span class=why>({chain})</span>" if chain else ""
    return (
        f"<div class=src><b>{_e(s.outlet or s.article_id)}</b> {_e(s.relation)}{extra}:"
        f"{text} {_span(s.article_id, s.start, s.end)}</div>"
    )


def _statement(st: Statement) -> str:
    parts = [
        f'<div class="st {_e(st.verdict)}"><div><b>&ldquo;{_e(st.text)}&rdquo;</b> '
        f"{_span(st.span.article_id, st.span.start, st.span.end)}</div>"
    ]
    if st.explanation:
        parts.append(f"<div class=why>{_e(st.explanation)}</div>")
    if st.earliest_article_id:
        parts.append(
            f"<div class=src>earliest: <code>{_e(st.earliest_article_id)}</code> "
            f"(by {_e(st.earliest_basis or 'id order')})</div>"
        )
    if st.cited_origins:
        parts.append(f"<div class=src>cited origins: {_e(', '.join(st.cited_origins))}</div>")
    parts += [_source(s) for s in st.supporting + st.opposing]
    parts.append("</div>")
    return "".join(parts)


def render_html(d: Dossier) -> str:
    out = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(d.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(d.title)}</h1><p>Story <code>{_e(d.story_id)}</code></p>",
        f"<p class=summary>{_e(d.summary)}</p>",
    ]
    out += [f"<p class=note>{_e(n)}</p>" for n in d.notes]
    out.append("<h2>Key actors</h2><ul>")
    for a in d.key_actors:
        aka = f" (also: {_e(', '.join(a.aliases))})" if a.aliases else ""
        out.append(
            f"<li><b>{_e(a.name)}</b> {_e(a.type)}{aka} &mdash; {a.mentions} mention(s) in "
            f"{len(a.article_ids)} article(s)</li>"
        )
    out.append("</ul>")
    for title, items in (
        ("Contested", d.contested),
        ("Corroborated", d.corroborated),
        ("Single-source", d.single_source),
        ("Unverified / hedged", d.unverified_hedged),
    ):
        out.append(f"<h2>{title} ({len(items)})</h2>")
        out += [_statement(st) for st in items] or ["<p><i>none</i></p>"]
    out.append("<h2>Timeline</h2><ul>")
    for t in d.timeline:
        when = t.date[:10] if t.date else t.basis
        out.append(
            f"<li>{_e(when)} ({_e(t.basis)}) <b>{_e(t.outlet or t.article_id)}</b>: {_e(t.text)} "
            f"{_span(t.article_id, t.start, t.end)}</li>"
        )
    out.append("</ul>")
    if d.earliest_reporter:
        e = d.earliest_reporter
        out.append(
            f"<p>Earliest reporter: <b>{_e(e.outlet)}</b> ({_e(e.basis)}, "
            f"<code>{_e(e.article_id)}</code>)</p>"
        )
    out.append(
        "<h2>Sources</h2><table><tr><th>article</th><th>outlet</th><th>date</th>"
        "<th>group</th><th>title</th></tr>"
    )
    for s in d.sources:
        date = s.published or s.date_basis
        out.append(
            f"<tr><td><code>{_e(s.article_id)}</code></td><td>{_e(s.outlet or '—')}</td>"
            f"<td>{_e(date)}</td><td>{_e(s.group or '—')}</td><td>{_e(s.title or '—')}</td></tr>"
        )
    out.append("</table>")
    if d.independence_groups:
        out.append("<p>Independence groups (each counts as one source):</p><ul>")
        for g in d.independence_groups:
            out.append(
                f"<li>group {g.index}: {_e(', '.join(g.article_ids))} &mdash; {_e(g.reason)}</li>"
            )
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
