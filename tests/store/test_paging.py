"""Keyset pagination: pages that concatenate to the whole result, also while events arrive."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from tests.conftest import ADMIN, SUPERVISOR, make_event
from tests.store.conftest import all_pages, ids, newest_first, window
from tui.domain.errors import InvalidInput
from tui.domain.event import to_epoch_ms
from tui.domain.query import Cursor

#: Ids whose byte order differs from any case-insensitive or natural-language order.
TIED_IDS = ["evt_B", "evt_a", "evt_A", "EVT-z", "evt.1", "evt_b", "Evt_0", "evt-9"]
TIE = timedelta(minutes=7, milliseconds=250)


def _initial() -> list:  # type: ignore[type-arg]
    events = [make_event(n, age=timedelta(minutes=n)) for n in range(1, 16)]
    events += [make_event(100 + i, id=i_d, age=TIE) for i, i_d in enumerate(TIED_IDS)]
    return events


INITIAL = _initial()
EXPECTED = newest_first(INITIAL)


@pytest.fixture
def admin(store):  # type: ignore[no-untyped-def]
    store.add_account(ADMIN)
    store.append(INITIAL)
    return store.reader(ADMIN.email)


@pytest.mark.parametrize("limit", [1, 2, 5, 8, len(INITIAL) - 1, len(INITIAL), 100])
def test_pages_concatenate_to_the_whole_result_newest_first(admin, clock, limit) -> None:
    pages = []
    after = None
    while True:
        page = admin.page(window(clock), after, limit)
        pages.append(page)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert ids(e for p in pages for e in p.events) == ids(EXPECTED)
    # Full pages until the last, and no empty trailing page when the total divides evenly.
    assert all(len(p.events) == limit for p in pages[:-1])
    assert 1 <= len(pages[-1].events) <= limit
    assert len(pages) == -(-len(INITIAL) // limit)


def test_the_cursor_marks_the_last_event_of_its_page(admin, clock) -> None:
    page = admin.page(window(clock), None, 4)
    last = page.events[-1]
    assert page.next_cursor == Cursor(to_epoch_ms(last.occurred_at), last.id)


def test_events_in_one_millisecond_come_in_byte_order_of_their_ids(admin, clock) -> None:
    tied = [e.id for e in all_pages(admin, window(clock), limit=1) if e.id in TIED_IDS]
    assert tied == sorted(TIED_IDS, key=str.encode, reverse=True)


def test_a_cursor_token_resumes_where_the_page_ended(admin, clock) -> None:
    first = admin.page(window(clock), None, 6)
    assert first.next_cursor is not None
    token = first.next_cursor.token()
    resumed = admin.page(window(clock), Cursor.from_token(token), 6)
    assert ids(resumed.events) == ids(EXPECTED[6:12])


def test_a_cursor_needs_no_event_behind_it(admin, clock) -> None:
    # A position between two events (e.g. of an event purged since) still pages correctly.
    position = Cursor(to_epoch_ms(INITIAL[2].occurred_at), "evt_zzzzzz")
    page = admin.page(window(clock), position, 100)
    assert ids(page.events) == ids(EXPECTED[EXPECTED.index(INITIAL[2]) :])


@pytest.mark.parametrize("limit", [0, -1])
def test_a_page_holds_at_least_one_event(admin, clock, limit) -> None:
    with pytest.raises(InvalidInput):
        admin.page(window(clock), None, limit)


def test_appends_between_pages_cause_no_duplicates_and_no_gaps(store, admin, clock) -> None:
    query = window(clock)
    seen = []
    page = admin.page(query, None, 5)
    seen.extend(page.events)
    cursor = page.next_cursor
    assert cursor is not None
    at_cursor = timedelta(milliseconds=to_epoch_ms(clock.now) - cursor.occurred_at_ms)
    before_cursor = make_event(900, id=cursor.event_id + "0", age=at_cursor)
    after_cursor = make_event(901, id=cursor.event_id[:-1], age=at_cursor)
    assert before_cursor.id > cursor.event_id > after_cursor.id
    newer = [make_event(910 + n, age=timedelta(seconds=n)) for n in range(3)]
    older = [make_event(920 + n, age=timedelta(hours=1, minutes=n)) for n in range(3)]
    store.append([*newer, before_cursor, after_cursor, *older])

    while cursor is not None:
        page = admin.page(query, cursor, 5)
        seen.extend(page.events)
        cursor = page.next_cursor
        if len(seen) < 15:  # and more arrive while paging
            store.append([make_event(950 + len(seen), age=timedelta(days=2, seconds=len(seen)))])

    seen_ids = ids(seen)
    assert len(seen_ids) == len(set(seen_ids)), "an event was listed twice"
    assert set(ids(INITIAL)) <= set(seen_ids), "an event present at the start was skipped"
    assert seen == newest_first(seen), "pages went back in time"
    # What sorts before the first page's end cannot appear later; what sorts after it does.
    assert not set(ids([*newer, before_cursor])) & set(seen_ids)
    assert set(ids([after_cursor, *older])) <= set(seen_ids)


def test_newer_count_reports_arrivals_since_the_first_page(store, admin, clock) -> None:
    store.add_account(SUPERVISOR)
    supervisor = store.reader(SUPERVISOR.email)
    query = window(clock)
    top = admin.page(query, None, 5).events[0]
    since = Cursor(to_epoch_ms(top.occurred_at), top.id)
    assert admin.newer_count(query, since) == 0
    store.append(
        [
            make_event(500, age=timedelta(0)),
            make_event(501, age=timedelta(0), tenant=None),
            make_event(502, age=timedelta(0), tenant="t_02"),
            make_event(503, age=timedelta(days=1)),  # arrives now, but is older
        ]
    )
    assert admin.newer_count(query, since) == 3
    assert admin.newer_count(query, since, cap=2) == 2
    assert supervisor.newer_count(query, since) == 2  # not the t_02 one


@pytest.mark.parametrize("batch", [1, 3, 1000])
def test_stream_equals_the_concatenated_pages(admin, clock, batch) -> None:
    assert list(admin.stream(window(clock), batch=batch)) == all_pages(admin, window(clock), 4)
    assert ids(admin.stream(window(clock), batch=batch)) == ids(EXPECTED)


def test_stream_survives_appends_while_it_runs(store, admin, clock) -> None:
    streamed = []
    older = []
    for n, audit_event in enumerate(admin.stream(window(clock), batch=3)):
        streamed.append(audit_event)
        if n < 10:  # one newer (never reached) and one older (still ahead) per step
            older.append(make_event(800 + n, age=timedelta(hours=2, minutes=n)))
            store.append([make_event(700 + n, age=timedelta(seconds=n)), older[-1]])
        assert n < 100, "the stream does not end"
    streamed_ids = ids(streamed)
    assert len(streamed_ids) == len(set(streamed_ids))
    assert set(ids(INITIAL)) <= set(streamed_ids)
    assert set(ids(older)) <= set(streamed_ids)
    assert streamed == newest_first(streamed)


def test_paging_while_another_thread_appends(store, admin, clock) -> None:
    failures: list[BaseException] = []

    def writer() -> None:
        try:
            for batch in range(20):
                store.append(
                    [
                        make_event(
                            2000 + batch * 10 + n,
                            age=timedelta(minutes=(batch * 10 + n) % 40, milliseconds=n),
                        )
                        for n in range(10)
                    ]
                )
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        seen = all_pages(admin, window(clock), limit=3)
    finally:
        thread.join()
    assert not failures
    seen_ids = ids(seen)
    assert len(seen_ids) == len(set(seen_ids))
    assert set(ids(INITIAL)) <= set(seen_ids)
    assert seen == newest_first(seen)
