"""The 180-day limit, purge, and erased performers whose events stay visible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.conftest import ADMIN, SUPERVISOR, make_event
from tests.store.conftest import all_pages, days, execute, ids, window
from tui.domain.access import Principal
from tui.domain.errors import NotFound
from tui.domain.event import AuditEvent
from tui.domain.query import Cursor, EventQuery
from tui.domain.timerange import RETENTION, TimeRange

JUST_INSIDE = make_event(1, age=RETENTION, summary="boundary kept")
JUST_OUTSIDE = make_event(2, age=RETENTION + timedelta(milliseconds=1), summary="boundary gone")
ANCIENT = make_event(3, age=days(400), tenant=None, summary="ancient history")
RECENT = make_event(4, age=days(1), summary="recent history")
OLD_OTHER_TYPE = make_event(
    5, age=days(200), type="Label Created", mail="old.timer@example.com", tenant="t_old"
)
EXPIRED = [JUST_OUTSIDE, ANCIENT, OLD_OTHER_TYPE]
KEPT = [JUST_INSIDE, RECENT]


@pytest.fixture
def admin(store):  # type: ignore[no-untyped-def]
    store.add_account(ADMIN)
    store.append([*EXPIRED, *KEPT])
    return store.reader(ADMIN.email)


def everything(clock) -> EventQuery:  # type: ignore[no-untyped-def]
    """A range reaching far past retention, as a script might build it by hand."""
    return EventQuery(time_range=TimeRange(clock.now - days(1000), clock.now + days(1)))


# -- invisible before purge --------------------------------------------------------------------


@pytest.mark.parametrize("query", [window, everything], ids=["180d", "1000d"])
def test_events_past_retention_are_invisible_to_every_call(admin, clock, query) -> None:
    q = query(clock)
    assert ids(all_pages(admin, q, 1)) == ids([RECENT, JUST_INSIDE])
    assert ids(admin.stream(q)) == ids([RECENT, JUST_INSIDE])
    assert admin.count(q).value == 2
    assert admin.newer_count(q, Cursor(0, "")) == 2
    facets = admin.facets(q)
    assert [f.value for f in facets.types] == ["Collector Created"]
    assert [f.value for f in facets.performers] == [ADMIN.email]
    assert [f.value for f in facets.tenants] == ["t_01"]
    for expired in EXPIRED:
        with pytest.raises(NotFound):
            admin.get(expired.id)
    assert admin.get(JUST_INSIDE.id) == JUST_INSIDE


@pytest.mark.parametrize("query", [window, everything], ids=["180d", "1000d"])
def test_a_search_does_not_find_events_past_retention(admin, clock, query) -> None:
    assert ids(admin.stream(query(clock).with_changes(text="history"))) == [RECENT.id]
    assert admin.count(query(clock).with_changes(text="boundary")).value == 1


def test_events_expire_as_time_passes(admin, clock) -> None:
    clock.now += timedelta(days=1)
    assert ids(admin.stream(window(clock))) == [RECENT.id]
    with pytest.raises(NotFound):
        admin.get(JUST_INSIDE.id)
    clock.now += timedelta(days=179)
    assert ids(admin.stream(everything(clock))) == []


def test_supervisor_sees_no_expired_event_either(store, admin, clock) -> None:
    store.add_account(SUPERVISOR)
    reader = store.reader(SUPERVISOR.email)
    assert ids(reader.stream(everything(clock))) == ids([RECENT, JUST_INSIDE])
    with pytest.raises(NotFound):
        reader.get(JUST_OUTSIDE.id)


# -- purge --------------------------------------------------------------------------------------


def test_purge_dry_run_counts_and_removes_nothing(store, admin, clock, db_url) -> None:
    assert store.purge(dry_run=True) == len(EXPIRED)
    assert store.purge(dry_run=True) == len(EXPIRED)
    assert _stored_ids(db_url) == sorted(ids([*EXPIRED, *KEPT]))


def test_purge_removes_exactly_the_expired_events(store, admin, clock, db_url) -> None:
    assert store.purge() == len(EXPIRED)
    assert _stored_ids(db_url) == sorted(ids(KEPT))
    assert store.purge() == 0
    assert store.purge(dry_run=True) == 0
    assert ids(admin.stream(everything(clock))) == ids([RECENT, JUST_INSIDE])


def test_purge_follows_the_clock(store, admin, clock) -> None:
    clock.now += timedelta(days=2)
    assert store.purge(dry_run=True) == len(EXPIRED) + 1
    assert store.purge() == len(EXPIRED) + 1
    assert ids(admin.stream(everything(clock))) == [RECENT.id]


def test_purged_events_can_be_ingested_again_only_as_new_events(store, admin, clock) -> None:
    store.purge()
    # Re-ingesting an expired event stores it (it was gone) but it stays invisible.
    assert store.append([JUST_OUTSIDE]).added == 1
    with pytest.raises(NotFound):
        admin.get(JUST_OUTSIDE.id)


@pytest.mark.parametrize("term", ["history", "ancient", "boundary", "his", "an"])
def test_search_after_purge_finds_no_ghosts(store, admin, clock, db_url, term) -> None:
    store.purge()
    found = ids(admin.stream(everything(clock).with_changes(text=term)))
    assert set(found) <= set(ids(KEPT))
    # New events that reuse the purged words, and storage slots, are found; the old are not.
    fresh = [
        make_event(10 + n, age=days(n), summary=f"ancient boundary history {n}") for n in (1, 2)
    ]
    store.append(fresh)
    found = ids(admin.stream(everything(clock).with_changes(text=term)))
    assert set(ids(fresh)) <= set(found) <= set(ids([*fresh, *KEPT]))
    assert admin.count(everything(clock).with_changes(text=term)).value == len(found)
    _check_search_index(store, db_url)


def test_purge_keeps_the_sqlite_search_index_consistent(store, admin, db_url) -> None:
    store.purge()
    store.append([make_event(20, age=days(3))])
    _check_search_index(store, db_url)


def _check_search_index(store, db_url: str | None) -> None:  # type: ignore[no-untyped-def]
    if store.dialect != "sqlite" or db_url is None:
        return
    # FTS5 verifies its index against the content table; it raises if they disagree.
    execute(db_url, text("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')"))


def _stored_ids(db_url: str) -> list[str]:
    from sqlalchemy import select

    from tui.store.engine import connect, resolve_url
    from tui.store.schema import events

    engine = connect(resolve_url(db_url))
    try:
        with engine.connect() as connection:
            return sorted(connection.execute(select(events.c.event_id)).scalars())
    finally:
        engine.dispose()


# -- erased performers ---------------------------------------------------------------------------

ERIN = Principal("erin.erased@example.com", "Erin", "Admin")
PAT = Principal("pat.present@example.com", "Pat", "Supervisor", frozenset({"t_01"}))


def _by(n: int, mail: str, **overrides) -> AuditEvent:  # type: ignore[no-untyped-def]
    return make_event(n, mail=mail, **overrides)


@pytest.fixture
def erased_performer(store):  # type: ignore[no-untyped-def]
    store.add_accounts([ADMIN, ERIN, PAT])
    store.append(
        [
            _by(1, "Erin.Erased@Example.com"),  # the mail as the portal wrote it
            _by(2, PAT.email),
            _by(3, "erin.erased@example.com", tenant=None),
            _by(4, "ghost@example.com"),  # a performer with no account here at all
        ]
    )
    store.erase_account(ERIN.email)


def test_erased_performers_events_stay_visible_and_are_marked(store, erased_performer, clock):
    reader = store.reader(ADMIN.email)
    page = reader.page(window(clock))
    assert ids(page.events) == ["evt_000001", "evt_000002", "evt_000003", "evt_000004"]
    assert page.erased_performers == frozenset({ERIN.email})
    assert reader.get("evt_000001").performer.mail == "Erin.Erased@Example.com"
    assert reader.count(window(clock, performer=ERIN.email)).value == 2
    facets = reader.facets(window(clock))
    assert ERIN.email in [f.value for f in facets.performers]


def test_erased_performers_are_marked_page_by_page(store, erased_performer, clock) -> None:
    reader = store.reader(ADMIN.email)
    first = reader.page(window(clock), None, 2)  # events 1 (Erin) and 2 (Pat)
    second = reader.page(window(clock), first.next_cursor, 1)  # event 3 (Erin)
    third = reader.page(window(clock), second.next_cursor, 1)  # event 4 (ghost)
    assert first.erased_performers == frozenset({ERIN.email})
    assert second.erased_performers == frozenset({ERIN.email})
    assert third.erased_performers == frozenset()


def test_no_performer_is_marked_before_an_erasure(store, clock) -> None:
    store.add_accounts([ADMIN, ERIN])
    store.append([_by(1, ERIN.email)])
    assert store.reader(ADMIN.email).page(window(clock)).erased_performers == frozenset()


def test_a_supervisor_sees_the_erased_performers_events_in_their_scope(
    store, erased_performer, clock
) -> None:
    page = store.reader(PAT.email).page(window(clock))
    assert ids(page.events) == ["evt_000001", "evt_000002", "evt_000003", "evt_000004"]
    assert page.erased_performers == frozenset({ERIN.email})


def test_erased_performers_events_still_expire(store, erased_performer, clock) -> None:
    clock.now += RETENTION + timedelta(minutes=10)
    assert store.reader(ADMIN.email).page(window(clock)).events == ()
    assert store.purge() == 4
