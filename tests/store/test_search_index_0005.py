"""Migration 0005: SQLite's trigram index writes an append's statement as one segment.

Only how the index is written changes (FTS5's ``hashsize``), so what is checked is that an
append of a whole ingest batch leaves one new segment where it left several before, that
searches find the same events before and after, and that the index stays whole through
upgrade, downgrade and upgrade again.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import ADMIN
from tests.store.conftest import (
    append_as_of,
    downgrade,
    execute,
    found_ids,
    indexed_events,
    scalar,
    search_index_segments,
)
from tui.cli.commands import ingest
from tui.store import appending, migrate
from tui.store.engine import connect, resolve_url
from tui.store.repository import AuditStore

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

#: One ingest batch (``ingest.BATCH_SIZE``): one INSERT statement.
BATCH = 5_000


def _batch(start: int):  # type: ignore[no-untyped-def]
    # Long enough that a batch's index entries pass 1 MB as real ones do.
    return indexed_events(start, BATCH)


def _at_0004(url: str, batch) -> None:  # type: ignore[no-untyped-def]
    engine = connect(resolve_url(url))
    try:
        migrate.upgrade(engine, "0004")
        append_as_of(engine, batch)
    finally:
        engine.dispose()


def test_an_append_of_one_batch_writes_one_segment_where_0004_wrote_several(
    fresh_url, tmp_path, clock
) -> None:
    assert appending._SQLITE_ROWS_PER_STATEMENT >= BATCH == ingest.BATCH_SIZE
    _at_0004(fresh_url, _batch(0))
    # The entries passed 0004's 1 MB and were cut in pieces.
    assert search_index_segments(fresh_url) > 1
    current = str(tmp_path / "current.sqlite3")
    store = AuditStore.open(current, clock=clock)
    try:
        store.add_account(ADMIN)
        store.append(_batch(0))
        assert search_index_segments(current) == 1
    finally:
        store.close()
    store = AuditStore.open(fresh_url, clock=clock)  # 0004's rows, upgraded, then more
    try:
        store.add_account(ADMIN)
        store.append(_batch(BATCH))
        # Rows of both appends are found, through the index and by the newest rows' walk.
        assert found_ids(store, clock, "key 00007 ") == ["evt_000007"]
        assert found_ids(store, clock, f"key {BATCH + 7:05d} ") == [f"evt_{BATCH + 7:06d}"]
        assert len(found_ids(store, clock, '"region 3:"')) == len(range(3, 2 * BATCH, 7))
        execute(fresh_url, text("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')"))
        assert store.verify(ADMIN.email).valid
    finally:
        store.close()


def test_0005_downgrades_and_upgrades_again_with_the_same_search_results(fresh_url, clock) -> None:
    store = AuditStore.open(fresh_url, clock=clock)
    store.add_account(ADMIN)
    store.append(_batch(0))
    expected = found_ids(store, clock, '"key 0012"')
    store.close()
    assert len(expected) == 10
    downgrade(fresh_url, "0004")
    assert scalar(fresh_url, "SELECT v FROM events_fts_config WHERE k = 'hashsize'") == 1048576
    execute(fresh_url, text("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')"))
    store = AuditStore.open(fresh_url, clock=clock)
    try:
        assert scalar(fresh_url, "SELECT v FROM events_fts_config WHERE k = 'hashsize'") == (
            16 * 1024 * 1024
        )
        assert found_ids(store, clock, '"key 0012"') == expected
    finally:
        store.close()
