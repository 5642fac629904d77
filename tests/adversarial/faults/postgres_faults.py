"""PostgreSQL faults on the shared test server, touching only this test's own sessions.

* ``end_my_sessions``: the server ends the sessions this process holds
  (``pg_terminate_backend``), which is what a client sees when the server restarts or an
  administrator kills it. Sessions are picked by the client port of this process's own TCP
  sockets, so no other test's (or engineer's) session is touched.
* ``events_locked``: another session holds ACCESS EXCLUSIVE on this schema's ``events``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator

import psycopg

from tests.adversarial.faults.tally import record


def conninfo(url: str) -> str:
    """A libpq URI from the SQLAlchemy URL the tests use (``postgresql+psycopg://...``)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def admin_session(url: str) -> psycopg.Connection:
    return psycopg.connect(conninfo(url), autocommit=True, connect_timeout=5)


def my_client_ports() -> set[int]:
    """Local TCP ports of the sockets this process holds open."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            link = os.readlink(f"/proc/self/fd/{fd}")
            if link.startswith("socket:["):
                inodes.add(link[len("socket:[") : -1])
    ports = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        with open(table, encoding="ascii") as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def my_sessions(session: psycopg.Connection) -> list[tuple[int, str, str | None]]:
    """(pid, state, wait_event_type) of the sessions auditlog's store holds in this process
    (the store names itself ``auditlog``; the test fixtures' own sessions are left alone)."""
    rows = session.execute(
        "SELECT pid, state, wait_event_type FROM pg_stat_activity"
        " WHERE client_port = ANY(%s) AND pid <> pg_backend_pid()"
        " AND application_name = 'auditlog'",
        (sorted(my_client_ports()),),
    ).fetchall()
    return [(pid, state, wait) for pid, state, wait in rows]


def end_my_sessions(url: str) -> int:
    """Terminate every session the store holds in this process; returns how many."""
    with admin_session(url) as session:
        pids = [pid for pid, _state, _wait in my_sessions(session)]
        for pid in pids:
            session.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    record("fault:postgres-sessions-terminated")
    return len(pids)


def wait_for_lock_waiter(session: psycopg.Connection, seconds: float = 10.0) -> int:
    """The pid of one of this process's sessions once it waits for a lock."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for pid, _state, wait in my_sessions(session):
            if wait == "Lock":
                return pid
        time.sleep(0.02)
    raise AssertionError("no session of this process came to wait for the lock")


@contextlib.contextmanager
def events_locked(url: str) -> Iterator[psycopg.Connection]:
    """Another session holding ACCESS EXCLUSIVE on ``events`` (as a long migration or a
    ``VACUUM FULL`` would) until the block ends; yields an autocommit session for looking."""
    holder = psycopg.connect(conninfo(url), connect_timeout=5)
    observer = admin_session(url)
    try:
        holder.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
        record("fault:postgres-access-exclusive-lock")
        yield observer
    finally:
        holder.rollback()
        holder.close()
        observer.close()
