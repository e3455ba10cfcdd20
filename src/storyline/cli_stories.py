"""CLI of the stories stage: ``storyline stories`` and ``storyline eval clustering``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from storyline.cli import (
    DbOption,
    JsonOption,
    app,
    console,
    err_console,
    eval_app,
    fail,
    open_db,
    options,
    print_json,
)

__all__: list[str] = []


@app.command("stories")
def stories_command(
    db: DbOption = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Text in the title")] = None,
    outlet: Annotated[str | None, typer.Option(help="Only stories with this outlet")] = None,
    limit: Annotated[int, typer.Option(help="At most this many")] = 50,
    update: Annotated[
        bool, typer.Option("--update", help="First put unassigned articles into stories")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """List stories: title, size, outlets, time span (largest first)."""
    opts = options(db=db)
    with open_db(opts.db) as store:
        if update:
            from storyline.stories import cluster_store

            cluster_store(store, opts, quiet=as_json)
        items = store.list_stories(query=query, outlet=outlet, limit=limit)
    if as_json:
        print_json(items)
        return
    if not items:
        err_console.print("no stories (ingest articles, then `storyline stories --update`)")
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(items)} stor{'y' if len(items) == 1 else 'ies'}")
    for col in ("id", "size", "outlets", "span", "title"):
        table.add_column(col, overflow="fold")
    for s in items:
        span = _span(s.first_published, s.last_published)
        outlets = ", ".join(s.outlets[:4]) + (
            f" +{len(s.outlets) - 4}" if len(s.outlets) > 4 else ""
        )
        table.add_row(s.id, str(len(s.article_ids)), escape(outlets or "—"), span, escape(s.title))
    console.print(table)


def _span(first: str | None, last: str | None) -> str:
    if not first:
        return "—"
    a, b = first[:10], (last or first)[:10]
    return a if a == b else f"{a} → {b}"


@eval_app.command("clustering")
def eval_clustering(
    ecbplus: Annotated[
        Path, typer.Option("--ecbplus", help="ECB+ docs folder (topic subfolders of *.xml)")
    ],
    no_baseline: Annotated[
        bool, typer.Option("--no-baseline", help="Skip the TF-IDF agglomerative baseline")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Story clustering on ECB+ topics mixed together: B-cubed and pairwise P/R/F1."""
    from storyline.evaluate.clustering import evaluate_clustering
    from storyline.evaluate.ecbplus import EcbError, load_ecbplus

    try:
        docs = load_ecbplus(ecbplus)
    except EcbError as exc:
        fail(str(exc))
        return
    if not docs:
        fail(f"{ecbplus}: no ECB+ documents found")
        return
    opts = options()
    from storyline.embed import embed_texts

    def embed(texts: Any) -> Any:
        return embed_texts(texts, opts)

    def stage(msg: str) -> None:
        if not as_json:
            err_console.print(f"[dim]{msg}…[/]")

    results = evaluate_clustering(docs, embed=embed, baseline=not no_baseline, on_stage=stage)
    if as_json:
        print_json(results)
        return
    from rich.table import Table

    table = Table(
        title=f"Story clustering on ECB+ ({len(docs)} documents, gold = topic × ecb/ecbplus)"
    )
    for col in (
        "split",
        "system",
        "docs",
        "gold",
        "found",
        "B³ P",
        "B³ R",
        "B³ F1",
        "pair P",
        "pair R",
        "pair F1",
    ):
        table.add_column(
            col, justify="left" if col in ("split", "system") else "right", no_wrap=True
        )
    for r in results:
        table.add_row(
            r.split,
            r.system,
            str(r.documents),
            str(r.gold_stories),
            str(r.stories_found),
            f"{r.bcubed.precision:.3f}",
            f"{r.bcubed.recall:.3f}",
            f"[bold]{r.bcubed.f1:.3f}[/]",
            f"{r.pairwise.precision:.3f}",
            f"{r.pairwise.recall:.3f}",
            f"{r.pairwise.f1:.3f}",
        )
    # Wide enough for every figure even when printed to a file or a pipe.
    from rich.console import Console

    out = console if console.width >= 110 else Console(width=110)
    out.print(table)
    for setting in dict.fromkeys(f"{r.system}: {r.setting}" for r in results):
        console.print(f"[dim]{setting}[/]")
    console.print(
        "[dim]storyline's thresholds were tuned on the odd topics; the even topics are held out.[/]"
    )
