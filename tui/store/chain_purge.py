"""The retention purge, which keeps the hash chain verifiable.

Before deleting, it records each run of consecutive chain positions it removes as a
checkpoint ``(segment, first, last, anchor)``; ``anchor`` is the hash of the run's last event,
the ``prev`` the kept part resumes from. A run never bridges a position that is already
missing, so an earlier, illegitimate removal stays visible to ``verify``.

The events table refuses DELETE except here (migration 0002): PostgreSQL's trigger lets it
through when ``auditlog.purging`` is set for the transaction; SQLite's trigger calls
``auditlog_purging()``, a function only this connection defines, for the time of the purge.

On PostgreSQL (weekly partitions, ``partitions``) the weeks wholly before the cutoff are
dropped, not deleted from: the DELETE reaches only the week that straddles the cutoff, the
default partition and ``event_ids`` (the narrow table of stored ids), and runs first, so
that the DROPs, which lock the whole table against readers, come last and hold that lock
only until the commit right after them. The checkpoints are the same as on SQLite, written
before anything is removed.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection

from tui.store import partitions
from tui.store.appending import driver_errors, lock

_BATCH = 2_000
_INSERT_SQLITE = (
    "INSERT INTO chain_checkpoints (segment, first_position, last_position, anchor, purged_at) "
    "VALUES (?, ?, ?, ?, ?)"
)
_INSERT_PG = (
    "INSERT INTO chain_checkpoints (segment, first_position, last_position, anchor, purged_at) "
    "VALUES (%s, %s, %s, %s, %s)"
)
_DELETE_SQLITE = "DELETE FROM events WHERE occurred_at < ?"
_EXPIRED_SQLITE = (
    "SELECT chain_segment, chain_position, chain_hash FROM events "
    "WHERE occurred_at < ? AND chain_segment IS NOT NULL "
    "ORDER BY chain_segment, chain_position"
)
_SQLITE_FLAG = "auditlog_purging"
#: How long the purge waits to drop expired weeks before it gives up (and changes nothing).
DROP_LOCK_TIMEOUT = "10s"
# PostgreSQL's partitions: identifiers are quoted, the condition is built of placeholders.
_COUNT = "SELECT count(*) FROM {}"
_DELETE_OUTSIDE = "DELETE FROM events WHERE occurred_at < %s AND ({})"
_DROP = "DROP TABLE {}"
_FORGET_IDS = "DELETE FROM event_ids WHERE occurred_at < %s"
_POSITIONS_IN = "SELECT chain_segment, chain_position FROM {} WHERE chain_segment IS NOT NULL"
_POSITIONS_OUTSIDE = (
    "SELECT chain_segment, chain_position FROM events "
    "WHERE occurred_at < %s AND ({}) AND chain_segment IS NOT NULL"
)
_ANCHORS = (
    "SELECT e.chain_segment, e.chain_position, e.chain_hash FROM events e "
    "JOIN unnest(%s::bigint[], %s::integer[]) AS r (segment, position) "
    "ON e.chain_segment = r.segment AND e.chain_position = r.position "
    "WHERE e.occurred_at < %s"
)


def purge(connection: Connection, cutoff_ms: int, now_ms: int) -> int:
    """Delete events that occurred before ``cutoff_ms``; returns how many."""
    sqlite = connection.dialect.name == "sqlite"
    with driver_errors(connection) as driver:
        return _purge(connection, driver, sqlite, cutoff_ms, now_ms)


def _purge(connection: Connection, driver: Any, sqlite: bool, cutoff_ms: int, now_ms: int) -> int:
    lock(connection)  # the append lock: no segment changes meanwhile
    if not sqlite:
        return _purge_postgresql(connection, driver, cutoff_ms, now_ms)
    _checkpoint(driver, _INSERT_SQLITE, _runs(connection, cutoff_ms), now_ms)
    driver.create_function(_SQLITE_FLAG, 0, lambda: 1)
    try:
        return driver.execute(_DELETE_SQLITE, (cutoff_ms,)).rowcount
    finally:
        driver.create_function(_SQLITE_FLAG, 0, None)


def _checkpoint(
    driver: Any, insert: str, runs: Iterator[tuple[int, int, int, bytes]], now_ms: int
) -> None:
    pending: list[tuple[int, int, int, bytes, int]] = []
    for segment, first, last, anchor in runs:
        pending.append((segment, first, last, anchor, now_ms))
        if len(pending) >= _BATCH:
            driver.cursor().executemany(insert, pending)
            pending.clear()
    if pending:
        driver.cursor().executemany(insert, pending)


def _purge_postgresql(connection: Connection, driver: Any, cutoff_ms: int, now_ms: int) -> int:
    expired = [p for p in partitions.attached(connection) if p.hi <= cutoff_ms]
    # The rows to delete lie outside the weeks to drop: the condition names only those
    # ranges, so partition pruning keeps the DELETE out of the weeks that are dropped.
    outside, values = _outside(expired, cutoff_ms)
    runs = _runs_postgresql(connection, expired, outside, values)
    _checkpoint(driver, _INSERT_PG, runs, now_ms)
    quote = connection.dialect.identifier_preparer.quote
    removed = 0
    for partition in expired:
        removed += connection.exec_driver_sql(_COUNT.format(quote(partition.name))).scalar_one()
    connection.exec_driver_sql("SET LOCAL auditlog.purging = 'on'")
    with driver.cursor() as cursor:
        cursor.execute(_DELETE_OUTSIDE.format(outside), values)
        removed += cursor.rowcount
        # The ids of the weeks dropped (a DROP fires no trigger; the DELETE's did its own).
        cursor.execute(_FORGET_IDS, (cutoff_ms,))
    connection.exec_driver_sql("SET LOCAL auditlog.purging = 'off'")
    if expired:
        # A DROP waits for every running read of the log (an export may take minutes) and
        # readers queue behind it: give up instead, undoing the whole purge, to run again.
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{DROP_LOCK_TIMEOUT}'")
    for partition in expired:
        connection.exec_driver_sql(_DROP.format(quote(partition.name)))
    return removed


def _runs_postgresql(
    connection: Connection, expired: list[partitions.Partition], outside: str, values: list[int]
) -> Iterator[tuple[int, int, int, bytes]]:
    """``_runs``, from the positions alone, then each run's anchor by its place.

    The same runs and anchors as ``_runs``, read differently: the positions of a week that
    is dropped whole come from its chain index alone (an index-only scan, no filter on
    time), instead of every row of the week being read from the table for its hash; only
    the hash ending each run is then looked up, a few hundred rows for a month of appends.
    """
    quote = connection.dialect.identifier_preparer.quote
    parts = [_POSITIONS_IN.format(quote(p.name)) for p in expired]
    parts.append(_POSITIONS_OUTSIDE.format(outside))
    rows = connection.exec_driver_sql(
        " UNION ALL ".join(parts) + " ORDER BY 1, 2",
        tuple(values),
        execution_options={"stream_results": True, "yield_per": _BATCH},
    )
    spans: list[tuple[int, int, int]] = []
    for span in _spans(rows):
        spans.append(span)
        if len(spans) >= _BATCH:
            yield from _anchored(connection, spans, values[0])
            spans = []
    yield from _anchored(connection, spans, values[0])


def _spans(rows: Iterator[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    """``(segment, first, last)`` for each run of consecutive positions, from sorted rows."""
    run: list[int] | None = None
    for segment, position in rows:
        if run is not None and run[0] == segment and run[2] + 1 == position:
            run[2] = position
            continue
        if run is not None:
            yield run[0], run[1], run[2]
        run = [segment, position, position]
    if run is not None:
        yield run[0], run[1], run[2]


def _anchored(
    connection: Connection, spans: list[tuple[int, int, int]], cutoff_ms: int
) -> Iterator[tuple[int, int, int, bytes]]:
    if not spans:
        return
    found = connection.exec_driver_sql(
        _ANCHORS, ([s for s, _, _ in spans], [last for _, _, last in spans], cutoff_ms)
    ).all()
    anchors = {(segment, position): bytes(digest) for segment, position, digest in found}
    for segment, first, last in spans:
        anchor = anchors.get((segment, last))
        if anchor is not None:  # else removed meanwhile, around auditlog: verify will say so
            yield segment, first, last, anchor


def _outside(expired: list[partitions.Partition], cutoff_ms: int) -> tuple[str, list[int]]:
    """A condition for ``occurred_at`` outside every partition in ``expired`` (ascending),
    and its values, the cutoff first: ``< first.lo``, each gap between them, ``>= last.hi``."""
    if not expired:
        return "TRUE", [cutoff_ms]
    terms = ["occurred_at < %s"]
    values = [cutoff_ms, expired[0].lo]
    for before, after in pairwise(expired):
        if before.hi < after.lo:
            terms.append("(occurred_at >= %s AND occurred_at < %s)")
            values += [before.hi, after.lo]
    terms.append("occurred_at >= %s")
    values.append(expired[-1].hi)
    return " OR ".join(terms), values


def _runs(connection: Connection, cutoff_ms: int) -> Iterator[tuple[int, int, int, bytes]]:
    """Runs of consecutive positions, per segment, among the events to be purged, each with
    the hash of its last event (SQLite: one table, one pass)."""
    rows = connection.exec_driver_sql(
        _EXPIRED_SQLITE,
        (cutoff_ms,),
        execution_options={"stream_results": True, "yield_per": _BATCH},
    )
    run: list[Any] | None = None
    for segment, position, digest in rows:
        if run is not None and run[0] == segment and run[2] + 1 == position:
            run[2], run[3] = position, digest
            continue
        if run is not None:
            yield run[0], run[1], run[2], bytes(run[3])
        run = [segment, position, position, digest]
    if run is not None:
        yield run[0], run[1], run[2], bytes(run[3])
