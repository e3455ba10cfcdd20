"""The dossier as Markdown. Article text is escaped so it cannot inject markup or links."""

from __future__ import annotations

import re

from storyline.dossier import Dossier, Statement, StatementSource

__all__ = ["md_escape", "render_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md_escape(text: str | None) -> str:
    """Backslash-escape Markdown syntax and fold newlines (text comes from untrusted pages)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def _span(article_id: str, start: int | None, end: int | None) -> str:
    where = f"{start}–{end}" if start is not None else "whole article"
    return f"`{article_id}` [{where}]"


def _source_line(s: StatementSource) -> str:
    who = md_escape(s.outlet or s.article_id)
    chain = " → ".join(md_escape(x) for x in s.chain) if s.chain else ""
    extra = f" (chain: {chain})" if len(s.chain) > 1 else ""
    hedge = f", {s.certainty}" if s.certainty in ("hedged", "speculative") else ""
    text = f": “{md_escape(s.text)}”" if s.text else ""
    return f"  - **{who}** {s.relation}{hedge}{extra}{text} — {_span(s.article_id, s.start, s.end)}"


def _statement(st: Statement) -> list[str]:
    lines = [
        f"- **“{md_escape(st.text)}”** — {_span(st.span.article_id, st.span.start, st.span.end)}"
    ]
    if st.explanation:
        lines.append(f"  - _{md_escape(st.explanation)}_")
    if st.earliest_article_id:
        lines.append(
            f"  - earliest: `{st.earliest_article_id}` (by {st.earliest_basis or 'id order'})"
        )
    if st.cited_origins:
        lines.append(f"  - cited origins: {', '.join(md_escape(o) for o in st.cited_origins)}")
    lines.extend(_source_line(s) for s in st.supporting)
    lines.extend(_source_line(s) for s in st.opposing)
    return lines


def render_markdown(d: Dossier) -> str:
    out = [f"# {md_escape(d.title)}", "", f"Story `{d.story_id}`", "", md_escape(d.summary), ""]
    if d.notes:
        out += [f"> {md_escape(n)}" for n in d.notes] + [""]
    out += ["## Key actors", ""]
    for a in d.key_actors:
        aka = f" (also: {', '.join(md_escape(x) for x in a.aliases)})" if a.aliases else ""
        out.append(
            f"- **{md_escape(a.name)}** {a.type}{aka} — {a.mentions} mention(s) in "
            f"{len(a.article_ids)} article(s)"
        )
    for title, items in (
        ("Contested", d.contested),
        ("Corroborated", d.corroborated),
        ("Single-source", d.single_source),
        ("Unverified / hedged", d.unverified_hedged),
    ):
        out += ["", f"## {title} ({len(items)})", ""]
        for st in items:
            out += _statement(st)
        if not items:
            out.append("_none_")
    out += ["", "## Timeline", ""]
    for t in d.timeline:
        when = (
            t.date[:10]
            if t.date
            else ("before the citing article" if t.basis == "cited-earlier" else "undated")
        )
        out.append(
            f"- {when} ({t.basis}) **{md_escape(t.outlet or t.article_id)}**: "
            f"{md_escape(t.text)} — `{t.article_id}`"
        )
    if d.earliest_reporter:
        e = d.earliest_reporter
        out += ["", f"Earliest reporter: **{md_escape(e.outlet)}** ({e.basis}, `{e.article_id}`)"]
    out += [
        "",
        "## Sources",
        "",
        "| article | outlet | date | group | title |",
        "|---|---|---|---|---|",
    ]
    for s in d.sources:
        date = f"{s.published} (published)" if s.published else s.date_basis
        out.append(
            f"| `{s.article_id}` | {md_escape(s.outlet) or '—'} | {date} | "
            f"{s.group or '—'} | {md_escape(s.title) or '—'} |"
        )
    if d.independence_groups:
        out += ["", "Independence groups (each counts as one source):", ""]
        for g in d.independence_groups:
            ids = ", ".join(f"`{a}`" for a in g.article_ids)
            out.append(f"- group {g.index}: {ids} — {md_escape(g.reason)}")
    return "\n".join(out) + "\n"
