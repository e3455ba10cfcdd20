"""``storyline watch``: analyze the same sources again and again, as a desk monitors feeds."""

from __future__ import annotations

from typing import Annotated

import typer

from storyline.cli import DbOption, app, err_console, fail, open_db, options


@app.command()
def watch(
    sources: Annotated[
        list[str], typer.Argument(help="Feeds, URLs, folders, files (re-read every round)")
    ],
    db: DbOption = None,
    every: Annotated[
        float, typer.Option(help="Seconds between the start of two rounds", min=0)
    ] = 900.0,
    rounds: Annotated[
        int | None, typer.Option(help="Stop after this many rounds (default: until Ctrl-C)", min=1)
    ] = None,
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", help="Rewrite the dossier file of every story a round changes"),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Dossier file format: markdown, json or html")
    ] = "html",
    manifest: Annotated[str | None, typer.Option(help="CSV manifest for file sources")] = None,
) -> None:
    """Poll SOURCES: each round ingests what is new (feeds with conditional GET; stored
    articles are recognised and skipped), brings stories and verdicts up to date, prints one
    line, and rewrites the dossiers of the stories that changed into --out."""
    import time

    from storyline.cli_dossier import Format, emit_dossiers
    from storyline.pipeline import AnalyzeStats, analyze

    if fmt not in ("markdown", "json", "html"):
        fail(f"--format {fmt!r}: use markdown, json or html")
    opts = options(db=db)
    done = 0
    any_failed = False
    with open_db(opts.db) as store:
        try:
            while rounds is None or done < rounds:
                started = time.monotonic()
                stats = AnalyzeStats()
                # analyze loads the stance model only when a story changed, once per process.
                dossiers = analyze(sources, store, opts, manifest=manifest, stats=stats)
                done += 1
                stamp = time.strftime("%Y-%m-%d %H:%M:%S")
                changed = stats.ingested > 0 or stats.stories_recomputed > 0
                err_console.print(
                    f"{stamp} round {done}: {stats.ingested} new article(s), "
                    f"{stats.stories_recomputed} story/stories updated, "
                    f"{len(stats.failed)} input(s) failed",
                    highlight=False,
                )
                any_failed = any_failed or bool(stats.failed)
                for line in stats.failed:
                    err_console.print(f"  [red]failed[/] {line}", highlight=False)
                for note in stats.notes:
                    err_console.print(f"  [yellow]note:[/] {note}", highlight=False)
                if out and changed and dossiers:
                    emit_dossiers(dossiers, Format(fmt), out)
                if rounds is not None and done >= rounds:
                    break
                time.sleep(max(0.0, every - (time.monotonic() - started)))
        except KeyboardInterrupt:
            err_console.print(f"stopped after {done} round(s)", highlight=False)
    if any_failed:
        # Like ingest: the exit status says whether some input failed.
        raise typer.Exit(1)
