"""``read_ahead``: an export's next batch is read while the last is written, and nothing else
changes — the same items in the same order, errors where they happened, constant memory, and
no thread left behind when the reader stops early."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ADMIN, make_event
from tests.store.conftest import window
from tui.store.read_ahead import read_ahead
from tui.store.repository import AuditStore

WAIT = 10.0


def _fetchers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "auditlog-read-ahead"]


@given(st.lists(st.integers()))
def test_every_item_comes_out_once_in_order(items: list[int]) -> None:
    assert list(read_ahead(iter(items))) == items


def test_the_next_item_is_read_while_the_reader_holds_the_last() -> None:
    asked_for_second = threading.Event()

    def source() -> Iterator[int]:
        yield 1
        asked_for_second.set()
        yield 2

    items = read_ahead(source())
    assert next(items) == 1
    # The reader has not asked for more; the second is being read all the same.
    assert asked_for_second.wait(WAIT)
    assert list(items) == [2]


def test_it_reads_one_item_ahead_of_the_reader_and_no_more() -> None:
    produced = 0
    second_read = threading.Event()

    def source() -> Iterator[int]:
        nonlocal produced
        for n in range(100):
            produced += 1
            if produced == 2:
                second_read.set()
            yield n

    items = read_ahead(source())
    assert next(items) == 0
    assert second_read.wait(WAIT)  # waiting to be taken; the third is not read until then
    threading.Event().wait(0.2)
    assert produced == 2
    assert next(items) == 1
    assert list(items) == list(range(2, 100))


def test_an_error_is_raised_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise ConnectionError("the database went away")

    items = read_ahead(source())
    assert next(items) == 1
    assert next(items) == 2
    with pytest.raises(ConnectionError, match="went away"):
        next(items)


def test_a_reader_that_stops_early_stops_and_closes_the_source() -> None:
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    items = read_ahead(endless())
    assert next(items) == 0
    items.close()  # what dropping it does: a broken pipe, a cancelled download
    assert closed.is_set()
    assert not _fetchers()


def test_a_stored_export_dropped_part_way_leaves_no_thread(store, clock) -> None:
    store.add_accounts([ADMIN])
    store.append([make_event(n) for n in range(7)])
    rows = store.reader(ADMIN.email).stored(window(clock), batch=2)
    assert next(rows)
    del rows  # as when the download is cancelled or the pipe breaks: no close, no collector
    assert not _fetchers()


def test_nothing_is_read_until_the_first_item_is_asked_for() -> None:
    started = threading.Event()

    def source() -> Iterator[int]:
        started.set()
        yield 1

    items = read_ahead(source())
    assert not started.wait(0.2)
    assert not _fetchers()
    assert list(items) == [1]


# -- in the store ------------------------------------------------------------------------


@pytest.fixture
def reads(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The names of the threads the store's reads run in."""
    seen: list[str] = []
    original = AuditStore._read

    def noted(self):  # type: ignore[no-untyped-def]
        seen.append(threading.current_thread().name)
        return original(self)

    monkeypatch.setattr(AuditStore, "_read", noted)
    return seen


def test_an_export_reads_ahead_in_a_thread_on_postgresql_only(store, clock, reads) -> None:
    store.add_accounts([ADMIN])
    store.append([make_event(n) for n in range(7)])
    reader = store.reader(ADMIN.email)
    reads.clear()
    rows = list(reader.stored(window(clock), batch=2))
    assert [r.event_id for r in rows] == [make_event(n).id for n in range(7)]
    # SQLite's driver holds the GIL row by row: a thread would only wait (AuditStore.reads_ahead)
    expected = "auditlog-read-ahead" if store.dialect == "postgresql" else "MainThread"
    assert len(reads) == 4 and set(reads) == {expected}
    assert not _fetchers()
