"""The dossier as JSON (schema: :mod:`storyline.dossier`, ``docs/dossier-schema.json``)."""

from __future__ import annotations

import json

from storyline.dossier import Dossier
from storyline.model import to_dict

__all__ = ["render_json"]


def render_json(dossiers: Dossier | list[Dossier], *, indent: int | None = 2) -> str:
    """One dossier as an object, several as an array."""
    data = to_dict(dossiers)
    return json.dumps(data, ensure_ascii=False, indent=indent) + "\n"
