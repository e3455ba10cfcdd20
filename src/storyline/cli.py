"""The ``storyline`` command: thin Typer commands over the importable API.

Only typer and rich are imported at module level so ``storyline --help`` stays instant; every
command imports what it needs when it runs. Errors are one line on stderr and a non-zero exit;
set ``STORYLINE_DEBUG=1`` for tracebacks.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

__all__ = ["app", "eval_app", "main", "train_app"]

app = typer.Typer(
    name="storyline",
    help="Reconstruct news stories across outlets: who said what, on whose authority, "
    "corroborated or contested.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score storyline on public labelled data.", no_args_is_help=True)
train_app = typer.Typer(help="Train the project's own models.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")
console = Console()
err_console = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Store URL or SQLite path [env: STORYLINE_DB; default: storyline.db]"
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


class _State:
    db: str | None = None


state = _State()


@app.callback()
def _root(
    db: DbOption = None,
) -> None:
    state.db = db


def options(**overrides: Any) -> Any:
    """The layered options with the CLI's global flags applied."""
    from storyline.config import load_options

    # A command's own --db wins over the global one.
    overrides["db"] = overrides.get("db") or state.db
    return load_options(**overrides)


def open_db(db: str | None = None) -> Any:
    from storyline.store import open_store

    return open_store(db or options().db)


def fail(message: str, code: int = 1) -> None:
    err_console.print(
        f"[bold red]error:[/] {message}", highlight=False, markup=True, soft_wrap=True
    )
    raise typer.Exit(code)


def not_found(kind: str, ident: str) -> str:
    """The one-line error for an id that matches nothing, saying why a prefix may not."""
    why = (
        "a shortened id needs at least 6 characters"
        if len(ident) < 6
        else "no id is or starts with it, or more than one starts with it"
    )
    return f"{ident}: no such {kind} ({why})"


def print_json(data: Any) -> None:
    from storyline.model import to_dict

    sys.stdout.write(json.dumps(to_dict(data), ensure_ascii=False, indent=2) + "\n")


# --------------------------------------------------------------------------- articles


@app.command()
def ingest(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders, globs, URLs, feed URLs, @url-list files, .jsonl, .warc"
        ),
    ],
    db: DbOption = None,
    manifest: Annotated[
        str | None,
        typer.Option(help="CSV manifest (path,outlet,published,url,title) for plain-text files"),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option(help="Allow URLs on private or loopback addresses")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Ingest articles; prints stored / duplicate / failed with reasons."""
    from storyline.ingest import ingest_sources
    from storyline.progress import progress_callback

    opts = options(db=db, allow_private_urls=allow_private or None)
    with open_db(opts.db) as store, progress_callback("Ingesting", quiet=as_json) as on_outcome:
        report = ingest_sources(sources, store, opts, manifest=manifest, on_outcome=on_outcome)
    if as_json:
        print_json(report)
    else:
        from storyline.report.terminal import render_ingest_report

        render_ingest_report(report, console, err_console)
    if report.failed:
        raise typer.Exit(1)


@app.command("articles")
def list_articles(
    db: DbOption = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD)")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Text search")] = None,
    limit: Annotated[int, typer.Option(help="At most this many")] = 100,
    as_json: JsonOption = False,
) -> None:
    """List stored articles, newest first."""
    with open_db(db) as store:
        items = store.list_articles(
            outlet=outlet, since=since, until=until, query=query, limit=limit
        )
    if as_json:
        print_json([{k: v for k, v in _article_row(a).items()} for a in items])
        return
    from rich.table import Table

    table = Table(title=f"{len(items)} article(s)")
    for col in ("id", "outlet", "published", "lang", "title"):
        table.add_column(col, overflow="fold")
    for a in items:
        row = _article_row(a)
        table.add_row(
            row["id"],
            row["outlet"] or "—",
            row["published"] or "—",
            row["language"] or "?",
            row["title"] or "—",
        )
    console.print(table)


def _article_row(a: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "outlet": a.outlet,
        "published": a.published,
        "language": a.language,
        "title": a.title,
        "url": a.url,
        "version": a.version,
        "source": a.source,
        "chars": len(a.text),
    }


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix)")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one stored article with its metadata."""
    with open_db(db) as store:
        article = store.get_article(article_id)
    if article is None:
        fail(not_found("article", article_id))
        return
    if as_json:
        print_json(article)
        return
    from rich.markup import escape
    from rich.panel import Panel

    meta = "\n".join(
        f"[bold]{k}:[/] {escape(str(v))}"
        for k, v in _article_row(article).items()
        if v not in (None, "")
    )
    console.print(Panel(meta, title=escape(article.title or article.id)))
    console.print(escape(article.text), highlight=False)


def main() -> None:
    """Console entry point: one-line errors unless STORYLINE_DEBUG is set."""
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("STORYLINE_DEBUG"):
            raise
        from rich.markup import escape

        err_console.print(f"[bold red]error:[/] {escape(str(exc) or type(exc).__name__)}")
        sys.exit(1)


def _register_commands() -> None:
    """Commands of later stages live beside their stage; importing registers them on ``app``."""
    import importlib

    for name in (
        "cli_reading",
        "cli_claims",
        "cli_stance",
        "cli_stories",
        "cli_dossier",
        "cli_web",
        "cli_eval",
        "cli_watch",
    ):
        try:
            importlib.import_module(f"storyline.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"storyline.{name}":
                raise


_register_commands()
