"""Options are layered: defaults < user file < environment < explicit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.config import ConfigError, Options, load_options


def test_layers_override_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('db = "sqlite:///from-file.db"\nfetch_timeout = 5\nbatch_size = 7\n')
    monkeypatch.setenv("STORYLINE_CONFIG", str(cfg))
    monkeypatch.delenv("STORYLINE_DB", raising=False)
    assert load_options().db == "sqlite:///from-file.db"
    assert load_options().fetch_timeout == 5.0
    monkeypatch.setenv("STORYLINE_DB", "sqlite:///from-env.db")
    monkeypatch.setenv("STORYLINE_ALLOW_PRIVATE_URLS", "yes")
    opts = load_options()
    assert (opts.db, opts.allow_private_urls, opts.batch_size) == ("sqlite:///from-env.db", True, 7)
    # None means "flag not given" and leaves the lower layers alone.
    opts = load_options(db="sqlite:///from-flag.db", batch_size=None)
    assert (opts.db, opts.batch_size) == ("sqlite:///from-flag.db", 7)


def test_defaults_without_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYLINE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("STORYLINE_DB", raising=False)
    assert load_options() == Options()


def test_bad_values_name_their_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("colour = 'blue'\n")
    monkeypatch.setenv("STORYLINE_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match="unknown key 'colour'"):
        load_options()
    cfg.write_text("")
    monkeypatch.setenv("STORYLINE_FETCH_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="STORYLINE_FETCH_TIMEOUT"):
        load_options()
