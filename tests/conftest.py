"""Shared fixtures: a SQLite store, a real PostgreSQL server when the machine has one, paths."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
SHARED_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))
SEEDS = ROOT.parent / "shared" / "seeds"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test saying why."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not on this machine: {path} (see ../shared/data/README.md)")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Start a throwaway PostgreSQL server (trust auth, loopback); yield its base URL."""
    url = os.environ.get("STORYLINE_TEST_PG")
    if url:
        yield url
        return
    initdb = PG_BIN / "initdb"
    if not initdb.exists():
        pytest.skip(f"PostgreSQL is not installed ({initdb} missing); .ci/run installs it")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e .[postgres])")
    root = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
    port = _free_port()
    as_root = os.geteuid() == 0

    def run(cmd: str) -> None:
        argv = ["su", "postgres", "-c", cmd] if as_root else ["bash", "-c", cmd]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    if as_root:
        shutil.chown(root, "postgres")
    run(f"{initdb} -D {root}/data -U postgres --auth=trust -E UTF8 >{root}/initdb.log 2>&1")
    run(
        f"{PG_BIN}/pg_ctl -D {root}/data -o '-p {port} -k {root} -c listen_addresses=127.0.0.1'"
        f" -l {root}/server.log -w start"
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(f"{PG_BIN}/pg_ctl -D {root}/data -m immediate stop")
        shutil.rmtree(root, ignore_errors=True)


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
