"""Read the next batch of an export while the last one is being written.

An export alternates two kinds of work: waiting for the database to answer a batch's query
(the server's work on PostgreSQL, SQLite's page reads), and encoding and writing the rows.
One after the other, each waits for the other; on two cores they overlap where the driver
lets go of the GIL while the database works (PostgreSQL's: ``AuditStore.reads_ahead``).
A thread fetches batches one ahead through a queue of one: memory stays constant (the batch
being written, the one waiting, the one being read), and no batch holds a transaction open
while it waits to be taken.

An error in the thread (the database gone) is raised in the reader at the batch it stopped
at; a reader that stops early (a broken pipe, a cancelled download) tells the thread to stop.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

#: How often a thread blocked on a full queue looks whether its reader has gone.
_POLL_SECONDS = 0.05


class _End:
    """The source is exhausted."""


class _Failed:
    """The source raised ``error``."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class _Fetcher(threading.Thread, Generic[T]):
    def __init__(self, source: Iterator[T]) -> None:
        super().__init__(name="auditlog-read-ahead", daemon=True)
        self.source = source
        self.handoff: queue.Queue[T | _End | _Failed] = queue.Queue(maxsize=1)
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            for item in self.source:
                if not self._hand_over(item):
                    return
            self._hand_over(_End())
        except BaseException as error:  # raised again in the reader
            self._hand_over(_Failed(error))
        finally:
            close = getattr(self.source, "close", None)
            if close is not None:
                close()

    def _hand_over(self, item: T | _End | _Failed) -> bool:
        """Put ``item`` in the queue; False once the reader has stopped reading."""
        while not self.stopping.is_set():
            try:
                self.handoff.put(item, timeout=_POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False


def read_ahead(source: Iterator[T]) -> Iterator[T]:
    """``source``'s items in order, each fetched in a thread while the previous is used.

    ``source`` runs entirely in that thread (it is also closed there), so it must not need
    the caller's thread: its database connections must come from a pool that hands one to
    any thread.
    """
    fetcher: _Fetcher[T] = _Fetcher(source)
    fetcher.start()
    try:
        while True:
            item = fetcher.handoff.get()
            if isinstance(item, _End):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        fetcher.stopping.set()
        fetcher.join()
