"""``storyline eval alignment``: claim alignment scored on ECB+ event coreference."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storyline.cli import JsonOption, console, err_console, eval_app, fail, print_json


def _topics(spec: str) -> set[int]:
    """ "1-4,7" -> {1, 2, 3, 4, 7}."""
    out: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()):
            raise ValueError(f"--topics: {part!r} is not a topic number or range like 1-4")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


@eval_app.command("alignment")
def eval_alignment(
    ecbplus: Annotated[
        Path, typer.Option("--ecbplus", help="ECB+ docs folder (topic subfolders of *.xml)")
    ],
    topics: Annotated[
        str, typer.Option(help="Topics to read, e.g. 1-35 or 1,3,5 (reading is the slow part)")
    ] = "1-35",
    as_json: JsonOption = False,
) -> None:
    """Claim support links scored against ECB+ cross-document event coreference.

    Does "article B supports claim c" mean B reports an event of c? Precision and recall per
    gold story, at the shipped thresholds and with stance links left out."""
    import time

    from storyline.evaluate.alignment import evaluate_alignment, score_supports
    from storyline.evaluate.ecbplus import EcbError

    try:
        chosen = _topics(topics)
    except ValueError as exc:
        fail(str(exc))
        return
    started = time.perf_counter()

    def stage(msg: str) -> None:
        if not as_json:
            err_console.print(f"[dim]{msg}…[/]")

    try:
        stories = evaluate_alignment(ecbplus, chosen, on_stage=stage)
    except EcbError as exc:
        fail(str(exc))
        return
    from storyline.align import AlignOptions

    shipped = AlignOptions().min_stance_probability
    rows = {
        "shipped": score_supports(stories, min_probability=shipped),
        "claims only": score_supports(stories, use_stance=False),
        "shipped, strict": score_supports(stories, min_probability=shipped, strict=True),
        "claims only, strict": score_supports(stories, use_stance=False, strict=True),
    }
    seconds = round(time.perf_counter() - started, 1)
    if as_json:
        from storyline.model import to_dict

        print_json(
            {"topics": sorted(chosen), "seconds": seconds}
            | {k: to_dict(v) for k, v in rows.items()}
        )
        return
    from rich.table import Table

    any_row = next(iter(rows.values()))
    table = Table(
        title=f"Claim support vs ECB+ event coreference ({any_row.stories} stories, "
        f"{any_row.claims} annotated claims, {any_row.gold_pairs} gold claim-article pairs)"
    )
    for col in ("links", "pairs", "P", "R", "F1", "evid. P", "evid. n"):
        table.add_column(col, justify="left" if col == "links" else "right", no_wrap=True)
    for name, s in rows.items():
        table.add_row(
            name,
            str(s.predicted_pairs),
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            f"{s.evidence_precision:.3f}",
            str(s.evidence_judged),
        )
    console.print(table)
    console.print(
        "P/R: of predicted (claim, supporting article) pairs / of gold pairs; evid. P: of the "
        "pairs whose supporting sentence is annotated, how many mention an event of the claim. "
        "strict: claims with two events or more, supported only by articles reporting all",
        highlight=False,
    )
    console.print(f"{seconds} s", highlight=False)
