"""The ingest API: sources in, articles stored in batches, one outcome per input.

:func:`ingest_sources` pulls ``(label, item)`` pairs from :mod:`storyline.sources` (a stream:
at most one batch of articles is held), stores articles with ``Store.add_articles`` in
batches of ``Options.batch_size``, and reports a :class:`~storyline.model.IngestOutcome` for
every input, stored, duplicate or failed with a one-line reason. If a batch cannot be written
as a whole, its articles are written one by one so one bad article loses only itself. A killed
run leaves the store consistent with what was written before the kill; re-running skips those
articles as duplicates (ids are content hashes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from storyline.model import Article, IngestOutcome, IngestReport, IngestStatus

__all__ = ["ingest_items", "ingest_sources", "iter_articles"]


def iter_articles(
    sources: Iterable[str],
    opts: Any = None,
    *,
    manifest: str | None = None,
    workers: int | None = None,
) -> Iterator[tuple[str, Any]]:
    """The raw ``(label, item)`` stream of the given sources, without storing anything."""
    from storyline.sources import iter_sources

    ctx = _context(opts, None, manifest)
    if workers is not None:
        ctx.workers = workers
    try:
        yield from iter_sources(list(sources), ctx)
    finally:
        ctx.close()


def ingest_sources(
    sources: Iterable[str],
    store: Any,
    opts: Any = None,
    *,
    manifest: str | None = None,
    on_outcome: Callable[[IngestOutcome], None] | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Ingest files, folders, globs, URLs, feeds, ``@url-lists``, JSONL and WARC into ``store``.

    ``workers`` processes extract the files of a folder in parallel (default: the CPU count,
    at most 4); storing stays in this process, in input order.
    """
    from storyline.sources import iter_sources
    from storyline.sources.manifest import Manifest, ManifestError

    opts = _options(opts)
    outcomes: list[IngestOutcome] = []
    manifest_obj = None
    if manifest:
        try:
            manifest_obj = Manifest.load(manifest)
        except ManifestError as exc:
            outcome = IngestOutcome(str(manifest), IngestStatus.FAILED, None, str(exc))
            if on_outcome:
                on_outcome(outcome)
            return IngestReport((outcome,))
    ctx = _context(opts, store, None)
    ctx.manifest = manifest_obj
    if workers is not None:
        ctx.workers = workers
    try:
        items = iter_sources(list(sources), ctx)
        outcomes = ingest_items(items, store, batch_size=opts.batch_size, on_outcome=on_outcome)
    finally:
        ctx.close()
    return IngestReport(tuple(outcomes))


def ingest_items(
    items: Iterable[tuple[str, Any]],
    store: Any,
    *,
    batch_size: int = 64,
    on_outcome: Callable[[IngestOutcome], None] | None = None,
) -> list[IngestOutcome]:
    """Store a stream of ``(label, item)`` pairs; return one outcome per input."""
    from storyline.sources import Failure, MetaUpdate, Notice

    outcomes: list[IngestOutcome] = []
    # Outcomes are reported in input order: failures wait for the articles before them.
    pending: list[Article | IngestOutcome] = []
    n_articles = 0

    def flush() -> None:
        nonlocal n_articles
        stored = iter(_store_batch(store, [p for p in pending if isinstance(p, Article)]))
        for p in pending:
            outcome = next(stored) if isinstance(p, Article) else p
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
        pending.clear()
        n_articles = 0

    for label, item in items:
        if isinstance(item, Article):
            pending.append(item)
            n_articles += 1
        elif isinstance(item, Failure):
            pending.append(IngestOutcome(label, IngestStatus.FAILED, None, item.reason))
        elif isinstance(item, Notice):
            pending.append(IngestOutcome(label, IngestStatus.DUPLICATE, None, item.reason))
        elif isinstance(item, MetaUpdate):
            # Only once everything before it is stored: a crash must not skip those items.
            flush()
            store.set_meta(item.key, item.value)
        if n_articles >= max(1, batch_size) or len(pending) >= 4 * max(1, batch_size):
            flush()
    flush()
    return outcomes


def _store_batch(store: Any, batch: list[Article]) -> list[IngestOutcome]:
    if not batch:
        return []
    try:
        return list(store.add_articles(batch))
    except Exception:  # the batch's transaction rolled back; judge each article alone
        pass
    outcomes = []
    for article in batch:
        source = article.source or article.url or article.id
        try:
            outcomes.append(store.add_article(article))
        except Exception as exc:  # one article's failure is reported, the rest go on
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            outcomes.append(
                IngestOutcome(source, IngestStatus.FAILED, article.id, f"cannot store: {reason}")
            )
    return outcomes


def _options(opts: Any) -> Any:
    if opts is None:
        from storyline.config import load_options

        return load_options()
    return opts


def _context(opts: Any, store: Any, manifest: str | None) -> Any:
    from storyline.sources import Context
    from storyline.sources.manifest import Manifest

    ctx = Context(_options(opts), store)
    if manifest:
        ctx.manifest = Manifest.load(manifest)
    return ctx
