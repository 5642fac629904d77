"""Which database, and how to connect to it.

``--db`` / ``AUDITLOG_DB`` take a SQLAlchemy URL or a plain file path (SQLite). Without either,
the database is ``auditlog.sqlite3`` in the user's data directory, created on first use.

SQLAlchemy is imported inside the functions that need it, not at the top: the viewer names
its database in the first frame (``quick_label``) and imports SQLAlchemy (a fifth of a
second) only afterwards, in a worker, so the frame is not kept waiting for it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tui.domain.errors import StoreUnavailable

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

APP_NAME = "auditlog"
DB_ENV = "AUDITLOG_DB"
#: How long a statement waits for a lock another program holds before giving up
#: (milliseconds): SQLite's busy timeout, and PostgreSQL's ``lock_timeout`` unless the
#: deployment set its own. (The name is older than its use on PostgreSQL; tests patch it.)
SQLITE_BUSY_TIMEOUT_MS = 10_000
_SHIPPED_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")


def data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "auditlog.sqlite3"


def demo_db_path() -> Path:
    """The demo's own file, beside (never over) the user's real database."""
    return data_dir() / "demo.sqlite3"


def _given(value: str | None) -> str:
    return value or os.environ.get(DB_ENV) or str(default_db_path())


def _sqlite_file(value: str) -> str:
    return str(Path(value).expanduser().absolute())


def quick_label(value: str | None) -> str | None:
    """``describe(resolve_url(value))`` for a file path, without importing SQLAlchemy.

    None for a URL: its label (password hidden, driver named) needs SQLAlchemy's parser.
    """
    value = _given(value)
    return None if "://" in value else f"sqlite:{_sqlite_file(value)}"


def resolve_url(value: str | None) -> URL:
    """Turn ``--db`` input (URL, path or nothing) into a SQLAlchemy URL for a driver we ship."""
    from sqlalchemy import exc
    from sqlalchemy.engine import URL, make_url

    value = _given(value)
    if "://" not in value:
        return URL.create("sqlite", database=_sqlite_file(value))
    try:
        url = make_url(value)
    except (exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise StoreUnavailable(f"{value!r} is neither a database URL nor a file path") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreUnavailable(
            f"unsupported database {url.get_backend_name()!r}; use SQLite or PostgreSQL"
        )
    if url.drivername not in _SHIPPED_DRIVERS:
        # Any other driver would fail with an ImportError deep inside SQLAlchemy.
        raise StoreUnavailable(
            f"the database driver {url.get_driver_name()!r} is not installed with auditlog; "
            "write the URL as sqlite:///PATH or postgresql://... (psycopg 3)"
        )
    return url


def describe(url: URL) -> str:
    """A short label for headers and messages; never shows a password."""
    if url.get_backend_name() == "sqlite":
        return f"sqlite:{url.database or ':memory:'}"
    return url.render_as_string(hide_password=True)


def connect(url: URL) -> Engine:
    """An engine with the settings each backend needs for a concurrent reader and writer."""
    from sqlalchemy import create_engine, event

    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        else:
            _create_once(database, describe(url))
            engine = create_engine(
                _existing_file_only(url, database),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            )
            event.listen(engine, "connect", _note_which_file(database))
            event.listen(engine, "checkout", _same_file_or_reconnect(database))
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5, "application_name": APP_NAME},
    )
    event.listen(engine, "connect", _postgresql_session)
    return engine


def _create_once(database: str, label: str) -> None:
    """Create the file (and its folder) if it does not exist yet: the first run, the demo.

    Done here, once, so that every connection after it opens the file read-write *without*
    creating it: a file moved away while the viewer is open is then an error, not an empty
    database silently made in its place ("no such table: accounts").
    """
    path = Path(database)
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # An empty file is an empty SQLite database; the mode is the one SQLite would use.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o644))
    except OSError as error:
        raise StoreUnavailable(f"database {label}: cannot create it: {error.strerror}") from error


def _existing_file_only(url: URL, database: str) -> URL:
    """``url`` as a SQLite URI that opens the file read-write and never creates it."""
    from urllib.parse import quote

    return url.set(database=f"file:{quote(database)}", query={"mode": "rw", "uri": "true"})


def _file_identity(database: str) -> tuple[int, int] | None:
    try:
        status = os.stat(database)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _note_which_file(database: str):  # type: ignore[no-untyped-def]
    """A "connect" listener: remember which file (device, inode) the connection opened."""

    def note(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        record.info["auditlog_file"] = _file_identity(database)

    return note


def _same_file_or_reconnect(database: str):  # type: ignore[no-untyped-def]
    """A "checkout" listener: a pooled connection whose file was moved, removed or replaced
    is dropped (the pool then opens the file now at the path, or reports why it cannot).

    An open SQLite connection reads on from the file it opened, wherever it was moved, so
    without this the viewer would go on showing a database that is no longer there. One
    ``os.stat`` a checkout.
    """

    def check(_dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        from sqlalchemy.exc import DisconnectionError

        now = _file_identity(database)
        if now is None or now != record.info.get("auditlog_file"):
            raise DisconnectionError("the database file was moved, removed or replaced")

    return check


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # WAL lets the viewer read while an ingest writes; NORMAL is durable across app crashes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _postgresql_session(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """No JIT, and a bound on every wait for a lock.

    The server compiles (JIT) any query whose estimated cost passes ``jit_above_cost``; the
    filter pickers' correlated counts look costly while reading little, and compiling took
    1.3 s of a 43 ms query at 10M events (issue 5); a capped count of a type in a tenant
    over 180 days took 1.2 s with it, 0.6 s without. The long reads here (export, verify)
    are plain scans that ran no faster with it (a 7-day export at 10M: 3.8-4.5 s with,
    3.9-4.1 s without).

    Every wait for a lock is bounded, as SQLite's busy timeout does: a table held by a long
    migration or a ``VACUUM FULL`` then gives "canceling statement due to lock timeout"
    instead of a frozen viewer. Only waiting for a lock is bounded, not a statement: a
    long export or verify runs as long as it needs.

    A lock timeout the deployment set already (the URL's ``options``, ``ALTER ROLE ... SET``,
    the server's configuration) is kept; ours applies only where there is none.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("SET jit = off")
    cursor.execute(
        "SELECT set_config('lock_timeout', %s, false) "
        "WHERE current_setting('lock_timeout') IN ('0', '0ms')",
        (f"{int(SQLITE_BUSY_TIMEOUT_MS)}ms",),
    )
    cursor.close()
    dbapi_connection.commit()  # the setting outlives this first transaction


@contextmanager
def translated_errors(label: str) -> Iterator[None]:
    """Turn database errors into ``StoreUnavailable`` with a message a user can act on."""
    from sqlalchemy import exc

    try:
        yield
    except exc.DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise StoreUnavailable(f"database {label}: {reason}") from error
    except exc.SQLAlchemyError as error:
        raise StoreUnavailable(f"database {label}: {error}") from error
