"""CLI of the stance stage: ``check``, ``eval fnc1``, ``eval emergent``, ``train stance``.

Thin commands over :mod:`storyline.stance` and :mod:`storyline.evaluate.fnc`; heavy imports
happen inside the commands.
"""

from __future__ import annotations

import time
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
    train_app,
)

__all__: list[str] = []

ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model", help="Stance model file [env: STORYLINE_STANCE_MODEL; default: shipped]"
    ),
]


def _model(path: str | None) -> Any:
    from storyline.stance import StanceError, load_stance_model

    try:
        return load_stance_model(path, options(stance_model=path))
    except StanceError as exc:
        fail(str(exc))


@app.command()
def check(
    claim: Annotated[str, typer.Argument(help="The claim, one sentence")],
    db: DbOption = None,
    model: ModelOption = None,
    as_json: JsonOption = False,
) -> None:
    """What every stored article says about CLAIM: agree / disagree / discuss, with the
    evidence (and the article's own claim, with its attribution, where one states it) and a
    one-line verdict."""
    from storyline.check import check_articles, check_payload, entry_payload
    from storyline.stance import StanceError, claim_problem

    problem = claim_problem(claim)
    if problem:
        fail(f"{claim[:60]!r}: {problem}")
    stance_model = _model(model)
    opts = options(db=db)
    with open_db(db) as store:
        try:
            report = check_articles(
                claim, list(store.iter_articles()), stance_model, store=store, options=opts
            )
        except StanceError as exc:
            fail(str(exc))
            return
    if as_json:
        print_json(check_payload(report))
        return
    from rich.markup import escape

    result = report.result
    console.print(f"[bold]claim:[/] {escape(claim)}")
    for lab, colour in (("agree", "green"), ("disagree", "red"), ("discuss", "yellow")):
        entries = getattr(result, lab)
        console.print(f"\n[bold {colour}]{lab}[/] ({len(entries)})")
        for e in entries:
            row = entry_payload(e)
            head = f"  {row['outlet'] or '—'} · {row['published'] or 'no date'} · {e.article.id}"
            # A label the article's own claim decided says what the stance model said.
            model = f"p={row['probability']:.2f}"
            if row["basis"] == "claim":
                model = f"stance model: {row['model_label']} p={row['probability']:.2f}"
            console.print(
                f"{escape(head)}  {model}  {escape(row['title'] or '')}",
                highlight=False,
            )
            for ev in row["evidence"][:1]:
                console.print(f"    “{escape(_clip(ev['text']))}”", highlight=False)
            if row["claim"]:
                console.print(
                    f"    its claim {_RELATION[row['relation']]} ({row['similarity']:.2f}), "
                    f"{escape(_authority(row['claim']))}",
                    highlight=False,
                )
    for e in result.skipped:
        err_console.print(f"not judged: {e.article.id}: {e.stance.reason}", highlight=False)
    for note in report.notes:
        err_console.print(f"note: {note}", highlight=False)
    console.print(f"\n[bold]verdict:[/] {escape(result.summary)}")


_RELATION = {
    "states": "states it",
    "negates": "states the opposite",
    "hedges": "says it may be so",
    "same answer": "reports the same answer",
    "other answer": "reports another answer",
}


def _authority(claim: dict[str, Any]) -> str:
    """'on the authority of US intelligence sources (anonymous), via CNN; reported'."""
    who = claim["speaker"] or "the article itself"
    kind = "" if claim["speaker_kind"] == "article" else f" ({claim['speaker_kind']})"
    via = f", via {', '.join(claim['cited_outlets'])}" if claim["cited_outlets"] else ""
    return f"on the authority of {who}{kind}{via}; {claim['certainty']}, {claim['polarity']}"


