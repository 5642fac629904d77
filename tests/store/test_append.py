"""Batch append: stores events exactly, skips ids it holds, and is all or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import ADMIN, make_event
from tests.store.conftest import ids, typed_event, window
from tui.domain.errors import StoreUnavailable
from tui.domain.query import AppendResult
from tui.store import appending, repository


@pytest.fixture
def admin(store):  # type: ignore[no-untyped-def]
    store.add_account(ADMIN)
    return store.reader(ADMIN.email)


def stored(admin, clock) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(ids(admin.stream(window(clock))))


def test_an_appended_event_reads_back_exactly(store, admin, clock) -> None:
    hostile = typed_event(
        1,
        "Gateway Updated",
        summary="Renamed \x00gateway\u202e «Zürich» 🚀 <b>bold</b> '; DROP TABLE x; --",
        performer={"id": "usr_1", "mail": "Jürgen@Example.com", "name": "J\x00ürgen", "role": "x"},
        context={
            "tenant": {"id": "t_01", "name": "Tenant\x00 Ünïcode"},
            "source_ip": "2001:db8::1",
            "user_agent": "curl/8 \x1b[31m",
        },
        details={
            "changes": [{"field": "name", "old": None, "new": {"nested": [1, 2.5, True, None]}}],
            "note": "\x00",
        },
    )
    failed = typed_event(2, "Integration Deletion Failed", tenant=None)
    assert store.append([hostile, failed]) == AppendResult(2, 0)
    assert admin.get(hostile.id) == hostile
    assert admin.get(hostile.id).to_dict() == hostile.to_dict()
    assert admin.get(failed.id) == failed
    assert admin.page(window(clock), None, 10).events == (hostile, failed)


def test_re_appending_adds_nothing_and_counts_duplicates(store, admin, clock) -> None:
    batch = [make_event(n) for n in range(5)]
    assert store.append(batch) == AppendResult(5, 0)
    assert store.append(batch) == AppendResult(0, 5)
    assert stored(admin, clock) == sorted(ids(batch))


def test_known_and_new_ids_in_one_batch(store, admin, clock) -> None:
    store.append([make_event(n) for n in range(3)])
    assert store.append([make_event(n) for n in range(1, 6)]) == AppendResult(3, 2)
    assert stored(admin, clock) == sorted(ids(make_event(n) for n in range(6)))


def test_duplicate_ids_within_one_batch_are_stored_once(store, admin, clock) -> None:
    first = make_event(1, summary="the first copy")
    second = make_event(1, summary="a second copy with the same id")
    # The first of the copies is kept, as if the batch had been appended event by event.
    assert store.append([first, second, make_event(2)]) == AppendResult(2, 1)
    assert admin.get(first.id) == first
    assert store.append([make_event(3), make_event(3)]) == AppendResult(1, 1)
    assert admin.count(window(clock)).value == 3


def test_a_known_id_is_never_overwritten(store, admin) -> None:
    original = make_event(1, summary="original")
    store.append([original])
    assert store.append([make_event(1, summary="forged", tenant="t_02")]) == AppendResult(0, 1)
    assert admin.get(original.id) == original


def test_an_empty_batch_does_nothing(store, admin, clock) -> None:
    assert store.append([]) == AppendResult(0, 0)
    assert stored(admin, clock) == []


def test_a_large_batch_is_stored_whole(store, admin, clock) -> None:
    # Larger than the driver's multi-row INSERT pages, so the batch spans several statements.
    size = 2 * appending._SQLITE_ROWS_PER_STATEMENT + 1
    batch = [make_event(n, age=timedelta(seconds=n + 1)) for n in range(size)]
    assert store.append(batch) == AppendResult(size, 0)
    assert store.append(batch[::-1]) == AppendResult(0, size)
    assert admin.count(window(clock), cap=None).value == size


# -- atomicity -----------------------------------------------------------------------------------


def test_a_failure_after_the_events_were_written_leaves_nothing(
    store, admin, clock, monkeypatch
) -> None:
    real_insert = store._insert
    executed: list[str] = []

    def insert(table):  # type: ignore[no-untyped-def]
        if table.name == "tenants":  # the second statement, after the events went in
            executed.append("events")
            raise RuntimeError("interrupted midway")
        return real_insert(table)

    monkeypatch.setattr(store, "_insert", insert)
    with pytest.raises(RuntimeError, match="midway"):
        store.append([make_event(1), make_event(2, tenant="t_02")])
    assert executed == ["events"]
    assert stored(admin, clock) == []
    assert admin.tenants() == ()


def test_a_database_error_in_the_second_statement_leaves_nothing(
    store, admin, clock, monkeypatch
) -> None:
    real_storable = repository._storable

    def storable(label: str) -> str | None:
        # Tenant names only: a NULL violates tenants.name NOT NULL in the second statement.
        return None if label.startswith("Tenant ") else real_storable(label)

    monkeypatch.setattr(repository, "_storable", storable)
    with pytest.raises(StoreUnavailable):
        store.append([make_event(1), make_event(2, tenant="t_02")])
    monkeypatch.undo()
    assert stored(admin, clock) == []
    # The store is still usable, and the same batch now lands whole.
    assert store.append([make_event(1), make_event(2, tenant="t_02")]) == AppendResult(2, 0)


def test_an_invalid_row_leaves_nothing_of_its_batch(store, admin, clock, monkeypatch) -> None:
    real_row = repository._event_row

    def row(audit_event):  # type: ignore[no-untyped-def]
        values = real_row(audit_event)
        if audit_event.id == "evt_000003":
            return (values[0], None, *values[2:])  # occurred_at is NOT NULL
        return values

    store.append([make_event(1)])
    monkeypatch.setattr(repository, "_event_row", row)
    with pytest.raises(StoreUnavailable):
        store.append([make_event(2), make_event(3), make_event(4)])
    assert stored(admin, clock) == ["evt_000001"]


# -- tenants ---------------------------------------------------------------------------------------


def _named(n: int, name: str, age: timedelta):  # type: ignore[no-untyped-def]
    return make_event(
        n,
        age=age,
        context={
            "tenant": {"id": "t_01", "name": name},
            "source_ip": "203.0.113.7",
            "user_agent": "",
        },
    )


def test_tenant_names_are_recorded_and_follow_a_rename(store, admin, clock) -> None:
    store.append([_named(1, "Acme", timedelta(hours=2))])
    assert [(t.id, t.name) for t in admin.tenants()] == [("t_01", "Acme")]
    store.append([_named(2, "Acme Corporation", timedelta(hours=1))])
    assert [(t.id, t.name) for t in admin.tenants()] == [("t_01", "Acme Corporation")]
    assert [f.label for f in admin.facets(window(clock)).tenants] == ["Acme Corporation"]


def test_re_appending_an_old_batch_does_not_rename_a_tenant_back(store, admin) -> None:
    old = [_named(1, "Acme", timedelta(hours=2))]
    store.append(old)
    store.append([_named(2, "Acme Corporation", timedelta(hours=1))])
    assert store.append(old) == AppendResult(0, 1)
    assert [t.name for t in admin.tenants()] == ["Acme Corporation"]


def test_the_newest_name_in_a_batch_wins_whatever_the_order(store, admin) -> None:
    store.append(
        [
            _named(1, "Newest name", timedelta(minutes=1)),
            _named(2, "Older name", timedelta(hours=3)),
        ]
    )
    assert [t.name for t in admin.tenants()] == ["Newest name"]


def test_portal_events_name_no_tenant(store, admin) -> None:
    store.append([make_event(1, tenant=None)])
    assert admin.tenants() == ()
