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
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

import orjson

from tui.cli import exit_codes
from tui.cli.session import open_store
from tui.domain.display import inert
from tui.domain.errors import EventRejected, InvalidInput
from tui.domain.event import AuditEvent
from tui.domain.formats import decode_json
from tui.domain.validation import parse_event
from tui.store.repository import AuditStore

BATCH_SIZE = 5_000
#: A line longer than this is refused without being decoded (protects memory).
MAX_LINE_BYTES = 32 * 1024 * 1024


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
    store: AuditStore, source: BinaryIO, rejects_path: str | None, batch_size: int
) -> IngestReport:
    report = IngestReport()
    now = store.now()
    batch: list[AuditEvent] = []
    with ExitStack() as stack:
        rejects: BinaryIO | None = None
        for number, line, event_or_reason in _parse(source, now):
            report.lines = number
            if isinstance(event_or_reason, AuditEvent):
                batch.append(event_or_reason)
                if len(batch) >= batch_size:
                    _flush(store, batch, report)
                continue
            report.rejected += 1
            # The reason may quote the line (an unknown field's name): escapes must not act.
            print(f"line {number}: {inert(event_or_reason)}", file=sys.stderr)
            if rejects_path:
                if rejects is None:
                    rejects = stack.enter_context(Path(rejects_path).open("wb"))
                rejects.write(line if line.endswith(b"\n") else line + b"\n")
        _flush(store, batch, report)
    return report


def _flush(store: AuditStore, batch: list[AuditEvent], report: IngestReport) -> None:
    if batch:
        result = store.append(batch)
        report.added += result.added
        report.duplicates += result.duplicates
        batch.clear()


def _parse(source: BinaryIO, now) -> Iterator[tuple[int, bytes, AuditEvent | str]]:  # type: ignore[no-untyped-def]
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_BYTES:
            yield number, line, f"line longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB"
            continue
        try:
            raw = decode_json(line)
        except orjson.JSONDecodeError as error:
            yield number, line, _not_json(line, error)
            continue
        try:
            yield number, line, parse_event(raw, now=now)
        except EventRejected as error:
            yield number, line, str(error)


def _not_json(line: bytes, error: orjson.JSONDecodeError) -> str:
    """Why ``line`` is not JSON; for bytes that are not UTF-8, which byte and where (orjson
    says "surrogates not allowed" at column 1 for any of them)."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"not UTF-8 text: byte {line[bad.start]:#04x} at offset {bad.start} ({bad.reason})"
    return f"not valid JSON ({error})"


def _open_source(source: str, stack: ExitStack) -> BinaryIO:
    if source == "-":
        return sys.stdin.buffer
    try:
        return stack.enter_context(Path(source).open("rb"))
    except OSError as error:
        raise InvalidInput(f"cannot read {source}: {error.strerror}") from None
