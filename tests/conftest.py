"""Shared fixtures: a fixed clock, an event factory, and stores on both backends.

PostgreSQL: the server named by ``AUDITLOG_TEST_PG_URL`` (default: the local one at
127.0.0.1:5432, database ``test``). Each test process works in a schema of its own, so
parallel runs never meet. Without a server the PostgreSQL half skips, except when ``CI``
is set: then it fails, because CI must prove both backends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tui.domain.access import Principal
from tui.domain.event import AuditEvent, format_timestamp
from tui.domain.validation import parse_event

# Speed is measured by the benchmark, never asserted: no Hypothesis deadlines, which fail
# at random on a loaded two-core machine.
settings.register_profile(
    "auditlog", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("auditlog")

FIXED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PG_URL = os.environ.get("AUDITLOG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


class FakeClock:
    """A clock tests can move: ``clock.now += timedelta(days=1)``."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def raw_event(n: int = 0, **overrides: Any) -> dict[str, Any]:
    """A valid raw event (JSON-shaped dict); ``overrides`` replace top-level fields.

    ``tenant=`` sets context.tenant (None for the portal, else a tenant id);
    ``age=`` sets the timestamp as a timedelta before FIXED_NOW.
    """
    tenant = overrides.pop("tenant", "t_01")
    age = overrides.pop("age", timedelta(minutes=n + 1))
    mail = overrides.pop("mail", "ada.admin@example.com")
    event: dict[str, Any] = {
        "id": f"evt_{n:06d}",
        "type": "Collector Created",
        "timestamp": format_timestamp(FIXED_NOW - age),
        "performer": {"id": "usr_ada", "mail": mail, "name": "Ada Admin", "role": "Admin"},
        "context": {
            "tenant": None if tenant is None else {"id": tenant, "name": f"Tenant {tenant}"},
            "source_ip": "203.0.113.7",
            "user_agent": "Mozilla/5.0",
        },
        "target": {"kind": "collector", "id": f"col_{n}", "name": f"Collector {n}"},
        "summary": f"Created collector Collector {n}",
        "details": {},
    }
    event.update(overrides)
    return event


def make_event(n: int = 0, **overrides: Any) -> AuditEvent:
    return parse_event(raw_event(n, **overrides))


ADMIN = Principal("ada.admin@example.com", "Ada Admin", "Admin")
SUPERVISOR = Principal("sam.super@example.com", "Sam Super", "Supervisor", frozenset({"t_01"}))
ANALYST = Principal("ann.analyst@example.com", "Ann Analyst", "Analyst")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A fresh schema on the test server for this test process, dropped afterwards."""
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.begin() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "no server"
        engine.dispose()
        reason = f"PostgreSQL at {PG_URL} is not reachable: {str(error).splitlines()[0]}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so the PostgreSQL half must run)")
        pytest.skip(reason)
    schema = f"auditlog_test_{uuid.uuid4().hex[:10]}"
    with engine.begin() as connection:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{schema},public"
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path, request: pytest.FixtureRequest) -> str:  # type: ignore[no-untyped-def]
    """A database URL with the current schema and no rows, on the parametrised backend."""
    if backend == "sqlite":
        return str(tmp_path / "audit.sqlite3")
    url = request.getfixturevalue("pg_schema_url")
    _empty_postgres(url)
    return url


def _empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    with engine.begin() as connection:
        if inspect(connection).has_table("events"):
            connection.execute(
                text(
                    "TRUNCATE events, tenants, accounts, account_tenants, settings, "
                    "chain_segments, chain_checkpoints"
                )
            )
    engine.dispose()


@pytest.fixture
def store(db_url: str, clock: FakeClock):  # type: ignore[no-untyped-def]
    from tui.store.repository import AuditStore

    opened = AuditStore.open(db_url, clock=clock)
    yield opened
    opened.close()
