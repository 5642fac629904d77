"""Writing the whole filtered result to a file, in constant memory, off the UI thread.

The events come from the reader as stored (``AuditReader.stored``: canonical JSON, never
decoded again) batch by batch into ``encode_stored`` and straight to disk, so an NDJSON
download carries each event's seal and ``auditlog verify --file`` checks it. The file
appears under its final name only when complete (written beside it as ``.part``, then
renamed), so a failed or cancelled download never leaves half a file that looks whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tui.domain.errors import InvalidInput
from tui.domain.query import EventQuery, StoredEvent

if TYPE_CHECKING:
    from tui.store.repository import AuditReader

#: Report progress every this many events.
PROGRESS_EVERY = 500
#: What a file is called while it is being written.
PART = ".part"


class ExportCancelled(Exception):
    """The user left the app (or cancelled) while the file was being written.

    Raised out of ``export`` after the partial file is deleted; ``written`` events had
    been written to it.
    """

    def __init__(self, written: int = 0) -> None:
        super().__init__(f"cancelled after {written} events")
        self.written = written


#: The longest file name (in bytes) most file systems take; the download also writes NAME.part.
NAME_MAX = 255


def check_target(path: Path) -> Path:
    """Refuse a path that cannot be written, before any query runs.

    Every refusal is an ``InvalidInput`` the dialog shows: a NUL (which no file system
    takes, and which makes ``os`` raise ValueError), a name too long for the file system
    with its ``.part``, and whatever the file system says while looking (OSError).
    """
    if "\x00" in str(path):
        raise InvalidInput("a file name cannot hold a NUL character")
    path = path.expanduser()
    if len(os.fsencode(path.name + PART)) > NAME_MAX:
        raise InvalidInput(f"the file name is too long (at most {NAME_MAX - len(PART)} bytes)")
    try:
        if path.is_dir():
            raise InvalidInput(f"{path} is a directory; add a file name")
        if not path.parent.is_dir():
            raise InvalidInput(f"the folder {path.parent} does not exist")
        if not os.access(path.parent, os.W_OK):
            raise InvalidInput(f"cannot write in {path.parent}")
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror or error}") from None
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
    from tui.domain.formats import encode_stored

    written = 0

    def counted() -> Iterator[StoredEvent]:
        nonlocal written
        for row in reader.stored(query):
            if cancelled():
                raise ExportCancelled(written)
            yield row
            written += 1
            if written % PROGRESS_EVERY == 0:
                progress(written)

    partial = path.with_name(path.name + PART)
    try:
        with partial.open("wb") as output:
            for chunk in encode_stored(format_name, counted()):
                output.write(chunk)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    progress(written)
    return written
