"""Plain-text and HTML files: single files, folders (recursive) and globs.

Folders take files whose suffix says text or HTML (and files with no suffix); dumps in a
folder (JSONL, WARC) are read as such; anything else in a folder is skipped, while a file
named explicitly is always tried (and a binary one refused with its reason).
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.extract import (
    ExtractError,
    article_from_html,
    article_from_text,
    decode_bytes,
    looks_like_html,
)
from storyline.sources import Context, Failure, Item, unexpected
from storyline.sources.manifest import MANIFEST_NAME, Manifest, ManifestError

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

__all__ = ["HTML_SUFFIXES", "TEXT_SUFFIXES", "iter_paths", "read_file"]

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_GLOB_CHARS = set("*?[")


def iter_paths(spec: str, ctx: Context) -> Iterator[Item]:
    """Items of a file, a folder (recursive) or a glob pattern."""
    path = Path(spec)
    if path.is_dir():
        yield from _iter_folder(path, ctx)
    elif path.is_file():
        yield from _dispatch(path, ctx)
    elif _GLOB_CHARS & set(spec):
        matches = sorted(glob.iglob(spec, recursive=True))
        if not matches:
            yield spec, Failure("glob matched no files")
        run: list[Path] = []
        for match in matches:
            p = Path(match)
            if p.is_dir() or _is_dump(p):
                yield from _read_many(run, ctx)
                run = []
                yield from _iter_folder(p, ctx) if p.is_dir() else _dispatch(p, ctx)
            elif p.is_file():
                run.append(p)
        yield from _read_many(run, ctx)
    else:
        yield spec, Failure("no such file or folder")


def _iter_folder(folder: Path, ctx: Context) -> Iterator[Item]:
    found = False
    run: list[Path] = []
    # os.walk order is arbitrary; sorted paths make runs (and resumes) reproducible.
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not p.is_file():
            continue
        if p.name == MANIFEST_NAME or not _wanted(p):
            continue
        found = True
        if _is_dump(p):
            yield from _read_many(run, ctx)
            run = []
            yield from _dispatch(p, ctx)
        else:
            run.append(p)
    yield from _read_many(run, ctx)
    if not found:
        yield str(folder), Failure("folder holds no text, HTML, JSONL or WARC files")


def _is_dump(p: Path) -> bool:
    from storyline.sources import jsonl, warc

    return p.name.lower().endswith(jsonl.SUFFIXES + warc.SUFFIXES)


def _wanted(p: Path) -> bool:
    from storyline.sources import jsonl, warc

    name = p.name.lower()
    return (
        name.endswith(TEXT_SUFFIXES + HTML_SUFFIXES + jsonl.SUFFIXES + warc.SUFFIXES)
        or "." not in name
    )


def _dispatch(p: Path, ctx: Context) -> Iterator[Item]:
    from storyline.sources import jsonl, warc

    name = p.name.lower()
    if name.endswith(jsonl.SUFFIXES):
        yield from jsonl.iter_jsonl(p, ctx)
    elif name.endswith(warc.SUFFIXES):
        yield from warc.iter_warc(p, ctx)
    else:
        yield read_file(p, ctx)


def _manifest_entry(p: Path, ctx: Context) -> dict[str, str] | Failure:
    if ctx.manifest is not None:
        entry = ctx.manifest.lookup(p)
        if entry is not None:
            return entry
    folder = p.parent.resolve()
    if folder not in ctx._folder_manifests:
        candidate = folder / MANIFEST_NAME
        manifest = None
        if candidate.is_file():
            try:
                manifest = Manifest.load(candidate)
            except ManifestError as exc:
                ctx._folder_manifests[folder] = None
                return Failure(str(exc))
        ctx._folder_manifests[folder] = manifest
    manifest = ctx._folder_manifests[folder]
    return (manifest.lookup(p) if manifest else None) or {}


def read_file(p: Path, ctx: Context) -> Item:
    """One text or HTML file as one article (or the reason it is not)."""
    entry = _manifest_entry(p, ctx)
    if isinstance(entry, Failure):
        return str(p), entry
    return _read(str(p), ctx.opts.max_html_bytes, entry)


def _read(path: str, limit: int, entry: dict[str, str]) -> Item:
    # A plain function of picklable arguments: it also runs in worker processes.
    p = Path(path)
    label = path
    try:
        size = p.stat().st_size
        if size > limit:
            # Refused before reading: extraction time and memory grow with page size.
            return label, Failure(
                f"file is {size / 1e6:.1f} MB, over max_html_bytes ({limit / 1e6:.1f} MB); refused"
            )
        data = p.read_bytes()
    except OSError as exc:
        return label, Failure(f"cannot read file: {exc.strerror or exc}")
    try:
        text, encoding = decode_bytes(data)
        defaults = dict(entry)
        if encoding != "utf-8":
            defaults["encoding"] = encoding
        if p.name.lower().endswith(HTML_SUFFIXES) or (
            not p.name.lower().endswith(TEXT_SUFFIXES) and looks_like_html(data)
        ):
            url = defaults.pop("url", None)
            article = article_from_html(
                text, source=label, url=url, defaults=defaults, max_bytes=limit
            )
        else:
            article = article_from_text(text, source=label, defaults=defaults)
    except ExtractError as exc:
        return label, Failure(str(exc))
    except Exception as exc:  # a library bug on one odd file must not end the folder
        return label, unexpected(exc)
    return label, article


def _read_args(args: tuple[str, int, dict[str, str]]) -> Item:
    return _read(*args)


def _read_many(paths: list[Path], ctx: Context) -> Iterator[Item]:
    """Files in order; with several workers, extracted in parallel a window at a time.

    At most two windows of articles exist at once (the one being consumed and the one being
    extracted), about one store batch, so memory stays bounded whatever the folder's size.
    """
    workers = ctx.workers
    if workers <= 1 or len(paths) < _PARALLEL_MIN_FILES:
        for p in paths:
            yield read_file(p, ctx)
        return
    tasks: list[tuple[str, int, dict[str, str]] | Item] = []
    for p in paths:
        entry = _manifest_entry(p, ctx)
        if isinstance(entry, Failure):
            tasks.append((str(p), entry))
        else:
            tasks.append((str(p), ctx.opts.max_html_bytes, entry))
    # Two windows in flight hold about one store batch of articles.
    window = max(workers * 2, ctx.opts.batch_size // 2)
    with _pool(workers) as pool:
        pending = None
        for start in range(0, len(tasks) + window, window):
            chunk = tasks[start : start + window]
            jobs = [t for t in chunk if len(t) == 3]
            nxt = (chunk, pool.map_async(_read_args, jobs, chunksize=4)) if chunk else None
            if pending is not None:
                yield from _merge(*pending)
            pending = nxt
            if pending is None:
                break


def _merge(chunk: list, result: AsyncResult[list[Item]]) -> Iterator[Item]:
    done = iter(result.get())
    for t in chunk:
        yield next(done) if len(t) == 3 else t


_PARALLEL_MIN_FILES = 32


def _pool(workers: int) -> Pool:
    import multiprocessing as mp

    from storyline.extract import detect_language

    # Load the language model and trafilatura once in this process; forked workers share them.
    detect_language("warm up the language model with a short English sentence")
    import trafilatura  # noqa: F401

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    return mp.get_context(method).Pool(workers)
