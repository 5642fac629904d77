"""The events table: a DataTable that shows one ``PageWindow`` at a time.

It holds only the window's rows (see ``tui.app.paging``); the screen decides when to fetch
pages and hands the table whole windows or single pages. It announces when its cursor or
viewport nears an edge, so the screen can fetch the next or previous page.

Its columns follow its own width (``tui.app.column_layout``): on a resize the widths are
set again, and when the set of columns changes (Target and Area come and go) the rows of
the window are rebuilt, which costs little for at most ``WINDOW_PAGES * PAGE_SIZE`` rows.

Speed (issue 5: a change must be on screen within 50 ms, a page within 30 ms). DataTable is
general: it measures every cell of every new row (for columns that fit their content) and
adds rows one reactive update at a time. Every row here is one line and every column has a
set width, so ``_update_dimensions`` (no measuring), ``_add`` (the window's rows in one
update, their cells made only when drawn or read: ``RowCells``) and ``_drop_rows``
(``clear`` without moving the cursor and scroll to the top) replace DataTable's (Textual
8.2.x); how the lines are drawn is ``LineDrawing``'s (``table_drawing``). Cells are built
once per event while the event stays in the window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo
from typing import ClassVar

from textual._two_way_dict import TwoWayDict
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.widgets._data_table import Row
from textual.widgets.data_table import RowKey

from tui.app.column_layout import COLUMNS, fit_columns
from tui.app.event_text import RowCells, column_label
from tui.app.paging import PageWindow
from tui.app.widgets.table_drawing import LineDrawing
from tui.domain.event import AuditEvent

#: Columns before the first resize tells the real width: an 80-column terminal's.
START_WIDTH = 79
#: The blank cell each column leaves after its text (``ColumnText``); no cell padding.
COLUMN_GAP = 1
#: Fetch the next page when the cursor or viewport is this close to an edge.
EDGE_ROWS = 25


class EventTable(LineDrawing):
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
        #: Cells by event id for the events shown, with their erased mark (for reuse).
        self._cells: dict[str, tuple[bool, RowCells]] = {}
        #: Down was pressed on the last row held while the page below it was on its way.
        self._down_waiting = False

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

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Every row is one line and every column has a set width: nothing to measure."""
        self._new_rows.clear()
        width = sum(column.get_render_width(self) for column in self.columns.values())
        self.virtual_size = Size(width, self.row_count + (self.header_height * self.show_header))

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
        the rows do not jump when a page is dropped or added above them. The new rows are
        scrolled to at once (the first paint shows them where they belong); edge checks
        wait until they are laid out, or the stale scroll position of the moment would ask
        for the wrong page.
        """
        self._settling = True
        # The same window moved by a page: the rows it keeps keep their drawn lines.
        moved = window is self._window
        down, self._down_waiting = self._down_waiting and moved, False
        self._window = window
        built, self._cells = self._cells, {}
        self._drop_rows(keep_lines=moved)
        self._add(window.events(), window.erased_performers(), built)
        if moved:
            # A row fetched again gets new cells: lines of the rows dropped would never be
            # drawn from again, and kept they would fill the line cache as the window moves.
            self._keep_lines_of(cells for _, cells in self._cells.values())
        row = max(0, min(row + int(down), self.row_count - 1))
        if keep_offset is None:
            self.scroll_to(y=0, animate=False, immediate=True)
            self.move_cursor(row=row, animate=False, scroll=True)
        else:
            self.move_cursor(row=row, animate=False, scroll=False)
            self.scroll_to(y=max(0, row - keep_offset), animate=False, immediate=True)
        self.call_after_refresh(self._settle)

    def _drop_rows(self, keep_lines: bool = False) -> None:
        """No rows, but the cursor and scroll position stay until the new rows set them.

        DataTable's ``clear`` also moves the cursor and the scroll to the top: a window
        moved by a page would be drawn once there, then once where it belongs. With
        ``keep_lines`` the drawn lines stay: they are kept by the cells they show, which a
        window moved by a page hands on to the rows it keeps (``_render_line``).
        """
        if keep_lines:
            self._clear_caches_but_lines()
        else:
            self._clear_caches()
        self._data.clear()
        self.rows.clear()
        self._row_locations = TwoWayDict({})
        self._require_update_dimensions = True

    def _settle(self) -> None:
        self._settling = False
        self._check_edges()

    def append(self, events: tuple[AuditEvent, ...], erased: frozenset[str]) -> None:
        self._add(events, erased)
        if self._down_waiting:
            self._down_waiting = False
            self.action_cursor_down()

    def forget(self) -> None:
        """No rows: the result is empty or cannot be shown."""
        self._window = None
        self._down_waiting = False
        self._cells.clear()
        self.clear()

    def _add(
        self,
        events: Iterable[AuditEvent],
        erased: frozenset[str],
        built: dict[str, tuple[bool, RowCells]] | None = None,
    ) -> None:
        """Add rows at the bottom, as ``add_row`` would, in one update instead of one each.

        A row's cells are made when it is first drawn or read (``RowCells``), not here: a
        page adds a hundred rows of which a screen shows twenty. ``built`` holds rows made
        before (by event id, with the erased mark they show): a window that moves by a page
        reuses those of the events it keeps, with whatever cells they have made.
        """
        keys = tuple(str(key.value) for key in self.columns)
        cache = self._cells
        known = built or {}
        zone = self.zone
        locations = self._row_locations
        data = self._data
        rows = self.rows
        index = self.row_count
        first = index == 0
        for audit_event in events:
            event_id = audit_event.id
            row_key = RowKey(event_id)
            if row_key in locations:
                raise ValueError(f"event {event_id!r} is already in the table")
            marked = audit_event.performer.mail.casefold() in erased
            mark, cells = known.get(event_id, (marked, None))
            if cells is None or mark != marked or cells.keys_wanted != keys:
                cells = RowCells(audit_event, zone, marked, keys)
            cache[event_id] = (marked, cells)
            locations[row_key] = index
            data[row_key] = cells  # type: ignore[assignment]
            rows[row_key] = Row(row_key, 1)
            index += 1
        # The size now, not when idle: the scroll ``show_window`` makes right after must not be
        # clamped to the size of the rows before.
        self._update_dimensions(())
        self._require_update_dimensions = False
        self._update_count += 1
        # DataTable's render caches are keyed by the update count: what they hold can never
        # be used again, so let it go now rather than when thousands of newer entries push
        # it out. The lines drawn (``_render_line``) stay: the rows above did not change.
        self._clear_caches_but_lines()
        self._filling = True
        try:
            self.cursor_coordinate = self.cursor_coordinate  # clamp and highlight, once
        finally:
            self._filling = False
        if first and self.row_count and self.columns:
            self._highlight_cursor()
        self.refresh()
        self.check_idle()
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

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._check_edges()

    def _check_edges(self) -> None:
        """Ask for the next (previous) page when the view nears the window's bottom (top),
        or as soon as the cursor enters the last (first) of two or more pages held: the
        page beyond is then fetched before the cursor gets there, so End, PgDn or Down at
        the last row held move on without waiting for the database."""
        height = self.scrollable_content_region.height
        if self._filling or self._settling or not self.row_count or not height:
            return
        cursor = self.cursor_row
        top = min(cursor, round(self.scroll_y))
        bottom = max(cursor, round(self.scroll_y) + height)
        window = self._window
        ahead = behind = False
        if window is not None and window.pages_held > 1:
            ahead = cursor >= self.row_count - window.last_page_rows
            behind = window.first > 0 and cursor < window.first_page_rows
        if ahead or bottom >= self.row_count - EDGE_ROWS:
            self.post_message(self.NearEdge(self, downwards=True))
        if behind or top <= EDGE_ROWS:
            self.post_message(self.NearEdge(self, downwards=False))

    # A key that cannot move the cursor (Down or End on the last row held while its next
    # page is loading) does not change it, so no watcher would look at the edges again.

    def action_cursor_down(self) -> None:
        """Down; on the last row held, with more below, once the next page is in.

        The page below is usually fetched before the cursor gets there; when it is still on
        its way, the key is kept rather than lost, and the cursor steps onto the page's first
        row when it arrives (``append``, ``show_window``). Any other move forgets it.
        """
        window = self._window
        self._down_waiting = (
            window is not None
            and not window.at_end
            and self.row_count > 0
            and self.cursor_row == self.row_count - 1
        )
        super().action_cursor_down()
        self._check_edges()

    def watch_cursor_coordinate(self, old, new) -> None:  # type: ignore[no-untyped-def]
        super().watch_cursor_coordinate(old, new)
        if old != new and not (self._filling or self._settling):
            self._down_waiting = False  # the cursor moved some other way
        self._check_edges()

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._check_edges()

    def action_page_down(self) -> None:
        super().action_page_down()
        self._check_edges()

    def action_page_up(self) -> None:
        super().action_page_up()
        self._check_edges()

    def action_scroll_bottom(self) -> None:
        super().action_scroll_bottom()
        self._check_edges()

    def action_scroll_top(self) -> None:
        super().action_scroll_top()
        self._check_edges()
