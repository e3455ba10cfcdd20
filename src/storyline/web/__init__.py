"""The web UI and JSON API (``storyline serve``): FastAPI, server-rendered pages, local assets."""

from __future__ import annotations

from typing import Any

__all__ = ["WebOptions", "create_app"]


def __getattr__(name: str) -> Any:
    # FastAPI is imported only when the web app is actually wanted.
    if name in __all__:
        from storyline.web import app

        return getattr(app, name)
    raise AttributeError(name)
