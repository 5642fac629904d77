"""Writing events to stdout or a file: the table for people, the formats for programs.

A file is written under a temporary name and renamed when complete, so an interrupted export
never leaves a partial file under the name the user asked for.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import tzinfo
from pathlib import Path
from typing import BinaryIO

from tui.domain.display import cell_width, one_line
from tui.domain.errors import OutputUnwritable
from tui.domain.event import AuditEvent
from tui.domain.formats import encode

TABLE_COLUMNS = ("TIME", "TYPE", "PERFORMER", "SCOPE", "TARGET", "SUMMARY")


@contextmanager
def destination(path: str | None) -> Iterator[BinaryIO]:
    """stdout for None or "-", else an atomically replaced file.

    A file that cannot be written (disk full, too large, a folder that refuses it) ends as
    ``OutputUnwritable`` naming the path and the system's reason, with no partial file left.
    """
    if path in (None, "-"):
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path).expanduser()
    try:
        fd, partial = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
    except OSError as error:
        raise _unwritable(target, error) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except OSError as error:
        Path(partial).unlink(missing_ok=True)
        raise _unwritable(target, error) from None
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _unwritable(target: Path, error: OSError) -> OutputUnwritable:
    return OutputUnwritable(f"cannot write {target}: {error.strerror or error}")


def write_events(
    events: Iterable[AuditEvent], fmt: str, out: BinaryIO, zone: tzinfo, erased: frozenset[str]
) -> int:
    """Write ``events`` as ``fmt``; returns how many were written."""
    counted = _Counter(events)
    if fmt == "table":
        for line in table_lines(counted, zone, erased):
            out.write(line.encode() + b"\n")
    else:
        for chunk in encode(fmt, counted):
            out.write(chunk)
    return counted.count


def table_lines(
    events: Iterable[AuditEvent], zone: tzinfo, erased: frozenset[str]
) -> Iterator[str]:
    """Fixed columns fitted to the terminal; hostile text is made inert cell by cell."""
    width = shutil.get_terminal_size((120, 24)).columns
    fixed = (19, 26, 28, 16, 20)
    summary_width = max(20, width - sum(fixed) - len(fixed) * 2)
    widths = (*fixed, summary_width)
    yield "  ".join(title.ljust(w) for title, w in zip(TABLE_COLUMNS, widths, strict=True))
    for audit_event in events:
        mark = " (erased)" if audit_event.performer.mail.casefold() in erased else ""
        tenant = audit_event.tenant
        cells = (
            audit_event.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            audit_event.type.name,
            audit_event.performer.mail + mark,
            tenant.name if tenant else "Portal",
            audit_event.target.name,
            audit_event.summary,
        )
        yield "  ".join(
            _pad(one_line(cell, w), w) for cell, w in zip(cells, widths, strict=True)
        ).rstrip()


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_width(text))


class _Counter:
    def __init__(self, events: Iterable[AuditEvent]) -> None:
        self._events = events
        self.count = 0

    def __iter__(self) -> Iterator[AuditEvent]:
        for audit_event in self._events:
            self.count += 1
            yield audit_event
