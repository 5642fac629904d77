"""Portal accounts: adding, listing, erasing, and the checks on what may be added."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN, ANALYST, SUPERVISOR
from tests.store.conftest import VIEWER
from tui.domain.access import Principal
from tui.domain.errors import InvalidInput, NotFound


def test_added_accounts_are_listed_by_role_then_email(store) -> None:
    store.add_accounts([VIEWER, SUPERVISOR, ADMIN, ANALYST])
    listed = store.accounts()
    assert [(p.role, p.email) for p in listed] == sorted(
        (p.role, p.email) for p in [VIEWER, SUPERVISOR, ADMIN, ANALYST]
    )
    assert store.account(SUPERVISOR.email) == SUPERVISOR


def test_email_is_kept_case_folded_and_found_in_any_case(store) -> None:
    store.add_account(Principal(" Mixed.Case@Example.COM ", "Mixed", "Admin"))
    found = store.account("MIXED.case@example.com")
    assert found is not None and found.email == "mixed.case@example.com"


def test_the_role_is_stored_in_its_catalogue_spelling(store) -> None:
    store.add_account(Principal("lower@example.com", "Lower", "supervisor", frozenset({"t_01"})))
    found = store.account("lower@example.com")
    assert found is not None and found.role == "Supervisor"
    assert store.reader("lower@example.com").tenants() == ()  # and may read the log


def test_an_account_is_added_once(store) -> None:
    store.add_account(ADMIN)
    with pytest.raises(InvalidInput, match="exists already"):
        store.add_account(Principal(ADMIN.email.upper(), "Again", "Viewer"))
    assert store.account(ADMIN.email) == ADMIN


@pytest.mark.parametrize("email", ["not-an-address", "two@@example.com", "a b@example.com", ""])
def test_an_account_needs_an_email_address(store, email) -> None:
    with pytest.raises(InvalidInput):
        store.add_account(Principal(email, "Someone", "Admin"))
    assert store.accounts() == []


def test_an_unknown_role_is_refused(store) -> None:
    with pytest.raises(InvalidInput, match="unknown role"):
        store.add_account(Principal("x@example.com", "X", "Superuser"))


@pytest.mark.parametrize("role", ["Admin", "Analyst", "Viewer"])
def test_only_supervisors_are_assigned_tenants(store, role) -> None:
    with pytest.raises(InvalidInput, match="Supervisor"):
        store.add_account(Principal("x@example.com", "X", role, frozenset({"t_01"})))
    assert store.accounts() == []


def test_adding_several_accounts_is_all_or_nothing(store) -> None:
    with pytest.raises(InvalidInput):
        store.add_accounts([ADMIN, Principal("bad", "Bad", "Admin")])
    assert store.accounts() == []


def test_erasing_keeps_the_account_but_removes_its_name_and_tenants(store) -> None:
    store.add_accounts([ADMIN, SUPERVISOR])
    store.erase_account("Sam.Super@Example.com")
    erased = store.account(SUPERVISOR.email)
    assert erased is not None
    assert (erased.erased, erased.tenants, erased.role) == (True, frozenset(), "Supervisor")
    assert SUPERVISOR.name not in erased.name
    assert store.account(ADMIN.email) == ADMIN


def test_erasing_an_unknown_account_is_not_found(store) -> None:
    with pytest.raises(NotFound, match=r"nobody@example\.com"):
        store.erase_account("nobody@example.com")


def test_an_account_may_be_added_already_erased(store) -> None:
    store.add_account(Principal("gone@example.com", "Gone", "Admin", erased=True))
    found = store.account("gone@example.com")
    assert found is not None and found.erased


def test_settings_are_kept_and_replaced(store) -> None:
    assert store.setting("demo.admin") is None
    store.set_setting("demo.admin", ADMIN.email)
    store.set_setting("demo.admin", "other@example.com")
    assert store.setting("demo.admin") == "other@example.com"
