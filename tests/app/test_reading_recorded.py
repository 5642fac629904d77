"""Reading the log in the viewer is recorded in it, and V verifies the chain in the background.

Opening the viewer, each download and each verification become events of the reader (area
"Audit Log Access") on both backends; a failure to record is a warning, never the end of
the reading. Verifying is for Admins; a Supervisor is told why not; Esc cancels.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

import pytest

from tests.app.conftest import (
    SEEDED,
    SUPERVISOR,
    cells,
    drive,
    make_app,
    open_store,
    seeded_events,
    settle,
)
from tests.conftest import ADMIN
from tui.app.widgets.verify_dialog import VerifyDialog
from tui.domain.catalog import Area
from tui.domain.errors import StoreUnavailable
from tui.domain.query import EventQuery
from tui.domain.reading import EXPORTED, OPENED, VERIFIED
from tui.store.repository import AuditStore


def _readings(store: Any, clock: Any, action: str) -> list[Any]:
    """The recorded ``action`` events, newest first (read as the admin)."""
    query = EventQuery.default(clock()).with_changes(types=frozenset({action}))
    return list(store.reader(ADMIN.email).stream(query))


def _notes(app: Any) -> list[tuple[str, str, str]]:
    return [(n.title, n.message, n.severity) for n in app._notifications]


async def _until(pilot: Any, condition: Any, seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await pilot.pause(0.02)


@pytest.fixture
def store(db_url, clock, backend):  # type: ignore[no-untyped-def]
    opened = open_store(db_url, clock, seeded_events())
    yield opened
    opened.close()


def test_opening_is_recorded_once_and_shown_after_a_refresh(store, clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app(store, clock=clock, record_reading=True)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("r")
        await settle(pilot)
        table = app.screen.table
        assert cells(table, "type")[0] == OPENED
        assert str(app.screen.status.render()).startswith(f"{SEEDED + 2} events")

    drive(app, scenario)
    (opened,) = _readings(store, clock, OPENED)
    assert opened.performer.mail == ADMIN.email and opened.performer.role == "Admin"
    assert opened.area == Area("Audit Log Access")
    assert opened.tenant is None
    assert opened.details == {"interface": "viewer"}
    assert opened.context.user_agent.endswith("(viewer)")


def test_a_download_is_recorded_with_its_query(store, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(store, clock=clock, record_reading=True)
    target = tmp_path / "object-12.csv"

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("slash", *'"object 12"', "enter")
        await settle(pilot)
        await pilot.press("escape", "w")
        await pilot.pause()
        app.screen.query_one("#formats").children[1].value = True  # CSV
        await pilot.pause()
        app.screen.query_one("#path").value = str(target)
        app.screen.query_one("#path").focus()
        await pilot.press("enter")
        await _until(pilot, lambda: screen.download is None)

    drive(app, scenario)
    (exported,) = _readings(store, clock, EXPORTED)
    assert exported.performer.mail == ADMIN.email
    assert exported.area == Area("Audit Log Access")
    details = exported.details
    assert details["interface"] == "viewer" and details["format"] == "csv"
    assert details["events"] == 11 and details["completed"] is True
    assert details["query"]["text"] == '"object 12"'
    assert details["query"]["scope"] == {"portal": True, "tenants": "all"}
    assert len(target.read_bytes().splitlines()) == 1 + 11  # the header and the rows


def test_v_verifies_shows_valid_and_is_recorded(store, clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app(store, clock=clock, record_reading=True)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("V")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, VerifyDialog) and dialog.outcome == "valid"
        shown = str(dialog.query_one("#result").render())
        # The seeded events and the reader's own opening, recorded before.
        assert shown.startswith("VALID") and f"{SEEDED + 2} events" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

    drive(app, scenario)
    (verified,) = _readings(store, clock, VERIFIED)
    assert verified.performer.mail == ADMIN.email
    assert verified.area == Area("Audit Log Access")
    assert verified.details["interface"] == "viewer"
    assert verified.details["result"] == "VALID"
    assert verified.details["events"] == SEEDED + 2 and verified.details["findings"] == 0


def test_a_supervisor_is_refused_and_nothing_is_verified(store, clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app(store, SUPERVISOR.email, clock=clock, record_reading=True)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("V")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, VerifyDialog) and dialog.outcome == "failed"
        shown = str(dialog.query_one("#result").render())
        assert "No access" in shown and "only Admin accounts may verify" in shown

    drive(app, scenario)
    assert _readings(store, clock, VERIFIED) == []
    assert [e.performer.mail for e in _readings(store, clock, OPENED)] == [SUPERVISOR.email]


def test_nothing_is_recorded_when_the_app_is_told_not_to(store, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(store, clock=clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("V")
        await settle(pilot)

    drive(app, scenario)
    for action in (OPENED, EXPORTED, VERIFIED):
        assert _readings(store, clock, action) == []


def test_a_reading_that_cannot_be_recorded_is_a_warning_not_the_end(
    audit_store, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    def refuse(self, batch):  # type: ignore[no-untyped-def]
        raise StoreUnavailable("database sqlite:audit: attempt to write a readonly database")

    monkeypatch.setattr(AuditStore, "append", refuse)
    app = make_app(audit_store, clock=clock, record_reading=True)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        assert app.screen.table.row_count == 100  # the reading goes on
        title, message, severity = _notes(app)[-1]
        assert title == "Reading not recorded" and severity == "warning"
        assert message.startswith(f"{OPENED} was not recorded in the log: ")
        assert "readonly" in message

    drive(app, scenario)


def test_a_tampered_log_lists_its_findings_inertly(db_path, audit_store, clock) -> None:  # type: ignore[no-untyped-def]
    """An insider with the database file drops the append-only triggers and edits."""
    with sqlite3.connect(db_path) as connection:
        triggers = connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        for (name,) in triggers.fetchall():
            connection.execute(f'DROP TRIGGER "{name}"')
        connection.execute(
            "UPDATE events SET body = replace(body, 'Object 5', 'Object X') "
            "WHERE event_id = 'evt_0005'"
        )
        connection.execute("DELETE FROM events WHERE event_id = ?", ("evt_hostile",))
    app = make_app(audit_store, clock=clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("V")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, VerifyDialog) and dialog.outcome == "tampered"
        shown = str(dialog.query_one("#result").render())
        assert shown.startswith("TAMPERED: ")
        assert "evt_0005" in shown
        assert "\x1b" not in shown

    drive(app, scenario)


def test_esc_cancels_a_running_verification(audit_store, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def slow_verify(self, email, *, progress=None):  # type: ignore[no-untyped-def]
        for done in range(0, 100_000, 100):
            progress(done, 100_000)
            time.sleep(0.01)
        raise AssertionError("the verification was not cancelled")

    monkeypatch.setattr(AuditStore, "verify", slow_verify)
    app = make_app(audit_store, clock=clock, record_reading=True)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("V")
        dialog = app.screen
        assert isinstance(dialog, VerifyDialog)
        await _until(
            pilot, lambda: "of 100,000 events checked" in str(dialog.query_one("#checked").render())
        )
        await pilot.press("escape")
        await _until(pilot, lambda: screen.verifying is None)
        assert app.screen is screen

    drive(app, scenario)
    assert _readings(audit_store, clock, VERIFIED) == []
