"""Migration 0004: SQLite's trigram index without positions; search finds exactly what it did.

The index no longer matches phrases: it is asked for every trigram of a term, and the exact
substring test decides. So the cases where trigrams and substrings part ways are the ones
checked here: the same trigrams in another order, a phrase split across two fields, terms
longer than the trigrams the index is asked for, quotes and FTS5 syntax in a term.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.conftest import ADMIN, make_event
from tests.store.conftest import append_as_of, downgrade, execute, ids, window
from tui.domain.timerange import RETENTION
from tui.store import filters, migrate, search_plan
from tui.store.engine import connect, resolve_url
from tui.store.repository import AuditStore
from tui.store.search_plan import Tuning

LONG = "abcdefghijklmnopqrstuvwxyz0123456789"  # 34 distinct trigrams: more than are asked for
SUMMARIES = {
    1: "Revoking the token",
    2: "gnikover: the same letters, not the word",
    3: "king revo: and revok oking, each trigram of a word that is not here",
    4: f"long {LONG} end",
    5: f"long {LONG[:20]} {LONG[18:]} split",  # every trigram of LONG, not LONG
    6: 'quoted"x" OR y* NEAR(a b) -- and more',
    7: "Acme  Corp\tmigrated",
}


@pytest.fixture(autouse=True)
def index_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every search through the index (a walk of the newest rows would answer these alone)."""
    monkeypatch.setattr(search_plan, "TUNING", Tuning(first_scan=0))


def _events():  # type: ignore[no-untyped-def]
    return [
        make_event(n, summary=summary, age=timedelta(days=n)) for n, summary in SUMMARIES.items()
    ]


def _search(store: AuditStore, clock, words: str) -> list[str]:  # type: ignore[no-untyped-def]
    query = window(clock, text=words)
    reader = store.reader(ADMIN.email)
    found = sorted(ids(reader.stream(query)))
    assert reader.count(query).value == len(found)
    return found


def _fts_sql(url: str) -> str:
    engine = connect(resolve_url(url))
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'events_fts'")
            ).scalar_one()
    finally:
        engine.dispose()


def _store_at(url: str, revision: str, batch) -> None:  # type: ignore[no-untyped-def]
    """A database at ``revision`` holding ``batch`` as one append of that revision made it."""
    engine = connect(resolve_url(url))
    try:
        migrate.upgrade(engine, revision)
        append_as_of(engine, batch)
    finally:
        engine.dispose()


CASES = [
    ("revoking", ["evt_000001"]),
    ("gnikover", ["evt_000002"]),
    ("king revo", ["evt_000001", "evt_000003"]),  # two terms, each in both
    ('"king revo"', ["evt_000003"]),
    ('"revo king"', []),
    (LONG, ["evt_000004"]),
    (f'"{LONG[:20]} {LONG[18:]}"', ["evt_000005"]),
    (LONG[10:], ["evt_000004"]),
    ('quoted"x"', ["evt_000006"]),
    ('ted"x" or', ["evt_000006"]),
    ('d"x', ["evt_000006"]),
    ("y* near(a", ["evt_000006"]),
    ('"acme corp"', ["evt_000007"]),
    ('"corp migrated"', ["evt_000007"]),
    ("the", ["evt_000001", "evt_000002"]),
]


@pytest.mark.parametrize(("words", "expected"), CASES)
def test_search_finds_exactly_the_events_holding_each_term(
    store, clock, words: str, expected: list[str]
) -> None:
    store.add_account(ADMIN)
    store.append(_events())
    assert _search(store, clock, words) == expected


def test_a_long_term_asks_the_index_for_a_bounded_number_of_quoted_trigrams() -> None:
    query = filters._trigrams([LONG, 'a"b*'])
    grams = query.split(" AND ")
    assert len(grams) == filters.MAX_TRIGRAMS
    assert all(g.startswith('"') and g.endswith('"') for g in grams)
    assert filters._trigrams(['a"b*']) == '"a""b" AND """b*"'
    assert filters._trigrams(["aaaa"]) == '"aaa"'  # each trigram once


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_0003_database_is_upgraded_and_searches_the_same(fresh_url, clock) -> None:
    stored = _events()
    _store_at(fresh_url, "0003", stored[:4])
    assert "detail" not in _fts_sql(fresh_url)
    store = AuditStore.open(fresh_url, clock=clock)
    try:
        assert "detail=none" in _fts_sql(fresh_url)
        store.add_account(ADMIN)
        # What 0003 stored is in the index made again; what is appended now is added to it.
        store.append(stored[4:])
        for words, expected in CASES:
            assert _search(store, clock, words) == expected, words
        execute(fresh_url, text("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')"))
        assert store.verify(ADMIN.email).valid
        # The purge's deletes keep the index in step (its delete trigger still works).
        clock.now += RETENTION - timedelta(days=4, hours=12)
        assert store.purge() == 3
        assert _search(store, clock, "long") == ["evt_000004"]
        execute(fresh_url, text("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')"))
        assert store.verify(ADMIN.email).valid
    finally:
        store.close()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_0004_downgrades_to_positions_and_upgrades_again(fresh_url, clock) -> None:
    stored = _events()
    store = AuditStore.open(fresh_url, clock=clock)
    store.add_account(ADMIN)
    store.append(stored)
    store.close()
    downgrade(fresh_url, "0003")
    assert "detail" not in _fts_sql(fresh_url)
    execute(fresh_url, text("INSERT INTO events_fts(events_fts) VALUES ('integrity-check')"))
    store = AuditStore.open(fresh_url, clock=clock)
    try:
        assert "detail=none" in _fts_sql(fresh_url)
        assert _search(store, clock, "revoking") == ["evt_000001"]
        assert _search(store, clock, LONG) == ["evt_000004"]
    finally:
        store.close()
