"""Migration 0006: SQLite's trigram index merges its segments sixteen at a time, not four.

Only how the index is merged changes (FTS5's ``automerge``), so what is checked is that
appends leave their segments unmerged where 0005 merged them after four, that searches find
the same events before and after, and that the index stays whole through upgrade, downgrade
and upgrade again.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.conftest import ADMIN, make_event
from tests.store.conftest import append_as_of, downgrade, execute, ids, window
from tui.store import migrate
from tui.store.engine import connect, resolve_url
from tui.store.repository import AuditStore

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

#: Enough index pages that FTS5 does merge work (it merges after every 64 pages written).
APPENDS, EACH = 8, 400


def _batch(start: int):  # type: ignore[no-untyped-def]
    return [
        make_event(
            n,
            age=timedelta(minutes=n + 1),
            # Text as varied as real events' (~190 characters), so the index has pages to merge.
            summary=f"Rotated signing key {n:05d} for the collector fleet: "
            + " ".join(f"{n * k:x}" for k in range(3, 30)),
        )
        for n in range(start, start + EACH)
    ]


def _batches():  # type: ignore[no-untyped-def]
    return [_batch(k * EACH) for k in range(APPENDS)]


def _scalar(url: str, statement: str) -> object:
    engine = connect(resolve_url(url))
    try:
        with engine.connect() as connection:
            return connection.execute(text(statement)).scalar()
    finally:
        engine.dispose()


def _segments(url: str) -> int:
    return int(_scalar(url, "SELECT count(DISTINCT segid) FROM events_fts_idx"))  # type: ignore[call-overload]


def _automerge(url: str) -> object:
    return _scalar(url, "SELECT v FROM events_fts_config WHERE k = 'automerge'")


def _found(store: AuditStore, clock, words: str) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(ids(store.reader(ADMIN.email).stream(window(clock, text=words))))


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
    assert _segments(fresh_url) < APPENDS  # 0005 merged four segments as soon as they waited
    current = str(tmp_path / "current.sqlite3")
    _appended_at(current, "0006")
    assert _segments(current) == APPENDS
    assert _automerge(current) == 16
    store = AuditStore.open(fresh_url, clock=clock)  # 0005's index, upgraded, then more
    try:
        store.add_account(ADMIN)
        store.append(_batch(APPENDS * EACH))
        assert _automerge(fresh_url) == 16
        # Rows of both revisions' appends are found, through the index.
        assert _found(store, clock, "key 00007") == ["evt_000007"]
        assert _found(store, clock, f"key {APPENDS * EACH + 7:05d}") == [
            f"evt_{APPENDS * EACH + 7:06d}"
        ]
        assert len(_found(store, clock, '"signing key 001"')) == 100
        execute(fresh_url, text("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')"))
        assert store.verify(ADMIN.email).valid
    finally:
        store.close()


def test_0006_downgrades_and_upgrades_again_with_the_same_search_results(fresh_url, clock) -> None:
    store = AuditStore.open(fresh_url, clock=clock)
    store.add_account(ADMIN)
    for batch in _batches():
        store.append(batch)
    expected = _found(store, clock, '"key 0012"')
    store.close()
    assert len(expected) == 10
    downgrade(fresh_url, "0005")
    assert _automerge(fresh_url) == 4
    execute(fresh_url, text("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')"))
    store = AuditStore.open(fresh_url, clock=clock)
    try:
        assert _automerge(fresh_url) == 16
        assert _found(store, clock, '"key 0012"') == expected
    finally:
        store.close()
