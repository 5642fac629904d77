"""Read the next batch of an export while the last one is being written.

An export alternates two kinds of work: waiting for the database to answer a batch's query
(the server's work on PostgreSQL, SQLite's page reads), and encoding and writing the rows.
One after the other, each waits for the other; on two cores they overlap where the driver
lets go of the GIL while the database works (PostgreSQL's: ``AuditStore.reads_ahead``).
A thread reads one batch ahead, and the next only once that one is taken: memory holds two
batches, as it did when one read followed the other (the one being written, the one being
read), and no batch holds a transaction open while it waits to be taken.

An error in the thread (the database gone) is raised in the reader at the batch it stopped
at; a reader that stops early (a broken pipe, a cancelled download) tells the thread to stop.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class _End:
    """The source is exhausted."""


class _Failed:
    """The source raised ``error``."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


_EMPTY = object()


class _Handoff(Generic[T]):
    """One item at a time from the fetcher to the reader; giving waits until it is taken."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._item: object = _EMPTY
        self._closed = False

    def give(self, item: T | _End | _Failed) -> bool:
        """Hand ``item`` over and wait until it is taken; False once the reader has gone."""
        with self._ready:
            self._item = item
            self._ready.notify_all()
            while self._item is not _EMPTY and not self._closed:
                self._ready.wait()
            return not self._closed

    def take(self) -> T | _End | _Failed:
        with self._ready:
            while self._item is _EMPTY:
                self._ready.wait()
            item, self._item = self._item, _EMPTY
            self._ready.notify_all()
            return item  # type: ignore[return-value]

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()


class _Fetcher(threading.Thread, Generic[T]):
    def __init__(self, source: Iterator[T]) -> None:
        super().__init__(name="auditlog-read-ahead", daemon=True)
        self.source = source
        self.handoff: _Handoff[T] = _Handoff()

    def run(self) -> None:
        try:
            for item in self.source:
                if not self.handoff.give(item):
                    return
            self.handoff.give(_End())
        except BaseException as error:  # raised again in the reader
            self.handoff.give(_Failed(error))
        finally:
            close = getattr(self.source, "close", None)
            if close is not None:
                close()


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
            item = fetcher.handoff.take()
            if isinstance(item, _End):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        fetcher.handoff.close()
        fetcher.join()
