"""The hot path of ``AuditStore.append``: new events in, chained, as cheaply as the driver allows.

One append is one chain segment (``tui.domain.chain``). Appends are serialised for the whole
transaction — SQLite by ``BEGIN IMMEDIATE`` (its single writer), PostgreSQL by an EXCLUSIVE
lock on ``chain_segments`` (readers are not blocked) — so that the ids found already stored
are exactly the ones skipped, and each segment continues from the head committed before it.

The rows go in through the DBAPI driver itself, without SQLAlchemy's per-row work and without
RETURNING: multi-row INSERTs on SQLite, ``COPY`` on PostgreSQL.

Where an append's time goes (measured at 100k-1M events, 2026-11-26): on SQLite about a
third of the writer's CPU is the table and its b-trees, half the FTS5 trigram index
(tokenising ~190 characters an event, merging segments), the rest the Python row work;
on PostgreSQL nearly two thirds of the server's is the pg_trgm GIN index (extracting the
trigrams, merging its pending list), a sixth the b-trees. Neither a larger SQLite page
cache nor rarer WAL checkpoints changed the CPU an event costs; they are left at default.
Counted again with valgrind on 20,000 real events (2026-11-26, instructions an event, the
driver's binding included): table and b-trees 69,000; the trigram index 120,000 with
statements of 2,500 rows, 101,000 with one statement and one segment per 5,000 (0005).
Merging those segments sixteen at a time instead of four (0006) took the index's CPU an
event from 30.7 to 22.4 us at 1M, 45.3 to 27.0 us at 10M.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from hashlib import sha256
from typing import Any

import orjson
from sqlalchemy import Connection, exc

from tui.domain.chain import GENESIS

#: The columns an append writes, in the order the rows below hold them.
COLUMNS = (
    "event_id",
    "occurred_at",
    "event_type",
    "area",
    "performer_mail",
    "performer_name",
    "tenant_id",
    "search_text",
    "body",
    "chain_segment",
    "chain_position",
    "chain_prev",
    "chain_hash",
)
#: Where ``event_id``, ``occurred_at`` and ``body`` sit in a row (``repository._event_row``).
ID, TIME, BODY = 0, 1, 8

_SQLITE_INSERT = (
    "INSERT INTO events (event_id, occurred_at, event_type, area, performer_mail, "
    "performer_name, tenant_id, search_text, body, chain_segment, chain_position, chain_prev, "
    "chain_hash) VALUES "
)
_SQLITE_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#: Rows per multi-row INSERT at most: an ingest batch (5,000; up to 16,000 with
#: ``--batch-size``) is one statement where SQLite allows its parameters (13 a row; Debian's
#: SQLite allows 250,000; SQLite's own default, 32,766, makes 2,520 rows a statement). One
#: statement per row (plain executemany) would be several times slower: FTS5 writes its
#: pending index data at the end of every statement, so the trigram index would be written
#: row by row. Each write is a segment that FTS5 merges later: the fewer, the less merging.
#: Migration 0005 lets a whole statement's entries wait in memory, so a statement writes one
#: segment (at 0004 a statement of 5,000 already wrote two). At 1M events, batches of 16,000
#: took 4% less of the writer's CPU than 5,000 (loaded machine) but held 275 MiB, not 123:
#: the default stays 5,000.
_SQLITE_ROWS_PER_STATEMENT = 16_000
_PG_COPY = (
    "COPY events (event_id, occurred_at, event_type, area, performer_mail, performer_name, "
    "tenant_id, search_text, body, chain_segment, chain_position, chain_prev, chain_hash) "
    "FROM STDIN (FORMAT BINARY)"
)
#: The COPY's column types, in ``COLUMNS`` order. Binary COPY spares the client the text
#: escaping of every value (client CPU 2.2-3.9 -> 1.3 us an event on 100k; the server's
#: about the same). varchar travels as text does; the server still checks its length.
_PG_COPY_TYPES = (
    "text", "int8", "text", "text", "text", "text", "text", "text", "text",
    "int8", "int4", "bytea", "bytea",
)  # fmt: skip

#: For the append's transaction only. Most of a COPY's time on the server is the pg_trgm GIN
#: index: new entries go to its pending list, which the inserting backend merges into the
#: index whenever the list passes ``gin_pending_list_limit`` (4 MB), sorting them in
#: ``work_mem`` (4 MB). Merging in larger runs updates each trigram's posting list less
#: often: measured on 100k events, 57 -> 48 us of server CPU an event. The price: a search
#: reads up to 16 MB of pending list in the week being written until it is merged (2.8 ms
#: instead of 0.4 ms for a rare word over 100k), the next append or autovacuum merging it.
_PG_APPEND_SETTINGS = (
    "SET LOCAL gin_pending_list_limit = '16MB'",
    "SET LOCAL work_mem = '64MB'",
)

#: One index probe per id, whatever the planner thinks of the table: a LATERAL subquery with
#: LIMIT cannot become a hash join. The plain join did, with statistics from when the table
#: was small (as during a first ingest): a scan of all of ``event_ids`` per append, 185-300
#: ms for 5,000 ids at 1M events against 7-13 ms this way.
_PG_STORED_IDS = (
    "SELECT i.event_id FROM unnest(%s::text[]) AS u (id), "
    "LATERAL (SELECT event_id FROM event_ids WHERE event_id = u.id LIMIT 1) AS i"
)


@contextmanager
def driver_errors(connection: Connection) -> Iterator[Any]:
    """The DBAPI connection, its errors wrapped as SQLAlchemy's (which the store translates)."""
    dbapi = connection.dialect.loaded_dbapi
    try:
        yield connection.connection.driver_connection
    except dbapi.Error as error:
        raise exc.DBAPIError.instance(None, None, error, dbapi.Error) from error


