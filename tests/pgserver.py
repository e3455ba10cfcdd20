"""A throwaway PostgreSQL server (Debian's postgresql 15, trust auth, loopback only).

Used by the test fixtures and by benchmarks/bench_ingest.py, so both start it the same way.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _run(cmd: str) -> None:
    # initdb refuses to run as root: run the server as the postgres system user then.
    argv = ["su", "postgres", "-c", cmd] if os.geteuid() == 0 else ["bash", "-c", cmd]
    subprocess.run(argv, check=True, capture_output=True, timeout=120)


def start_postgres(prefix: str = "storyline-pg-") -> tuple[str, Path] | str:
    """Start a server in a temp dir; return (SQLAlchemy URL, dir), or why it cannot start."""
    initdb = PG_BIN / "initdb"
    if not initdb.exists():
        return f"PostgreSQL is not installed ({initdb} missing); .ci/run installs it"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e .[postgres])"
    root = Path(tempfile.mkdtemp(prefix=prefix))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    _run(f"{initdb} -D {root}/data -U postgres --auth=trust -E UTF8 >{root}/initdb.log 2>&1")
    _run(
        f"{PG_BIN}/pg_ctl -D {root}/data -o '-p {port} -k {root} -c listen_addresses=127.0.0.1'"
        f" -l {root}/server.log -w start"
    )
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", root


def stop_postgres(root: Path) -> None:
    try:
        _run(f"{PG_BIN}/pg_ctl -D {root}/data -m immediate stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)
