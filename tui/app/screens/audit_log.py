"""The Audit Log screen: header, filters, the paged table with the selected event's gist
under it, the JSON pane and the status line.

The screen owns the ``EventQuery`` and every database call. Each call runs in a thread
worker (``@work(thread=True, exclusive=True)``) that only posts a message; each query gets a
new *generation* and results of an older one are dropped, so when requests overlap the
newest one wins. Only ``tui.domain.errors`` exceptions are caught: they become an on-screen
explanation, and refresh (r) tries again.

Keys:

| key | action |
| --- | --- |
| / | search |
| s | scope |
| d | date range |
| a, t, p | filter by area, event type, performer |
| b | only events by the selected event's performer |
| x | clear search and filters |
| enter | show the event as JSON (esc closes) |
| c | copy the event's JSON |
| r | refresh |
| w | download the whole result (while one runs: its progress; Esc there cancels it) |
| V | verify the log's hash chain (Admin; Esc cancels) |
| ? | all keys |
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input

from tui.app import explain
from tui.app.clipboard import copy_text
from tui.app.event_text import event_json
from tui.app.messages import (
    CountLoaded,
    LoadFailed,
    OpenFailed,
    ReaderOpened,
    WindowLoaded,
)
from tui.app.paging import PageWindow
from tui.app.screens.downloads import DownloadActions
from tui.app.screens.pickers import PickerActions
from tui.app.screens.query_workers import QueryWorkers
from tui.app.screens.verification import VerifyActions
from tui.app.screens.window_paging import WindowPaging
from tui.app.widgets.event_table import EventTable
from tui.app.widgets.filter_bar import FilterBar
from tui.app.widgets.gist_line import GistLine
from tui.app.widgets.header_line import HeaderLine
from tui.app.widgets.json_pane import JsonPane
from tui.app.widgets.key_footer import KeyFooter
from tui.app.widgets.notice import Notice
from tui.app.widgets.status_line import StatusLine
from tui.domain.display import inert
from tui.domain.errors import AccessDenied
from tui.domain.event import AuditEvent
from tui.domain.query import Cursor, EventQuery

#: How many pages a re-query may look through to keep the selected event selected.
SELECTION_SEARCH_PAGES = 20
#: A change keeps the old rows on screen until the new ones come (most take milliseconds);
#: only a query slower than this covers the table with the loading indicator.
LOADING_INDICATOR_DELAY = 0.25
#: A change holds the screen's painting until its rows come, at most this long: one paint
#: with the new rows, instead of one of the closed dialog and the old rows (a whole screen
#: at 80x24 costs ~10 ms) and another one frame later (Textual paints 60 times a second).
PAINT_HOLD = 0.1

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.timer import Timer

    from tui.app.app import AuditLogApp
    from tui.store.repository import AuditReader


class AuditLogScreen(
    QueryWorkers, WindowPaging, PickerActions, DownloadActions, VerifyActions, Screen[None]
):
    """The one main screen of the viewer."""

    CSS_PATH = "audit_log.tcss"
    AUTO_FOCUS = "#events"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (140, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "search",
            "Search",
            tooltip="Search summary, performer, target, tenant, IP",
            id="search",
        ),
        Binding(
            "s",
            "scope",
            "Scope",
            tooltip="Choose the scope: all, portal only or tenants",
            id="scope",
        ),
        Binding("d", "range", "Dates", tooltip="Choose the date range", id="range"),
        Binding("a", "filter('area')", "Area", tooltip="Filter by area", id="area"),
        Binding("t", "filter('type')", "Type", tooltip="Filter by event type", id="type"),
        Binding(
            "p",
            "filter('performer')",
            "Who",
            tooltip="Filter by performer (who acted)",
            id="performer",
        ),
        Binding(
            "b",
            "same_performer",
            "By them",
            tooltip="Show all the selected event's performer did",
            id="same_performer",
        ),
        Binding("x", "clear", "Clear", tooltip="Clear search and filters", id="clear"),
        Binding("r", "refresh", "Refresh", tooltip="Refresh, keeping the selection", id="refresh"),
        Binding("c", "copy", "Copy", tooltip="Copy the event's JSON", id="copy"),
        Binding(
            "w",
            "download",
            "Download",
            tooltip="Download the whole result to a file",
            id="download",
        ),
        Binding(
            "V",
            "verify",
            "Verify",
            tooltip="Verify the log's hash chain (Admin)",
            id="verify",
        ),
        Binding("escape", "close", "Close", tooltip="Close the JSON pane", id="close"),
        Binding("question_mark", "keys", "Keys", tooltip="Show every key", id="keys"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.reader: AuditReader | None = None
        self.query_state: EventQuery | None = None
        self.window: PageWindow | None = None
        self.generation = 0
        self._pending: set[str] = set()
        #: The generation whose rows the table shows (older while a change is loading).
        self._shown_generation = -1
        self._newest: Cursor | None = None
        self._failed = -1
        self._had_selection = False
        #: Tenant names by id, learnt from the scope picker's options (for the header).
        self.tenant_names: dict[str, str] = {}
        #: Held while deciding whether this viewer's opening is recorded (once, whichever
        #: opening worker gets the reader first).
        self._opening_lock = threading.Lock()
        self._opening_recorded = False
        #: Painting held until the rows of a change come (see ``PAINT_HOLD``).
        self._paint_hold: AbstractContextManager[None] | None = None
        self._paint_timer: Timer | None = None
        #: The generation whose count waits for its rows (counted after them, not beside).
        self._count_after = -1

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every message is literal and inert: it may quote event text, paths or errors."""
        super().notify(
            inert(message, 600),
            title=inert(title, 80),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    @property
    def viewer(self) -> AuditLogApp:
        return self.app  # type: ignore[return-value]

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        zone = self.viewer.zone
        # The query and the header before the first paint: it shows them, not a blank line.
        self.query_state = EventQuery.default(self.viewer.clock())
        header = HeaderLine(id="header")
        self._show_header(header)
        yield header
        yield FilterBar(id="filters")
        with Vertical(id="body"):
            with Vertical(id="results"):
                yield EventTable(zone, id="events")
                yield GistLine(id="gist")
                yield Notice(id="notice")
            yield JsonPane(zone, id="pane")
        yield StatusLine(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show_query()
        self.table.loading = True
        self.table.focus()
        if self.viewer.open_with is not None:
            # Opening the store would hold the first frame back: paint it, then connect.
            self.call_after_refresh(
                self._start, self.generation, self.query_state, self.viewer.reader_or_email
            )
        else:
            self._start(self.generation, self.query_state, self.viewer.reader_or_email)

    @property
    def table(self) -> EventTable:
        return self.query_one(EventTable)

    @property
    def pane(self) -> JsonPane:
        return self.query_one(JsonPane)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def notice(self) -> Notice:
        return self.query_one(Notice)

    @property
    def gist(self) -> GistLine:
        return self.query_one(GistLine)

    @property
    def selected_event(self) -> AuditEvent | None:
        """The event under the table's cursor (from the window: no database call)."""
        if self.window is None or not self.table.row_count:
            return None
        return self.window.event_at(self.table.cursor_row)

    def _show_rows(self, shown: bool) -> None:
        """The table and the line under it, or (``shown`` False) neither: the notice says why."""
        if not shown:
            self.table.forget()
            self.pane.close()
        self.table.display = shown
        self.gist.display = shown

    @property
    def query_now(self) -> EventQuery:
        assert self.query_state is not None
        return self.query_state

    def _show_query(self) -> None:
        self._show_header(self.query_one(HeaderLine))
        self.query_one(FilterBar).show(self.query_now)

    def _show_header(self, header: HeaderLine) -> None:
        principal = self.reader.principal if self.reader else None
        query = self.query_now
        header.show(
            principal,
            self.viewer.email,
            self.viewer.label,
            query.scope,
            query.time_range,
            self.tenant_names,
        )

    # -- running queries ----------------------------------------------------------------

    def run_query(
        self, query: EventQuery, *, refresh: bool = False, keep_selection: bool = False
    ) -> None:
        """Show ``query``'s result; on refresh keep the selected event and count the new.

        ``keep_selection`` keeps the selected event selected in the new result when it is
        there (looking through up to ``SELECTION_SEARCH_PAGES`` pages for it).
        """
        self.query_state = query
        self.generation += 1
        self._pending.clear()
        self._reading_ahead = None
        self._hold_paint()
        self._show_query()
        self.status.problem = ""
        self.status.activity = "Loading…"
        self.status.count = None
        if self.reader is None:
            self._start(self.generation, query, self.viewer.reader_or_email)
            return
        select_id = self.table.selected_id if refresh or keep_selection else None
        near_page = self.window.page_of_row(self.table.cursor_row) if self.window else 0
        if keep_selection:
            near_page = SELECTION_SEARCH_PAGES
        newest = self._newest if refresh else None
        if not refresh or self.window is None or self.window.is_empty:
            self.set_timer(LOADING_INDICATOR_DELAY, partial(self._slow, self.generation))
        self._load_window(self.generation, query, select_id, near_page, newest)
        # Counting can take longer than the rows: it starts once they are in and drawn, so
        # that the two queries do not share the cores while the rows are awaited, nor the
        # count's Python this thread while they are drawn.
        self._count_after = self.generation

    def _hold_paint(self) -> None:
        """Paint nothing until the current query's rows (or failure) are in, or ``PAINT_HOLD``."""
        if self._paint_timer is not None:
            self._paint_timer.stop()
        if self._paint_hold is None:
            self._paint_hold = self.app.batch_update()
            self._paint_hold.__enter__()
        self._paint_timer = self.set_timer(PAINT_HOLD, self._release_paint, name="paint-hold")

    def _release_paint(self) -> None:
        if self._paint_timer is not None:
            self._paint_timer.stop()
            self._paint_timer = None
        hold, self._paint_hold = self._paint_hold, None
        if hold is not None:
            hold.__exit__(None, None, None)
            self._paint_now()

    def _paint_now(self) -> None:
        """Paint what changed while painting was held, in one update, now.

        Textual paints on a frame timer (60 a second) that Idle starts. When a dialog
        closes, its request to repaint this screen spends a tick while painting is held,
        and the rows would then wait for the next one: 14 ms of a scope change's 22, timed
        in-process. So the update the timer would run is run here (Textual 8.2's
        ``Screen._on_timer_update``, pinned in pyproject.toml); a later tick finds nothing
        left to do.
        """
        update = getattr(self, "_on_timer_update", None)
        if update is not None and self.is_current:
            update()
        else:
            self.check_idle()

    def _slow(self, generation: int) -> None:
        if generation == self.generation and self._shown_generation != generation:
            self.table.loading = True

    def _loaded(self) -> None:
        """The rows (or the reason there are none) of the current query are in."""
        self._shown_generation = self.generation
        if self.table.loading:
            self.table.loading = False
            self.refresh_bindings()  # the footer forgets the table's keys while it loads
        self.status.activity = ""

    # -- results arriving ---------------------------------------------------------------

    def on_reader_opened(self, message: ReaderOpened) -> None:
        self.reader = message.reader
        self.viewer.email = message.reader.email
        self._show_query()

    def on_open_failed(self, message: OpenFailed) -> None:
        self.viewer.give_up(message.error)

    def on_window_loaded(self, message: WindowLoaded) -> None:
        if message.generation != self.generation:
            return
        if self._count_after == message.generation:
            self._count_after = -1
            # Once the rows are drawn: the count's own Python would otherwise take turns with
            # drawing them on this thread's interpreter, and its query the second core.
            self.call_after_refresh(self._count_shown, message.generation)
        self._loaded()
        self.window = message.window
        self._newest = message.newest
        if message.window.is_empty:
            self._show_rows(False)
            self.notice.show(
                *explain.no_events(self.query_now, self.viewer.email, message.nothing_visible)
            )
            self._after_move()
        else:
            self.notice.hide()
            self._show_rows(True)
            row = message.window.row_of(message.select_id) if message.select_id else None
            offset = self.table.cursor_offset if row is not None else None
            self.table.show_window(message.window, row or 0, keep_offset=offset)
            self._after_move()
        if message.new_events is not None:
            count = message.new_events
            news = "No new events" if count == 0 else f"{count:,} new event{'s' * (count != 1)}"
            kept = " · selection kept" if message.select_id else ""
            self.notify(news + kept, title="Refreshed", markup=False)
        self._release_paint()

    def _count_shown(self, generation: int) -> None:
        """Count the query whose rows were just drawn (unless a newer one came since)."""
        if generation == self.generation:
            self._count(generation, self.query_now)

    def on_count_loaded(self, message: CountLoaded) -> None:
        if message.generation == self.generation:
            self.status.count = message.count

    def on_load_failed(self, message: LoadFailed) -> None:
        if message.generation != self.generation or message.generation == self._failed:
            return  # stale, or this query's failure was reported already (rows and count)
        self._failed = message.generation
        self._pending.clear()
        self._reading_ahead = None
        self._release_paint()
        self._loaded()
        error = message.error
        explanation = explain.failure(error)
        self.status.problem = f"{explanation[1]} — r to retry"
        if isinstance(error, AccessDenied) or self.window is None or self.window.is_empty:
            # Nothing (or nothing that may still be shown) to look at: say it in place.
            self.window = None
            self._show_rows(False)
            self.notice.show(*explanation)
            self._after_move()
        else:
            # The rows already shown stay; the failure is a notification and a status.
            self.notify(str(error), title=explanation[1], severity="error", markup=False)

    # -- moving in the table ------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#events")
    def _highlighted(self) -> None:
        self._after_move()
        if self.pane.is_open:
            self._open_selected()

    @on(DataTable.RowSelected, "#events")
    def _selected(self) -> None:
        self._open_selected()

    def _after_move(self) -> None:
        selected = self.selected_event
        self.gist.show(selected)
        if (selected is not None) != self._had_selection:
            self._had_selection = selected is not None
            self.refresh_bindings()  # Enter ("Details") comes and goes with a selection
        if self.window is None or selected is None:
            self.status.page = None
            self.status.erased_shown = False
            return
        self.status.page = self.window.page_of_row(self.table.cursor_row)
        self.status.erased_shown = bool(self.window.erased_performers())

    def _open_selected(self) -> None:
        audit_event = self.selected_event
        if audit_event is None or self.window is None:
            return
        shown = self.pane.event if self.pane.is_open else None
        if shown is not None and shown.id == audit_event.id:
            return  # already shown (the table re-laid its columns): keep the pane's scroll
        erased = audit_event.performer.mail.casefold() in self.window.erased_performers()
        self.pane.show(audit_event, erased)

    # -- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc is offered (and shown) only when there is something to close."""
        if action == "close":
            return self.pane.is_open or isinstance(self.focused, Input)
        return True

    def action_search(self) -> None:
        self.query_one(FilterBar).focus_search()

    def action_close(self) -> None:
        if self.pane.is_open:
            self.pane.close()
            self.table.focus()
        elif isinstance(self.focused, Input):
            self.table.focus()

    @on(JsonPane.Toggled)
    def _pane_toggled(self, message: JsonPane.Toggled) -> None:
        self.table.details_shown = message.open
        self.refresh_bindings()

    @on(JsonPane.CloseRequested)
    def _pane_close(self) -> None:
        self.action_close()

    def action_refresh(self) -> None:
        query = self.query_now
        self.run_query(
            query.with_changes(time_range=query.time_range.re_anchored(self.viewer.clock())),
            refresh=True,
        )

    @on(FilterBar.SearchChanged)
    def _search(self, message: FilterBar.SearchChanged) -> None:
        if message.text != self.query_now.text:
            self.run_query(self.query_now.with_changes(text=message.text))

    @on(FilterBar.PickerRequested)
    def _picker(self, message: FilterBar.PickerRequested) -> None:
        if message.kind == "clear":
            self.action_clear()
        else:
            self.action_filter(message.kind)

    def action_same_performer(self) -> None:
        """Everything the selected event's performer did in this scope and range.

        The type, area and text filters go (the question is "what else did they do?");
        the selected event stays selected, so what came just before it is right below.
        """
        chosen = self.selected_event
        if chosen is None:
            self.notify("No event selected.", severity="warning", markup=False)
            return
        narrowed = self.query_now.with_changes(
            performer=chosen.performer.mail, types=frozenset(), areas=frozenset(), text=""
        )
        self.run_query(narrowed, keep_selection=True)

    def action_clear(self) -> None:
        self.run_query(
            self.query_now.with_changes(
                types=frozenset(), areas=frozenset(), performer=None, text=""
            )
        )
        self.table.focus()

    def _needs_reader(self) -> bool:
        if self.reader is None:
            self.notify("Not connected yet; r tries again.", severity="warning", markup=False)
            return False
        return True

    def action_copy(self) -> None:
        self._copy()

    @on(JsonPane.CopyRequested)
    def _copy(self) -> None:
        if self.pane.is_open and self.pane.event is not None:
            text = self.pane.json_text
        elif (chosen := self.selected_event) is not None:
            text = event_json(chosen)
        else:
            self.notify("No event to copy.", severity="warning", markup=False)
            return
        worked, message = copy_text(text, self.app)
        self.notify(message, severity="information" if worked else "warning", markup=False)

    def action_keys(self) -> None:
        from tui.app.widgets.keys_help import KeysHelp

        rows = []
        for binding in [*EventTable.BINDINGS, *self.BINDINGS, *self.app.BINDINGS]:
            assert isinstance(binding, Binding)
            rows.append((self.app.get_key_display(binding), binding.description, binding.tooltip))
        rows.append(("↑ ↓ PgUp PgDn", "Move", "Rows load page by page as you scroll"))
        rows.append(
            ("esc", "Cancel download", "In the download's dialog (w): stop, delete the partial")
        )
        rows.append(("esc", "Cancel verify", "In the verification's dialog (V): stop it"))
        rows.append(("ctrl+p", "Palette", "Search every command by name"))
        self.app.push_screen(KeysHelp(rows))
