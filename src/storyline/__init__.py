"""storyline: reconstruct news stories across outlets.

Importing the package is cheap: names load on first use, and heavy libraries load inside the
functions that need them, so ``storyline --help`` stays instant.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "Article",
    "Attribution",
    "Claim",
    "Entity",
    "IngestReport",
    "Options",
    "ReadArticle",
    "Stance",
    "Store",
    "Story",
    "Verdict",
    "load_options",
    "open_store",
]
__version__ = "0.1.0"

_HOME = {
    "Options": "config",
    "load_options": "config",
    "Store": "store",
    "open_store": "store",
}


def __getattr__(name: str) -> Any:
    if name in __all__:
        module = importlib.import_module(f"storyline.{_HOME.get(name, 'model')}")
        return getattr(module, name)
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")
