"""The values a filter picker offers (types, performers, tenants), each with its event count.

Two plans, chosen by scope, with the same values:

- Every tenant and the portal (an admin's usual view): no condition but the time range, so
  each count is a range of one of the ``(column, occurred_at, ...)`` indexes, read without
  touching the table. The values themselves come from a skip scan of the same index (the
  smallest value, then the smallest greater one, ...), a few dozen index seeks where a
  GROUP BY would read every event of the range three times, with the table. Each count
  stops past ``CAP`` (the picker shows "1,000+"): counted whole, the three walks read the
  whole range, 3-4 s over 180 days at 10M events on PostgreSQL, while the picker waited.
  The three run side by side, each in a read of its own (given ``read``): they are index
  walks that hold no lock and release the GIL, so two cores take about half the time.
- A narrower scope (a supervisor's tenants, the portal only): the tenant decides which rows
  count, and no index holds it beside the type or performer, so one pass over the scope's
  rows counts all three at once, exactly (not capped: at 1M events over 180 days, 0.1-0.3 s
  for one to three tenants, 2 s for thirty, and the picker waits for it).

A performer is labelled with the name on their newest event in the range and scope (names
change; the newest is the one a user knows).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager

from sqlalchemy import Column, ColumnElement, Connection, case, func, literal, select

from tui.domain.access import Scope
from tui.domain.query import Facet, Facets
from tui.store.schema import events, tenants

#: A value's count on the every-tenant path stops past this many events.
CAP = 1_000

#: Opens another read of the same database (``AuditStore._read``).
Read = Callable[[], AbstractContextManager[Connection]]


def facets(
    connection: Connection,
    where: list[ColumnElement[bool]],
    scope: Scope,
    read: Read | None = None,
) -> Facets:
    """The facets of the events matching ``where`` (the time range and ``scope``, no more).

    ``read``, when given, opens the further reads the counts run in side by side.
    """
    every_tenant = scope.portal and scope.tenants is None
    if every_tenant:
        if read is None:
            performers = _skip_scan(connection, events.c.performer_mail, where, named=True)
            tenant_counts = _skip_scan(connection, events.c.tenant_id, where)
            types = _skip_scan(connection, events.c.event_type, where)
        else:
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="facets") as pool:
                by_performer = pool.submit(_own_read, read, events.c.performer_mail, where)
                by_tenant = pool.submit(_own_read, read, events.c.tenant_id, where)
                types = _skip_scan(connection, events.c.event_type, where)
                performers, tenant_counts = by_performer.result(), by_tenant.result()
    else:
        types, performers, tenant_counts = _one_pass(connection, where)
        for mail, (n, _) in performers.items():  # one index seek each
            name = connection.execute(select(_newest_name(literal(mail), where))).scalar()
            performers[mail] = (n, name)
    tenant_names = _tenant_names(connection, list(tenant_counts))
    cap = CAP if every_tenant else None  # the one pass counts exactly

    def facet(value: str, label: str, n: int) -> Facet:
        """``n`` past ``cap`` is a capped count (``_capped_count``)."""
        if cap is not None and n > cap:
            return Facet(value, label, cap, capped=True)
        return Facet(value, label, n)

    return Facets(
        types=tuple(facet(t, t, n) for t, (n, _) in _most_first(types)),
        performers=tuple(
            facet(mail, f"{name} <{mail}>" if name else mail, n)
            for mail, (n, name) in _most_first(performers)
        ),
        tenants=tuple(
            facet(t, tenant_names.get(t) or t, n) for t, (n, _) in _most_first(tenant_counts)
        ),
    )


#: A value's count, and for performers the name on their newest event.
Counted = dict[str, tuple[int, str | None]]


def _skip_scan(
    connection: Connection,
    column: Column[str],
    where: list[ColumnElement[bool]],
    *,
    named: bool = False,
) -> Counted:
    """Each value of ``column`` (NULL aside) with how many rows matching ``where`` hold it.

    A recursive query walks the column's index from value to value (a "loose index scan",
    which neither SQLite nor PostgreSQL does on its own) and counts each value's rows in the
    range of the same index.
    """
    values = select(func.min(column).label("value")).cte("facet_values", recursive=True)
    following = select(func.min(column)).where(column > values.c.value).scalar_subquery()
    values = values.union_all(select(following).where(values.c.value.is_not(None)))
    counted = _capped_count(column, values.c.value, where)
    name = _newest_name(values.c.value, where) if named else literal(None)
    rows = connection.execute(
        select(values.c.value, counted, name).where(values.c.value.is_not(None))
    ).all()
    return {value: (n, label) for value, n, label in rows if n}


def _capped_count(
    column: Column[str], value: ColumnElement[str], where: list[ColumnElement[bool]]
) -> ColumnElement[int]:
    """How many rows matching ``where`` hold ``value``, or ``CAP + 1`` for more than ``CAP``.

    The probe for a row past the ``CAP``-th walks at most ``CAP + 1`` entries of the
    ``(column, occurred_at)`` index (its order says which index); only a value with fewer
    rows is counted exactly, within as few.
    """
    past_cap = (
        select(events.c.occurred_at)
        .where(column == value, *where)
        .order_by(column, events.c.occurred_at)
        .offset(CAP)
        .limit(1)
        .scalar_subquery()
    )
    exact = select(func.count()).select_from(events).where(column == value, *where)
    return case((past_cap.is_(None), exact.scalar_subquery()), else_=literal(CAP + 1))


def _own_read(read: Read, column: Column[str], where: list[ColumnElement[bool]]) -> Counted:
    with read() as connection:
        return _skip_scan(connection, column, where, named=column is events.c.performer_mail)


def _one_pass(connection: Connection, where: list[ColumnElement[bool]]) -> tuple[Counted, ...]:
    """The three counts from one GROUP BY of the matching rows."""
    types: Counter[str] = Counter()
    performers: Counter[str] = Counter()
    tenant_counts: Counter[str] = Counter()
    rows = connection.execute(
        select(events.c.event_type, events.c.performer_mail, events.c.tenant_id, func.count())
        .where(*where)
        .group_by(events.c.event_type, events.c.performer_mail, events.c.tenant_id)
    )
    for event_type, mail, tenant_id, n in rows:
        types[event_type] += n
        performers[mail] += n
        if tenant_id is not None:
            tenant_counts[tenant_id] += n
    return tuple({k: (n, None) for k, n in c.items()} for c in (types, performers, tenant_counts))


def _newest_name(mail: ColumnElement[str], where: list[ColumnElement[bool]]):  # type: ignore[no-untyped-def]
    """The performer name on ``mail``'s newest event matching ``where``."""
    return (
        select(events.c.performer_name)
        .where(events.c.performer_mail == mail, *where)
        .order_by(events.c.occurred_at.desc(), events.c.event_id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _tenant_names(connection: Connection, tenant_ids: list[str]) -> dict[str, str]:
    if not tenant_ids:
        return {}
    rows = connection.execute(
        select(tenants.c.tenant_id, tenants.c.name).where(tenants.c.tenant_id.in_(tenant_ids))
    )
    return {tenant_id: name for tenant_id, name in rows}


def _most_first(counts: Counted) -> list[tuple[str, tuple[int, str | None]]]:
    """Most frequent first, then by value in byte order (as the database sorts keys)."""
    return sorted(counts.items(), key=lambda item: (-item[1][0], item[0].encode()))
