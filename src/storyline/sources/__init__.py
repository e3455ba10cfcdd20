"""Where articles come from: one small module per kind of source.

Every source is a generator of ``(label, item)`` pairs, where ``label`` names the input (a
path, ``path:line``, a URL) and ``item`` is an :class:`~storyline.model.Article`, a
:class:`Failure` with a one-line reason, a :class:`Notice` (nothing to store, and why), or a
:class:`MetaUpdate` to apply once everything yielded before it is stored. Sources never hold
more than the item they are yielding, so a dump of any size streams through
:func:`storyline.ingest.ingest_sources` one batch at a time.

Kinds, chosen by :func:`iter_source` from the spec: ``@file`` is a URL list
(:mod:`.url`); ``http(s)://`` a page or a feed (:mod:`.url`, :mod:`.feed`); ``*.jsonl``
(:mod:`.jsonl`); ``*.warc[.gz]`` (:mod:`.warc`); anything else a file, folder or glob of text
and HTML files (:mod:`.files`), with metadata from a ``manifest.csv`` (:mod:`.manifest`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.model import Article

if TYPE_CHECKING:
    from storyline.config import Options
    from storyline.sources.manifest import Manifest

__all__ = [
    "Context",
    "Failure",
    "Item",
    "MetaUpdate",
    "Notice",
    "iter_source",
    "iter_sources",
    "unexpected",
]


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that yielded no article; ``reason`` is one line."""

    reason: str


@dataclass(frozen=True, slots=True)
class Notice:
    """An input with nothing new to store (a feed not modified since the last fetch)."""

    reason: str


@dataclass(frozen=True, slots=True)
class MetaUpdate:
    """A key/value for the store, written only after the items before it are stored."""

    key: str
    value: str


Item = tuple[str, Article | Failure | Notice | MetaUpdate]


@dataclass
class Context:
    """What sources share during one run: options, the store's key/value, manifests, HTTP."""

    opts: Options
    store: Any = None  # storyline.store.Store; only get_meta/set_meta are used by sources
    manifest: Manifest | None = None
    # Processes extracting files of a folder in parallel (1: all in this process).
    workers: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))
    _folder_manifests: dict[Path, Manifest | None] = field(default_factory=dict)
    _client: Any = None

    def get_meta(self, key: str) -> str | None:
        return self.store.get_meta(key) if self.store is not None else None

    def http(self) -> Any:
        """One httpx client per run (connection reuse); redirects are followed by hand."""
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                follow_redirects=False,
                timeout=httpx.Timeout(self.opts.fetch_timeout),
                headers={"User-Agent": self.opts.user_agent},
                # Proxies from the environment would bypass the private-address check.
                trust_env=False,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def iter_source(spec: str, ctx: Context) -> Iterator[Item]:
    """All items of one command-line source, whatever its kind."""
    from storyline.sources import files, jsonl, url, warc

    lower = spec.lower()
    if spec.startswith("@"):
        yield from url.iter_url_list(spec[1:], ctx)
    elif lower.startswith(("http://", "https://")):
        yield from url.iter_url(spec, ctx)
    elif "://" in spec:
        yield spec, Failure("unsupported URL scheme (only http and https)")
    elif lower.endswith(jsonl.SUFFIXES) and Path(spec).is_file():
        yield from jsonl.iter_jsonl(Path(spec), ctx)
    elif lower.endswith(warc.SUFFIXES) and Path(spec).is_file():
        yield from warc.iter_warc(Path(spec), ctx)
    else:
        yield from files.iter_paths(spec, ctx)


def iter_sources(specs: list[str], ctx: Context) -> Iterator[Item]:
    """Items of every source in turn; an unexpected error ends that source, not the run."""
    for spec in specs:
        try:
            yield from iter_source(spec, ctx)
        except Exception as exc:  # a bug in one source must not lose the others
            yield spec, unexpected(exc)


def unexpected(exc: BaseException) -> Failure:
    """A library bug on one odd input, reported on that input instead of ending the run."""
    return Failure(f"unexpected error: {type(exc).__name__}: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""
