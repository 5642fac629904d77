"""``auditlog ingest FILE|-``: load NDJSON events (one JSON object a line).

Every bad line is reported on stderr with its line number and reason and copied, byte for
byte, to the reject file (default: FILE.rejects; none for stdin unless --rejects is given),
so it can be corrected and ingested again. Bad lines never stop good ones. Events are stored
in batches, each in one transaction: an interrupted ingest leaves whole batches only, and
running the same file again adds nothing it already holds.

Example:
    auditlog ingest events.ndjson
    zcat events.ndjson.gz | auditlog ingest - --rejects bad.ndjson
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from tui.cli import exit_codes
from tui.cli.fewer_collections import fewer_collections
from tui.cli.ingest_lines import (
    MAX_LINE_BYTES,
    TOO_LONG,
    LongLine,
    Rejected,
    blocks,
    parse_block,
)
from tui.cli.ingest_writer import BatchWriter
from tui.cli.session import open_store
from tui.domain.display import inert
from tui.domain.errors import InvalidInput
from tui.domain.event import AuditEvent
from tui.domain.query import AppendResult

if TYPE_CHECKING:
    from tui.store.repository import AuditStore

__all__ = ["BATCH_SIZE", "MAX_LINE_BYTES", "ingest", "register", "run"]

BATCH_SIZE = 5_000


def register(subparsers: argparse._SubParsersAction, parents: list) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "ingest",
        parents=parents,
        help="load events from an NDJSON file or stdin",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="FILE|-", help="NDJSON file, or - for stdin")
    parser.add_argument("--rejects", metavar="PATH", help="where to copy rejected lines")
    parser.add_argument(
        "--batch-size", type=int, default=BATCH_SIZE, help=f"events a transaction ({BATCH_SIZE})"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise InvalidInput("--batch-size must be at least 1")
    rejects_path = args.rejects or (None if args.source == "-" else f"{args.source}.rejects")
    store = open_store(args)
    try:
        with ExitStack() as stack:
            source = _open_source(args.source, stack)
            report = ingest(store, source, rejects_path, args.batch_size)
    finally:
        store.close()
    print(report.summary(rejects_path), file=sys.stderr)
    return exit_codes.BAD_INPUT if report.rejected else exit_codes.OK


class IngestReport:
    def __init__(self) -> None:
        self.lines = self.added = self.duplicates = self.rejected = 0
        self.started = time.perf_counter()

    def summary(self, rejects_path: str | None) -> str:
        seconds = time.perf_counter() - self.started
        rate = self.added / seconds if seconds > 0 else 0.0
        text = (
            f"ingest: {self.lines:,} lines read, {self.added:,} events added, "
            f"{self.duplicates:,} already present, {self.rejected:,} rejected "
            f"in {seconds:.1f} s ({rate:,.0f} events/s)"
        )
        if self.rejected and rejects_path:
            text += f"; rejected lines are in {rejects_path}"
        return text


def ingest(
    store: AuditStore,
    source: BinaryIO,
    rejects_path: str | None,
    batch_size: int,
) -> IngestReport:
    """Read ``source`` block by block, in order: each bad line reported and set aside as it
    comes, the good events stored ``batch_size`` at a time by a writer thread."""
    report = IngestReport()
    now = store.now()
    batch: list[AuditEvent] = []

    def stored(result: AppendResult) -> None:
        report.added += result.added
        report.duplicates += result.duplicates

    with ExitStack() as stack:
        rejects = _Rejects(rejects_path, report, stack)
        stack.enter_context(fewer_collections())
        writer = stack.enter_context(BatchWriter(store.append, stored))
        for first, lines in blocks(source):
            if isinstance(lines, LongLine):
                rejects.long_line(first, lines)
                continue
            block = parse_block(first, lines, now)
            for item in block.items:
                if isinstance(item, Rejected):
                    rejects.add(item.number, item.reason, [item.line])
                    continue
                # Made here, in the reading thread, and kept with the event: the writer
                # thread, which holds the GIL for its Python work, only takes them.
                item.search_text()
                item.canonical_json()
                batch.append(item)
                if len(batch) >= batch_size:
                    writer.write(batch)
                    batch = []
            if block.last_line:
                report.lines = block.last_line
        if batch:
            writer.write(batch)
        writer.close()
    return report


class _Rejects:
    """Reports each bad line on stderr and copies it, byte for byte, to the reject file
    (opened at the first one)."""

    def __init__(self, path: str | None, report: IngestReport, stack: ExitStack) -> None:
        self._path, self._report, self._stack = path, report, stack
        self._file: BinaryIO | None = None

    def add(self, number: int, reason: str, pieces: Iterable[bytes]) -> None:
        self._report.rejected += 1
        # The reason may quote the line (an unknown field's name): escapes must not act.
        print(f"line {number}: {inert(reason)}", file=sys.stderr)
        if self._path and self._file is None:
            opened = Path(self._path).open("wb")  # noqa: SIM115 (the ExitStack closes it)
            self._file = self._stack.enter_context(opened)
        last = b"\n"
        for piece in pieces:
            if self._file is not None and piece:
                self._file.write(piece)
                last = piece
        if self._file is not None and not last.endswith(b"\n"):
            self._file.write(b"\n")

    def long_line(self, number: int, line: LongLine) -> None:
        """A line too long to hold: refused as it streams past, unless it is all blank
        (then skipped, as a blank line is; its blank start waits in a spool file)."""
        pieces = line.pieces()
        with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as blank_start:
            for piece in pieces:
                if piece.strip():
                    blank_start.seek(0)
                    head = iter(lambda: blank_start.read(1024 * 1024), b"")
                    self.add(number, TOO_LONG, itertools.chain(head, [piece], pieces))
                    self._report.lines = number
                    return
                blank_start.write(piece)


def _open_source(source: str, stack: ExitStack) -> BinaryIO:
    if source == "-":
        return sys.stdin.buffer
    try:
        return stack.enter_context(Path(source).open("rb"))
    except OSError as error:
        raise InvalidInput(f"cannot read {source}: {error.strerror}") from None
