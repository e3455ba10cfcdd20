"""Rich progress for long work, as a callback that stages call once per finished item."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["progress_callback", "track"]


@contextmanager
def progress_callback(
    description: str, total: int | None = None, *, quiet: bool = False
) -> Iterator[Callable[[Any], None]]:
    """Yield ``advance(item)``; shows a live bar on a terminal, nothing when ``quiet``."""
    if quiet or not sys.stderr.isatty():

        def skip(_item: Any = None) -> None:
            return None

        yield skip
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=total)

        def advance(_item: Any = None) -> None:
            progress.advance(task)

        yield advance


def track(items: Any, description: str, total: int | None = None, quiet: bool = False) -> Any:
    """Iterate ``items`` with a progress bar (on a terminal)."""
    with progress_callback(description, total, quiet=quiet) as advance:
        for item in items:
            yield item
            advance(item)
