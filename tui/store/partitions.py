"""Weekly partitions of the events table on PostgreSQL (migration 0003): naming, rolling, dropping.

Why weekly: the viewer opens on the last 7 days, and a 7-day range crosses at most one week
boundary, so it reads one or two partitions; retention (180 days) is then about 27
partitions, few enough that planning and locking stay cheap (daily partitions would be 180+,
each with eight indexes to lock for any query that is not pruned), and the purge, run daily,
deletes row by row only inside the one week that straddles the cutoff. Weeks start on Monday
00:00 UTC; bounds are epoch milliseconds like ``occurred_at``.

``events_default`` (the DEFAULT partition) holds whatever no week holds: events already past
retention when they arrive (validation accepts any past time; a partition per ancient week
would be created only to be dropped) and the rare week that could not be created. A query
whose range the weeks cover does not read it.

Partitions are created *before* the append that needs them, in a short transaction of their
own under the append lock, each as a plain table attached with ``ATTACH PARTITION``:
that locks the parent only against other DDL (SHARE UPDATE EXCLUSIVE), so readers and
writers go on, where ``CREATE TABLE ... PARTITION OF`` would block every reader of the log.
Which weeks exist is remembered per store, so an append into known weeks costs nothing.
A week missing for any reason is not an error: its rows go to the default partition.

SQLite is never partitioned (the small backend); nothing here runs there.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, exc

from tui.store.appending import lock

DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS
#: 1970-01-05, the first Monday of the epoch: weeks are aligned on it.
_MONDAY_MS = 4 * DAY_MS
DEFAULT = "events_default"
_PREFIX = "events_w"
#: How long making a week waits for a lock (the default partition, read by a long export)
#: before it gives up: an append is never held up longer than this.
LOCK_TIMEOUT = "2s"
_LOCK_NOT_AVAILABLE = "55P03"
_BOUND = re.compile(r"FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)")


@dataclass(frozen=True, slots=True, order=True)
class Partition:
    """One attached range partition: rows with ``lo <= occurred_at < hi``."""

    lo: int
    hi: int
    name: str


def week_start(ms: int) -> int:
    """The Monday 00:00 UTC (epoch ms) that begins the week holding ``ms``."""
    return (ms - _MONDAY_MS) // WEEK_MS * WEEK_MS + _MONDAY_MS


def name_of(start_ms: int) -> str:
    """``events_wYYYYMMDD``, the week's Monday."""
    return _PREFIX + datetime.fromtimestamp(start_ms / 1000, UTC).strftime("%Y%m%d")


def weeks_to_create(
    times: Iterable[int], now_ms: int, cutoff_ms: int, known: Iterable[int]
) -> list[int]:
    """The week starts to create so that ``times`` land in weeks, in ascending order.

    Wanted: each week holding one of ``times`` that is neither wholly past ``cutoff_ms`` nor
    beyond next week, the current week and the next (so that the week turns without waiting
    for DDL). Then every gap from the oldest week up to the newest wanted is filled too, not
    below the cutoff's week: a range the weeks cover contiguously never reads the default
    partition. A time past next week (validation allows five minutes ahead; an event built
    without that check may say the year 9999) goes to the default partition instead of
    making every week until then.
    """
    cutoff_week = week_start(cutoff_ms)
    now_week = week_start(now_ms)
    next_week = now_week + WEEK_MS
    wanted = {w for w in map(week_start, times) if cutoff_week <= w <= next_week}
    wanted.update((now_week, next_week))
    have = set(known)
    if wanted <= have:
        return []
    first = max(min(wanted | have), cutoff_week)
    return [w for w in range(first, max(wanted) + WEEK_MS, WEEK_MS) if w not in have]


def attached(connection: Connection) -> list[Partition]:
    """The range partitions of ``events`` (the default one aside), oldest first."""
    rows = connection.exec_driver_sql(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'events'::regclass"
    ).all()
    found = []
    for name, bound in rows:
        match = _BOUND.search(bound or "")
        if match is not None:  # DEFAULT, or MINVALUE/MAXVALUE bounds someone else made
            found.append(Partition(int(match[1]), int(match[2]), name))
    return sorted(found)


def create_statements(start_ms: int) -> list[str]:
    """The DDL that adds the week beginning at ``start_ms``: a table shaped like ``events``,
    attached, and guarded like its parent (a statement on a partition itself does not fire
    the parent's statement triggers). Integers only: nothing here comes from outside."""
    name = name_of(start_ms)
    end = start_ms + WEEK_MS
    return [
        f"CREATE TABLE {name} (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
        f"ALTER TABLE events ATTACH PARTITION {name} FOR VALUES FROM ({start_ms}) TO ({end})",
        guard_statement(name),
    ]


def guard_statement(table: str) -> str:
    """The append-only trigger of migration 0002 on one more table."""
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION auditlog_append_only()"
    )


def create_default_statements() -> list[str]:
    return [f"CREATE TABLE {DEFAULT} PARTITION OF events DEFAULT", guard_statement(DEFAULT)]


def _default_holds(connection: Connection, start_ms: int) -> bool:
    """Whether the default partition already holds rows of this week (then it stays there:
    attaching the week would fail on them)."""
    return (
        connection.exec_driver_sql(
            "SELECT 1 FROM events_default WHERE occurred_at >= %(lo)s AND occurred_at < %(hi)s "
            "LIMIT 1",
            {"lo": start_ms, "hi": start_ms + WEEK_MS},
        ).first()
        is not None
    )


class WeeklyPartitions:
    """What one store knows of the weeks that exist, and the rolling that adds new ones.

    Thread-safe: the store is used from the viewer's workers.
    """

    def __init__(self) -> None:
        self._known: set[int] | None = None
        self._mutex = threading.Lock()

    def forget(self) -> None:
        """Re-read the catalog next time (after the purge dropped weeks)."""
        with self._mutex:
            self._known = None

    def ensure(self, engine: Engine, times: Iterable[int], now_ms: int, cutoff_ms: int) -> int:
        """Create the weeks an append of rows at ``times`` needs; returns how many were made.

        Costs nothing when every week is known, and one catalog query when this store has
        not looked yet. Otherwise one short transaction under the append lock (so no append
        or purge runs meanwhile: the purge, which deletes from the default partition and
        then drops weeks, could otherwise deadlock with an attach): re-read which weeks
        exist (another process may have made them), then add each missing one in a
        savepoint. One that cannot be made — its rows are in the default partition already,
        or the default is held by a long reader past ``LOCK_TIMEOUT`` — is skipped: its rows
        go to the default partition, stored and found all the same. The week ahead is made
        a week early, so a skip there is retried by the next store before any row needs it.
        """
        times = [t for t in times if isinstance(t, int)]  # the database refuses the rest
        with self._mutex:
            if self._known is None:
                with engine.connect() as connection:
                    self._known = {p.lo for p in attached(connection)}
            if not weeks_to_create(times, now_ms, cutoff_ms, self._known):
                return 0
            made = 0
            with engine.begin() as connection:
                lock(connection)
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                known = {p.lo for p in attached(connection)}
                missing = weeks_to_create(times, now_ms, cutoff_ms, known)
                # Made or not, none is tried again by this store (until the purge's forget).
                self._known = known | set(missing)
                for start in missing:
                    if _default_holds(connection, start):
                        continue
                    try:
                        with connection.begin_nested():
                            for statement in create_statements(start):
                                connection.exec_driver_sql(statement)
                    except exc.DBAPIError as error:
                        if getattr(error.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
                            break  # the others would wait as long
                        continue
                    made += 1
            return made
