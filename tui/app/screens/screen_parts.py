"""What the audit log screen's mixins (pickers, paging, downloads, verification, workers) use of the
screen they are mixed into, declared once for type checkers; empty at run time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.app.app import AuditLogApp
    from tui.app.paging import PageWindow
    from tui.app.widgets.event_table import EventTable
    from tui.app.widgets.status_line import StatusLine
    from tui.domain.query import Cursor, EventQuery
    from tui.store.repository import AuditReader


class ScreenParts:
    """The ``AuditLogScreen`` attributes and methods its mixins call."""

    if TYPE_CHECKING:
        reader: AuditReader | None
        query_now: EventQuery
        tenant_names: dict[str, str]
        viewer: AuditLogApp
        app: AuditLogApp
        status: StatusLine
        table: EventTable
        window: PageWindow | None
        generation: int
        _shown_generation: int
        _pending: set[str]

        def run_query(self, query: EventQuery, **options: bool) -> None: ...
        def post_message(self, message: object) -> bool: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        def _needs_reader(self) -> bool: ...
        def _after_move(self) -> None: ...
        def _load_page(
            self, generation: int, query: EventQuery, index: int, after: Cursor | None
        ) -> None: ...
        def record_reading(
            self, reader: AuditReader, action: str, summary: str, details: dict[str, Any]
        ) -> None: ...
