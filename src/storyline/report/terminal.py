"""Terminal renderings with rich. Article text is untrusted: it is always escaped."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from storyline.model import IngestReport, IngestStatus

__all__ = ["render_ingest_report"]


def render_ingest_report(report: IngestReport, out: Any, err: Any) -> None:
    """One line per failure (on stderr, naming the input and the reason), then a summary."""
    for o in report.failed:
        err.print(f"[red]failed[/] {escape(o.source)}: {escape(o.reason or 'unknown error')}")
    for o in report.outcomes:
        if o.status is IngestStatus.NEW_VERSION:
            out.print(f"[yellow]new version[/] {escape(o.source)}: {escape(o.reason or '')}")
    out.print(
        f"[green]{len(report.stored)} stored[/], "
        f"{len(report.duplicates)} duplicate, "
        f"[{'red' if report.failed else 'green'}]{len(report.failed)} failed[/]"
    )
