"""Shared fixtures: a SQLite store, a real PostgreSQL server when the machine has one, paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgserver import start_postgres, stop_postgres

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
SHARED_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))
SEEDS = ROOT.parent / "shared" / "seeds"


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test saying why."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not on this machine: {path} (see ../shared/data/README.md)")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Start a throwaway PostgreSQL server (trust auth, loopback); yield its base URL."""
    url = os.environ.get("STORYLINE_TEST_PG")
    if url:
        yield url
        return
    started = start_postgres()
    if isinstance(started, str):
        pytest.skip(started)
    url, root = started
    try:
        yield url
    finally:
        stop_postgres(root)


_db_counter = iter(range(1_000_000))


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh database on the session's server for each test."""
    import psycopg

    name = f"t{os.getpid()}_{next(_db_counter)}"
    plain = postgres_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Runs a test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[object]:
    from storyline.store import open_store

    with open_store(store_url) as s:
        yield s
