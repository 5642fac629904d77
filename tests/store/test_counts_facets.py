"""Counts (capped, for a quick "N+" in the header) and facets (the values pickers offer)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import ADMIN, SUPERVISOR, make_event
from tests.store.conftest import days, typed_event, window
from tui.domain.access import Scope
from tui.domain.catalog import Area
from tui.domain.query import Count, EventQuery, Facet
from tui.domain.timerange import RangePreset, TimeRange
from tui.store import facet_counts


@pytest.fixture
def admin(store):  # type: ignore[no-untyped-def]
    store.add_accounts([ADMIN, SUPERVISOR])
    return store.reader(ADMIN.email)


def test_count_below_the_cap_is_exact(store, admin, clock) -> None:
    store.append([make_event(n) for n in range(12)])
    assert admin.count(window(clock), cap=12) == Count(12, capped=False)
    assert admin.count(window(clock), cap=None) == Count(12, capped=False)
    assert admin.count(window(clock)) == Count(12, capped=False)
    assert str(admin.count(window(clock), cap=12)) == "12"


@pytest.mark.parametrize("cap", [1, 5, 11])
def test_count_above_the_cap_stops_there(store, admin, clock, cap) -> None:
    store.append([make_event(n) for n in range(12)])
    counted = admin.count(window(clock), cap=cap)
    assert counted == Count(cap, capped=True)
    assert str(counted) == f"{cap}+"


def test_a_capped_count_reads_with_thousands_separators(store, admin, clock) -> None:
    store.append([make_event(n, age=timedelta(seconds=n + 1)) for n in range(1001)])
    assert str(admin.count(window(clock), cap=1000)) == "1,000+"
    assert str(admin.count(window(clock), cap=None)) == "1,001"
    assert str(Count(10_000, capped=True)) == "10,000+"


def test_count_of_nothing_is_zero(admin, clock) -> None:
    assert admin.count(window(clock)) == Count(0)
    assert str(admin.count(window(clock))) == "0"


def test_newer_count_is_capped_too(store, admin, clock) -> None:
    from tui.domain.query import Cursor

    store.append([make_event(n) for n in range(12)])
    assert admin.newer_count(window(clock), Cursor(0, ""), cap=5) == 5
    assert admin.newer_count(window(clock), Cursor(0, "")) == 12


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"types": frozenset({"User Login"})}, 3),
        ({"types": frozenset({"User Login", "Label Created"})}, 5),
        ({"areas": frozenset({Area.INFRASTRUCTURE})}, 2),
        ({"areas": frozenset({Area.USER_MANAGEMENT}), "types": frozenset({"Label Created"})}, 0),
        ({"performer": "BOB@example.com"}, 2),
        ({"performer": " bob@example.com "}, 2),
        ({"performer": "nobody@example.com"}, 0),
        ({"text": "login"}, 3),
        ({"scope": Scope.portal_only()}, 1),
    ],
)
def test_count_applies_every_filter(store, admin, clock, filters, expected) -> None:
    store.append(_mixed())
    assert admin.count(window(clock, **filters)).value == expected


# -- facets ----------------------------------------------------------------------------------------


def _mixed():  # type: ignore[no-untyped-def]
    bob = {"id": "usr_bob", "mail": "Bob@Example.com", "name": "Bob Builder", "role": "Admin"}
    return [
        typed_event(1, "User Login", tenant="t_01"),
        typed_event(2, "User Login", tenant="t_01", performer=bob),
        typed_event(3, "User Login", tenant=None, performer=bob),
        typed_event(4, "Collector Created", tenant="t_02"),
        typed_event(5, "Appliance Updated", tenant="t_02"),
        typed_event(6, "Label Created", tenant="t_03"),
        typed_event(7, "Label Created", tenant="t_03", age=days(20)),  # outside the 7 days
        typed_event(8, "User Login", tenant="t_01", age=days(181)),  # past retention
    ]


def last_7_days(clock, **filters):  # type: ignore[no-untyped-def]
    return EventQuery(time_range=TimeRange.last(RangePreset.LAST_7D, clock.now), **filters)


def test_facets_list_what_is_present_with_counts_most_frequent_first(store, admin, clock):
    store.append(_mixed())
    facets = admin.facets(last_7_days(clock))
    assert facets.types == (
        Facet("User Login", "User Login", 3),
        Facet("Appliance Updated", "Appliance Updated", 1),
        Facet("Collector Created", "Collector Created", 1),
        Facet("Label Created", "Label Created", 1),
    )
    assert facets.performers == (
        Facet("ada.admin@example.com", "Ada Admin <ada.admin@example.com>", 4),
        Facet("bob@example.com", "Bob Builder <bob@example.com>", 2),
    )
    assert facets.tenants == (
        Facet("t_01", "Tenant t_01", 2),
        Facet("t_02", "Tenant t_02", 2),
        Facet("t_03", "Tenant t_03", 1),
    )


def test_facet_counts_stop_past_the_cap_and_say_so(store, admin, clock, monkeypatch) -> None:
    """Every tenant and the portal: a value with more events than the cap shows "cap+"; one
    with the cap or fewer its exact count; values outside the range or retention none."""
    monkeypatch.setattr(facet_counts, "CAP", 2)
    store.append(_mixed())
    facets = admin.facets(last_7_days(clock))
    assert facets.types == (
        Facet("User Login", "User Login", 2, capped=True),
        Facet("Appliance Updated", "Appliance Updated", 1),
        Facet("Collector Created", "Collector Created", 1),
        Facet("Label Created", "Label Created", 1),
    )
    assert [f.shown_count for f in facets.types] == ["2+", "1", "1", "1"]
    assert facets.performers == (
        Facet("ada.admin@example.com", "Ada Admin <ada.admin@example.com>", 2, capped=True),
        Facet("bob@example.com", "Bob Builder <bob@example.com>", 2),
    )
    assert facets.tenants == (
        Facet("t_01", "Tenant t_01", 2),
        Facet("t_02", "Tenant t_02", 2),
        Facet("t_03", "Tenant t_03", 1),
    )
    # A narrower scope is counted in one pass, exactly: nothing to cap.
    named = Scope(portal=True, tenants=frozenset({"t_01", "t_02"}))
    narrow = admin.facets(last_7_days(clock, scope=named))
    assert narrow.types[0] == Facet("User Login", "User Login", 3)
    assert narrow.performers[0] == Facet(
        "ada.admin@example.com", "Ada Admin <ada.admin@example.com>", 3
    )
    monkeypatch.setattr(facet_counts, "CAP", 1)
    assert admin.facets(last_7_days(clock)).tenants == (
        Facet("t_01", "Tenant t_01", 1, capped=True),
        Facet("t_02", "Tenant t_02", 1, capped=True),
        Facet("t_03", "Tenant t_03", 1),
    )


def test_a_narrower_scope_is_counted_newest_first_in_rounds_that_double(store, admin, clock):
    """A picker opens on the newest day's counts (each at least what it shows); every later
    round reaches twice as far back and adds to them; the last is the exact count."""
    store.append(
        [
            typed_event(1, "User Login", tenant="t_01", age=days(0.5)),
            typed_event(2, "Label Created", tenant="t_01", age=days(2)),
            typed_event(3, "User Login", tenant=None, age=days(5)),
            typed_event(4, "Collector Created", tenant="t_01", age=days(100)),
            typed_event(5, "Collector Created", tenant="t_02", age=days(0.2)),  # out of scope
        ]
    )
    query = window(clock, scope=Scope.of_tenants({"t_01"}, portal=True))
    rounds = list(admin.facet_rounds(query))
    reach = [(query.time_range.end - r.counted_from) / days(1) for r in rounds[:-1]]
    assert reach == [1, 3, 7, 15, 31, 63, 127]
    assert rounds[-1].complete and rounds[-1] == admin.facets(query)
    assert all(f.capped for r in rounds[:-1] for f in r.types + r.performers + r.tenants)
    assert [{f.value: f.count for f in r.types} for r in rounds] == [
        {"User Login": 1},
        {"User Login": 1, "Label Created": 1},
        *[{"User Login": 2, "Label Created": 1}] * 4,
        *[{"User Login": 2, "Label Created": 1, "Collector Created": 1}] * 2,
    ]
    assert [f.shown_count for f in rounds[0].types] == ["1+"]
    assert [f.shown_count for f in rounds[-1].types] == ["2", "1", "1"]
    assert [(f.value, f.count) for f in rounds[-1].tenants] == [("t_01", 3)]
    # Every tenant: one round, complete at once.
    assert [r.complete for r in admin.facet_rounds(window(clock))] == [True]


@pytest.mark.parametrize(
    "filters",
    [
        {"types": frozenset({"Label Created"})},
        {"areas": frozenset({Area.REPORTING})},
        {"performer": "bob@example.com"},
        {"text": "no such text"},
    ],
    ids=["type", "area", "performer", "text"],
)
def test_facets_ignore_type_area_performer_and_text(store, admin, clock, filters) -> None:
    store.append(_mixed())
    assert admin.facets(last_7_days(clock, **filters)) == admin.facets(last_7_days(clock))


def test_facets_respect_the_time_range(store, admin, clock) -> None:
    store.append(_mixed())
    wide = admin.facets(window(clock))
    assert ("Label Created", 2) in [(f.value, f.count) for f in wide.types]
    narrow = admin.facets(last_7_days(clock))
    assert ("Label Created", 1) in [(f.value, f.count) for f in narrow.types]
    # Past retention counts nowhere, however wide the range.
    assert sum(f.count for f in wide.types) == 7


def test_facets_respect_the_scope(store, admin, clock) -> None:
    store.append(_mixed())
    facets = admin.facets(last_7_days(clock, scope=Scope.of_tenants({"t_02"})))
    assert [f.value for f in facets.types] == ["Appliance Updated", "Collector Created"]
    assert [f.value for f in facets.tenants] == ["t_02"]
    portal = admin.facets(last_7_days(clock, scope=Scope.portal_only()))
    assert [(f.value, f.count) for f in portal.types] == [("User Login", 1)]
    assert portal.tenants == ()


def test_facets_respect_the_supervisors_tenants(store, admin, clock) -> None:
    store.append(_mixed())
    facets = store.reader(SUPERVISOR.email).facets(last_7_days(clock))
    assert [(f.value, f.count) for f in facets.tenants] == [("t_01", 2)]
    assert [(f.value, f.count) for f in facets.types] == [("User Login", 3)]


def test_facets_of_an_empty_log_are_empty(admin, clock) -> None:
    facets = admin.facets(window(clock))
    assert (facets.types, facets.performers, facets.tenants) == ((), (), ())


def test_a_performer_without_a_name_is_labelled_by_mail(store, admin, clock) -> None:
    nameless = {"id": "usr_x", "mail": "x@example.com", "role": "Admin"}
    store.append([make_event(1, performer=nameless)])
    assert [f.label for f in admin.facets(window(clock)).performers] == ["x@example.com"]


def test_a_performer_is_labelled_with_the_name_on_their_newest_visible_event(
    store, admin, clock
) -> None:
    """Names change; the picker shows the newest one this account may see in the range."""
    pat = {"id": "usr_pat", "mail": "pat@example.com", "role": "Admin"}
    store.append(
        [
            make_event(1, performer={**pat, "name": "Pat Old"}, age=days(3), tenant="t_01"),
            make_event(2, performer={**pat, "name": "Pat New"}, age=days(2), tenant="t_01"),
            make_event(3, performer={**pat, "name": "Pat Elsewhere"}, age=days(1), tenant="t_02"),
            make_event(4, performer={**pat, "name": "Pat Older"}, age=days(30), tenant=None),
        ]
    )

    def label(reader, query) -> str:  # type: ignore[no-untyped-def]
        return next(f.label for f in reader.facets(query).performers if f.value == pat["mail"])

    assert label(admin, last_7_days(clock)) == "Pat Elsewhere <pat@example.com>"
    supervisor = store.reader(SUPERVISOR.email)
    assert label(supervisor, last_7_days(clock)) == "Pat New <pat@example.com>"
    assert label(supervisor, window(clock)) == "Pat New <pat@example.com>"
    month_ago = TimeRange(clock.now - days(40), clock.now - days(20))
    assert label(admin, EventQuery(time_range=month_ago)) == "Pat Older <pat@example.com>"
    counts = {f.value: f.count for f in supervisor.facets(window(clock)).performers}
    assert counts[pat["mail"]] == 3  # t_02 is not the supervisor's


@pytest.mark.parametrize(
    "scope",
    [Scope.all(), Scope.of_tenants({"t_01", "t_02"}, portal=True), Scope.of_tenants({"t_03"})],
    ids=["everything", "two tenants and the portal", "one tenant"],
)
def test_facets_count_exactly_what_a_full_count_finds(store, admin, clock, scope) -> None:
    """Each facet's count is the count of its filter, whichever plan the scope takes."""
    store.append(_mixed())
    query = window(clock, scope=scope)
    facets = admin.facets(query)
    assert facets.types
    for facet in facets.types:
        expected = admin.count(query.with_changes(types=frozenset({facet.value})), cap=None)
        assert facet.count == expected.value
    for facet in facets.performers:
        expected = admin.count(query.with_changes(performer=facet.value), cap=None)
        assert facet.count == expected.value
    for facet in facets.tenants:
        expected = admin.count(query.with_changes(scope=Scope.of_tenants({facet.value})), None)
        assert facet.count == expected.value
