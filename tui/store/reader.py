"""Reading the log as one account: ``AuditReader``, obtained from ``AuditStore.reader``.

Every call re-reads the account and narrows the query to what it may see *inside the same SQL
statement*, so no path (page, count, facets, details, export) can leak an event.

How the rows are found is decided elsewhere: a free-text search by ``search_plan`` (newest
rows first, the search index for rare words), the pickers' values by ``facet_counts``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Connection, LargeBinary, cast, func, select

from tui.domain.access import Principal, Scope, visible_scope
from tui.domain.errors import AccessDenied, InvalidInput, NotFound
from tui.domain.event import AuditEvent, TenantRef
from tui.domain.formats import decode_json
from tui.domain.query import PAGE_SIZE, Count, Cursor, EventQuery, Facets, Page, StoredEvent
from tui.store import accounts as account_rows
from tui.store import filters
from tui.store.facet_counts import facet_rounds
from tui.store.read_ahead import read_ahead
from tui.store.schema import events, tenants
from tui.store.search_plan import SearchPlan

if TYPE_CHECKING:
    from tui.store.repository import AuditStore

#: Rows per keyset batch of ``AuditReader.stored``: some 5 MB of bodies at most, and few
#: enough queries (one per batch) that their cost is lost in the reading.
STORED_BATCH = 5000


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
            rows = self._plan(connection, query).rows(_PAGE_COLUMNS, after, limit + 1)
            found = tuple(_decode(row.body) for row in rows[:limit])
        erased = frozenset(
            event.performer.mail.casefold()
            for event, row in zip(found, rows, strict=False)
            if row.performer_erased
        )
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
            if cap is None:  # every match: the search index is the quick way to all of them
                matching = select(events.c.seq).where(*self._where(connection, query))
                value = connection.execute(
                    select(func.count()).select_from(matching.subquery())
                ).scalar_one()
            else:
                value = self._plan(connection, query).count(cap + 1)
        if cap is not None and value > cap:
            return Count(cap, capped=True)
        return Count(value)

    def newer_count(self, query: EventQuery, since: Cursor, cap: int = 10_000) -> int:
        """Events matching ``query`` that sort before ``since`` (arrived since a refresh)."""
        with self._store._read() as connection:
            return self._plan(connection, query, newer_than=since).count(cap)

    def facets(self, query: EventQuery) -> Facets:
        """Types, performers and tenants present in the query's scope and time range.

        The other filters are left out on purpose: a picker offers every value the user
        could switch to, not only the ones the current filter already selects. With every
        tenant in scope a count stops past ``facet_counts.CAP`` (``Facet.capped``), else it is
        exact; the area picker adds up the type counts. See ``tui.store.facet_counts``.
        """
        *_, complete = self.facet_rounds(query)
        return complete

    def facet_rounds(self, query: EventQuery) -> Iterator[Facets]:
        """``facets`` as it is counted: rounds reaching further back, the last complete.

        With every tenant in scope there is one round; a narrower scope is counted newest
        first, so a picker can open on the newest day's counts at once (``Facets``). The
        rounds read one snapshot: close the iterator to end the read early.
        """
        base = EventQuery(time_range=query.time_range, scope=query.scope)
        with self._store._read() as connection:
            scope = visible_scope(self.current_principal(connection), base.scope)
            yield from facet_rounds(
                connection,
                filters.span(base, self._store.now()),
                filters.filter_conditions(base, scope),
                scope,
                self._store._read,
            )

    def stream(self, query: EventQuery, batch: int = 2000) -> Iterator[AuditEvent]:
        """Every matching event, newest first, in constant memory (page by page).

        For exports ``stored`` is some ten times quicker: it hands over the stored JSON.
        """
        after: Cursor | None = None
        while True:
            page = self.page(query, after, batch)
            yield from page.events
            if page.next_cursor is None:
                return
            after = page.next_cursor

    def stored(self, query: EventQuery, batch: int = STORED_BATCH) -> Iterator[StoredEvent]:
        """Every matching event as stored (canonical JSON, not decoded), newest first.

        What exports write (``tui.domain.formats.encode_stored``): no event is decoded or
        validated again, which is most of the time ``stream`` takes. Batches of ``batch``
        rows by keyset, each its own short read (the account re-checked, access narrowed
        in the SQL as everywhere), so memory stays constant and no long transaction holds
        the database. The rows are flattened in C (``chain.from_iterable``): a generator
        resumed for each of a million rows would cost a tenth of the export. Where it pays
        (``AuditStore.reads_ahead``), the next batch is read while the last is written.
        """
        batches = self.stored_batches(query, batch)
        if self._store.reads_ahead:
            batches = read_ahead(batches)
        return itertools.chain.from_iterable(batches)

    def stored_batches(
        self, query: EventQuery, batch: int = STORED_BATCH
    ) -> Iterator[Sequence[StoredEvent]]:
        """``stored`` a batch at a time: each a list of rows read in one short transaction."""
        if batch < 1:
            raise InvalidInput("a batch holds at least one event")
        columns = self._stored_columns()
        after: Cursor | None = None
        while True:
            with self._store._read() as connection:
                rows = self._plan(connection, query).rows(columns, after, batch)
            if rows:
                yield rows
            if len(rows) < batch:
                return
            after = Cursor(rows[-1].occurred_at_ms, rows[-1].event_id)

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

    def _plan(
        self, connection: Connection, query: EventQuery, *, newer_than: Cursor | None = None
    ) -> SearchPlan:
        """How to find ``query``'s rows (newest first), the access scope already applied."""
        scope: Scope = visible_scope(self.current_principal(connection), query.scope)
        return SearchPlan(
            connection,
            filters.filter_conditions(query, scope),
            filters.span(query, self._store.now()),
            query.terms,
            self._store.dialect,
            newer_than=newer_than,
        )

    def _stored_columns(self) -> tuple[ColumnElement, ...]:  # type: ignore[type-arg]
        """``StoredEvent``'s columns, with the chain fields an NDJSON export seals each line
        with; SQLite hands the body over as its stored UTF-8 bytes."""
        body = events.c.body
        if self._store.dialect == "sqlite":
            body = cast(body, LargeBinary)
        return (
            events.c.occurred_at.label("occurred_at_ms"),
            events.c.event_id,
            body.label("body"),
            events.c.chain_segment,
            events.c.chain_position,
            events.c.chain_prev,
            events.c.chain_hash,
        )


_PAGE_COLUMNS = (
    events.c.occurred_at,
    events.c.event_id,
    events.c.body,
    account_rows.erased_column(events.c.performer_mail),
)


def _decode(body: str) -> AuditEvent:
    """A stored body back as an event: it passed validation on the way in, so it is not
    validated again (``from_stored`` still refuses a body not in the canonical shape)."""
    return AuditEvent.from_stored(decode_json(body))
