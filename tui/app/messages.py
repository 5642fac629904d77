"""Messages that carry database results from thread workers to the screen.

Workers never touch widgets: they post one of these and the screen decides what to show.
Every result of a query carries the ``generation`` it was asked for; the screen drops results
of an older generation, so when queries overlap the newest request's answer is the one shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from tui.domain.errors import AuditLogError
from tui.domain.event import TenantRef
from tui.domain.query import Count, Cursor, Facets, Page

if TYPE_CHECKING:
    from tui.app.paging import PageWindow
    from tui.domain.chain import ChainReport
    from tui.store.repository import AuditReader


@dataclass
class ReaderOpened(Message):
    """The account was accepted; reads go through ``reader`` from now on."""

    reader: AuditReader


@dataclass
class OpenFailed(Message):
    """A viewer that opens its own store could not (refused, or no database): it ends."""

    error: AuditLogError


@dataclass
class WindowLoaded(Message):
    """A fresh window of rows (first load, new query or refresh) replaces the table."""

    generation: int
    window: PageWindow
    #: The newest event of the result (for "N new" on the next refresh).
    newest: Cursor | None = None
    select_id: str | None = None
    #: Events that arrived since the previous load (refresh only; None otherwise).
    new_events: int | None = None
    #: True when the result is empty and so is everything the reader may see in 180 days.
    nothing_visible: bool = False


@dataclass
class PageLoaded(Message):
    """One more page for the current window (scrolling down or back up)."""

    generation: int
    index: int
    page: Page


@dataclass
class CountLoaded(Message):
    generation: int
    count: Count


@dataclass
class LoadFailed(Message):
    """A query of ``generation`` failed; ``error`` says why in plain words."""

    generation: int
    error: AuditLogError


@dataclass
class FacetsLoaded(Message):
    """What a filter picker may offer; ``kind`` is "area", "type" or "performer".

    One message per round of counting (``Facets.complete`` on the last); ``load`` tells the
    rounds of one key press from those of an earlier one.
    """

    kind: str
    facets: Facets
    load: int = 0


@dataclass
class TenantsLoaded(Message):
    """The tenants the reader may choose in the scope picker."""

    tenants: tuple[TenantRef, ...]


@dataclass
class ActionFailed(Message):
    """A one-off read (picker options) failed; shown as a notification."""

    what: str
    error: AuditLogError


@dataclass
class ExportProgress(Message):
    written: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ExportProgress)


@dataclass
class ExportFinished(Message):
    path: Path
    written: int
    format: str


@dataclass
class ExportFailed(Message):
    path: Path
    reason: str


@dataclass
class ExportStopped(Message):
    """A cancelled export has stopped and deleted its partial file."""

    path: Path
    written: int


@dataclass
class ReadingNotRecorded(Message):
    """Opening, a download or a verification could not be written to the log as a reading."""

    action: str
    reason: str


@dataclass
class VerifyProgress(Message):
    """``done`` of ``total`` stored events checked so far."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, VerifyProgress)


@dataclass
class VerifyFinished(Message):
    report: ChainReport


@dataclass
class VerifyFailed(Message):
    """Refused (not an Admin) or the database failed; ``error`` says which."""

    error: AuditLogError


@dataclass
class VerifyStopped(Message):
    """A cancelled verification has stopped (nothing was concluded)."""


__all__ = [
    "ActionFailed",
    "CountLoaded",
    "ExportFailed",
    "ExportFinished",
    "ExportProgress",
    "ExportStopped",
    "FacetsLoaded",
    "LoadFailed",
    "OpenFailed",
    "PageLoaded",
    "ReaderOpened",
    "ReadingNotRecorded",
    "TenantsLoaded",
    "VerifyFailed",
    "VerifyFinished",
    "VerifyProgress",
    "VerifyStopped",
    "WindowLoaded",
]
