"""The one repository layer: every read and write of the audit log goes through here.

``AuditStore`` owns the database (opening, migrating, appending, purging, accounts).
``AuditReader`` (in ``reader.py``, re-exported here) is how anyone reads: it is bound to an
account and narrows every query to what that account may see inside the same SQL statement.

Both are thread-safe (an engine with a connection pool); the viewer calls them from workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, func, select

from tui.domain.access import Principal
from tui.domain.chain import ChainReport
from tui.domain.errors import EventRejected
from tui.domain.event import AuditEvent, to_epoch_ms
from tui.domain.query import (
    AppendResult,
)
from tui.domain.timerange import retention_cutoff
from tui.store import accounts as account_rows
from tui.store import appending, chain_purge, chain_verify, partitions
from tui.store.engine import connect, describe, resolve_url, translated_errors
from tui.store.migrate import ensure_current
from tui.store.reader import AuditReader
from tui.store.schema import events, settings, tenants

__all__ = ["AuditReader", "AuditStore", "utc_now"]

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
        self._weeks = partitions.WeeklyPartitions() if self.dialect == "postgresql" else None

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

    @property
    def reads_ahead(self) -> bool:
        """Whether an export reads its next batch in a thread while it writes the last.

        Only a server's work overlaps with the writing: the PostgreSQL driver lets go of the
        GIL while it waits for a batch (1M events, 180 days to NDJSON, median of five
        alternating pairs: 7.20 -> 5.95 s). The SQLite driver takes the GIL back after every
        row it steps, so a thread reading SQLite mostly waits for the writer (the same
        export: no difference, warm or cold).
        """
        return self.dialect == "postgresql"

    def now(self) -> datetime:
        return self._clock()

    def _now_ms(self) -> int:
        return to_epoch_ms(self._clock())

    def reader(self, email: str) -> AuditReader:
        """A reader acting as ``email``; refused for unknown, erased or unprivileged accounts."""
        reader = AuditReader(self, email)
        with self._read() as connection:
            reader.current_principal(connection)
        return reader

    # -- writing -------------------------------------------------------------------------

    def append(self, batch: Sequence[AuditEvent]) -> AppendResult:
        """Store a batch in one transaction; ids already held are skipped, not overwritten.

        The events stored become one segment of the hash chain (see ``appending``), so an
        append is serialised against other appends for its whole transaction.
        """
        unique: dict[str, AuditEvent] = {}
        for audit_event in batch:
            unique.setdefault(audit_event.id, audit_event)
        if not unique:
            return AppendResult(0, 0)
        rows = [_event_row(e) for e in unique.values()]
        if self._weeks is not None:  # PostgreSQL: the weeks these rows land in, made first
            with translated_errors(self.label):
                self._weeks.ensure(
                    self._engine,
                    [row[appending.TIME] for row in rows],
                    self._now_ms(),
                    to_epoch_ms(retention_cutoff(self.now())),
                )
        with self._write() as connection:
            appending.lock(connection)
            held = appending.stored_ids(connection, list(unique))
            if held:
                rows = [row for row in rows if row[appending.ID] not in held]
            if rows:
                segment, prev_head = appending.head(connection)
                chained, head = appending.chain_rows(rows, segment + 1, prev_head)
                appending.insert(connection, chained)
                appending.record_segment(
                    connection, segment + 1, prev_head, head, len(chained), self._now_ms()
                )
            # Names come from the events actually stored, the newest last, so that sending
            # an old batch again never renames a tenant back.
            names = {
                e.tenant.id: e.tenant.name
                for e in sorted(unique.values(), key=lambda e: e.occurred_at)
                if e.tenant is not None and e.id not in held
            }
            if names:
                upsert = self._insert(tenants)
                upsert = upsert.on_conflict_do_update(
                    index_elements=["tenant_id"], set_={"name": upsert.excluded.name}
                )
                named = [{"tenant_id": k, "name": _storable(v)} for k, v in sorted(names.items())]
                connection.execute(upsert, named)
        return AppendResult(len(rows), len(batch) - len(rows))

    def purge(self, *, dry_run: bool = False) -> int:
        """Remove events past retention; returns how many were (or would be) removed.

        On PostgreSQL the weeks wholly past retention are dropped and only the week that
        straddles the cutoff (and the default partition) loses rows one by one. The removed
        runs of chain positions are recorded as retention checkpoints in the same
        transaction, so ``verify`` tells this purge from any other removal.
        """
        cutoff = to_epoch_ms(retention_cutoff(self.now()))
        if dry_run:
            expired = events.c.occurred_at < cutoff
            with self._read() as connection:
                return connection.execute(select(func.count()).where(expired)).scalar_one()
        with self._write() as connection:
            removed = chain_purge.purge(connection, cutoff, self._now_ms())
        if self._weeks is not None:
            self._weeks.forget()
        return removed

    def verify(
        self, email: str, *, progress: Callable[[int, int], None] | None = None
    ) -> ChainReport:
        """Walk the whole hash chain; Admin accounts only (see ``chain_verify``)."""
        with self._read() as connection:
            return chain_verify.verify(connection, email, progress)

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

    def record_reading(
        self,
        email: str,
        action: str,
        *,
        summary: str,
        details: dict[str, object],
        source: str | None,
        user_agent: str,
    ) -> str | None:
        """Append the event that account ``email`` read the log (``tui.domain.reading``):
        opened the viewer, exported, verified. Its id, or None when there is no such account.

        ``source`` is where the reader connected from (``SSH_CLIENT``'s text, or None).
        """
        from tui.store.reading_log import record_reading

        principal = self.account(email)
        if principal is None:
            return None
        return record_reading(
            self,
            principal,
            action,
            summary=summary,
            details=details,
            source=source,
            user_agent=user_agent,
        )

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


def _event_row(audit_event: AuditEvent) -> tuple[object, ...]:
    """The stored columns of an event, in ``appending.COLUMNS`` order (chain fields follow)."""
    tenant = audit_event.tenant
    return (
        audit_event.id,
        to_epoch_ms(audit_event.occurred_at),
        audit_event.type.name,
        audit_event.area.value,
        audit_event.performer.mail.casefold(),
        _storable(audit_event.performer.name),
        None if tenant is None else tenant.id,
        audit_event.search_text(),
        _body(audit_event),
    )


def _body(audit_event: AuditEvent) -> str:
    """The canonical JSON of the event, exactly; made once per event and kept with it (ingest
    makes it in its reading thread, so the writer only fetches it)."""
    try:
        return audit_event.canonical_json()
    except EventRejected as error:
        raise EventRejected(error.field, f"{error.reason} (event {audit_event.id!r})") from None


def _storable(label: str) -> str:
    """PostgreSQL text cannot hold NUL; label columns drop it (the JSON body keeps it)."""
    return label.replace("\x00", "")
