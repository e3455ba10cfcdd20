"""``manifest.csv``: metadata for plain-text files that carry none themselves.

Columns ``path,outlet,published,url,title`` and optionally ``note`` (and ``author``,
``language``). ``path`` is relative to the manifest's folder. A folder's ``manifest.csv`` is
used automatically for the files in that folder; ``--manifest FILE`` names one explicitly and
wins over the folder's.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FIELDS", "MANIFEST_NAME", "Manifest", "ManifestError"]

MANIFEST_NAME = "manifest.csv"
FIELDS = ("outlet", "published", "url", "title", "author", "language", "note")


class ManifestError(ValueError):
    """A manifest that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Manifest:
    path: Path
    by_path: dict[Path, dict[str, Any]] = field(default_factory=dict)
    by_name: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> Manifest:
        path = Path(path)
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                columns = [c.strip().lower() for c in reader.fieldnames or []]
                if "path" not in columns:
                    raise ManifestError(f"{path}: manifest has no 'path' column")
                reader.fieldnames = columns
                by_path: dict[Path, dict[str, Any]] = {}
                by_name: dict[str, dict[str, Any]] = {}
                for row in reader:
                    name = (row.get("path") or "").strip()
                    if not name:
                        continue
                    entry = {k: (row.get(k) or "").strip() or None for k in FIELDS}
                    entry = {k: v for k, v in entry.items() if v}
                    by_path[(path.parent / name).resolve()] = entry
                    by_name.setdefault(Path(name).name, entry)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ManifestError(f"{path}: cannot read manifest: {exc}") from None
        return cls(path, by_path, by_name)

    def lookup(self, file: Path) -> dict[str, Any] | None:
        """The row for ``file``: by resolved path, else by file name."""
        return self.by_path.get(file.resolve()) or self.by_name.get(file.name)
