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
#: How long a SQLite writer waits for another one before giving up (milliseconds).
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
        if database and database != ":memory:" and not database.startswith("file:"):
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreUnavailable(
                    f"database {describe(url)}: cannot create its folder: {error.strerror}"
                ) from error
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5, "application_name": APP_NAME},
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # WAL lets the viewer read while an ingest writes; NORMAL is durable across app crashes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


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