def _clip(text: str, n: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _report(
    name: str,
    score: Any,
    seconds: float,
    n_pairs: int,
    as_json: bool,
    mix: dict[str, int] | None = None,
) -> None:
    from storyline.evaluate import fnc

    # The weighted score depends on the share of (easy) unrelated pairs; the score at the
    # file's own mix sets a split's figure beside published ones (see storyline.evaluate.fnc).
    at_mix = fnc.score_at_mix(score, mix) if mix and n_pairs < sum(mix.values()) else None
    at_test = fnc.score_at_mix(score, fnc.COMPETITION_TEST_MIX) if at_mix is not None else None
    if as_json:
        extra: dict[str, Any] = {}
        if at_mix is not None and mix:
            extra = {"weighted_score_pct_at_file_mix": round(at_mix, 2), "file_mix": mix}
        if at_test is not None:
            extra["weighted_score_pct_at_competition_test_mix"] = round(at_test, 2)
        print_json({"data": name, "seconds": round(seconds, 1), **score.to_dict(), **extra})
        return
    console.print(f"[bold]{name}[/]", highlight=False)
    for line in score.lines():
        console.print(line, highlight=False, markup=False)
    if at_mix is not None and mix:
        total = sum(mix.values())
        share = 100.0 * mix.get("unrelated", 0) / total
        here = 100.0 * sum(score.confusion[3]) / max(n_pairs, 1)
        console.print(
            f"FNC-1 weighted score at the class mix of the whole file ({total} pairs, "
            f"{share:.0f}% unrelated; here {here:.0f}%): {at_mix:.2f}% of max",
            highlight=False,
            markup=False,
        )
    if at_test is not None:
        console.print(
            "FNC-1 weighted score at the class mix of the 2017 competition test set (25413 "
            f"pairs, 72% unrelated, as published): {at_test:.2f}% of max",
            highlight=False,
            markup=False,
        )
    console.print(f"time: {seconds:.1f} s ({n_pairs / max(seconds, 1e-9):.0f} pairs/s)")


def _predict(model: Any, data: Any, pairs: list[Any]) -> list[str]:
    labels: list[str] = []
    # Batches bound memory; the model's caches keep each body encoded once across batches.
    for start in range(0, len(pairs), 2000):
        batch = pairs[start : start + 2000]
        stances = model.predict_pairs([(p.headline, data.bodies[p.body_id]) for p in batch])
        labels.extend(s.label.value for s in stances)
    return labels


@eval_app.command("fnc1")
def eval_fnc1(
    bodies: Annotated[str, typer.Option(help="FNC-1 bodies CSV (Body ID,articleBody)")],
    stances: Annotated[str, typer.Option(help="FNC-1 stances CSV (Headline,Body ID,Stance)")],
    predictions: Annotated[
        str | None, typer.Option(help="Write predictions here (Headline,Body ID,Stance)")
    ] = None,
    split: Annotated[
        str, typer.Option(help="dev: only the committed dev split; all: every pair")
    ] = "all",
    model: ModelOption = None,
    as_json: JsonOption = False,
) -> None:
    """Score the stance model on FNC-1 files: weighted score, macro-F1, per-class F1, confusion."""
    from storyline.evaluate import fnc
    from storyline.stance import DEFAULT_SPLIT_PATH

    if split not in ("dev", "all"):
        fail(f"--split {split!r}: must be dev or all")
    t0 = time.perf_counter()
    try:
        data = fnc.load_fnc1(bodies, stances)
        pairs = data.pairs
        if split == "dev":
            pairs = fnc.apply_split(data, fnc.load_split(DEFAULT_SPLIT_PATH), "dev")
            if not pairs:
                fail(f"{stances}: no pair of the committed dev split is in this file")
    except fnc.FncError as exc:
        fail(str(exc))
        return
    labels = _predict(_model(model), data, pairs)
    seconds = time.perf_counter() - t0
    if predictions:
        fnc.write_predictions(predictions, pairs, labels)
        err_console.print(f"wrote {len(labels)} predictions to {predictions}", highlight=False)
    gold = [p.stance for p in pairs]
    if any(g is None for g in gold):
        if not predictions:
            fail(f"{stances}: no Stance column, nothing to score (use --predictions)")
        return
    name = f"FNC-1 {stances} ({'dev split' if split == 'dev' else 'all pairs'})"
    result = fnc.score(gold, labels)  # type: ignore[arg-type]
    _report(name, result, seconds, len(pairs), as_json, fnc.class_mix(data.pairs))


@eval_app.command("emergent")
def eval_emergent(
    data: Annotated[str, typer.Option(help="Emergent CSV (claimHeadline,articleHeadline,...)")],
    predictions: Annotated[str | None, typer.Option(help="Write predictions here")] = None,
    model: ModelOption = None,
    as_json: JsonOption = False,
) -> None:
    """Transfer test: the FNC-1-trained model on Emergent (claim vs article headline)."""
    from storyline.evaluate import fnc

    t0 = time.perf_counter()
    try:
        loaded = fnc.load_emergent(data)
    except fnc.FncError as exc:
        fail(str(exc))
        return
    labels = _predict(_model(model), loaded, loaded.pairs)
    seconds = time.perf_counter() - t0
    if predictions:
        fnc.write_predictions(predictions, loaded.pairs, labels)
    gold = [p.stance or "" for p in loaded.pairs]
    _report(f"Emergent {data}", fnc.score(gold, labels), seconds, len(labels), as_json)


@eval_app.command("check")
def eval_check(
    bodies: Annotated[str, typer.Option(help="FNC-1 bodies CSV (Body ID,articleBody)")],
    stances: Annotated[str, typer.Option(help="FNC-1 stances CSV (Headline,Body ID,Stance)")],
    split: Annotated[
        str,
        typer.Option(
            help="dev: the committed dev split; all: every pair; train: the training side, "
            "rules only (no stance model: each rule's answers against gold)"
        ),
    ] = "dev",
    headlines: Annotated[int, typer.Option(help="Score only the first N headlines (0: all)")] = 0,
    model: ModelOption = None,
    as_json: JsonOption = False,
) -> None:
    """How check's claim-level readings go with FNC-1's gold: headlines as checked claims,
    bodies read claim by claim (gold labels by relation of the matching claim)."""
    from storyline.embed import embed_texts
    from storyline.evaluate import fnc
    from storyline.evaluate.checking import evaluate_check
    from storyline.read import ReaderError, load_reader
    from storyline.stance import DEFAULT_SPLIT_PATH

    if split not in ("dev", "all", "train"):
        fail(f"--split {split!r}: must be dev, all or train")
    try:
        data = fnc.load_fnc1(bodies, stances)
        pairs = data.pairs
        if split != "all":
            pairs = fnc.apply_split(data, fnc.load_split(DEFAULT_SPLIT_PATH), split)
    except fnc.FncError as exc:
        fail(str(exc))
        return
    if headlines > 0:
        keep = set(sorted({p.headline for p in pairs})[:headlines])
        pairs = [p for p in pairs if p.headline in keep]
    if not pairs or any(p.stance is None for p in pairs):
        fail(f"{stances}: no labelled pair to score")
    opts = options()
    try:
        reader = load_reader(opts.spacy_model, n_process=2 if len(pairs) > 2000 else 1)
    except ReaderError as exc:
        fail(str(exc))
        return
    memo: dict[str, Any] = {}

    def embed(texts: Any) -> Any:
        import numpy as np

        todo = sorted({t for t in texts if t not in memo})
        if todo:
            memo.update(zip(todo, embed_texts(todo, opts), strict=True))
        return np.stack([memo[t] for t in texts]) if texts else np.zeros((0, 384))

    result = evaluate_check(
        data,
        pairs,
        None if split == "train" else _model(model),
        reader=reader,
        embed=embed,
        on_progress=lambda m: err_console.print(m, highlight=False),
    )
    name = f"FNC-1 {stances} ({split})"
    if as_json:
        print_json(
            {
                "data": name,
                "stance": result.stance.to_dict() if result.stance else None,
                "with_matching_claim": dict(result.fired),
                "gold_by_relation": [
                    {"relation": r, "certainty": c, "gold": g, "pairs": n}
                    for (r, c, g), n in sorted(result.firings.items())
                ],
                "seconds": round(result.seconds, 1),
            }
        )
        return
    console.print(f"[bold]{name}[/]", highlight=False)
    for line in result.lines():
        console.print(line, highlight=False, markup=False)
    console.print(
        f"time: {result.seconds:.1f} s (reading {result.read_seconds:.1f} s)", highlight=False
    )


@train_app.command("stance")
def train_stance_cmd(
    data: Annotated[
        str, typer.Option(help="Folder with FNC-1 train_bodies.csv, train_stances.csv")
    ],
    out: Annotated[
        str | None, typer.Option(help="Artifact path [default: the shipped one]")
    ] = None,
    cache: Annotated[
        str | None, typer.Option(help="Cache sentence embeddings here (re-runs skip embedding)")
    ] = None,
) -> None:
    """Train the stance model on FNC-1 (dev split held out), print dev figures and time."""
    from pathlib import Path

    from storyline.evaluate.fnc import FncError
    from storyline.stance import StanceError
    from storyline.stance_train import train_stance

    for name in ("train_bodies.csv", "train_stances.csv"):
        if not (Path(data) / name).is_file():
            fail(f"{data}: no {name} there (the FNC-1 training data)")
    try:
        train_stance(
            data,
            out,
            cache_dir=cache,
            options=options(),
            log=lambda m: console.print(m, highlight=False, markup=False),
        )
    except (FncError, StanceError) as exc:
        fail(str(exc))
