"""A writer appends hundreds of events a second while the log is read, on both backends.

While ``Appender`` commits small batches through ``AuditStore.append``:

* ``AuditReader.page`` (followed cursor by cursor), ``stream`` and ``count`` never return an
  event twice, never miss one that was committed before the call began, and count between
  what was committed before and after;
* the viewer refreshes, pages and downloads: after each refresh the count is right and the
  newest committed event is at the top; the download holds every event committed before it
  began, each once; and "database is locked" is never shown.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.adversarial.conftest import drive, make_viewer, settle
from tests.adversarial.faults.viewer import (
    SEEDED,
    on_screen,
    open_seeded,
    row_ids,
    status,
    until,
)
from tests.adversarial.faults.writer import LOAD_PREFIX, Appender, load_id
from tests.conftest import ADMIN, FakeClock
from tui.domain.query import Cursor, EventQuery
from tui.domain.timerange import RangePreset, TimeRange

#: The repository's reads are repeated until the writer has committed this many events.
UNDER_LOAD = 600
#: Refresh-and-page rounds in the viewer (each a few seconds on a loaded machine).
VIEWER_ROUNDS = 2


@pytest.fixture
def loaded(db_url: str):  # type: ignore[no-untyped-def]
    """A seeded store and a running writer on the same database; the writer is stopped
    (and its errors raised) at the end."""
    clock = FakeClock()
    store = open_seeded(db_url, clock)
    writer = Appender(db_url, clock)
    writer.start()
    yield store, writer, clock
    try:
        writer.stop()
    finally:
        store.close()


def _twice(ids: list[str]) -> list[str]:
    return [event_id for event_id, n in Counter(ids).items() if n > 1]


def _number(load_event_id: str) -> int:
    return int(load_event_id.removeprefix(LOAD_PREFIX))


def _seeded_ids() -> set[str]:
    return {f"evt_seed_{n:05d}" for n in range(SEEDED)}


def test_paging_streaming_and_counting_under_load_lose_and_repeat_nothing(loaded) -> None:
    store, writer, clock = loaded
    reader = store.reader(ADMIN.email)
    query = EventQuery(time_range=TimeRange.last(RangePreset.LAST_30D, clock.now))
    writer.wait_for(50)
    rounds = 0
    while len(writer.committed()) < UNDER_LOAD or rounds < 3:
        rounds += 1
        before = set(writer.committed())
        paged: list[str] = []
        after: Cursor | None = None
        while True:
            page = reader.page(query, after, limit=97)
            paged.extend(e.id for e in page.events)
            if page.next_cursor is None:
                break
            after = page.next_cursor
        streamed = [e.id for e in reader.stream(query, batch=250)]
        counted = reader.count(query, cap=None).value
        newest = reader.page(query, limit=1).events[0].id  # read after the count
        for ids in (paged, streamed):
            assert not _twice(ids), _twice(ids)
            assert not (before | _seeded_ids()) - set(ids), "a committed event is missing"
            loaded = sorted(i for i in ids if i.startswith(LOAD_PREFIX))
            assert loaded == [load_id(n) for n in range(len(loaded))], "not a prefix: a gap"
            assert not set(ids) - _seeded_ids() - set(loaded), "an event nobody wrote"
        assert SEEDED + len(before) <= counted <= SEEDED + _number(newest) + 1
    committed = writer.stop()
    assert reader.count(query, cap=None).value == SEEDED + len(committed)
    assert rounds >= 3


def test_the_viewer_refreshes_pages_and_downloads_under_load(loaded, tmp_path: Path) -> None:
    store, writer, clock = loaded
    app = make_viewer(store, clock=clock)
    shown_locked: list[str] = []

    def check_not_locked() -> None:
        shown = on_screen(app)
        if "locked" in shown.lower():
            shown_locked.append(shown)

    async def refresh_and_check(pilot: Any) -> None:
        """r: the count is right and the selected event stays selected; then back to the
        top (x), where the newest event committed before r must be, or a newer one."""
        selected = app.screen.table.selected_id
        before = writer.committed()
        await pilot.press("r")
        await settle(pilot)
        check_not_locked()
        count = int(status(app).split(" ")[0].replace(",", ""))
        assert app.screen.table.selected_id == selected
        await pilot.press("x")
        await settle(pilot)
        top = row_ids(app)[0]  # the newest event now (read after the count)
        assert top.startswith(LOAD_PREFIX) and top >= before[-1], f"{top} < {before[-1]}"
        assert SEEDED + len(before) <= count <= SEEDED + _number(top) + 1, status(app)

    async def scenario(pilot: Any) -> None:
        writer.wait_for(50)
        for _ in range(VIEWER_ROUNDS):
            await refresh_and_check(pilot)
            for _ in range(2):  # down through the pages as they load
                await pilot.press("pagedown", "pagedown", "pagedown", "end")
                await settle(pilot)
                check_not_locked()
            shown = row_ids(app)
            assert not _twice(shown), _twice(shown)

        target = tmp_path / "under-load.ndjson"
        screen = app.screen
        before = set(writer.committed())
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#path").value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: screen.download is not None or target.exists())
        await until(pilot, lambda: screen.download is None, seconds=60)
        check_not_locked()
        lines = target.read_bytes().splitlines()
        exported = [orjson.loads(line)["id"] for line in lines]
        assert not _twice(exported), _twice(exported)
        assert not (before | _seeded_ids()) - set(exported), "the download misses events"
        loaded = sorted(i for i in exported if i.startswith(LOAD_PREFIX))
        assert loaded == [load_id(n) for n in range(len(loaded))], "not a prefix: a gap"
        assert len(exported) == SEEDED + len(loaded), "an event nobody wrote"
        await refresh_and_check(pilot)

    drive(app, scenario)
    assert not shown_locked, shown_locked[0]
