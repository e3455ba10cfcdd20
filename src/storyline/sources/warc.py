"""WARC files (plain or gzipped): each ``response`` record with an HTML or text body.

A corrupt record is reported as ``file.warc.gz@OFFSET`` and reading resumes at the next record
boundary (the next gzip member, or the next ``WARC/1.`` line), so one bad record loses only
itself. The file is memory-mapped to find boundaries; records are read one at a time.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storyline.sources import Context, Failure, Item, unexpected

__all__ = ["SUFFIXES", "iter_warc"]

SUFFIXES = (".warc", ".warc.gz", ".arc.gz", ".warc.gzip")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."


def iter_warc(path: Path, ctx: Context) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator

    label = str(path)
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield label, Failure(f"cannot read file: {exc.strerror or exc}")
        return
    with fh:
        try:
            size = path.stat().st_size
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        except (OSError, ValueError) as exc:
            yield label, Failure(f"cannot map file: {exc}")
            return
        if mapped is None:
            yield label, Failure("empty file")
            return
        marker = _GZIP_MAGIC if mapped[:2] == _GZIP_MAGIC[:2] else _WARC_MAGIC
        pos = 0
        found_any = False
        try:
            while pos < size:
                fh.seek(pos)
                records = ArchiveIterator(fh)
                current: int | None = None  # record being read
                done: int | None = None  # last record read to the end
                try:
                    for record in records:
                        # warcio keeps the absolute file position of the record start.
                        current = int(records.offset)
                        item = _record_item(record, f"{label}@{current}", ctx)
                        done = current
                        if item is not None:
                            found_any = True
                            yield item
                    break
                except Exception as exc:  # warcio and zlib raise many types on corrupt data
                    if current is not None and current != done:
                        bad_at = current  # failed inside this record's body
                    else:
                        # Failed on the header of the record after ``done``; warcio's offset
                        # already points at it (the end of ``done``).
                        bad_at = pos if done is None else max(pos, int(records.offset))
                    yield (
                        f"{label}@{bad_at}",
                        Failure(f"corrupt WARC record: {type(exc).__name__}: {_short(exc)}"),
                    )
                    nxt = _find(mapped, marker, bad_at + 1)
                    if nxt is None:
                        break
                    pos = nxt
        finally:
            mapped.close()
        if not found_any:
            yield label, Failure("no HTML or text response records in the WARC file")


def _find(mapped: mmap.mmap, marker: bytes, start: int) -> int | None:
    while True:
        i = mapped.find(marker, start)
        if i < 0:
            return None
        # An uncompressed record starts a line; "WARC/1." inside a body is not a boundary.
        if marker == _GZIP_MAGIC or i == 0 or mapped[i - 1 : i] == b"\n":
            return i
        start = i + 1


def _record_item(record: Any, label: str, ctx: Context) -> Item | None:
    from storyline.extract import (
        ExtractError,
        article_from_html,
        article_from_text,
        decode_bytes,
    )

    if record.rec_type != "response":
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    ctype = ""
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if status and not str(status).startswith("2"):
            return None
        ctype = (record.http_headers.get_header("Content-Type") or "").lower()
    if "html" not in ctype and not ctype.startswith("text/"):
        return None
    label = url or label
    limit = ctx.opts.max_html_bytes
    body = record.content_stream().read(limit + 1)
    if len(body) > limit:
        return label, Failure(f"record body is over max_html_bytes ({limit / 1e6:.1f} MB); refused")
    defaults = {"fetched_at": record.rec_headers.get_header("WARC-Date")}
    try:
        text, _enc = decode_bytes(body)
        if "html" in ctype:
            return label, article_from_html(text, source=label, url=url, defaults=defaults)
        return label, article_from_text(text, source=label, url=url, defaults=defaults)
    except ExtractError as exc:
        return label, Failure(str(exc))
    except Exception as exc:  # a library bug on one input must not end the source
        return label, unexpected(exc)


def _short(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else ""
