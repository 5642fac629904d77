"""The writing half of ``auditlog ingest``: batches stored by a thread while lines are read.

Most of an append's time is spent inside the database (SQLite's B-trees and search index, or
PostgreSQL's server), where Python's GIL is released; a thread that stores batch *n* while
the main thread decodes and validates batch *n+1* uses both cores without copying a single
event between processes. Batches are stored one at a time, in the order given, each in its
own transaction, and at most ``WAITING`` batches wait, so memory stays bounded.

Errors: the first failure of an append is raised in the main thread at its next hand-over
(or at ``close``); batches after it are dropped, not stored. On Ctrl-C the batch being
stored is finished (a transaction is whole or absent either way) and the waiting ones are
dropped.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType

from tui.domain.event import AuditEvent
from tui.domain.query import AppendResult

#: Batches handed over and not yet being stored.
WAITING = 1


class BatchWriter:
    """``write(batch)`` hands a batch over; ``close()`` waits until all are stored."""

    def __init__(
        self,
        append: Callable[[list[AuditEvent]], AppendResult],
        done: Callable[[AppendResult], None],
    ) -> None:
        self._append, self._done = append, done
        self._queue: queue.Queue[list[AuditEvent] | None] = queue.Queue(maxsize=WAITING)
        self._error: BaseException | None = None
        self._dropping = False
        self._thread = threading.Thread(target=self._run, name="ingest-writer", daemon=True)
        self._thread.start()

    def write(self, batch: list[AuditEvent]) -> None:
        self._raise_failure()
        self._queue.put(batch)

    def close(self) -> None:
        """Wait until every batch handed over is stored; raise the first failure."""
        self._queue.put(None)
        self._thread.join()
        self._raise_failure()

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._thread.is_alive():  # leaving early (an error, Ctrl-C): store no more
            self._dropping = True
            self._queue.put(None)
            self._thread.join()

    def _raise_failure(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._dropping:
                continue
            try:
                self._done(self._append(batch))
            except BaseException as error:  # handed to the main thread, which raises it
                self._error = error
                self._dropping = True
