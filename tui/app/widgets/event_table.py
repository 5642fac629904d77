"""The events table: a DataTable that shows one ``PageWindow`` at a time.

It holds only the window's rows (see ``tui.app.paging``); the screen decides when to fetch
pages and hands the table whole windows or single pages. It announces when its cursor or
viewport nears an edge, so the screen can fetch the next or previous page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from tui.app.event_text import row_cells
from tui.app.paging import PageWindow
from tui.domain.event import AuditEvent

#: (key, label, width) in the order the portal shows them.
COLUMNS = (
    ("time", "Time", 12),
    ("type", "Event type", 22),
    ("area", "Area", 6),
    ("performer", "Performer", 18),
    ("where", "Scope", 14),
    ("target", "Target", 20),
    ("summary", "Summary", 60),
)
#: Fetch the next page when the cursor or viewport is this close to an edge.
EDGE_ROWS = 25


class EventTable(DataTable[object]):
    """Newest first; Enter opens the event.

    | key | action |
    | --- | --- |
    | up, down, PgUp, PgDn | move; pages load as the cursor nears either end |
    | home / g, end / G | first / last loaded row (the next page then loads) |
    | enter | show the event in the JSON pane |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Details", tooltip="Show the event as JSON", id="open"),
        Binding("home,g", "scroll_top", "Top", tooltip="First loaded row", id="top", show=False),
        Binding(
            "end,G", "scroll_bottom", "Bottom", tooltip="Last loaded row", id="bottom", show=False
        ),
    ]

    @dataclass
    class NearEdge(Message):
        """The visible rows come within ``EDGE_ROWS`` of the top or bottom of the window."""

        table: EventTable
        downwards: bool

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, EventTable.NearEdge) and message.downwards == self.downwards

    def __init__(self, zone: tzinfo, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, cell_padding=1, id=id)
        self.zone = zone
        self._filling = False
        self._settling = False
        #: Set by the screen while the JSON pane is open.
        self.details_shown = False

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, width=width, key=key)

    def show_window(self, window: PageWindow, row: int = 0, keep_offset: int | None = None) -> None:
        """Replace the rows with ``window``'s and put the cursor on ``row``.

        ``keep_offset`` keeps the cursor that many lines below the top of the viewport, so
        the rows do not jump when a page is dropped or added above them. Edge checks wait
        until the new rows are laid out and scrolled, or the stale scroll position of the
        moment would ask for the wrong page.
        """
        self._settling = True
        self.clear()
        self._add(window.events(), window.erased_performers())
        row = max(0, min(row, self.row_count - 1))
        self.move_cursor(row=row, animate=False, scroll=keep_offset is None)
        y = None if keep_offset is None else max(0, row - keep_offset)
        self.call_after_refresh(self._settle, y)

    def _settle(self, y: int | None) -> None:
        if y is not None:
            self.scroll_to(y=y, animate=False, immediate=True)
        self._settling = False
        self._check_edges()

    def append(self, events: tuple[AuditEvent, ...], erased: frozenset[str]) -> None:
        self._add(events, erased)

    def _add(self, events: Iterable[AuditEvent], erased: frozenset[str]) -> None:
        self._filling = True
        try:
            for audit_event in events:
                marked = audit_event.performer.mail.casefold() in erased
                self.add_row(*row_cells(audit_event, self.zone, marked), key=audit_event.id)
        finally:
            self._filling = False
        self.call_after_refresh(self._check_edges)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter ("Details") leaves the footer while the details follow the cursor anyway."""
        if action == "select_cursor":
            return not self.details_shown
        return super().check_action(action, parameters)

    @property
    def selected_id(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    @property
    def cursor_offset(self) -> int:
        """Lines between the top of the viewport and the cursor."""
        return self.cursor_row - round(self.scroll_y)

    def watch_cursor_coordinate(self, old, new) -> None:  # type: ignore[no-untyped-def]
        super().watch_cursor_coordinate(old, new)
        self._check_edges()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._check_edges()

    def _check_edges(self) -> None:
        height = self.scrollable_content_region.height
        if self._filling or self._settling or not self.row_count or not height:
            return
        top = min(self.cursor_row, round(self.scroll_y))
        bottom = max(self.cursor_row, round(self.scroll_y) + height)
        if bottom >= self.row_count - EDGE_ROWS:
            self.post_message(self.NearEdge(self, downwards=True))
        if top <= EDGE_ROWS:
            self.post_message(self.NearEdge(self, downwards=False))
