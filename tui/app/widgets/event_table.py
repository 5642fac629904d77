"""The events table: a DataTable that shows one ``PageWindow`` at a time.

It holds only the window's rows (see ``tui.app.paging``); the screen decides when to fetch
pages and hands the table whole windows or single pages. It announces when its cursor or
viewport nears an edge, so the screen can fetch the next or previous page.

Its columns follow its own width (``tui.app.column_layout``): on a resize the widths are
set again, and when the set of columns changes (Target and Area come and go) the rows of
the window are rebuilt, which costs little for at most ``WINDOW_PAGES * PAGE_SIZE`` rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable

from tui.app.column_layout import COLUMNS, fit_columns
from tui.app.event_text import column_label, row_cells
from tui.app.paging import PageWindow
from tui.domain.event import AuditEvent

#: Columns before the first resize tells the real width: an 80-column terminal's.
START_WIDTH = 79
#: The blank cell each column leaves after its text (``ColumnText``); no cell padding.
COLUMN_GAP = 1
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

    DEFAULT_CSS = """
    EventTable {
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, zone: tzinfo, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, cell_padding=0, id=id)
        self.zone = zone
        self._filling = False
        self._settling = False
        #: The window whose rows are shown (to rebuild them when the columns change).
        self._window: PageWindow | None = None
        #: Set by the screen while the JSON pane is open.
        self.details_shown = False

    def on_mount(self) -> None:
        self._set_columns(fit_columns(START_WIDTH, COLUMN_GAP))

    # -- columns ------------------------------------------------------------------------

    @property
    def column_widths(self) -> dict[str, int]:
        """Column key → width of its text (without the gap after it), as shown."""
        return {str(key.value): column.width - COLUMN_GAP for key, column in self.columns.items()}

    def on_resize(self, event: Resize) -> None:
        self.fit_columns()

    def fit_columns(self) -> None:
        """Lay the columns out for the table's width (cheap when nothing changes)."""
        width = self.scrollable_content_region.width
        if not width:
            return  # hidden: fitted again when shown
        wanted = fit_columns(width, COLUMN_GAP)
        shown = self.column_widths
        if wanted == shown:
            return
        if list(wanted) != list(shown):
            self._rebuild(wanted)
            return
        for key, column in self.columns.items():
            column.width = wanted[str(key.value)] + COLUMN_GAP
        # DataTable has no public call to re-lay out existing columns (Textual 8.2.8):
        # drop its render caches and let it recompute the virtual size when idle.
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh()

    def _set_columns(self, widths: dict[str, int]) -> None:
        for key, width in widths.items():
            self.add_column(column_label(COLUMNS[key].label), width=width + COLUMN_GAP, key=key)

    def _rebuild(self, widths: dict[str, int]) -> None:
        """New columns, same rows, same cursor and scroll position."""
        row, offset = self.cursor_row, self.cursor_offset
        self.clear(columns=True)
        self._set_columns(widths)
        if self._window is not None and not self._window.is_empty:
            self.show_window(self._window, row, keep_offset=offset)

    # -- rows ---------------------------------------------------------------------------

    def show_window(self, window: PageWindow, row: int = 0, keep_offset: int | None = None) -> None:
        """Replace the rows with ``window``'s and put the cursor on ``row``.

        ``keep_offset`` keeps the cursor that many lines below the top of the viewport, so
        the rows do not jump when a page is dropped or added above them. Edge checks wait
        until the new rows are laid out and scrolled, or the stale scroll position of the
        moment would ask for the wrong page.
        """
        self._settling = True
        self._window = window
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

    def forget(self) -> None:
        """No rows: the result is empty or cannot be shown."""
        self._window = None
        self.clear()

    def _add(self, events: Iterable[AuditEvent], erased: frozenset[str]) -> None:
        keys = [str(key.value) for key in self.columns]
        self._filling = True
        try:
            for audit_event in events:
                marked = audit_event.performer.mail.casefold() in erased
                cells = row_cells(audit_event, self.zone, marked)
                self.add_row(*(cells[key] for key in keys), key=audit_event.id)
        finally:
            self._filling = False
        self.call_after_refresh(self._check_edges)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter ("Details") is offered only when there is a row to show and the details do
        not already follow the cursor."""
        if action == "select_cursor":
            return bool(self.row_count) and not self.details_shown
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
