"""Commands of the reading stage: ``read``, ``entities``, ``aliases add`` / ``aliases list``.

Thin over :mod:`storyline.read` and :mod:`storyline.entities`; heavy imports happen inside.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from storyline.cli import DbOption, JsonOption, app, console, err_console, fail, open_db, options
from storyline.cli import print_json as _print_json

__all__ = ["aliases_app"]

aliases_app = typer.Typer(help="Teach and list entity aliases.", no_args_is_help=True)
app.add_typer(aliases_app, name="aliases")

EmbeddingsOption = Annotated[
    bool,
    typer.Option(
        "--embeddings/--no-embeddings",
        help="Use sentence embeddings to merge reworded names and link descriptions.",
    ),
]


def _embedder(opts: Any, enabled: bool) -> Any:
    if not enabled:
        return None
    from storyline.entities import default_embedder

    return default_embedder(opts)


def _alias_table(opts: Any, store: Any) -> Any:
    from storyline.entities import AliasError, AliasTable

    try:
        return AliasTable.load(opts.alias_file, extra=store.list_aliases())
    except AliasError as exc:
        fail(str(exc))


@app.command("read")
def read_command(
    db: DbOption = None,
    limit: Annotated[int | None, typer.Option(help="Read at most this many articles")] = None,
    embeddings: EmbeddingsOption = True,
    n_process: Annotated[
        int, typer.Option("--n-process", min=1, help="spaCy worker processes")
    ] = 1,
    as_json: JsonOption = False,
) -> None:
    """Read every unread stored article (sentences, mentions, claims), then resolve entities."""
    from storyline.progress import progress_callback
    from storyline.read import ReaderError, load_reader, read_store

    opts = options(db=db)
    try:
        reader = load_reader(opts.spacy_model, n_process=n_process)
    except ReaderError as exc:
        fail(str(exc))
        return
    reader.batch_size = max(1, opts.batch_size)
    notes: list[tuple[str, str]] = []
    claims = 0
    with open_db(opts.db) as store:
        todo = len(store.unread_article_ids(limit=limit))
        aliases = _alias_table(opts, store)
        with progress_callback("Reading", todo, quiet=as_json) as advance:

            def on_read(read: Any) -> None:
                nonlocal claims
                claims += len(read.claims)
                notes.extend((read.article.id, n) for n in read.notes)
                advance(read)

            count, entities = read_store(
                store,
                reader,
                aliases=aliases,
                embedder=_embedder(opts, embeddings),
                options=opts,
                limit=limit,
                on_read=on_read,
            )
    if as_json:
        _print_json(
            {
                "read": count,
                "claims": claims,
                "entities": entities,
                "notes": [{"article_id": a, "note": n} for a, n in notes],
            }
        )
        return
    for article_id, note in notes:
        err_console.print(f"{article_id}: {note}", highlight=False, markup=False)
    console.print(
        f"read {count} article(s): {claims} claim(s); {entities} entit(y/ies) across the store"
    )


@app.command("entities")
def entities_command(
    db: DbOption = None,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Only entities whose name or alias has this")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many")] = 100,
    as_json: JsonOption = False,
) -> None:
    """List entities with their aliases and article counts, most widespread first."""
    with open_db(db) as store:
        items = store.list_entities(query=query, limit=limit)
        names = {e.id: e.name for e in store.list_entities()} if items else {}
    if as_json:
        _print_json(items)
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(items)} entit(y/ies)")
    for col in ("name", "type", "articles", "aliases", "part of"):
        table.add_column(col, overflow="fold")
    for e in items:
        table.add_row(
            escape(e.name),
            e.type,
            str(len(e.article_ids)),
            escape(", ".join(e.aliases[:12]) + (" …" if len(e.aliases) > 12 else "")) or "—",
            escape(names.get(e.part_of, e.part_of or "")) or "—",
        )
    console.print(table)


@aliases_app.command("add")
def aliases_add(
    alias: Annotated[str, typer.Argument(help="A name as articles write it")],
    canonical: Annotated[str, typer.Argument(help="The entity it names (its canonical name)")],
    db: DbOption = None,
    embeddings: EmbeddingsOption = True,
) -> None:
    """Teach that ALIAS names CANONICAL; entities are re-resolved at once."""
    from storyline.entities import mention_key, resolve_store

    if not mention_key(alias) or not mention_key(canonical):
        fail(f"aliases add {alias!r} {canonical!r}: both names need letters or digits")
    if mention_key(alias) == mention_key(canonical):
        fail(f"aliases add {alias!r} {canonical!r}: the two names are already the same")
    opts = options(db=db)
    with open_db(opts.db) as store:
        store.add_alias(alias, canonical)
        aliases = _alias_table(opts, store)
        count = resolve_store(
            store,
            aliases=aliases,
            embedder=_embedder(opts, embeddings),
            options=opts,
            reader_name=opts.spacy_model,
        )
        key = mention_key(canonical)
        match = [
            e
            for e in store.list_entities(query=canonical)
            if mention_key(e.name) == key or key in {mention_key(a) for a in e.aliases}
        ]
    console.print(f"taught: {alias!r} is {canonical!r}; {count} entit(y/ies) re-resolved")
    for e in match[:1]:
        console.print(
            f"{e.name} ({e.type}, {len(e.article_ids)} article(s)): "
            + (", ".join(e.aliases) or "no other names yet"),
            highlight=False,
            markup=False,
        )


@aliases_app.command("list")
def aliases_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the merges taught to this store (the shipped starter set is not listed)."""
    with open_db(db) as store:
        taught = store.list_aliases()
    if as_json:
        _print_json(taught)
        return
    if not taught:
        console.print("no aliases taught yet (storyline aliases add ALIAS CANONICAL)")
    for alias, canonical in sorted(taught.items()):
        console.print(f"{alias} -> {canonical}", highlight=False, markup=False)
