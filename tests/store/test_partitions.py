"""Weekly partitions on PostgreSQL: made as appends need them, dropped by the purge, pruned by
the default 7-day view, guarded like the table; on SQLite the same behaviour, unpartitioned.

PostgreSQL tests that look at which partitions exist use a schema of their own
(``fresh_url``): the session's schema keeps the weeks earlier tests made.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, event, exc, text

from tests.conftest import ADMIN, FIXED_NOW, FakeClock, make_event
from tests.store.conftest import all_pages, days, ids, window
from tests.store.test_chain_guards import _plain_role
from tests.store.test_migrations import _ids_in_step
from tui.domain.event import to_epoch_ms
from tui.domain.query import EventQuery
from tui.domain.timerange import RETENTION, RangePreset
from tui.store import partitions
from tui.store.engine import connect, resolve_url
from tui.store.partitions import DAY_MS, WEEK_MS, week_start, weeks_to_create
from tui.store.repository import AuditStore

#: FIXED_NOW is Wednesday 2026-11-25: its week began on Monday 2026-11-23.
THIS_WEEK = to_epoch_ms(datetime(2026, 11, 23, tzinfo=UTC))
NOW_MS = to_epoch_ms(FIXED_NOW)
CUTOFF_MS = to_epoch_ms(FIXED_NOW - RETENTION)
postgresql_only = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


# -- which weeks (no database) -----------------------------------------------------------------


def test_weeks_begin_on_monday_utc() -> None:
    assert week_start(NOW_MS) == THIS_WEEK
    assert week_start(THIS_WEEK) == THIS_WEEK
    assert week_start(THIS_WEEK - 1) == THIS_WEEK - WEEK_MS
    assert partitions.name_of(THIS_WEEK) == "events_w20261123"
    # 1970-01-01 was a Thursday: its week, and the millisecond before it, began on Monday.
    assert week_start(0) == week_start(-1) == -3 * DAY_MS


def test_known_weeks_need_nothing() -> None:
    known = {THIS_WEEK, THIS_WEEK + WEEK_MS}
    assert weeks_to_create([NOW_MS, THIS_WEEK + 1], NOW_MS, CUTOFF_MS, known) == []


def test_the_current_and_next_week_are_made_ahead() -> None:
    assert weeks_to_create([], NOW_MS, CUTOFF_MS, ()) == [THIS_WEEK, THIS_WEEK + WEEK_MS]


def test_gaps_are_filled_but_not_below_the_cutoff() -> None:
    three_weeks_ago = NOW_MS - 3 * WEEK_MS
    ancient = NOW_MS - 400 * DAY_MS
    made = weeks_to_create([three_weeks_ago, ancient], NOW_MS, CUTOFF_MS, ())
    assert made == [THIS_WEEK + k * WEEK_MS for k in range(-3, 2)]
    # An old week still in retention fills down to it, but never below the cutoff's week.
    made = weeks_to_create([CUTOFF_MS + 1], NOW_MS, CUTOFF_MS, set(made))
    assert made[0] == week_start(CUTOFF_MS) and made[-1] == THIS_WEEK - 4 * WEEK_MS
    assert len(made) == len(set(made)) == (THIS_WEEK - 3 * WEEK_MS - made[0]) // WEEK_MS


def test_times_beyond_next_week_make_no_week() -> None:
    year_9999 = to_epoch_ms(datetime(9999, 12, 31, tzinfo=UTC))
    assert weeks_to_create([year_9999], NOW_MS, CUTOFF_MS, ()) == [THIS_WEEK, THIS_WEEK + WEEK_MS]
    # nor fills the gap up to a week someone else made far ahead
    known = {THIS_WEEK, THIS_WEEK + 30 * WEEK_MS}
    assert weeks_to_create([NOW_MS], NOW_MS, CUTOFF_MS, known) == [THIS_WEEK + WEEK_MS]


# -- rolling on append ---------------------------------------------------------------------------


def _weeks(url: str) -> dict[str, int]:
    """Each partition of events and how many rows it holds."""
    with _connected(url) as connection:
        names = connection.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'events'::regclass ORDER BY 1"
            )
        ).scalars()
        return {
            name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in names
        }


class _connected:
    def __init__(self, url: str) -> None:
        self.engine = connect(resolve_url(url))

    def __enter__(self) -> Connection:
        self.connection = self.engine.connect()
        return self.connection

    def __exit__(self, *exc_info: object) -> None:
        self.connection.close()
        self.engine.dispose()


@pytest.fixture
def fresh_store(fresh_url: str, clock: FakeClock) -> Iterator[AuditStore]:
    store = AuditStore.open(fresh_url, clock=clock)
    store.add_account(ADMIN)
    yield store
    store.close()


def _at(n: int, moment: datetime, **overrides: Any):  # type: ignore[no-untyped-def]
    return make_event(n, age=FIXED_NOW - moment, **overrides)


@postgresql_only
def test_appends_across_week_boundaries_land_in_their_weeks(fresh_store, fresh_url, clock):
    sunday_night = datetime(2026, 11, 22, 23, 59, 59, 999_000, tzinfo=UTC)
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    fresh_store.append([_at(1, sunday_night), _at(2, monday), _at(3, monday - days(20))])
    weeks = _weeks(fresh_url)
    assert weeks["events_w20261116"] == 1 and weeks["events_w20261123"] == 1
    assert weeks["events_w20261102"] == 1  # 2026-11-03, twenty days before Monday
    assert weeks["events_w20261109"] == 0  # a gap between weeks is filled
    assert weeks["events_w20261130"] == 0  # next week, made ahead
    assert weeks["events_default"] == 0
    # Time moves on two weeks: the first append of the new week makes it (and the next).
    clock.now += days(14)
    fresh_store.append([make_event(4, age=-days(14) + timedelta(minutes=1))])
    weeks = _weeks(fresh_url)
    assert weeks["events_w20261207"] == 1 and "events_w20261214" in weeks
    reader = fresh_store.reader(ADMIN.email)
    assert sorted(ids(reader.stream(window(clock)))) == [f"evt_00000{n}" for n in (1, 2, 3, 4)]


@postgresql_only
def test_events_past_retention_or_far_ahead_make_no_week(fresh_store, fresh_url, clock) -> None:
    before = _weeks(fresh_url)
    fresh_store.append(
        [
            make_event(1, age=days(400)),
            make_event(2, age=days(300)),
            make_event(3, age=-days(3000)),  # built without validation's check of the future
        ]
    )
    after = _weeks(fresh_url)
    assert set(after) == set(before)
    assert after["events_default"] == 3
    assert fresh_store.purge() == 2
    assert _weeks(fresh_url)["events_default"] == 1


@postgresql_only
def test_a_store_that_missed_a_week_made_elsewhere_still_appends(fresh_url, clock) -> None:
    first = AuditStore.open(fresh_url, clock=clock)
    second = AuditStore.open(fresh_url, clock=FakeClock(clock.now))
    try:
        first.add_account(ADMIN)
        second.append([make_event(1)])  # second now remembers this week and the next
        clock.now += days(21)
        first.append([make_event(2, age=-days(21) + timedelta(minutes=1))])
        # second's memory is stale: the week exists though it never made it
        second.append([make_event(3, age=-days(21) + timedelta(minutes=2))])
        assert _weeks(fresh_url)["events_w20261214"] == 2
        assert first.verify(ADMIN.email).valid
    finally:
        first.close()
        second.close()


@postgresql_only
def test_concurrent_writers_make_each_week_once(fresh_url, clock) -> None:
    AuditStore.open(fresh_url, clock=clock).close()
    engines = [connect(resolve_url(fresh_url)) for _ in range(4)]
    keepers = [partitions.WeeklyPartitions() for _ in engines]
    later = NOW_MS + 10 * WEEK_MS
    start = threading.Barrier(len(engines))
    made: list[int] = []
    errors: list[BaseException] = []

    def run(engine, keeper) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            made.append(keeper.ensure(engine, [later], later, CUTOFF_MS))
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip(engines, keepers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert errors == []
    assert sum(made) == 10 + 2 - 2  # weeks +2..+11 after the two the migration made
    assert {p.lo for p in _attached(fresh_url)} >= {week_start(later), week_start(later) + WEEK_MS}


def _attached(url: str) -> list[partitions.Partition]:
    with _connected(url) as connection:
        return partitions.attached(connection)


@postgresql_only
def test_a_week_whose_rows_are_in_the_default_stays_there(fresh_store, fresh_url, clock) -> None:
    # Stored while its week was past retention; then the clock is set back (a test clock,
    # or a host clock corrected): the week is wanted again but its row is in the default.
    clock.now += days(200)
    old = make_event(1, age=days(10))  # 190 days before the moved clock: past retention
    fresh_store.append([old])
    clock.now -= days(200)
    fresh_store.append([make_event(2, age=days(11))])  # the same week as `old`
    assert _weeks(fresh_url)["events_default"] == 2
    reader = fresh_store.reader(ADMIN.email)
    assert sorted(ids(reader.stream(window(clock)))) == ["evt_000001", "evt_000002"]
    assert fresh_store.verify(ADMIN.email).valid


@postgresql_only
def test_a_long_reader_of_the_default_does_not_hold_an_append_up(
    fresh_store, fresh_url, clock, monkeypatch
) -> None:
    monkeypatch.setattr(partitions, "LOCK_TIMEOUT", "200ms")
    fresh_store.append([make_event(1)])
    with _connected(fresh_url) as export:  # an export reading old events, for a long time
        export.execute(text("SELECT count(*) FROM events_default")).scalar_one()
        clock.now += days(21)
        result = fresh_store.append([make_event(2, age=-days(21) + timedelta(minutes=1))])
        export.rollback()
    assert result.added == 1
    assert _weeks(fresh_url)["events_default"] == 1  # its week could not be attached
    reader = fresh_store.reader(ADMIN.email)
    assert ids(reader.stream(window(clock))) == ["evt_000002", "evt_000001"]
    assert fresh_store.verify(ADMIN.email).valid


@postgresql_only
def test_a_purge_that_cannot_drop_in_time_changes_nothing(fresh_url, clock, monkeypatch) -> None:
    from tui.domain.errors import StoreUnavailable
    from tui.store import chain_purge

    monkeypatch.setattr(chain_purge, "DROP_LOCK_TIMEOUT", "200ms")
    store = AuditStore.open(fresh_url, clock=clock)
    try:
        store.add_account(ADMIN)
        store.append(_spread(0, 100, days(1), days(99)))
        clock.now += days(100)
        weeks = _weeks(fresh_url)
        with _connected(fresh_url) as export:
            export.execute(text("SELECT count(*) FROM events")).scalar_one()
            with pytest.raises(StoreUnavailable, match="lock timeout"):
                store.purge()
            export.rollback()
        assert _weeks(fresh_url) == weeks
        assert store.verify(ADMIN.email).purged == 0
        assert store.purge() == 19
        assert store.verify(ADMIN.email).valid
    finally:
        store.close()


# -- ids stay unique across weeks (both backends) --------------------------------------------------


def test_an_id_stored_at_another_time_is_skipped(store, clock) -> None:
    store.add_account(ADMIN)
    first = make_event(1, age=days(30), summary="the first one")
    again = make_event(1, age=days(1), summary="sent again, later")
    assert store.append([first]).added == 1
    result = store.append([again, make_event(2)])
    assert (result.added, result.duplicates) == (1, 1)
    assert store.reader(ADMIN.email).get(first.id) == first


@postgresql_only
def test_the_database_refuses_an_id_twice_whoever_writes(store, db_url) -> None:
    store.add_account(ADMIN)
    store.append([make_event(1, age=days(30))])
    with _plain_role(db_url) as connection, pytest.raises(exc.IntegrityError, match="event_ids"):
        connection.execute(
            text(
                "INSERT INTO events (seq, event_id, occurred_at, event_type, area, "
                "performer_mail, performer_name, search_text, body) "
                "SELECT seq + 1000, event_id, occurred_at - 86400000, "
                "event_type, area, performer_mail, performer_name, search_text, body "
                "FROM events WHERE event_id = 'evt_000001'"
            )
        )


@postgresql_only
def test_stored_ids_follow_appends_deletes_and_truncates(store, db_url) -> None:
    store.add_account(ADMIN)
    store.append([make_event(n, age=days(n * 10)) for n in range(1, 25)])
    assert _ids_in_step(db_url)
    engine = create_engine(db_url)  # the superuser, past the guards, as the fixtures are
    try:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM events WHERE event_id = 'evt_000003'"))
        assert _ids_in_step(db_url)
        assert store.append([make_event(3)]).added == 1  # its id is free again
        with engine.begin() as connection:
            connection.execute(text("TRUNCATE events"))
        assert _ids_in_step(db_url)
        assert store.append([make_event(3)]).added == 1
    finally:
        engine.dispose()


# -- purge ---------------------------------------------------------------------------------------


def _spread(first: int, count: int, every: timedelta, oldest: timedelta) -> list:  # type: ignore[type-arg]
    return [make_event(first + k, age=oldest - k * every) for k in range(count)]


@pytest.fixture
def six_months(store, clock) -> list:  # type: ignore[type-arg]
    """An event every 12 hours from 230 days ago, in appends of 50 (segments cross weeks)."""
    store.add_account(ADMIN)
    stored = _spread(0, 460, timedelta(hours=12), days(230))
    for start in range(0, len(stored), 50):
        store.append(stored[start : start + 50])
    return stored


def test_purge_removes_what_expired_and_verify_stays_valid(store, six_months, clock, backend):
    cutoff = FIXED_NOW - RETENTION
    expired = [e for e in six_months if e.occurred_at < cutoff]
    assert store.purge(dry_run=True) == len(expired) == 100
    assert store.purge() == len(expired)
    report = store.verify(ADMIN.email)
    assert report.valid, [f.describe() for f in report.findings]
    assert (report.events, report.purged) == (len(six_months) - len(expired), len(expired))
    reader = store.reader(ADMIN.email)
    kept = ids(all_pages(reader, window(clock), 100))
    assert sorted(kept) == sorted(e.id for e in six_months if e.occurred_at >= cutoff)
    # Ten days later the next purge takes the next twenty events, and verify still agrees.
    clock.now += days(10)
    assert store.purge() == 20
    report = store.verify(ADMIN.email)
    assert report.valid and report.purged == len(expired) + 20
    assert store.append([make_event(9_999)]).added == 1
    assert store.verify(ADMIN.email).valid


def test_purge_checkpoints_name_exactly_the_runs_removed(store, six_months, clock, db_url):
    """The same checkpoints on both backends, whichever way they are read: per segment (an
    append of 50), the run of positions removed and the hash of its last event."""
    from tui.domain.chain import GENESIS
    from tui.store import appending, repository

    hashes: list[bytes] = []
    prev = GENESIS
    for start in range(0, len(six_months), 50):
        rows = [repository._event_row(e) for e in six_months[start : start + 50]]
        chained, prev = appending.chain_rows(rows, 0, prev)
        hashes.extend(row[-1] for row in chained)
    store.purge()
    clock.now += days(10)
    store.purge()
    with _connected(db_url) as connection:
        first = connection.execute(text("SELECT min(segment) FROM chain_segments")).scalar_one()
        found = [
            (segment - first, low, high, bytes(anchor))
            for segment, low, high, anchor in connection.execute(
                text(
                    "SELECT segment, first_position, last_position, anchor "
                    "FROM chain_checkpoints ORDER BY segment, first_position"
                )
            )
        ]
    assert found == [(0, 0, 49, hashes[49]), (1, 0, 49, hashes[99]), (2, 0, 19, hashes[119])]


@postgresql_only
def test_purge_drops_whole_weeks_and_keeps_the_straddling_one(fresh_url, clock) -> None:
    store = AuditStore.open(fresh_url, clock=clock)
    try:
        store.add_account(ADMIN)
        store.append(_spread(0, 100, days(1), days(99)))  # one a day, 99..0 days old
        clock.now += days(100)  # now they are 199..100 days old: 19 are past retention
        cutoff_ms = to_epoch_ms(clock.now - RETENTION)
        before = _attached(fresh_url)
        doomed = [p.name for p in before if p.hi <= cutoff_ms]
        straddling = [p.name for p in before if p.lo < cutoff_ms < p.hi]
        assert len(doomed) >= 2 and len(straddling) == 1
        assert store.purge() == 19
        after = {p.name for p in _attached(fresh_url)}
        assert not set(doomed) & after and set(straddling) <= after
        assert _weeks(fresh_url)[straddling[0]] > 0  # it kept its younger rows
        report = store.verify(ADMIN.email)
        assert report.valid and (report.events, report.purged) == (81, 19)
        assert _ids_in_step(fresh_url)
        # A late event of a dropped week arrives: it goes to the default, invisible, purged.
        store.append([make_event(500, age=days(190))])
        assert _weeks(fresh_url)["events_default"] == 1
        assert store.purge() == 1
        assert store.verify(ADMIN.email).valid
    finally:
        store.close()


# -- the default view reads one or two weeks -------------------------------------------------------


@postgresql_only
def test_the_7_day_view_reads_at_most_two_partitions(store, six_months, clock) -> None:
    reader = store.reader(ADMIN.email)
    query = EventQuery.default(clock.now)
    assert query.time_range.preset == RangePreset.LAST_7D
    statements: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if "events" in statement and statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(store._engine, "before_cursor_execute", capture)
    try:
        page = reader.page(query)
        reader.page(query, page.next_cursor)
        reader.count(query)
        reader.facets(query)
        reader.page(query.with_changes(text="collector 45"))
        reader.page(query.with_changes(types=frozenset({"Collector Created"})))
    finally:
        event.remove(store._engine, "before_cursor_execute", capture)
    assert len(page.events) == 14
    weeks_read: set[str] = set()
    with store._engine.connect() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(
                "EXPLAIN (FORMAT JSON) " + statement, parameters
            ).scalar_one()
            read = _partitions_in(plan)
            assert len(read) <= 2, (read, statement)
            assert "events_default" not in read, statement
            weeks_read |= read
    # FIXED_NOW is a Wednesday: the last 7 days are this week and the one before.
    assert weeks_read == {"events_w20261116", "events_w20261123"}


def _partitions_in(plan: Any) -> set[str]:
    found: set[str] = set()
    stack = [plan]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            name = node.get("Relation Name", "")
            if name == "events_default" or name.startswith("events_w"):
                found.add(name)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


# -- guarded like the table ----------------------------------------------------------------------


@pytest.fixture
def stored_weeks(store, backend, db_url) -> str:  # type: ignore[no-untyped-def]
    """Events in this week and one past retention (in the default partition); returns a
    week partition's name."""
    store.add_account(ADMIN)
    store.append([make_event(1), make_event(2, age=days(400))])
    return partitions.name_of(THIS_WEEK)


