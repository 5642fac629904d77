"""Helpers for the repository suite.

The store has no call to re-assign an account's tenants or change its role (the command line
only adds and erases), so ``reassign`` and ``set_role`` edit those rows directly, through an
engine of their own, the way another process sharing the database would.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Executable, create_engine, delete, text, update

from tests.conftest import ADMIN, ANALYST, PG_URL, SUPERVISOR, FakeClock, make_event
from tui.domain.access import Principal
from tui.domain.catalog import event_type
from tui.domain.event import AuditEvent
from tui.domain.query import Cursor, EventQuery
from tui.domain.search import normalise
from tui.domain.timerange import RangePreset, TimeRange
from tui.store.engine import connect, resolve_url
from tui.store.schema import account_tenants, accounts

VIEWER = Principal("vic.viewer@example.com", "Vic Viewer", "Viewer")
#: A supervisor of two tenants, one of which (t_03) no other fixture account holds.
SUPERVISOR_2 = Principal(
    "sue.super@example.com", "Sue Super", "Supervisor", frozenset({"t_02", "t_03"})
)
#: A supervisor with no tenants at all: portal activity only.
SUPERVISOR_NONE = Principal("nat.none@example.com", "Nat None", "Supervisor")
ERASED_ADMIN = Principal("eve.erased@example.com", "Eve Erased", "Admin", erased=True)
EVERYONE = (ADMIN, SUPERVISOR, SUPERVISOR_2, SUPERVISOR_NONE, ANALYST, VIEWER, ERASED_ADMIN)


def window(clock: FakeClock, **filters: Any) -> EventQuery:
    """A query over the whole retention window (the last 180 days) with ``filters``."""
    return EventQuery(time_range=TimeRange.last(RangePreset.LAST_180D, clock.now), **filters)


def ids(events: Iterable[AuditEvent]) -> list[str]:
    return [e.id for e in events]


def all_pages(reader, query: EventQuery, limit: int = 3) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    """Every page of ``query`` concatenated, following the cursors."""
    found: list[AuditEvent] = []
    after: Cursor | None = None
    for _ in range(10_000):
        page = reader.page(query, after, limit)
        assert len(page.events) <= limit
        found.extend(page.events)
        if page.next_cursor is None:
            return found
        assert page.events, "a page with a next cursor must hold events"
        after = page.next_cursor
    raise AssertionError("pagination did not end")


def newest_first(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """The order the store promises: time descending, then id descending (byte order)."""
    return sorted(events, key=lambda e: (e.occurred_at, e.id.encode()), reverse=True)


def typed_event(n: int, type_name: str, **overrides: Any) -> AuditEvent:
    """``make_event`` for any catalog type, adding the details that type requires."""
    kind = event_type(type_name)
    assert kind is not None, type_name
    details: dict[str, Any] = {}
    if kind.is_update:
        details["changes"] = [{"field": "name", "old": "before", "new": "after"}]
    if kind.is_failure:
        details["reason"] = "the remote end refused"
    overrides.setdefault("details", details)
    return make_event(n, type=type_name, **overrides)


def searchable_fields(event: AuditEvent) -> list[str]:
    """The fields free-text search looks through, per the spec: summary, performer, target,
    tenant (or "portal"), source IP and type."""
    tenant = event.tenant
    return [
        event.summary,
        event.performer.mail,
        event.performer.name,
        event.target.name,
        event.target.id,
        tenant.name if tenant else "portal",
        tenant.id if tenant else "",
        event.context.source_ip,
        event.type.name,
    ]


def text_matches(event: AuditEvent, terms: Iterable[str]) -> bool:
    """The search oracle: every term is a case-insensitive substring of one field (whose
    whitespace runs count as one space, as they do in terms)."""
    fields = [" ".join(normalise(f).split()) for f in searchable_fields(event)]
    return all(any(term in f for f in fields) for term in terms)


def days(n: float) -> timedelta:
    return timedelta(days=n)


def execute(db_url: str, *statements: Executable) -> None:
    """Run statements on the database behind ``db_url`` in one transaction of its own."""
    engine = connect(resolve_url(db_url))
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(statement)
    finally:
        engine.dispose()


def scalar(db_url: str, statement: str) -> object:
    """The one value ``statement`` reads from the database behind ``db_url``."""
    engine = connect(resolve_url(db_url))
    try:
        with engine.connect() as connection:
            return connection.execute(text(statement)).scalar()
    finally:
        engine.dispose()


def search_index_segments(db_url: str) -> int:
    """How many segments SQLite's trigram index (FTS5) holds."""
    return int(scalar(db_url, "SELECT count(DISTINCT segid) FROM events_fts_idx"))  # type: ignore[call-overload]


