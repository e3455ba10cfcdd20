"""A cache of rendered pages that a write to the store invalidates.

Reading a story page costs tens of milliseconds (readings, dossier, graph); under load the same
pages are asked for again and again while nothing changes. For a SQLite store every commit
touches the database or its write-ahead log, so their size and modification time form a cheap
version stamp (two ``stat`` calls per request). File times are coarse (a few ms), so an entry is
also dropped after ``ttl`` seconds: a page is never older than that. Other databases are not
cached (no cheap stamp).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["PageCache"]

T = TypeVar("T")


class PageCache:
    def __init__(self, store: Any, *, size: int = 512, ttl: float = 5.0, enabled: bool = True):
        self.size = size
        self.ttl = ttl
        url = getattr(getattr(store, "engine", None), "url", None)
        path = getattr(url, "database", None) if url is not None else None
        is_file = url is not None and url.get_backend_name() == "sqlite" and path
        self.path: str | None = path if enabled and is_file and path != ":memory:" else None
        self._items: OrderedDict[Any, tuple[Any, float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def stamp(self) -> Any:
        out = []
        for p in (self.path, f"{self.path}-wal"):
            try:
                st = os.stat(p)  # type: ignore[arg-type]
                out.append((st.st_mtime_ns, st.st_size))
            except OSError:
                out.append(None)
        return tuple(out)

    def get(self, key: Any, build: Callable[[], T]) -> T:
        if self.path is None:
            return build()
        stamp = self.stamp()
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] == stamp and now - hit[1] < self.ttl:
                self._items.move_to_end(key)
                self.hits += 1
                return hit[2]  # type: ignore[no-any-return]
            self.misses += 1
        value = build()
        # A write during the build may or may not be in the value: keep it only if none came.
        if self.stamp() == stamp:
            with self._lock:
                self._items[key] = (stamp, now, value)
                self._items.move_to_end(key)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value
