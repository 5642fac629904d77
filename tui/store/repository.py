"""The one repository layer: every read and write of the audit log goes through here.

``AuditStore`` owns the database (opening, migrating, appending, purging, accounts).
``AuditReader`` is how anyone reads: it is bound to an account, and every one of its calls
re-reads that account and narrows the query to what the account may see *inside the same
SQL statement*, so no path (page, count, facets, details, export) can leak an event.

Both are thread-safe (an engine with a connection pool); the viewer calls them from workers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import orjson
from sqlalchemy import Connection, Engine, delete, func, select

from tui.domain.access import Principal, Scope, visible_scope
from tui.domain.errors import AccessDenied, EventRejected, InvalidInput, NotFound
from tui.domain.event import AuditEvent, TenantRef, to_epoch_ms
from tui.domain.formats import decode_json
from tui.domain.query import (
    PAGE_SIZE,
    AppendResult,
    Count,
    Cursor,
    EventQuery,
    Facet,
    Facets,
    Page,
)
from tui.domain.timerange import retention_cutoff
from tui.domain.validation import parse_event
from tui.store import accounts as account_rows
from tui.store import filters
from tui.store.engine import connect, describe, resolve_url, translated_errors
from tui.store.migrate import ensure_current
from tui.store.schema import events, settings, tenants

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class AuditStore:
    """An opened, current database. Create with ``AuditStore.open``."""

    def __init__(self, engine: Engine, label: str, clock: Clock) -> None:
        self._engine = engine
        self.label = label
        self._clock = clock
        self.dialect = engine.dialect.name

    @classmethod
    def open(cls, url: str | None = None, *, clock: Clock | None = None) -> AuditStore:
        """Connect to ``url`` (a URL or a path; default: the user's SQLite file) and migrate."""
        resolved = resolve_url(url)
        label = describe(resolved)
        with translated_errors(label):
            engine = connect(resolved)
            try:
                ensure_current(engine)
            except BaseException:
                engine.dispose()
                raise
        return cls(engine, label, clock or utc_now)

    def close(self) -> None:
        self._engine.dispose()

    def now(self) -> datetime:
        return self._clock()

    def reader(self, email: str) -> AuditReader:
        """A reader acting as ``email``; refused for unknown, erased or unprivileged accounts."""
        reader = AuditReader(self, email)
        with self._read() as connection:
            reader.current_principal(connection)
        return reader

    # -- writing -------------------------------------------------------------------------

    def append(self, batch: Sequence[AuditEvent]) -> AppendResult:
        """Store a batch in one transaction; ids already held are skipped, not overwritten."""
        unique: dict[str, AuditEvent] = {}
        for audit_event in batch:
            unique.setdefault(audit_event.id, audit_event)
        if not unique:
            return AppendResult(0, 0)
        rows = [_event_row(e) for e in unique.values()]
        with self._write() as connection:
            statement = self._insert(events).on_conflict_do_nothing(index_elements=["event_id"])
            inserted = set(
                connection.execute(statement.returning(events.c.event_id), rows).scalars()
            )
            # Names come from the events actually stored, the newest last, so that sending
            # an old batch again never renames a tenant back.
            names = {
                e.tenant.id: e.tenant.name
                for e in sorted(unique.values(), key=lambda e: e.occurred_at)
                if e.tenant is not None and e.id in inserted
            }
            if names:
                upsert = self._insert(tenants)
                upsert = upsert.on_conflict_do_update(
                    index_elements=["tenant_id"], set_={"name": upsert.excluded.name}
                )
                named = [{"tenant_id": k, "name": _storable(v)} for k, v in sorted(names.items())]
                connection.execute(upsert, named)
        return AppendResult(len(inserted), len(batch) - len(inserted))

    def purge(self, *, dry_run: bool = False) -> int:
        """Remove events past retention; returns how many were (or would be) removed."""
        expired = events.c.occurred_at < to_epoch_ms(retention_cutoff(self.now()))
        if dry_run:
            with self._read() as connection:
                return connection.execute(select(func.count()).where(expired)).scalar_one()
        with self._write() as connection:
            return connection.execute(delete(events).where(expired)).rowcount

    # -- accounts and settings -----------------------------------------------------------

    def accounts(self) -> list[Principal]:
        with self._read() as connection:
            return account_rows.load_all(connection)

    def account(self, email: str) -> Principal | None:
        with self._read() as connection:
            return account_rows.load(connection, email)

    def add_account(self, principal: Principal) -> None:
        with self._write() as connection:
            account_rows.insert(connection, principal, self.now())

    def add_accounts(self, principals: Iterable[Principal]) -> None:
        with self._write() as connection:
            for principal in principals:
                account_rows.insert(connection, principal, self.now())

    def erase_account(self, email: str) -> None:
        with self._write() as connection:
            account_rows.erase(connection, email, self.now())

    def setting(self, key: str) -> str | None:
        with self._read() as connection:
            return connection.execute(
                select(settings.c.value).where(settings.c.key == key)
            ).scalar()

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as connection:
            connection.execute(delete(settings).where(settings.c.key == key))
            connection.execute(settings.insert().values(key=key, value=value))

    # -- plumbing ------------------------------------------------------------------------

    def _insert(self, table):  # type: ignore[no-untyped-def]
        if self.dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        return insert(table)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """A connection in a transaction; database errors become StoreUnavailable."""
        with translated_errors(self.label), self._engine.begin() as connection:
            yield connection

    _read = _write = _transaction


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


def _event_row(audit_event: AuditEvent) -> dict[str, object]:
    tenant = audit_event.tenant
    return {
        "event_id": audit_event.id,
        "occurred_at": to_epoch_ms(audit_event.occurred_at),
        "event_type": audit_event.type.name,
        "area": audit_event.area.value,
        "performer_mail": audit_event.performer.mail.casefold(),
        "performer_name": _storable(audit_event.performer.name),
        "tenant_id": None if tenant is None else tenant.id,
        "search_text": audit_event.search_text(),
        "body": _body(audit_event),
    }


def _body(audit_event: AuditEvent) -> str:
    """The canonical JSON of the event, exactly (integers beyond 64 bits included)."""
    document = audit_event.to_dict()
    try:
        return orjson.dumps(document).decode()
    except orjson.JSONEncodeError:
        pass
    # orjson refuses integers beyond 64 bits, which validation allows, and whatever an event
    # built without parse_event may hold (validation says what and where, for that event).
    try:
        parse_event(document)
    except EventRejected as error:
        raise EventRejected(error.field, f"{error.reason} (event {audit_event.id!r})") from None
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _storable(label: str) -> str:
    """PostgreSQL text cannot hold NUL; label columns drop it (the JSON body keeps it)."""
    return label.replace("\x00", "")


def _decode(body: str) -> AuditEvent:
    return parse_event(decode_json(body))
