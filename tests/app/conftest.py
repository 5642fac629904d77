"""A small, deterministic audit log on SQLite and helpers to drive the viewer with Pilot.

250 events over the last ~6.5 days (three pages in the default 7-day range), in the portal
and three tenants, by three performers of whom one has been erased since; every ``...
Updated`` event carries changes; one event is hostile (escape sequences, markup, controls).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ADMIN, ANALYST, FIXED_NOW, FakeClock
from tui.domain.access import Principal
from tui.domain.catalog import CATALOG
from tui.domain.event import AuditEvent, format_timestamp
from tui.domain.validation import parse_event

TENANTS = (("t_acme", "Acme Corp"), ("t_globex", "Globex"), ("t_initech", "Initech"), None)
PERFORMERS = (
    ("usr_ada", "ada.admin@example.com", "Ada Admin", "Admin"),
    ("usr_bob", "bob.ops@example.com", "Bob Ops", "Admin"),
    ("usr_eve", "eve.gone@example.com", "Eve Gone", "Supervisor"),
)
SUPERVISOR = Principal("sam.super@example.com", "Sam Super", "Supervisor", frozenset({"t_acme"}))
ERASED = Principal("eve.gone@example.com", "Eve Gone", "Supervisor", frozenset({"t_globex"}))
HOSTILE_ID = "evt_hostile"
HOSTILE_SUMMARY = "\x1b[2J\x1b[31m[bold red]pwned[/] \x07 \x9b6n" + "x" * 400
SEEDED = 250


def raw(n: int, **overrides: Any) -> dict[str, Any]:
    kind = CATALOG[(n * 7) % len(CATALOG)]
    tenant = TENANTS[n % len(TENANTS)]
    performer = PERFORMERS[n % len(PERFORMERS)]
    details: dict[str, Any] = {}
    if kind.is_update:
        details = {
            "changes": [
                {"field": "name", "old": f"Old name {n}", "new": f"New name {n}"},
                {"field": "enabled", "old": True, "new": False},
            ]
        }
    if kind.is_failure:
        details = {"reason": "the gateway did not answer"}
    event = {
        "id": f"evt_{n:04d}",
        "type": kind.name,
        "timestamp": format_timestamp(FIXED_NOW - timedelta(minutes=37 * n + 5)),
        "performer": dict(zip(("id", "mail", "name", "role"), performer, strict=True)),
        "context": {
            "tenant": None if tenant is None else {"id": tenant[0], "name": tenant[1]},
            "source_ip": f"203.0.113.{n % 250}",
            "user_agent": "Mozilla/5.0",
        },
        "target": {"kind": "object", "id": f"obj_{n}", "name": f"Object {n}"},
        "summary": f"{kind.name} on Object {n}",
        "details": details,
    }
    event.update(overrides)
    return event


def seeded_events(count: int = SEEDED) -> list[AuditEvent]:
    events = [parse_event(raw(n)) for n in range(count)]
    events.append(
        parse_event(
            raw(
                3,  # a portal "Collector Agent Updated"... whatever type n=3 gives
                id=HOSTILE_ID,
                summary=HOSTILE_SUMMARY,
                timestamp=format_timestamp(FIXED_NOW - timedelta(days=6, hours=23)),
            )
        )
    )
    return events


def open_store(path: Path | str, clock: FakeClock, events: list[AuditEvent] | None = None):  # type: ignore[no-untyped-def]
    from tui.store.repository import AuditStore

    store = AuditStore.open(str(path), clock=clock)
    store.add_accounts([ADMIN, SUPERVISOR, ANALYST, ERASED])
    store.erase_account(ERASED.email)
    if events:
        store.append(events)
    return store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.sqlite3"


@pytest.fixture
def audit_store(db_path: Path, clock: FakeClock) -> Iterator[Any]:
    store = open_store(db_path, clock, seeded_events())
    yield store
    store.close()


@pytest.fixture
def empty_store(db_path: Path, clock: FakeClock) -> Iterator[Any]:
    store = open_store(db_path, clock)
    yield store
    store.close()


def make_app(  # type: ignore[no-untyped-def]
    store: Any,
    email: str = ADMIN.email,
    clock: FakeClock | None = None,
    *,
    record_reading: bool = False,
):
    """The viewer on ``store``; by default it does not record its readings, so the log a
    test (or a snapshot) looks at stays exactly as seeded."""
    from tui.app.app import AuditLogApp

    return AuditLogApp(
        store, email, clock=clock or FakeClock(), zone=UTC, record_reading=record_reading
    )


def drive(app: Any, scenario: Callable[[Any], Awaitable[None]], size=(80, 24)) -> None:  # type: ignore[no-untyped-def]
    """Run ``scenario(pilot)`` against ``app`` once its first load has settled.

    The suite has no async pytest plugin, so each test drives its own event loop.
    """

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(main())


def break_database(store, db_path: Path) -> bytes:  # type: ignore[no-untyped-def]
    """Replace the SQLite file by garbage (closing the pool first); return the original."""
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    original = db_path.read_bytes()
    db_path.write_bytes(b"this is not a database" * 512)
    return original


def repair_database(store, db_path: Path, original: bytes) -> None:  # type: ignore[no-untyped-def]
    store.close()
    db_path.write_bytes(original)


def cells(table: Any, key: str) -> list[str]:
    """The text of column ``key`` ("time", "type", "where", ...) in every row, stripped.

    By key, not position: the columns shown depend on the table's width.
    """
    return [str(cell).strip() for cell in table.get_column(key)]


def footer_keys(app: Any) -> list[str]:
    """The descriptions of the keys the footer of ``app``'s screen shows, in order."""
    from tui.app.widgets.key_footer import KeyFooter

    return [key.description for key in app.screen.query_one(KeyFooter).keys]


async def settle(pilot: Any) -> None:
    """Wait until every worker is done (superseded ones too) and every message handled."""
    from textual.worker import WorkerCancelled

    for _ in range(3):
        for worker in list(pilot.app.workers):
            # A superseded worker reports itself cancelled; its thread has still ended.
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()


__all__ = ["ADMIN", "ANALYST", "FIXED_NOW", "FakeClock"]
