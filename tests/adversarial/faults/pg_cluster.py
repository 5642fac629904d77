"""A throw-away PostgreSQL cluster of our own, for faults the shared server must not suffer.

Stopping and restarting a server is a fault no test may inflict on the shared one at
127.0.0.1:5432. ``ThrowawayCluster`` runs the same server binaries (``initdb`` and
``pg_ctl`` of the newest /usr/lib/postgresql/*/bin, as the ``postgres`` user, since the
server refuses to run as root) on a free port, with its data and socket in a temporary
folder, ``fsync`` off. initdb takes about 2 s, a stop or a start well under one.
"""

from __future__ import annotations

import contextlib
import glob
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from tests.adversarial.faults.tally import record

SERVER_USER = "postgres"


def server_binaries() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    if not found:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayCluster:
    """``start``, ``stop`` (immediate: what a crash or a power cut looks like), ``restart``."""

    def __init__(self) -> None:
        self.bin = server_binaries()
        self.root = Path(tempfile.mkdtemp(prefix="auditlog-faults-pg-"))
        shutil.chown(self.root, SERVER_USER)
        self.data = self.root / "data"
        self.port = free_port()
        self._as_server("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                        "--no-sync", "-E", "UTF8")  # fmt: skip
        self.start()
        self._psql("CREATE DATABASE audit")
        self._psql("CREATE EXTENSION IF NOT EXISTS pg_trgm", database="audit")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/audit"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c full_page_writes=off -c shared_buffers=16MB"
        )
        self._pg_ctl("start", "-o", options, "-l", str(self.root / "server.log"))

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "immediate")
        record("fault:postgres-server-stopped")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _pg_ctl(self, *args: str) -> None:
        self._as_server("pg_ctl", "-D", str(self.data), "-w", "-t", "30", *args)

    def _psql(self, sql: str, database: str = "postgres") -> None:
        command = [str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"]
        if not (self.bin / "psql").exists():
            command[0] = "psql"
        subprocess.run(
            [*command, "-p", str(self.port), "-U", "postgres", "-d", database, "-c", sql],
            check=True,
            capture_output=True,
        )

    def _as_server(self, program: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", SERVER_USER, "--", str(self.bin / program), *args],
            check=True,
            capture_output=True,
            cwd=self.root,
        )
