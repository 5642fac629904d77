"""Access rules on every reader call: who sees which events, and who is refused.

Each call is observed the way a user would notice it (which events a page lists, what a count
says, which tenants a picker offers) and compared with what the account may see.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from tests.conftest import ADMIN, ANALYST, SUPERVISOR, make_event
from tests.store.conftest import (
    ERASED_ADMIN,
    SUPERVISOR_2,
    SUPERVISOR_NONE,
    VIEWER,
    all_pages,
    days,
    reassign,
    set_role,
    window,
)
from tui.domain.access import Scope
from tui.domain.errors import AccessDenied, NotFound
from tui.domain.event import AuditEvent
from tui.domain.query import Cursor, EventQuery

#: Every call of ``AuditReader``.
CALLS = ["page", "stream", "get", "count", "newer_count", "facets", "tenants"]
#: The calls that take a query (and so a scope).
QUERY_CALLS = ["page", "stream", "count", "newer_count", "facets"]

EVENTS = {
    "portal": make_event(1, tenant=None),
    "t_01": make_event(2, tenant="t_01"),
    "t_01_old": make_event(3, tenant="t_01", age=days(100)),
    "t_02": make_event(4, tenant="t_02"),
    "t_03": make_event(5, tenant="t_03", age=days(179)),
    # Past retention: nobody sees these, not even an admin.
    "expired_t_01": make_event(6, tenant="t_01", age=days(181)),
    "expired_portal": make_event(7, tenant=None, age=days(200)),
}
IN_RETENTION = ["portal", "t_01", "t_01_old", "t_02", "t_03"]


@pytest.fixture
def mixed(store, everyone) -> None:  # type: ignore[no-untyped-def]
    store.append(list(EVENTS.values()))


def observe(reader, call: str, query: EventQuery) -> object:  # type: ignore[no-untyped-def]
    """What a user of ``call`` sees: event ids, a number, picker values."""
    if call == "page":
        return sorted(e.id for e in all_pages(reader, query, limit=2))
    if call == "stream":
        return sorted(e.id for e in reader.stream(query, batch=2))
    if call == "get":
        return sorted(i for i in (e.id for e in EVENTS.values()) if _gets(reader, i))
    if call == "count":
        return reader.count(query).value
    if call == "newer_count":
        return reader.newer_count(query, Cursor(0, ""))
    if call == "facets":
        facets = reader.facets(query)
        return (
            sum(f.count for f in facets.types),
            sum(f.count for f in facets.performers),
            sorted(f.value for f in facets.tenants),
        )
    if call == "tenants":
        return sorted(t.id for t in reader.tenants())
    raise AssertionError(call)


def expect(call: str, names: Iterable[str]) -> object:
    """What ``observe`` must return when exactly the events ``names`` are visible."""
    visible: list[AuditEvent] = [EVENTS[n] for n in names]
    tenant_ids = sorted({e.tenant.id for e in visible if e.tenant is not None})
    if call in ("page", "stream", "get"):
        return sorted(e.id for e in visible)
    if call in ("count", "newer_count"):
        return len(visible)
    if call == "facets":
        return (len(visible), len(visible), tenant_ids)
    if call == "tenants":
        return tenant_ids
    raise AssertionError(call)


def _gets(reader, event_id: str) -> bool:  # type: ignore[no-untyped-def]
    try:
        found = reader.get(event_id)
    except NotFound:
        return False
    assert found.id == event_id
    return True


def consume(reader, call: str, query: EventQuery) -> None:  # type: ignore[no-untyped-def]
    observe(reader, call, query)


def wrong_answers(reader, calls: list[str], query: EventQuery, visible: list[str]) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """Each call whose answer differs from what ``visible`` allows: {call: (got, expected)}."""
    wrong = {}
    for call in calls:
        got, expected = observe(reader, call, query), expect(call, visible)
        if got != expected:
            wrong[call] = (got, expected)
    return wrong


def unrefused(reader, calls: list[str], query: EventQuery, match: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    """The calls that did not raise AccessDenied (with ``match`` in its message)."""
    allowed = []
    for call in calls:
        try:
            consume(reader, call, query)
        except AccessDenied as refused:
            if match not in str(refused):
                allowed.append(f"{call}: {refused}")
        else:
            allowed.append(call)
    return allowed


# -- who sees what -----------------------------------------------------------------------


def test_admin_sees_every_event_within_retention(store, mixed, clock) -> None:
    reader = store.reader(ADMIN.email)
    assert wrong_answers(reader, CALLS, window(clock), IN_RETENTION) == {}


@pytest.mark.parametrize(
    ("principal", "visible"),
    [
        (SUPERVISOR, ["portal", "t_01", "t_01_old"]),
        (SUPERVISOR_2, ["portal", "t_02", "t_03"]),
        (SUPERVISOR_NONE, ["portal"]),
    ],
    ids=["t_01", "t_02+t_03", "no-tenants"],
)
def test_supervisor_sees_portal_and_assigned_tenants_only(
    store, mixed, clock, principal, visible
) -> None:
    reader = store.reader(principal.email)
    assert wrong_answers(reader, CALLS, window(clock), visible) == {}


@pytest.mark.parametrize("principal", [ANALYST, VIEWER, ERASED_ADMIN], ids=lambda p: p.role)
def test_other_roles_and_erased_accounts_are_refused_a_reader(store, mixed, principal) -> None:
    with pytest.raises(AccessDenied, match=principal.email):
        store.reader(principal.email)


def test_unknown_account_is_refused_a_reader(store, mixed) -> None:
    with pytest.raises(AccessDenied, match="no account"):
        store.reader("nobody@example.com")


def test_refusals_say_why(store, mixed) -> None:
    with pytest.raises(AccessDenied, match="erased"):
        store.reader(ERASED_ADMIN.email)
    with pytest.raises(AccessDenied, match="only Admin and Supervisor"):
        store.reader(VIEWER.email)


@pytest.mark.parametrize("role", ["Superuser", "admin", "", "Admin "])
def test_a_role_outside_the_catalogue_is_refused(store, mixed, db_url, role) -> None:
    # Roles are stored spelled exactly; anything else, even a near miss, fails closed.
    set_role(db_url, ADMIN.email, role)
    with pytest.raises(AccessDenied):
        store.reader(ADMIN.email)


def test_account_email_is_matched_ignoring_case(store, mixed, clock) -> None:
    reader = store.reader("SAM.Super@Example.COM")
    assert wrong_answers(reader, CALLS, window(clock), ["portal", "t_01", "t_01_old"]) == {}


# -- scopes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "visible"),
    [
        (Scope.all(), IN_RETENTION),
        (Scope.portal_only(), ["portal"]),
        (Scope(False, None), ["t_01", "t_01_old", "t_02", "t_03"]),
        (Scope.of_tenants({"t_02"}), ["t_02"]),
        (Scope.of_tenants({"t_01", "t_03"}, portal=True), ["portal", "t_01", "t_01_old", "t_03"]),
        (Scope.of_tenants({"t_99"}), []),
        (Scope(False, frozenset()), []),
    ],
    ids=["all", "portal", "all-tenants", "t_02", "portal+t_01+t_03", "unknown-tenant", "nothing"],
)
def test_admin_scope_selects_where_events_happened(store, mixed, clock, scope, visible) -> None:
    reader = store.reader(ADMIN.email)
    assert wrong_answers(reader, QUERY_CALLS, window(clock, scope=scope), visible) == {}


@pytest.mark.parametrize(
    ("scope", "visible"),
    [
        (Scope.all(), ["portal", "t_01", "t_01_old"]),
        (Scope(False, None), ["t_01", "t_01_old"]),
        (Scope.portal_only(), ["portal"]),
        (Scope.of_tenants({"t_01"}), ["t_01", "t_01_old"]),
        (Scope.of_tenants({"t_01"}, portal=True), ["portal", "t_01", "t_01_old"]),
    ],
    ids=["all", "all-tenants", "portal", "t_01", "portal+t_01"],
)
def test_supervisor_scope_is_narrowed_to_assigned_tenants(
    store, mixed, clock, scope, visible
) -> None:
    reader = store.reader(SUPERVISOR.email)
    assert wrong_answers(reader, QUERY_CALLS, window(clock, scope=scope), visible) == {}


@pytest.mark.parametrize(
    "scope",
    [
        Scope.of_tenants({"t_02"}),
        Scope.of_tenants({"t_01", "t_02"}, portal=True),
        Scope.of_tenants({"t_99"}),
    ],
    ids=["foreign", "own+foreign", "nonexistent"],
)
def test_supervisor_naming_an_unassigned_tenant_is_refused(store, mixed, clock, scope) -> None:
    reader = store.reader(SUPERVISOR.email)
    foreign = sorted(scope.tenants - SUPERVISOR.tenants)  # type: ignore[operator]
    assert unrefused(reader, QUERY_CALLS, window(clock, scope=scope), ", ".join(foreign)) == []
    with pytest.raises(AccessDenied) as refused:
        reader.page(window(clock, scope=scope))
    assert "t_01" not in str(refused.value)  # names only what is not theirs


# -- changes after the reader was made ----------------------------------------------------


@pytest.mark.parametrize("principal", [ADMIN, SUPERVISOR], ids=["admin", "supervisor"])
def test_erasure_takes_effect_at_the_next_call(store, mixed, clock, principal) -> None:
    reader = store.reader(principal.email)
    assert unrefused(reader, CALLS, window(clock)) == CALLS  # works while the account exists
    store.erase_account(principal.email)
    assert unrefused(reader, CALLS, window(clock), "erased") == []


def test_reassignment_takes_effect_at_the_next_call(store, mixed, clock, db_url) -> None:
    reader = store.reader(SUPERVISOR.email)
    assert wrong_answers(reader, CALLS, window(clock), ["portal", "t_01", "t_01_old"]) == {}
    reassign(db_url, SUPERVISOR.email, {"t_02"})
    assert wrong_answers(reader, CALLS, window(clock), ["portal", "t_02"]) == {}
    reassign(db_url, SUPERVISOR.email, set())
    assert wrong_answers(reader, CALLS, window(clock), ["portal"]) == {}


def test_a_withdrawn_tenant_cannot_be_named_any_more(store, mixed, clock, db_url) -> None:
    reader = store.reader(SUPERVISOR.email)
    own = window(clock, scope=Scope.of_tenants({"t_01"}))
    assert wrong_answers(reader, QUERY_CALLS, own, ["t_01", "t_01_old"]) == {}
    reassign(db_url, SUPERVISOR.email, {"t_02"})
    assert unrefused(reader, QUERY_CALLS, own, "t_01") == []


@pytest.mark.parametrize("role", ["Analyst", "Viewer"])
def test_demotion_takes_effect_at_the_next_call(store, mixed, clock, db_url, role) -> None:
    reader = store.reader(ADMIN.email)
    assert unrefused(reader, CALLS, window(clock)) == CALLS
    set_role(db_url, ADMIN.email, role)
    assert unrefused(reader, CALLS, window(clock), role) == []


def test_promotion_to_admin_widens_at_the_next_call(store, mixed, clock, db_url) -> None:
    reader = store.reader(SUPERVISOR.email)
    assert wrong_answers(reader, CALLS, window(clock), ["portal", "t_01", "t_01_old"]) == {}
    set_role(db_url, SUPERVISOR.email, "Admin")
    reassign(db_url, SUPERVISOR.email, set())
    assert wrong_answers(reader, CALLS, window(clock), IN_RETENTION) == {}


def test_a_stream_in_progress_stops_when_the_account_is_erased(store, mixed, clock) -> None:
    reader = store.reader(ADMIN.email)
    stream = reader.stream(window(clock), batch=1)
    next(stream)
    store.erase_account(ADMIN.email)
    with pytest.raises(AccessDenied):
        list(stream)


# -- get -------------------------------------------------------------------------------------


def test_get_of_an_invisible_event_is_indistinguishable_from_a_missing_one(store, mixed) -> None:
    reader = store.reader(SUPERVISOR.email)
    hidden = EVENTS["t_02"].id
    with pytest.raises(NotFound) as invisible:
        reader.get(hidden)
    with pytest.raises(NotFound) as missing:
        reader.get("evt_999999")
    assert str(invisible.value).replace(hidden, "ID") == str(missing.value).replace(
        "evt_999999", "ID"
    )


@pytest.mark.parametrize("name", ["expired_t_01", "expired_portal"])
def test_get_of_an_expired_event_is_not_found_even_for_an_admin(store, mixed, name) -> None:
    with pytest.raises(NotFound):
        store.reader(ADMIN.email).get(EVENTS[name].id)


@pytest.mark.parametrize("name", ["portal", "t_01", "t_01_old"])
def test_get_returns_the_whole_event_to_an_allowed_supervisor(store, mixed, name) -> None:
    assert store.reader(SUPERVISOR.email).get(EVENTS[name].id) == EVENTS[name]


# -- tenants ---------------------------------------------------------------------------------


def test_tenants_lists_names_for_the_scope_picker(store, mixed) -> None:
    listed = store.reader(SUPERVISOR_2.email).tenants()
    assert [(t.id, t.name) for t in listed] == [("t_02", "Tenant t_02"), ("t_03", "Tenant t_03")]


def test_tenants_omits_assigned_tenants_the_log_has_never_seen(store, mixed, db_url) -> None:
    reassign(db_url, SUPERVISOR.email, {"t_01", "t_77"})
    assert [t.id for t in store.reader(SUPERVISOR.email).tenants()] == ["t_01"]