@postgresql_only
@pytest.mark.parametrize("table", ["events", "week", "events_default"])
@pytest.mark.parametrize(
    "statement",
    ["UPDATE {} SET body = body", "DELETE FROM {}", "TRUNCATE {}"],
    ids=["update", "delete", "truncate"],
)
def test_a_plain_role_cannot_change_the_table_or_a_partition(
    db_url, stored_weeks, table, statement
) -> None:
    name = stored_weeks if table == "week" else table
    with _plain_role(db_url) as connection, pytest.raises(exc.DBAPIError, match="append-only"):
        connection.execute(text(statement.format(name)))


@postgresql_only
def test_the_purge_flag_does_not_open_a_partition_itself(db_url, stored_weeks) -> None:
    with _plain_role(db_url) as connection:
        connection.execute(text("SET LOCAL auditlog.purging = 'on'"))
        with pytest.raises(exc.DBAPIError, match="append-only"):
            connection.execute(text(f"DELETE FROM {stored_weeks}"))


@postgresql_only
def test_every_partition_carries_the_guard(fresh_store, fresh_url) -> None:
    fresh_store.append([make_event(1, age=days(100))])
    engine = create_engine(fresh_url)
    try:
        with engine.connect() as connection:
            unguarded = connection.execute(
                text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'events'::regclass AND NOT EXISTS (SELECT 1 FROM "
                    "pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = c.relname || "
                    "'_append_only')"
                )
            ).scalars()
            assert list(unguarded) == []
    finally:
        engine.dispose()