def indexed_events(start: int, count: int) -> list[AuditEvent]:
    """Events ``start`` .. ``start + count - 1``, a minute apart, each with a summary as long
    and as varied as a real event's search text (~190 characters), so that the trigram
    index holds as much for them as for real ones. Event n's says "signing key {n:05d}"."""
    return [
        make_event(
            n,
            age=timedelta(minutes=n + 1),
            summary=f"Rotated signing key {n:05d} for the collector fleet of region {n % 7}: "
            + " ".join(f"{n * k:x}" for k in range(3, 30)),
        )
        for n in range(start, start + count)
    ]


def found_ids(store: Any, clock: FakeClock, words: str) -> list[str]:
    """The ids of the events an Admin's search for ``words`` finds, sorted."""
    return sorted(ids(store.reader(ADMIN.email).stream(window(clock, text=words))))


def append_as_of(engine: Engine, batch: list[AuditEvent]) -> None:
    """One append of ``batch`` into a database at an older revision, as that revision's
    append wrote it (driver level, one chain segment; no ``AuditStore``, which would upgrade
    the database first)."""
    from tui.store import appending, repository

    with engine.begin() as connection:
        appending.lock(connection)
        segment, prev = appending.head(connection)
        rows, head = appending.chain_rows(
            [repository._event_row(e) for e in batch], segment + 1, prev
        )
        appending.insert(connection, rows)
        appending.record_segment(connection, segment + 1, prev, head, len(rows), 0)


def downgrade(db_url: str, revision: str) -> None:
    """Run the migrations down to ``revision``."""
    from alembic import command

    from tui.store import migrate

    engine = connect(resolve_url(db_url))
    try:
        with engine.begin() as connection:
            config = migrate._config()
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def reassign(db_url: str, email: str, tenant_ids: Iterable[str]) -> None:
    """Replace an account's tenant assignments, as an administrator elsewhere would."""
    rows = [{"email": email, "tenant_id": t} for t in sorted(tenant_ids)]
    statements: list[Executable] = [delete(account_tenants).where(account_tenants.c.email == email)]
    if rows:
        statements.append(account_tenants.insert().values(rows))
    execute(db_url, *statements)


def set_role(db_url: str, email: str, role: str) -> None:
    execute(db_url, update(accounts).where(accounts.c.email == email).values(role=role))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once per session, for ``db_url`` to copy."""
    from tui.store.repository import AuditStore

    path = tmp_path_factory.mktemp("template") / "audit.sqlite3"
    AuditStore.open(str(path)).close()
    assert not Path(f"{path}-wal").exists(), "the template must be one self-contained file"
    return path


@pytest.fixture(scope="session")
def pg_emptier(pg_schema_url: str) -> Iterator[Engine]:
    """An engine on the session's PostgreSQL schema, migrated, kept to empty it quickly."""
    from tui.store.repository import AuditStore

    AuditStore.open(pg_schema_url).close()
    engine = create_engine(pg_schema_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """As in ``tests/conftest.py`` (the current schema, no rows), only faster, which this
    suite of several hundred store tests needs: SQLite copies a database migrated once,
    PostgreSQL deletes rows over a connection kept for the session."""
    if backend == "sqlite":
        path = tmp_path / "audit.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return str(path)
    url: str = request.getfixturevalue("pg_schema_url")
    with request.getfixturevalue("pg_emptier").begin() as connection:
        for table in (
            "account_tenants",
            "accounts",
            "events",
            "tenants",
            "settings",
            "chain_segments",
            "chain_checkpoints",
        ):
            connection.execute(text(f"DELETE FROM {table}"))
    return url


@pytest.fixture
def everyone(store) -> None:  # type: ignore[no-untyped-def]
    """Every fixture account (admin, supervisors, analyst, viewer, an erased admin)."""
    store.add_accounts(EVERYONE)


@pytest.fixture
def fresh_url(backend: str, tmp_path, request: pytest.FixtureRequest) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A database with no schema at all (a new file, or a new PostgreSQL schema)."""
    if backend == "sqlite":
        yield str(tmp_path / "fresh.sqlite3")
        return
    request.getfixturevalue("pg_schema_url")  # skips (or fails under CI) without a server
    schema = f"auditlog_fresh_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options=-csearch_path%3D{schema},public"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
