"""Writing the whole filtered result to a file, in constant memory, off the UI thread.

The events stream from the reader page by page into the encoder and straight to disk; the
file appears under its final name only when complete (written beside it as ``.part``, then
renamed), so a failed or cancelled download never leaves half a file that looks whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tui.domain.errors import InvalidInput
from tui.domain.event import AuditEvent
from tui.domain.query import EventQuery

if TYPE_CHECKING:
    from tui.store.repository import AuditReader

#: Report progress every this many events.
PROGRESS_EVERY = 500


class ExportCancelled(Exception):
    """The user left the app (or cancelled) while the file was being written.

    Raised out of ``export`` after the partial file is deleted; ``written`` events had
    been written to it.
    """

    def __init__(self, written: int = 0) -> None:
        super().__init__(f"cancelled after {written} events")
        self.written = written


def check_target(path: Path) -> Path:
    """Refuse a path that cannot be written, before any query runs."""
    path = path.expanduser()
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory; add a file name")
    if not path.parent.is_dir():
        raise InvalidInput(f"the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise InvalidInput(f"cannot write in {path.parent}")
    return path.absolute()


def export(
    reader: AuditReader,
    query: EventQuery,
    format_name: str,
    path: Path,
    *,
    progress: Callable[[int], None] = lambda written: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> int:
    """Write every event matching ``query`` to ``path``; return how many were written."""
    from tui.domain.formats import encode

    written = 0

    def counted() -> Iterator[AuditEvent]:
        nonlocal written
        for audit_event in reader.stream(query):
            if cancelled():
                raise ExportCancelled(written)
            yield audit_event
            written += 1
            if written % PROGRESS_EVERY == 0:
                progress(written)

    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("wb") as output:
            for chunk in encode(format_name, counted()):
                output.write(chunk)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    progress(written)
    return written
