"""Every database call runs off the UI thread, and the newest request's result is shown."""

from __future__ import annotations

import threading
import time
from functools import wraps
from pathlib import Path

import pytest

from tests.app.conftest import SEEDED, drive, make_app, settle
from tui.app.export_task import ExportCancelled, export
from tui.domain.query import EventQuery
from tui.domain.timerange import RangePreset, TimeRange
from tui.store.repository import AuditReader, AuditStore

READER_CALLS = (
    "page",
    "count",
    "facets",
    "facet_rounds",
    "tenants",
    "newer_count",
    "stored",
    "get",
)
STORE_CALLS = ("reader", "verify", "account", "append")


@pytest.fixture
def calls(monkeypatch) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """Record (method, ran on the main thread) for every store and reader call."""
    seen: list[tuple[str, bool]] = []

    def spy(cls, name):  # type: ignore[no-untyped-def]
        original = getattr(cls, name)

        @wraps(original)
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append((name, threading.current_thread() is threading.main_thread()))
            return original(*args, **kwargs)

        monkeypatch.setattr(cls, name, wrapper)

    for name in READER_CALLS:
        spy(AuditReader, name)
    for name in STORE_CALLS:
        spy(AuditStore, name)
    return seen


def test_no_database_call_runs_on_the_ui_thread(audit_store, calls, tmp_path) -> None:
    """Reading, downloading, verifying, and recording each of them as a reading."""
    app = make_app(audit_store, record_reading=True)
    target = tmp_path / "all.ndjson"

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("end")  # next page
        await settle(pilot)
        for key in ("s", "t", "p"):  # pickers fetch their options
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("escape")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#path").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)

    drive(app, scenario)
    names = {name for name, _ in calls}
    assert {"reader", "page", "count", "facet_rounds", "tenants", "newer_count", "stored"} <= names
    assert {"verify", "account", "append"} <= names
    assert not [name for name, on_main in calls if on_main]
    # The seeded events and the reader's own "Audit Log Opened", recorded before the download.
    assert len(target.read_bytes().splitlines()) == SEEDED + 2


def test_a_slow_superseded_query_does_not_overwrite_the_newer_one(audit_store, monkeypatch) -> None:
    original = AuditReader.page

    def page(self, query, after=None, limit=100):  # type: ignore[no-untyped-def]
        if query.text == "slow":
            time.sleep(0.6)  # this answer arrives after the newer one
        return original(self, query, after, limit)

    monkeypatch.setattr(AuditReader, "page", page)
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        screen.run_query(screen.query_now.with_changes(text="slow"))
        await pilot.pause(0.05)
        screen.run_query(screen.query_now.with_changes(text="gateway"))
        await settle(pilot)
        await pilot.pause(0.8)  # the slow thread finishes and posts its stale result
        await settle(pilot)
        assert screen.query_now.text == "gateway"
        summaries = [screen.window.event_at(r).summary for r in range(screen.table.row_count)]
        assert summaries and all("Gateway" in summary for summary in summaries)
        assert str(screen.status.render()).startswith(f"{len(summaries)} event")

    drive(app, scenario)


def _query(clock) -> EventQuery:  # type: ignore[no-untyped-def]
    return EventQuery(TimeRange.last(RangePreset.LAST_7D, clock.now))


def test_export_reports_progress_and_writes_atomically(
    audit_store, clock, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr("tui.app.export_task.PROGRESS_EVERY", 100)
    reader = audit_store.reader("ada.admin@example.com")
    target = tmp_path / "out.csv"
    progress: list[int] = []
    written = export(reader, _query(clock), "csv", target, progress=progress.append)
    assert written == SEEDED + 1
    assert progress == [100, 200, SEEDED + 1]
    assert target.read_bytes().startswith(b"id,")
    assert not list(tmp_path.glob("*.part"))


def test_a_cancelled_export_leaves_no_file(audit_store, clock, tmp_path: Path) -> None:
    reader = audit_store.reader("ada.admin@example.com")
    target = tmp_path / "out.ndjson"
    seen = 0

    def cancelled() -> bool:
        nonlocal seen
        seen += 1
        return seen > 50

    with pytest.raises(ExportCancelled):
        export(reader, _query(clock), "ndjson", target, cancelled=cancelled)
    assert not target.exists()
    assert not list(tmp_path.glob("out.*"))
