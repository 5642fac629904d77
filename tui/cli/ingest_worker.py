"""A second process for ``auditlog ingest``: it judges blocks of lines while this one writes.

Decoding and validating a line costs about as much as storing the event, and the two are
independent, so on a machine with two cores they run side by side. The worker is forked
before the database is opened (it inherits no connection) and is handed blocks in order; at
most ``IN_FLIGHT`` blocks are out at a time, so memory stays bounded however large the
input, and results are taken back in the order given: line numbers, rejects and batches come
out exactly as without it. The worker ignores Ctrl-C; this process stops it when it stops.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from types import TracebackType

from tui.cli.ingest_lines import ParsedBlock, Rejected, parse_block

#: Blocks handed out and not yet taken back (each about a megabyte of NDJSON).
IN_FLIGHT = 3


class BlockParser:
    """Turns blocks into ``ParsedBlock``s, in a worker process when ``parallel``."""

    def __init__(self, *, parallel: bool) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if parallel:
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_start_worker)
            self._pool.submit(int).result()  # fork now, before any connection exists

    def __enter__(self) -> BlockParser:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def parse(
        self, blocks: Iterable[tuple[int, bytes]], now: datetime | None
    ) -> Iterator[ParsedBlock]:
        """The blocks' results, in order."""
        if self._pool is None:
            for first, block in blocks:
                yield parse_block(first, block, now)
            return
        pending: deque[Future[ParsedBlock]] = deque()
        for first, block in blocks:
            pending.append(self._pool.submit(_parse_for_writer, first, block, now))
            if len(pending) >= IN_FLIGHT:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _start_worker() -> None:
    # Ctrl-C reaches the whole process group; the parent decides what stops, and when.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(50_000, *gc.get_threshold()[1:])


def _parse_for_writer(first: int, block: bytes, now: datetime | None) -> ParsedBlock:
    """``parse_block``, with what the store derives from each event computed here too (the
    search text and the canonical JSON travel with the pickled event)."""
    parsed = parse_block(first, block, now)
    for item in parsed.items:
        if not isinstance(item, Rejected):
            item.search_text()
            item.canonical_json()
    return parsed
