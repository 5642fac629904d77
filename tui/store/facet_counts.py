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
  count, and no index holds it beside the type or performer, so a pass over the scope's
  rows counts all three at once, exactly. Over a long range that takes a while (at 1M
  events over 180 days 0.1-0.3 s for one to three tenants, 2 s for thirty; ten times that
  at 10M), so the pass goes newest first in windows that double (a day, two, four, ...) and
  each window's running totals are handed out as a round (``Facets.counted_from``): the
  picker opens on the first and fills in as the rest arrive, instead of waiting.

A performer is labelled with the name on their newest event in the range and scope (names
change; the newest is the one a user knows).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import Column, ColumnElement, Connection, case, func, literal, select

from tui.domain.access import Scope
from tui.domain.event import from_epoch_ms
from tui.domain.query import Facet, Facets
from tui.store import filters
from tui.store.schema import events, tenants

#: A value's count on the every-tenant path stops past this many events.
CAP = 1_000

#: A narrower scope's first round counts this much of the range's newest end.
FIRST_WINDOW_MS = 86_400_000

#: Opens another read of the same database (``AuditStore._read``).
Read = Callable[[], AbstractContextManager[Connection]]


def facet_rounds(
    connection: Connection,
    bounds: tuple[int, int],
    conditions: list[ColumnElement[bool]],
    scope: Scope,
    read: Read | None = None,
) -> Iterator[Facets]:
    """The facets of the events in ``bounds`` (epoch ms, end exclusive) matching
    ``conditions`` (the scope's, no more), in rounds that each count further back; the last
    is complete. The every-tenant path has one round.

    ``read``, when given, opens the further reads the every-tenant counts run in side by side.
    """
    if scope.portal and scope.tenants is None:
        counted = _every_tenant(connection, [*filters.time_window(bounds), *conditions], read)
        yield _facets(counted, connection, cap=CAP)
        return
    start, end = bounds
    counts: Tallies = (Counter(), Counter(), Counter())
    names: dict[str, str | None] = {}
    upper, width = end, FIRST_WINDOW_MS
    while True:
        lower = max(start, upper - width)
        where = [*filters.time_window((lower, upper)), *conditions]
        _count_into(counts, connection, where)
        for mail in counts[1].keys() - names.keys():  # newest first: their newest name is here
            names[mail] = connection.execute(select(_newest_name(literal(mail), where))).scalar()
        types, performers, tenant_counts = counts
        counted = (
            {t: (n, None) for t, n in types.items()},
            {mail: (n, names[mail]) for mail, n in performers.items()},
            {t: (n, None) for t, n in tenant_counts.items()},
        )
        if lower <= start:
            yield _facets(counted, connection)
            return
        yield _facets(counted, connection, counted_from=from_epoch_ms(lower))
        upper, width = lower, width * 2


def _every_tenant(
    connection: Connection, where: list[ColumnElement[bool]], read: Read | None
) -> tuple[Counted, Counted, Counted]:
    """Types, performers and tenants, each counted by a skip scan of its own index."""
    if read is None:
        types = _skip_scan(connection, events.c.event_type, where)
        performers = _skip_scan(connection, events.c.performer_mail, where, named=True)
        return types, performers, _skip_scan(connection, events.c.tenant_id, where)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="facets") as pool:
        by_performer = pool.submit(_own_read, read, events.c.performer_mail, where)
        by_tenant = pool.submit(_own_read, read, events.c.tenant_id, where)
        types = _skip_scan(connection, events.c.event_type, where)
        return types, by_performer.result(), by_tenant.result()


def _facets(
    counted: tuple[Counted, Counted, Counted],
    connection: Connection,
    *,
    cap: int | None = None,
    counted_from: datetime | None = None,
) -> Facets:
    """Counts past ``cap`` are capped (``_capped_count``); while counting goes on
    (``counted_from``) every count is a lower bound, shown as capped too."""
    types, performers, tenant_counts = counted
    tenant_names = _tenant_names(connection, list(tenant_counts))
    partial = counted_from is not None

    def facet(value: str, label: str, n: int) -> Facet:
        if cap is not None and n > cap:
            return Facet(value, label, cap, capped=True)
        return Facet(value, label, n, capped=partial)

    return Facets(
        types=tuple(facet(t, t, n) for t, (n, _) in _most_first(types)),
        performers=tuple(
            facet(mail, f"{name} <{mail}>" if name else mail, n)
            for mail, (n, name) in _most_first(performers)
        ),
        tenants=tuple(
            facet(t, tenant_names.get(t) or t, n) for t, (n, _) in _most_first(tenant_counts)
        ),
        counted_from=counted_from,
    )


#: A value's count, and for performers the name on their newest event.
Counted = dict[str, tuple[int, str | None]]

#: Running counts of types, performers and tenants over the windows counted so far.
Tallies = tuple[Counter[str], Counter[str], Counter[str]]


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


def _count_into(counts: Tallies, connection: Connection, where: list[ColumnElement[bool]]) -> None:
    """Add the rows matching ``where`` to ``counts`` (types, performers, tenants), in one
    GROUP BY."""
    types, performers, tenant_counts = counts
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
