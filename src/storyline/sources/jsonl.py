"""JSONL dumps: one article per line, read one line at a time.

Fields of each line (a JSON object):

- ``text`` (plain text) or ``html`` (a whole page) — one of them is required;
- ``url``, ``title``, ``outlet``, ``author``, ``published`` (ISO date or datetime),
  ``language`` (ISO 639-1) — optional; given values win over what extraction finds.

A line that is not JSON, not an object, or has neither text nor html is reported as
``file.jsonl:LINE`` with the reason, and the rest of the file goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from storyline.extract import ExtractError, article_from_html, article_from_text
from storyline.sources import Context, Failure, Item, unexpected

__all__ = ["FIELDS", "SUFFIXES", "iter_jsonl"]

SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
FIELDS = ("url", "title", "outlet", "author", "published", "language")


def iter_jsonl(path: Path, ctx: Context) -> Iterator[Item]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield str(path), Failure(f"cannot read file: {exc.strerror or exc}")
        return
    with fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            yield _line_item(f"{path}:{lineno}", raw, ctx)


def _line_item(label: str, raw: bytes, ctx: Context) -> Item:
    if len(raw) > ctx.opts.max_html_bytes:
        return label, Failure(
            f"line is {len(raw) / 1e6:.1f} MB, over max_html_bytes "
            f"({ctx.opts.max_html_bytes / 1e6:.1f} MB); refused"
        )
    try:
        obj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return label, Failure(f"not JSON: {exc}")
    if not isinstance(obj, dict):
        return label, Failure(f"not a JSON object (got {type(obj).__name__})")
    defaults = {k: obj[k] for k in FIELDS if obj.get(k) not in (None, "")}
    if defaults.get("published"):
        defaults["date_source"] = "metadata"
    text, html = obj.get("text"), obj.get("html")
    try:
        if isinstance(html, str) and html.strip():
            url = defaults.pop("url", None)
            return label, article_from_html(
                html, source=label, url=url, defaults=defaults, max_bytes=ctx.opts.max_html_bytes
            )
        if isinstance(text, str) and text.strip():
            return label, article_from_text(text, source=label, defaults=defaults)
    except ExtractError as exc:
        return label, Failure(str(exc))
    except Exception as exc:  # a library bug on one input must not end the source
        return label, unexpected(exc)
    return label, Failure('needs a non-empty "text" or "html" field')
