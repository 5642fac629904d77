"""Reading the log as one account: ``AuditReader``, obtained from ``AuditStore.reader``.

Every call re-reads the account and narrows the query to what it may see *inside the same SQL
statement*, so no path (page, count, facets, details, export) can leak an event.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, select

from tui.domain.access import Principal, Scope, visible_scope
from tui.domain.errors import AccessDenied, InvalidInput, NotFound
from tui.domain.event import AuditEvent, TenantRef
from tui.domain.formats import decode_json
from tui.domain.query import PAGE_SIZE, Count, Cursor, EventQuery, Facet, Facets, Page
from tui.domain.validation import parse_event
from tui.store import accounts as account_rows
from tui.store import filters
from tui.store.schema import events, tenants

if TYPE_CHECKING:
    from tui.store.repository import AuditStore


class AuditReader:
    """Reads the log as one account. Obtain it with ``AuditStore.reader(email)``."""

    def __init__(self, store: AuditStore, email: str) -> None:
        self._store = store
        self.email = email
        self.principal = Principal(email=email, name="", role="")

    def current_principal(self, connection: Connection) -> Principal:
        """Re-read the account, so an erasure or a changed assignment takes effect at once."""
        principal = account_rows.load(connection, self.email)
        if principal is None:
            raise AccessDenied(f"there is no account {self.email!r}; see `auditlog accounts list`")
        principal.allowed_scope()  # raises for erased and unprivileged accounts
        self.principal = principal
        return principal

    def page(self, query: EventQuery, after: Cursor | None = None, limit: int = PAGE_SIZE) -> Page:
        """The next ``limit`` events older than ``after`` (or the newest), newest first.

        Keyset paging: a page starts strictly after the previous page's last (time, id), so
        events that arrive between pages never shift, duplicate or hide rows.
        """
        if limit < 1:
            raise InvalidInput("a page holds at least one event")
        if after is not None and not filters.storable(after.event_id):
            raise InvalidInput("that page cursor does not come from auditlog")
        with self._store._read() as connection:
            where = self._where(connection, query)
            if after is not None:
                where.append(filters.older_than(after))
            rows = connection.execute(
                select(events.c.occurred_at, events.c.event_id, events.c.body)
                .where(*where)
                .order_by(events.c.occurred_at.desc(), events.c.event_id.desc())
                .limit(limit + 1)
            ).all()
            found = tuple(_decode(row.body) for row in rows[:limit])
            erased = account_rows.erased_among(connection, {e.performer.mail for e in found})
        next_cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_cursor = Cursor(last.occurred_at, last.event_id)
        return Page(found, next_cursor, erased)

    def get(self, event_id: str) -> AuditEvent:
        """One event by id; NotFound also when it exists but is not visible to this account."""
        with self._store._read() as connection:
            principal = self.current_principal(connection)
            scope = principal.allowed_scope()
            if not filters.storable(event_id):  # no stored id could hold it
                raise NotFound(f"no event {event_id!r} that {self.email} may see")
            body = connection.execute(
                select(events.c.body).where(
                    events.c.event_id == event_id,
                    filters.scope_condition(scope),
                    filters.retention_condition(self._store.now()),
                )
            ).scalar()
        if body is None:
            raise NotFound(f"no event {event_id!r} that {self.email} may see")
        return _decode(body)

    def count(self, query: EventQuery, cap: int | None = 10_000) -> Count:
        """How many events match; stops at ``cap`` so counting never outlasts the page."""
        with self._store._read() as connection:
            where = self._where(connection, query)
            matching = select(events.c.seq).where(*where)
            if cap is not None:
                matching = matching.limit(cap + 1)
            value = connection.execute(
                select(func.count()).select_from(matching.subquery())
            ).scalar_one()
        if cap is not None and value > cap:
            return Count(cap, capped=True)
        return Count(value)

    def newer_count(self, query: EventQuery, since: Cursor, cap: int = 10_000) -> int:
        """Events matching ``query`` that sort before ``since`` (arrived since a refresh)."""
        with self._store._read() as connection:
            where = self._where(connection, query)
            where.append(filters.newer_than(since))
            matching = select(events.c.seq).where(*where).limit(cap)
            return connection.execute(
                select(func.count()).select_from(matching.subquery())
            ).scalar_one()

    def facets(self, query: EventQuery) -> Facets:
        """Types, performers and tenants present in the query's scope and time range.

        The other filters are left out on purpose: a picker offers every value the user
        could switch to, not only the ones the current filter already selects.
        """
        base = EventQuery(time_range=query.time_range, scope=query.scope)
        with self._store._read() as connection:
            where = self._where(connection, base)
            type_rows = connection.execute(
                select(events.c.event_type, func.count())
                .where(*where)
                .group_by(events.c.event_type)
                .order_by(func.count().desc(), events.c.event_type)
            ).all()
            performer_rows = connection.execute(
                select(events.c.performer_mail, func.max(events.c.performer_name), func.count())
                .where(*where)
                .group_by(events.c.performer_mail)
                .order_by(func.count().desc(), events.c.performer_mail)
            ).all()
            tenant_rows = connection.execute(
                select(events.c.tenant_id, func.max(tenants.c.name), func.count())
                .select_from(events.outerjoin(tenants, events.c.tenant_id == tenants.c.tenant_id))
                .where(*where, events.c.tenant_id.is_not(None))
                .group_by(events.c.tenant_id)
                .order_by(func.count().desc(), events.c.tenant_id)
            ).all()
        return Facets(
            types=tuple(Facet(t, t, n) for t, n in type_rows),
            performers=tuple(
                Facet(mail, f"{name} <{mail}>" if name else mail, n)
                for mail, name, n in performer_rows
            ),
            tenants=tuple(Facet(t, name or t, n) for t, name, n in tenant_rows),
        )

    def stream(self, query: EventQuery, batch: int = 2000) -> Iterator[AuditEvent]:
        """Every matching event, newest first, in constant memory (page by page)."""
        after: Cursor | None = None
        while True:
            page = self.page(query, after, batch)
            yield from page.events
            if page.next_cursor is None:
                return
            after = page.next_cursor

    def tenants(self) -> tuple[TenantRef, ...]:
        """The tenants this account may choose in a scope picker, by name."""
        with self._store._read() as connection:
            scope = self.current_principal(connection).allowed_scope()
            statement = select(tenants.c.tenant_id, tenants.c.name).order_by(
                tenants.c.name, tenants.c.tenant_id
            )
            if scope.tenants is not None:
                statement = statement.where(tenants.c.tenant_id.in_(sorted(scope.tenants)))
            rows = connection.execute(statement).all()
        return tuple(TenantRef(tenant_id, name) for tenant_id, name in rows)

    def _where(self, connection: Connection, query: EventQuery) -> list:  # type: ignore[type-arg]
        principal = self.current_principal(connection)
        scope: Scope = visible_scope(principal, query.scope)
        return filters.conditions(query, scope, self._store.now(), self._store.dialect)


def _decode(body: str) -> AuditEvent:
    return parse_event(decode_json(body))
