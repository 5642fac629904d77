"""Migration 0006: SQLite's trigram index merges its segments sixteen at a time, not four.

Only how the index is merged changes (FTS5's ``automerge``), so what is checked is that
appends leave their segments unmerged where 0005 merged them after four, that searches find
the same events before and after, and that the index stays whole through upgrade, downgrade
and upgrade again.
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
from tui.store import migrate
from tui.store.engine import connect, resolve_url
from tui.store.repository import AuditStore

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

#: Enough index pages that FTS5 does merge work (it merges after every 64 pages written).
APPENDS, EACH = 8, 400


def _batch(start: int):  # type: ignore[no-untyped-def]
    # Text as varied as real events', so the index has pages to merge.
    return indexed_events(start, EACH)


def _batches():  # type: ignore[no-untyped-def]
    return [_batch(k * EACH) for k in range(APPENDS)]


def _automerge(url: str) -> object:
    return scalar(url, "SELECT v FROM events_fts_config WHERE k = 'automerge'")


def _appended_at(url: str, revision: str) -> None:
    engine = connect(resolve_url(url))
    try:
        migrate.upgrade(engine, revision)
        for batch in _batches():
            append_as_of(engine, batch)
    finally:
        engine.dispose()


def test_appends_leave_their_segments_unmerged_where_0005_merged_them_by_four(
    fresh_url, tmp_path, clock
) -> None:
    _appended_at(fresh_url, "0005")
    # 0005 merged four segments as soon as they waited.
    assert search_index_segments(fresh_url) < APPENDS
    current = str(tmp_path / "current.sqlite3")
    _appended_at(current, "0006")
    assert search_index_segments(current) == APPENDS
    assert _automerge(current) == 16
    store = AuditStore.open(fresh_url, clock=clock)  # 0005's index, upgraded, then more
    try:
        store.add_account(ADMIN)
        store.append(_batch(APPENDS * EACH))
        assert _automerge(fresh_url) == 16
        # Rows of both revisions' appends are found, through the index.
        assert found_ids(store, clock, "key 00007") == ["evt_000007"]
        assert found_ids(store, clock, f"key {APPENDS * EACH + 7:05d}") == [
            f"evt_{APPENDS * EACH + 7:06d}"
        ]
        assert len(found_ids(store, clock, '"signing key 001"')) == 100
        execute(fresh_url, text("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')"))
        assert store.verify(ADMIN.email).valid
    finally:
        store.close()


def test_0006_downgrades_and_upgrades_again_with_the_same_search_results(fresh_url, clock) -> None:
    store = AuditStore.open(fresh_url, clock=clock)
    store.add_account(ADMIN)
    for batch in _batches():
        store.append(batch)
    expected = found_ids(store, clock, '"key 0012"')
    store.close()
    assert len(expected) == 10
    downgrade(fresh_url, "0005")
    assert _automerge(fresh_url) == 4
    execute(fresh_url, text("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')"))
    store = AuditStore.open(fresh_url, clock=clock)
    try:
        assert _automerge(fresh_url) == 16
        assert found_ids(store, clock, '"key 0012"') == expected
    finally:
        store.close()
