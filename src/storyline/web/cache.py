"""A cache of rendered pages that any write to the store invalidates.

Reading a story page costs tens of milliseconds (readings, dossier, graph); under load the same
pages are asked for again and again while nothing changes. For a SQLite store the cache keeps one
read-only connection of its own and asks it ``PRAGMA data_version``, which changes whenever any
other connection, in this process or another, commits: an exact version stamp for a few
microseconds. Entries also expire after ``ttl`` seconds as a safety net. Other databases are not
cached (no such stamp).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["PageCache"]

T = TypeVar("T")


class PageCache:
    def __init__(
        self, store: Any, *, size: int = 512, ttl: float = 600.0, enabled: bool = True
    ) -> None:
        self.size = size
        self.ttl = ttl
        self._items: OrderedDict[Any, tuple[Any, float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0
        url = getattr(getattr(store, "engine", None), "url", None)
        path = getattr(url, "database", None)
        usable = enabled and url is not None and url.get_backend_name() == "sqlite"
        if usable and path and path != ":memory:" and not path.startswith("file:"):
            uri = Path(path).resolve().as_uri() + "?mode=ro"
            self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)

    @property
    def enabled(self) -> bool:
        return self._conn is not None

    def stamp(self) -> Any:
        assert self._conn is not None
        with self._lock:
            return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def get(self, key: Any, build: Callable[[], T]) -> T:
        if self._conn is None:
            return build()
        stamp = self.stamp()
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] == stamp and now - hit[1] < self.ttl:
                self._items.move_to_end(key)
                self.hits += 1
                return hit[2]
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

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
