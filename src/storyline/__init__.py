"""storyline: reconstruct news stories across outlets.

Importing the package is cheap; heavy libraries load inside the functions that need them.
"""

from storyline.config import Options, load_options
from storyline.model import (
    Article,
    Attribution,
    Claim,
    Entity,
    IngestReport,
    ReadArticle,
    Stance,
    Story,
    Verdict,
)
from storyline.store import Store, open_store

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
