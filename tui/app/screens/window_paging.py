"""Pages beside the window: fetched as the view nears either edge of the pages held, and
the page below read ahead of the cursor and kept aside (``PageWindow.keep_ahead``), so that
End, PgDn or Down held through the pages do not wait for the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.app.screens.screen_parts import ScreenParts

if TYPE_CHECKING:
    from tui.app.messages import PageLoaded
    from tui.app.widgets.event_table import EventTable
    from tui.domain.query import Page


class WindowPaging(ScreenParts):
    """Mixed into ``AuditLogScreen``: the table's ``NearEdge`` and the pages that answer it."""

    #: The page being read ahead below the window (asked for, not in yet), if any.
    _reading_ahead: int | None = None

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.generation != self.generation or self.window is None:
            return
        below = message.index > self.window.first
        if below and message.index == self._reading_ahead:
            self._reading_ahead = None
            if "below" not in self._pending:  # the cursor is not there yet: keep it aside
                self.window.keep_ahead(message.index, message.page)
                return
        self._pending.discard("below" if below else "above")
        self._place(message.index, message.page)

    def _place(self, index: int, page: Page) -> None:
        """Show page ``index`` beside the window's; after a page below, read the next ahead."""
        assert self.window is not None
        self.status.problem = ""
        downwards = index == self.window.last + 1
        row, offset = self.table.cursor_row, self.table.cursor_offset
        try:
            shift = self.window.place(index, page)
        except ValueError:
            return  # the window moved on meanwhile; the next edge event asks again
        if downwards and shift == 0:
            self.table.append(page.events, page.erased_performers)
        else:
            self.table.show_window(self.window, row + shift, keep_offset=offset)
        self._after_move()
        if downwards:
            self._read_ahead()

    def _read_ahead(self) -> None:
        """Ask for the page below the window before the cursor needs it (``keep_ahead``):
        End, PgDn or Down held through the pages then never wait for the database."""
        assert self.window is not None
        step = self.window.below()
        if step is None or self._reading_ahead is not None or self.window.holds_ahead:
            return
        self._reading_ahead = step[0]
        self._load_page(self.generation, self.query_now, *step)

    def on_event_table_near_edge(self, message: EventTable.NearEdge) -> None:
        """Ask for the page beyond the edge the view nears; below, show the one read ahead."""
        stale = self._shown_generation != self.generation  # a change is loading
        if self.window is None or self.reader is None or stale or self.table.loading:
            return
        side = "below" if message.downwards else "above"
        step = self.window.below() if message.downwards else self.window.above()
        if step is None or side in self._pending:
            return
        if message.downwards:
            ahead = self.window.take_ahead()
            if ahead is not None:
                self._place(*ahead)
                return
            if self._reading_ahead == step[0]:
                self._pending.add(side)  # on its way: shown as soon as it comes
                return
        self._pending.add(side)
        self._load_page(self.generation, self.query_now, *step)
