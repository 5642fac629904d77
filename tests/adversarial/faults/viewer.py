"""Looking at the viewer during a fault: its status line, notifications and rows.

Only what a user would see is read: the status line's text, the notifications, the notice
standing in for the table, and the rows' event ids.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from tests.conftest import ADMIN, FakeClock, make_event
from tui.domain.event import AuditEvent

#: Events seeded before a fault: three pages of the default (7-day) range and a bit.
SEEDED = 250


def seed_events(count: int = SEEDED, prefix: str = "evt_seed") -> list[AuditEvent]:
    return [
        make_event(n, id=f"{prefix}_{n:05d}", age=timedelta(minutes=7 * n + 3))
        for n in range(count)
    ]


def open_seeded(url: str, clock: FakeClock, count: int = SEEDED):  # type: ignore[no-untyped-def]
    from tui.store.repository import AuditStore

    store = AuditStore.open(url, clock=clock)
    store.add_account(ADMIN)
    if count:
        store.append(seed_events(count))
    return store


@contextmanager
def seeded_viewer(url: str) -> Iterator[Any]:
    """A viewer (not yet running) on ``url`` seeded with SEEDED events; the store is closed
    afterwards."""
    from tests.adversarial.conftest import make_viewer

    clock = FakeClock()
    store = open_seeded(url, clock)
    try:
        yield make_viewer(store, clock=clock)
    finally:
        store.close()


def status(app: Any) -> str:
    return str(app.screen.status.render())


def notes(app: Any) -> list[str]:
    """Every notification so far, "title: message"."""
    return [f"{n.title}: {n.message}" for n in app._notifications]


def notice(app: Any) -> str:
    """The notice standing in for the table ("" when the table is shown)."""
    shown = app.screen.notice
    return str(shown.render()) if shown.has_class("-shown") else ""


def on_screen(app: Any) -> str:
    """Everything a user could read about the state: status, notice, notifications."""
    return "\n".join([status(app), notice(app), *notes(app)])


def row_ids(app: Any) -> list[str]:
    table = app.screen.table
    return [table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(table.row_count)]


async def until(pilot: Any, condition: Callable[[], bool], seconds: float = 15.0) -> None:
    """Let the app run until ``condition()`` holds; fail after ``seconds``."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out; on screen:\n{on_screen(pilot.app)}")
        await pilot.pause(0.02)


def unavailable(app: Any) -> bool:
    """The viewer says the database cannot be used (status line, with the retry hint)."""
    return status(app) == "⚠ The database is unavailable — r to retry"
