"""The adaptive search plan: whichever stages answer, a search gives the one query's answer.

A search walks the newest rows first and asks the search index for the rest when its terms
look rare (``tui.store.search_plan``). The tunings below force every way through it: the walk
alone, the index alone, a switch after one row, walks in stages of one or two rows. Results,
their order, every page boundary and the counts must be those of the oracle each time.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

import tui.store.search_plan as search_plan
from tests.conftest import ADMIN, SUPERVISOR, make_event
from tests.store.conftest import all_pages, ids, newest_first, text_matches, window
from tests.store.test_search import CASES, CORPUS
from tui.domain.access import Scope
from tui.domain.event import AuditEvent, to_epoch_ms
from tui.domain.query import Count, Cursor
from tui.store.search_plan import Tuning

TUNINGS = {
    "walk only": Tuning(first_scan=10**9),
    "index only": Tuning(first_scan=0),
    "one row, then the index": Tuning(first_scan=1, index_cost=0.0),
    "stages of one or two rows": Tuning(first_scan=1, max_scan=2, index_cost=10.0**9),
    "default": Tuning(),
}

WORDS = ("updated", "revoking", "failed", "tenant", "zz")
#: Each event: which words its summary holds (a common, a rare, a middling word), times with
#: ties so that stages end inside a millisecond shared by several events.
TIE = timedelta(hours=3, milliseconds=1)


def _summary(n: int) -> str:
    words = []
    if n % 2 == 0:
        words.append("Updated")
    if n % 13 == 0:
        words.append("revoking")
    if n % 5 == 0:
        words.append("FAILED")
    return " ".join(words) or "quiet"


def _mixed() -> list[AuditEvent]:
    found = []
    for n in range(90):
        age = TIE if 40 <= n < 48 else timedelta(minutes=n + 1)
        tenant = "t_01" if n % 3 else ("t_02" if n % 2 else None)
        found.append(make_event(n, id=f"evt_{n:03d}", age=age, summary=_summary(n), tenant=tenant))
    return found


MIXED = _mixed()


@pytest.fixture(params=list(TUNINGS))
def tuning(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(search_plan, "TUNING", TUNINGS[request.param])
    return request.param


@pytest.fixture
def mixed(store):  # type: ignore[no-untyped-def]
    store.add_accounts([ADMIN, SUPERVISOR])
    store.append(MIXED)
    return store


def _expected(
    events: list[AuditEvent], terms: tuple[str, ...], tenants: set[str] | None = None
) -> list[str]:
    """The oracle: matching ids newest first; ``tenants``: only the portal and those."""
    kept = [
        e
        for e in events
        if text_matches(e, terms)
        and (tenants is None or e.tenant is None or e.tenant.id in tenants)
    ]
    return ids(newest_first(kept))


@pytest.mark.parametrize("limit", [1, 3, 7, 100])
def test_every_page_is_the_oracles_whatever_the_stages(mixed, clock, tuning, limit) -> None:
    reader = mixed.reader(ADMIN.email)
    for text in WORDS:
        query = window(clock, text=text)
        assert ids(all_pages(reader, query, limit)) == _expected(MIXED, query.terms), text


def test_access_scope_holds_in_every_stage(mixed, clock, tuning) -> None:
    supervisor = mixed.reader(SUPERVISOR.email)
    for text in WORDS:
        query = window(clock, text=text)
        expected = _expected(MIXED, query.terms, tenants={"t_01"})
        assert ids(all_pages(supervisor, query, 4)) == expected, text
        assert all(e.tenant is None or e.tenant.id == "t_01" for e in supervisor.stream(query))


def test_other_filters_hold_in_every_stage(mixed, clock, tuning) -> None:
    reader = mixed.reader(ADMIN.email)
    query = window(clock, text="failed", scope=Scope.of_tenants({"t_02"}))
    of_t02 = [e for e in MIXED if e.tenant is not None and e.tenant.id == "t_02"]
    expected = _expected(of_t02, query.terms)
    assert expected
    assert ids(all_pages(reader, query, 2)) == expected


@pytest.mark.parametrize("cap", [1, 4, 10, 1000])
def test_counts_are_the_oracles_whatever_the_stages(mixed, clock, tuning, cap) -> None:
    reader = mixed.reader(ADMIN.email)
    for text in WORDS:
        query = window(clock, text=text)
        total = len(_expected(MIXED, query.terms))
        expected = Count(cap, capped=True) if total > cap else Count(total)
        assert reader.count(query, cap=cap) == expected, text
        assert reader.count(query, cap=None) == Count(total), text


def test_newer_count_searches_too(mixed, clock, tuning) -> None:
    reader = mixed.reader(ADMIN.email)
    middle = newest_first(MIXED)[30]
    since = Cursor(to_epoch_ms(middle.occurred_at), middle.id)
    newer = newest_first(MIXED)[:30]
    for text in WORDS:
        query = window(clock, text=text)
        expected = len(_expected(newer, query.terms))
        assert reader.newer_count(query, since) == expected, text
        assert reader.newer_count(query, since, cap=2) == min(2, expected), text


def test_a_cursor_from_one_plan_continues_in_another(mixed, clock, monkeypatch) -> None:
    """A page ended by the walk continues through the index, and the other way round."""
    reader = mixed.reader(ADMIN.email)
    query = window(clock, text="revoking")
    expected = _expected(MIXED, query.terms)
    for first, rest in (("walk only", "index only"), ("index only", "walk only")):
        monkeypatch.setattr(search_plan, "TUNING", TUNINGS[first])
        page = reader.page(query, None, 2)
        monkeypatch.setattr(search_plan, "TUNING", TUNINGS[rest])
        assert page.next_cursor is not None
        assert ids(page.events) == expected[:2]
        following = reader.page(query, page.next_cursor, 100)
        assert ids([*page.events, *following.events]) == expected


def test_the_search_table_holds_whatever_the_stages(store, clock, tuning) -> None:
    store.add_account(ADMIN)
    store.append(CORPUS)
    reader = store.reader(ADMIN.email)
    wrong = []
    for text, expected in CASES:
        query = window(clock, text=text)
        found = sorted(e.id.removeprefix("doc_") for e in reader.stream(query, batch=2))
        if found != sorted(expected) or reader.count(query, cap=3).value != min(3, len(expected)):
            wrong.append((text, found, sorted(expected)))
    assert wrong == []


# -- which plan runs (SQLite: the FTS5 table is named in the statement) --------------------------


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_common_word_is_walked_and_a_rare_one_looked_up(mixed, clock, monkeypatch) -> None:
    # The table is tiny, so the index is made dear enough for a walk to win where it
    # should: half of the rows hold "updated", one in thirteen "revoking".
    monkeypatch.setattr(search_plan, "TUNING", Tuning(first_scan=10, index_cost=20.0))
    statements: list[str] = []
    event.listen(
        mixed._engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *rest: statements.append(statement),
    )
    reader = mixed.reader(ADMIN.email)
    reader.page(window(clock, text="updated"))
    assert statements and not any("events_fts" in s for s in statements)
    statements.clear()
    reader.page(window(clock, text="revoking"))
    assert any("events_fts" in s for s in statements)