def lock(connection: Connection) -> None:
    """Take the append lock for the rest of this transaction (before any other statement);
    on PostgreSQL also set the append's own settings (``_PG_APPEND_SETTINGS``)."""
    if connection.dialect.name == "sqlite":
        with driver_errors(connection) as driver:
            driver.execute("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("LOCK TABLE chain_segments IN EXCLUSIVE MODE")
        for setting in _PG_APPEND_SETTINGS:
            connection.exec_driver_sql(setting)


def stored_ids(connection: Connection, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` the events table holds already (one statement, whatever the count).

    On PostgreSQL the ids are looked up in ``event_ids`` (migration 0003), every stored id
    once, not in the weekly partitions of ``events``, which would cost one probe per id in
    each week; ``_PG_STORED_IDS`` makes it one index probe per id.
    """
    with driver_errors(connection) as driver:
        if connection.dialect.name == "sqlite":
            rows = driver.execute(
                "SELECT event_id FROM events WHERE event_id IN (SELECT value FROM json_each(?))",
                (orjson.dumps(list(ids)).decode(),),
            )
        else:
            rows = driver.execute(_PG_STORED_IDS, (list(ids),))
        return {row[0] for row in rows}


def head(connection: Connection) -> tuple[int, bytes]:
    """The newest segment's number and head, or (0, GENESIS) for an empty chain."""
    row = connection.exec_driver_sql(
        "SELECT segment, head FROM chain_segments ORDER BY segment DESC LIMIT 1"
    ).first()
    return (0, GENESIS) if row is None else (int(row[0]), bytes(row[1]))


def chain_rows(rows: list[tuple[Any, ...]], segment: int, prev: bytes) -> tuple[list, bytes]:  # type: ignore[type-arg]
    """Each row completed with its chain fields; returns the rows and the segment's head."""
    chained = []
    for position, row in enumerate(rows):
        current = sha256(prev + row[BODY].encode()).digest()
        chained.append((*row, segment, position, prev, current))
        prev = current
    return chained, prev


def insert(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Write complete rows (``COLUMNS`` order) straight through the driver."""
    with driver_errors(connection) as driver:
        if connection.dialect.name == "sqlite":
            step = sqlite_rows_per_statement(driver)
            for start in range(0, len(rows), step):
                part = rows[start : start + step]
                # Only placeholders are joined into the statement; every value is bound.
                statement = _SQLITE_INSERT + ",".join([_SQLITE_ROW] * len(part))
                driver.execute(statement, list(itertools.chain.from_iterable(part)))
            return
        with driver.cursor() as cursor, cursor.copy(_PG_COPY) as copy:
            copy.set_types(_PG_COPY_TYPES)
            for row in rows:
                copy.write_row(row)


def sqlite_rows_per_statement(driver: sqlite3.Connection) -> int:
    """How many rows one INSERT holds: ``_SQLITE_ROWS_PER_STATEMENT``, or fewer where this
    SQLite allows fewer bound parameters."""
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(_SQLITE_ROWS_PER_STATEMENT, limit // len(COLUMNS)))


def record_segment(
    connection: Connection, segment: int, prev_head: bytes, head_hash: bytes, count: int, now: int
) -> None:
    connection.exec_driver_sql(
        "INSERT INTO chain_segments (segment, prev_head, head, event_count, created_at) "
        + (
            "VALUES (?, ?, ?, ?, ?)"
            if connection.dialect.name == "sqlite"
            else "VALUES (%s, %s, %s, %s, %s)"
        ),
        (segment, prev_head, head_hash, count, now),
    )
