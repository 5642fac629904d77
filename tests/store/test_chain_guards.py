"""The events table is append-only: UPDATE, DELETE and TRUNCATE are refused except the purge.

On PostgreSQL the trigger binds every role but superusers (who can disable triggers anyway);
these tests act as a plain role. On SQLite the triggers stop a stray statement from any
connection but auditlog's purging one.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, exc, text

from tests.conftest import ADMIN, make_event


@pytest.fixture
def stored(store, backend, db_url) -> None:  # type: ignore[no-untyped-def]
    """Six events in two appends, of which the first three are past retention."""
    if backend == "postgresql":  # this process's schema may hold an earlier test's chain
        engine = create_engine(db_url)
        with engine.begin() as connection:
            for table in ("chain_checkpoints", "chain_segments", "events"):
                connection.execute(text(f"DELETE FROM {table}"))
        engine.dispose()
    store.add_account(ADMIN)
    store.append([make_event(n, age=timedelta(days=200 + n)) for n in range(3)])
    store.append([make_event(10 + n) for n in range(3)])


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET body = body",
        "DELETE FROM events",
        "TRUNCATE events",
        "UPDATE chain_segments SET head = head",
        "DELETE FROM chain_segments",
        "TRUNCATE chain_checkpoints",
    ],
)
def test_postgresql_refuses_changes_for_a_plain_role(db_url, stored, statement) -> None:
    with _plain_role(db_url) as connection, pytest.raises(exc.DBAPIError, match="append-only"):
        connection.execute(text(statement))


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_postgresql_lets_the_purge_delete(db_url, stored) -> None:
    with _plain_role(db_url) as connection:
        connection.execute(text("SET LOCAL auditlog.purging = 'on'"))
        assert (
            connection.execute(text("DELETE FROM events WHERE event_id = 'evt_000000'")).rowcount
            == 1
        )
        with pytest.raises(exc.DBAPIError, match="append-only"):  # only events, only DELETE
            connection.execute(text("UPDATE events SET body = body"))


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"], indirect=True)
def test_the_store_purge_passes_the_guard(store, stored) -> None:
    assert store.purge() == 3
    assert store.verify(ADMIN.email).valid


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET body = body",
        "DELETE FROM events",
        "UPDATE chain_segments SET head = head",
        "DELETE FROM chain_segments",
        "DELETE FROM chain_checkpoints",
    ],
)
def test_sqlite_refuses_changes_from_another_connection(store, db_url, stored, statement) -> None:
    store.purge()  # so that there are checkpoints too
    connection = sqlite3.connect(db_url)
    try:
        with pytest.raises(sqlite3.DatabaseError, match=r"append-only|auditlog_purging"):
            connection.execute(statement)
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (3,)
    finally:
        connection.close()


class _plain_role:
    """A connection acting as a new role with every table privilege but no superuser."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.role = f"auditlog_plain_{uuid.uuid4().hex[:8]}"

    def __enter__(self):  # type: ignore[no-untyped-def]
        with self.engine.begin() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            connection.execute(text(f'CREATE ROLE "{self.role}"'))
            connection.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{self.role}"'))
            connection.execute(
                text(f'GRANT ALL ON ALL TABLES IN SCHEMA "{schema}" TO "{self.role}"')
            )
        self.connection = self.engine.connect()
        self.transaction = self.connection.begin()
        self.connection.execute(text(f'SET LOCAL ROLE "{self.role}"'))
        return self.connection

    def __exit__(self, *exc_info: object) -> None:
        self.transaction.rollback()
        self.connection.close()
        with self.engine.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{self.role}"'))
            connection.execute(text(f'DROP ROLE "{self.role}"'))
        self.engine.dispose()
