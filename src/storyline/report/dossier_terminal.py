"""The dossier on a terminal with rich. Article text is escaped (it may contain [markup])."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from storyline.dossier import Dossier, Statement

__all__ = ["render_dossier"]

_COLOURS = {
    "contested": "red",
    "corroborated": "green",
    "single-source": "yellow",
    "unverified-hedged": "magenta",
}


def _statement(st: Statement, console: Any) -> None:
    colour = _COLOURS.get(st.verdict, "white")
    sp = st.span
    console.print(
        f"[{colour}]●[/] [bold]{escape(st.text)}[/] [dim]{escape(sp.article_id)}"
        f"[{sp.start}-{sp.end}][/]",
        highlight=False,
    )
    if st.explanation:
        console.print(f"    [italic]{escape(st.explanation)}[/]", highlight=False)
    for s in st.supporting + st.opposing:
        chain = " → ".join(s.chain) if len(s.chain) > 1 else ""
        where = f"[{s.start}-{s.end}]" if s.start is not None else ""
        text = f": {escape(s.text[:200])}" if s.text else ""
        console.print(
            f"    [cyan]{escape(s.outlet or s.article_id)}[/] {escape(s.relation)}"
            + (f" [dim]({escape(chain)})[/]" if chain else "")
            + f"{text} [dim]{escape(s.article_id)}{escape(where)}[/]",
            highlight=False,
        )


def render_dossier(d: Dossier, console: Any) -> None:
    from rich.panel import Panel
    from rich.table import Table

    console.print(
        Panel(escape(d.summary), title=f"[bold]{escape(d.title)}[/] [dim]{escape(d.story_id)}[/]")
    )
    for n in d.notes:
        console.print(f"[yellow]note:[/] {escape(n)}", highlight=False)
    if d.key_actors:
        console.print(
            "[bold]Key actors:[/] "
            + ", ".join(
                escape(a.name) + (f" [dim]({escape(', '.join(a.aliases))})[/]" if a.aliases else "")
                for a in d.key_actors
            ),
            highlight=False,
        )
    for title, items in (
        ("Contested", d.contested),
        ("Corroborated", d.corroborated),
        ("Single-source", d.single_source),
        ("Unverified / hedged", d.unverified_hedged),
    ):
        console.print(f"\n[bold underline]{title} ({len(items)})[/]")
        for st in items:
            _statement(st, console)
    console.print("\n[bold underline]Timeline[/]")
    for t in d.timeline:
        when = t.date[:10] if t.date else t.basis
        console.print(
            f"  {escape(when)} [cyan]{escape(t.outlet or t.article_id)}[/] {escape(t.text[:160])}",
            highlight=False,
        )
    if d.earliest_reporter:
        e = d.earliest_reporter
        console.print(f"  earliest reporter: [bold]{escape(e.outlet)}[/] ({escape(e.basis)})")
    table = Table(title="Sources")
    for col in ("article", "outlet", "date", "group", "title"):
        table.add_column(col, overflow="fold")
    for s in d.sources:
        table.add_row(
            escape(s.article_id),
            escape(s.outlet or "—"),
            escape(s.published or s.date_basis),
            str(s.group or "—"),
            escape(s.title or "—"),
        )
    console.print(table)
    for g in d.independence_groups:
        console.print(
            f"  group {g.index}: {escape(', '.join(g.article_ids))} — {escape(g.reason)}",
            highlight=False,
        )
