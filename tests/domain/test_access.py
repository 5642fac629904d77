"""Who sees what: Admins everything, Supervisors the portal and their tenants, others nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ADMIN, ANALYST, SUPERVISOR
from tui.domain.access import Principal, Role, Scope, visible_scope
from tui.domain.errors import AccessDenied, InvalidInput

MULTI = Principal("mia.multi@example.com", "Mia Multi", "Supervisor", frozenset({"t_01", "t_02"}))


@pytest.mark.parametrize(
    ("typed", "role"), [("admin", Role.ADMIN), (" SUPERVISOR ", Role.SUPERVISOR)]
)
def test_roles_are_parsed_forgivingly(typed: str, role: Role) -> None:
    assert Role.parse(typed) is role


def test_an_unknown_role_is_refused_with_the_choices() -> None:
    with pytest.raises(InvalidInput, match="unknown role 'Owner'; choose one of Admin, Supervisor"):
        Role.parse("Owner")


def test_an_admin_may_see_everything() -> None:
    assert ADMIN.allowed_scope() == Scope.all()
    assert ADMIN.allowed_scope().is_all


def test_a_supervisor_may_see_the_portal_and_their_tenants() -> None:
    allowed = MULTI.allowed_scope()
    assert allowed.portal
    assert allowed.tenants == {"t_01", "t_02"}


def test_a_supervisor_without_tenants_still_sees_portal_activity() -> None:
    alone = Principal("sol@example.com", "Sol", "Supervisor")
    assert alone.allowed_scope() == Scope.portal_only()


@pytest.mark.parametrize("role", ["Analyst", "Viewer", "Owner", "admin"])
def test_every_other_role_is_refused_naming_the_role(role: str) -> None:
    principal = Principal("x@example.com", "X", role)
    with pytest.raises(AccessDenied) as denied:
        principal.allowed_scope()
    assert f"has the role {role}" in str(denied.value)
    assert "only Admin and Supervisor accounts may read the audit log" in str(denied.value)


def test_an_analyst_gets_nothing_even_when_asking_for_little() -> None:
    with pytest.raises(AccessDenied):
        visible_scope(ANALYST, Scope.portal_only())


@pytest.mark.parametrize("role", ["Admin", "Supervisor"])
def test_an_erased_account_is_refused_whatever_its_role(role: str) -> None:
    erased = Principal("gone@example.com", "Gone", role, frozenset({"t_01"}), erased=True)
    with pytest.raises(AccessDenied, match=r"gone@example\.com has been erased"):
        erased.allowed_scope()
    with pytest.raises(AccessDenied):
        visible_scope(erased, Scope.all())


def test_an_admin_gets_what_they_ask_for() -> None:
    asked = Scope.of_tenants({"t_07", "t_09"}, portal=True)
    assert visible_scope(ADMIN, asked) == asked
    assert visible_scope(ADMIN, Scope.all()) == Scope.all()


def test_asking_a_supervisor_for_all_narrows_to_the_assignment() -> None:
    assert visible_scope(MULTI, Scope.all()) == Scope(True, frozenset({"t_01", "t_02"}))
    assert visible_scope(MULTI, Scope(False, None)) == Scope(False, frozenset({"t_01", "t_02"}))


def test_a_supervisor_may_narrow_further() -> None:
    assert visible_scope(MULTI, Scope.of_tenants({"t_02"})) == Scope(False, frozenset({"t_02"}))
    assert visible_scope(MULTI, Scope.portal_only()) == Scope.portal_only()


def test_naming_an_unassigned_tenant_is_refused_not_emptied() -> None:
    with pytest.raises(AccessDenied) as denied:
        visible_scope(SUPERVISOR, Scope.of_tenants({"t_01", "t_99"}))
    assert str(denied.value) == "sam.super@example.com is not assigned the tenant t_99"


def test_several_unassigned_tenants_are_listed() -> None:
    with pytest.raises(AccessDenied, match="is not assigned the tenants t_98, t_99"):
        visible_scope(SUPERVISOR, Scope.of_tenants({"t_99", "t_98"}, portal=True))


@pytest.mark.parametrize(
    ("scope", "label"),
    [
        (Scope.all(), "All"),
        (Scope(False, None), "All tenants"),
        (Scope.portal_only(), "Portal only"),
        (Scope(False, frozenset()), "Nothing"),
        (Scope.of_tenants({"b", "a"}), "a, b"),
        (Scope.of_tenants({"b", "a"}, portal=True), "Portal, a, b"),
        (Scope.of_tenants({"d", "c", "b", "a"}, portal=True), "Portal, a +3 more"),
    ],
)
def test_scope_labels(scope: Scope, label: str) -> None:
    assert scope.label() == label


def test_an_empty_scope_knows_it() -> None:
    assert Scope(False, frozenset()).is_empty
    assert not Scope.portal_only().is_empty


_tenant_ids = st.frozensets(st.sampled_from([f"t_{n:02d}" for n in range(8)]), max_size=6)
_scopes = st.builds(Scope, st.booleans(), st.none() | _tenant_ids)


@given(assigned=_tenant_ids, requested=_scopes)
def test_a_supervisor_never_sees_a_tenant_outside_the_assignment(
    assigned: frozenset[str], requested: Scope
) -> None:
    supervisor = Principal("s@example.com", "S", "Supervisor", assigned)
    try:
        visible = visible_scope(supervisor, requested)
    except AccessDenied:
        assert requested.tenants is not None
        assert requested.tenants - assigned
        return
    assert visible.tenants is not None
    assert visible.tenants <= assigned
    assert visible.portal == requested.portal
    if requested.tenants is not None:
        assert visible.tenants == requested.tenants
