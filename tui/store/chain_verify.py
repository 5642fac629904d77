"""``AuditStore.verify``: stream the stored chain through ``tui.domain.chain.ChainVerifier``.

Who may verify: Admin accounts only. A report names events of every tenant and says where
the log was tampered with, which is more than a Supervisor may see; and verifying reads
every row, which is an administrator's decision to spend.

Three ordered streams are merged in one snapshot (so appends and purges running meanwhile
are either wholly seen or not at all): the segment records, the events by (segment,
position), and the purge checkpoints. Memory stays constant: one segment's checkpoints and
the verifier's bounded state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection

from tui.domain.access import Role
from tui.domain.chain import (
    ChainReport,
    ChainRow,
    ChainVerifier,
    PurgeCheckpoint,
    SegmentRecord,
)
from tui.domain.errors import AccessDenied
from tui.store import accounts as account_rows

Progress = Callable[[int, int], None]
#: Rows between two progress calls.
PROGRESS_EVERY = 20_000
_FETCH = 5_000


def require_admin(connection: Connection, email: str) -> None:
    principal = account_rows.load(connection, email)
    if principal is None:
        raise AccessDenied(f"there is no account {email!r}; see `auditlog accounts list`")
    principal.allowed_scope()  # refuses erased and unprivileged accounts
    if principal.role != Role.ADMIN:
        raise AccessDenied(
            f"the account {principal.email} has the role {principal.role}; "
            "only Admin accounts may verify the log"
        )


def verify(connection: Connection, email: str, progress: Progress | None) -> ChainReport:
    _snapshot(connection)
    require_admin(connection, email)
    total = connection.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
    verifier = ChainVerifier()
    rows = _Peekable(_events(connection))
    checkpoints = _Peekable(_checkpoints(connection))
    done = 0
    next_report = PROGRESS_EVERY
    if progress is not None:
        progress(0, total)
    for record in _segments(connection):
        while rows.peek is not None and _before(rows.peek.segment, record.segment):
            verifier.orphan(rows.take())
        own: list[PurgeCheckpoint] = []
        while checkpoints.peek is not None and checkpoints.peek.segment <= record.segment:
            checkpoint = checkpoints.take()
            if checkpoint.segment == record.segment:
                own.append(checkpoint)
        verifier.segment(record, rows.take_while(record.segment), own)
        done = verifier.result.events
        if progress is not None and done >= next_report:
            progress(done, total)
            next_report = done + PROGRESS_EVERY
    while rows.peek is not None:
        verifier.orphan(rows.take())
    for row in _unchained(connection):
        verifier.orphan(row)
    if progress is not None:
        progress(verifier.result.events, total)
    return verifier.report()


def _before(segment: int | None, current: int) -> bool:
    return segment is None or segment < current


def _snapshot(connection: Connection) -> None:
    """One consistent view for the whole walk."""
    if connection.dialect.name == "sqlite":
        connection.connection.driver_connection.execute("BEGIN")  # type: ignore[union-attr]
    else:
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def _stream(connection: Connection, sql: str) -> Iterator[Any]:
    result = connection.exec_driver_sql(
        sql, execution_options={"stream_results": True, "yield_per": _FETCH}
    )
    for chunk in result.partitions():
        yield from chunk


def _segments(connection: Connection) -> Iterator[SegmentRecord]:
    for segment, prev_head, head, count in _stream(
        connection,
        "SELECT segment, prev_head, head, event_count FROM chain_segments ORDER BY segment",
    ):
        yield SegmentRecord(segment, bytes(prev_head), bytes(head), count)


def _events(connection: Connection) -> Iterator[ChainRow]:
    for segment, position, prev, digest, body, event_id in _stream(
        connection,
        "SELECT chain_segment, chain_position, chain_prev, chain_hash, body, event_id "
        "FROM events WHERE chain_segment IS NOT NULL "
        "ORDER BY chain_segment, chain_position, seq",
    ):
        yield _row(segment, position, prev, digest, body, event_id)


def _unchained(connection: Connection) -> Iterator[ChainRow]:
    """Rows with no segment at all (written around auditlog)."""
    for segment, position, prev, digest, body, event_id in _stream(
        connection,
        "SELECT chain_segment, chain_position, chain_prev, chain_hash, body, event_id "
        "FROM events WHERE chain_segment IS NULL ORDER BY seq",
    ):
        yield _row(segment, position, prev, digest, body, event_id)


def _row(segment: Any, position: Any, prev: Any, digest: Any, body: str, event_id: str) -> ChainRow:
    return ChainRow(
        segment,
        position,
        GENESIS_IF_NULL if prev is None else bytes(prev),
        GENESIS_IF_NULL if digest is None else bytes(digest),
        body.encode(),
        event_id,
    )


GENESIS_IF_NULL = b""


def _checkpoints(connection: Connection) -> Iterator[PurgeCheckpoint]:
    for segment, first, last, anchor in _stream(
        connection,
        "SELECT segment, first_position, last_position, anchor FROM chain_checkpoints "
        "ORDER BY segment, first_position",
    ):
        yield PurgeCheckpoint(segment, first, last, bytes(anchor))


class _Peekable:
    """An iterator with one item of lookahead."""

    def __init__(self, items: Iterator[Any]) -> None:
        self._items = items
        self.peek: Any = next(items, None)

    def take(self) -> Any:
        item = self.peek
        self.peek = next(self._items, None)
        return item

    def take_while(self, segment: int) -> Iterator[ChainRow]:
        while self.peek is not None and self.peek.segment == segment:
            yield self.take()
