"""Commands of the dossier stage: ``analyze``, ``dossier``, ``eval contested``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from storyline.cli import (
    DbOption,
    app,
    console,
    err_console,
    eval_app,
    fail,
    not_found,
    open_db,
    options,
)


class Format(StrEnum):
    terminal = "terminal"
    markdown = "markdown"
    json = "json"
    html = "html"


_SUFFIX = {"terminal": "txt", "markdown": "md", "json": "json", "html": "html"}

FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format")]
OutOption = Annotated[
    str | None,
    typer.Option("--out", "-o", help="Write one file per story into this folder"),
]


def emit_dossiers(dossiers: list[Any], fmt: Format, out: str | None) -> None:
    from storyline.report.html import render_html
    from storyline.report.json import render_json
    from storyline.report.markdown import render_markdown

    def text_of(d: Any) -> str:
        if fmt is Format.markdown:
            return render_markdown(d)
        if fmt is Format.html:
            return render_html(d)
        if fmt is Format.json:
            return render_json(d)
        from io import StringIO

        from rich.console import Console

        from storyline.report.dossier_terminal import render_dossier

        buf = StringIO()
        render_dossier(d, Console(file=buf, width=110, no_color=True))
        return buf.getvalue()

    if out:
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            fail(f"{out}: cannot create output folder: {exc.strerror or exc}")
        for d in dossiers:
            path = folder / f"{d.story_id}.{_SUFFIX[fmt.value]}"
            path.write_text(text_of(d), encoding="utf-8")
            err_console.print(f"wrote {path}", highlight=False)
        return
    if fmt is Format.terminal:
        from storyline.report.dossier_terminal import render_dossier

        for d in dossiers:
            render_dossier(d, console)
        return
    if fmt is Format.json:
        from storyline.report.json import render_json

        typer.echo(render_json(dossiers), nl=False)
        return
    for d in dossiers:
        typer.echo(text_of(d), nl=False)


@app.command()
def analyze(
    sources: Annotated[
        list[str], typer.Argument(help="Files, folders, globs, URLs, feeds, .jsonl, .warc")
    ],
    db: DbOption = None,
    fmt: FormatOption = Format.terminal,
    out: OutOption = None,
    manifest: Annotated[
        str | None, typer.Option(help="CSV manifest (path,outlet,published,url,title)")
    ] = None,
) -> None:
    """Ingest, read, cluster, align and judge; print one dossier per story touched."""
    from storyline.pipeline import AnalyzeStats
    from storyline.pipeline import analyze as run
    from storyline.progress import progress_callback

    opts = options(db=db)
    stats = AnalyzeStats()
    quiet = fmt is not Format.terminal or out is not None
    with open_db(opts.db) as store, progress_callback("Analysing", quiet=quiet) as advance:
        dossiers = run(
            sources, store, opts, lambda _stage, item: advance(item), manifest=manifest, stats=stats
        )
    for line in stats.failed:
        err_console.print(f"[red]failed[/] {line}", highlight=False, markup=True)
    for note in stats.notes:
        err_console.print(f"[yellow]note:[/] {note}", highlight=False)
    if not dossiers:
        fail("no articles to analyse: every input failed or was empty")
    emit_dossiers(dossiers, fmt, out)
    if stats.failed:
        raise typer.Exit(1)


@app.command()
def dossier(
    story_id: Annotated[str, typer.Argument(help="Story id (or a unique prefix)")],
    db: DbOption = None,
    fmt: FormatOption = Format.terminal,
    out: OutOption = None,
) -> None:
    """Show the dossier of one stored story."""
    from storyline.dossier import DossierError, build_dossier
    from storyline.pipeline import analyze_stories, load_stance_or_none

    opts = options(db=db)
    with open_db(opts.db) as store:
        story = store.get_story(story_id)
        if story is None:
            fail(not_found("story", story_id))
            return
        # Verdicts computed for an older article set are brought up to date first.
        notes: list[str] = []
        from storyline.pipeline import story_fingerprint

        if store.get_meta(f"verdicts:{story.id}") != story_fingerprint(story):
            analyze_stories(store, [story.id], opts, stance_model=load_stance_or_none(opts, notes))
        try:
            d = build_dossier(store, story.id)
        except DossierError as exc:
            fail(str(exc))
            return
    for note in notes:
        err_console.print(f"[yellow]note:[/] {note}", highlight=False)
    emit_dossiers([d], fmt, out)


@eval_app.command("contested")
def eval_contested(
    data: Annotated[str, typer.Option(help="FNC-1 folder (train_bodies.csv, train_stances.csv)")],
    split: Annotated[
        str, typer.Option(help="dev (the stance model's held-out headlines) or all")
    ] = "dev",
    limit: Annotated[int | None, typer.Option(help="At most this many headlines")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Contested detection on FNC-1: is the verdict on each headline over its related bodies
    contested exactly when a body disagrees?"""
    from storyline.evaluate.contested import ContestedDataError, evaluate_contested

    try:
        scores = evaluate_contested(data, split=split, limit=limit)
    except ContestedDataError as exc:
        fail(str(exc))
        return
    if as_json:
        from storyline.cli import print_json

        print_json(scores.to_dict())
        return
    console.print(scores.render(), highlight=False)
