"""``storyline claims ARTICLE_ID`` and ``storyline eval attribution``.

Thin commands over :mod:`storyline.claims` (through the reader) and
:mod:`storyline.evaluate.attribution`; heavy libraries load only when a command runs.
"""

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
    not_found,
    open_db,
    options,
    print_json,
)

__all__ = ["claims_command", "eval_attribution", "render_claims"]

# Colour of a claim's text by certainty; denied claims are marked apart.
_COLOURS = {
    "asserted": "white",
    "reported": "cyan",
    "hedged": "yellow",
    "speculative": "magenta",
}


@app.command("claims")
def claims_command(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix)")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show an article's claims: attribution, certainty (colour) and polarity."""
    opts = options(db=db)
    with open_db(opts.db) as store:
        article = store.get_article(article_id)
        if article is None:
            fail(not_found("article", article_id))
            return
        reading = store.get_reading(article.id)
    fresh = reading is None
    if reading is None:
        reading = _read_one(article, opts.spacy_model)
    if as_json:
        print_json({"article_id": article.id, "read_now": fresh, "claims": list(reading.claims)})
        return
    if fresh:
        err_console.print(
            "note: this article has not been read yet; read it now (not stored — run "
            "`storyline read` to store readings and resolve entities)",
            highlight=False,
        )
    render_claims(reading, console)


def _read_one(article: Any, spacy_model: str) -> Any:
    try:
        from storyline.read import load_reader, read_articles
    except ImportError as exc:
        fail(f"the reading stage is not available ({exc})")
        raise  # unreachable: fail() exits
    reader = load_reader(spacy_model)
    return next(iter(read_articles([article], reader)))


def render_claims(reading: Any, out: Any) -> None:
    """Print the claims of one reading, one block each, article text escaped."""
    from rich.markup import escape

    article = reading.article
    title = escape(article.title or article.id)
    out.print(
        f"[bold]{title}[/] [dim]({escape(article.outlet or 'unknown outlet')}, "
        f"{len(reading.claims)} claim(s))[/]",
        highlight=False,
    )
    for note in getattr(reading, "notes", ()) or ():
        out.print(f"[dim]note: {escape(note)}[/]", highlight=False)
    if not reading.claims:
        out.print("[dim]no claims[/]", highlight=False)
        return
    legend = "  ".join(f"[{c}]{name}[/]" for name, c in _COLOURS.items())
    out.print(f"[dim]certainty:[/] {legend}  [bold red]✗ denied[/]", highlight=False)
    for claim in reading.claims:
        colour = _COLOURS.get(str(claim.certainty), "white")
        mark = "[bold red]✗[/] " if str(claim.polarity) == "denied" else "  "
        out.print(
            f"{mark}[{colour}]{escape(claim.text)}[/]",
            highlight=False,
            soft_wrap=True,
        )
        out.print(f"    [dim]{_attribution_line(claim)}[/]", highlight=False)


def _attribution_line(claim: Any) -> str:
    from rich.markup import escape

    a = claim.attribution
    parts = []
    if a.speaker:
        parts.append(f"{escape(a.speaker)} ({a.kind})")
    elif str(a.kind) == "article":
        parts.append("article's own voice")
    if a.verb:
        parts.append(escape(a.verb))
    if a.cited_outlets:
        parts.append("via " + ", ".join(escape(o) for o in a.cited_outlets))
    if a.carried:
        parts.append("carried from an earlier sentence")
    parts.append(f"{claim.certainty}, {claim.polarity}")
    if claim.cues:
        parts.append("cues: " + ", ".join(f"“{escape(c)}”" for c in claim.cues))
    return " · ".join(parts)


@eval_app.command("attribution")
def eval_attribution(
    gold: Annotated[
        str | None,
        typer.Option(
            help="Gold directory (with gold.jsonl) or file [default: tests/eval/attribution]"
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Score claim attribution, hedging and polarity against hand-labelled gold."""
    from storyline.evaluate.attribution import (
        GoldError,
        load_gold,
        predict_for_gold,
        render_scores,
        score_by_source,
    )

    path = None
    if gold is not None:
        path = Path(gold)
        if path.is_dir():
            path = path / "gold.jsonl"
        if not path.is_file():
            fail(f"{gold}: no attribution gold there (expected a gold.jsonl file or its folder)")
    try:
        docs = load_gold(path)
    except GoldError as exc:
        fail(str(exc))
        return
    from storyline.read import load_reader

    reader = load_reader(options().spacy_model)
    predicted = predict_for_gold(docs, reader)
    scores = score_by_source(docs, predicted)
    if as_json:
        print_json({name: _scores_dict(s) for name, s in scores.items()})
        return
    console.print(render_scores(scores), highlight=False, markup=False)


def _scores_dict(s: Any) -> dict[str, Any]:
    from storyline.model import to_dict

    data = to_dict(s)
    data.pop("errors", None)
    for key in ("claims", "speaker", "verb", "outlets", "hedging", "denied"):
        prf = getattr(s, key)
        data[key].update(precision=prf.precision, recall=prf.recall, f1=prf.f1)
    data.update(
        polarity_accuracy=s.polarity_accuracy,
        certainty_accuracy=s.certainty_accuracy,
        kind_accuracy=s.kind_accuracy,
    )
    return data
