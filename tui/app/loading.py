"""What the viewer's workers do, as plain functions of a reader (no widgets, no Textual).

They run in thread workers; ``cancelled`` lets a superseded worker stop between queries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from tui.app.messages import WindowLoaded
from tui.app.paging import WINDOW_PAGES, PageWindow
from tui.domain.access import Scope
from tui.domain.event import to_epoch_ms
from tui.domain.query import PAGE_SIZE, Cursor, EventQuery
from tui.domain.timerange import RangePreset, TimeRange

if TYPE_CHECKING:
    from tui.store.repository import AuditReader


def load_window(
    reader: AuditReader,
    query: EventQuery,
    generation: int,
    now: datetime,
    *,
    select_id: str | None = None,
    near_page: int = 0,
    newest: Cursor | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> WindowLoaded | None:
    """Load the window from the top of the result; None if cancelled meanwhile.

    On refresh (``select_id`` given) it pages on until the selected event turns up — at most
    a page or two past where it was, allowing for the events that arrived meanwhile — so the
    selection survives while memory stays bounded; if it has gone, the top is shown.
    ``newest`` is the newest event seen before: the answer says how many are newer now.
    """
    new_events = reader.newer_count(query, newest) if newest is not None else None
    window = PageWindow(WINDOW_PAGES)
    first = reader.page(query)
    window.place(0, first)
    found = select_id is not None and window.row_of(select_id) is not None
    if select_id is not None and not found:
        last_page = near_page + (new_events or 0) // PAGE_SIZE + 1
        deep = PageWindow(WINDOW_PAGES)
        deep.place(0, first)
        while not found and (step := deep.below()) is not None and step[0] <= last_page:
            if cancelled():
                return None
            deep.place(step[0], reader.page(query, step[1]))
            found = deep.row_of(select_id) is not None
        if found:
            window = deep
    if cancelled():
        return None
    nothing_visible = window.is_empty and _nothing_visible(reader, now)
    top = first.events[0] if first.events else None
    return WindowLoaded(
        generation,
        window,
        newest=Cursor(to_epoch_ms(top.occurred_at), top.id) if top else None,
        select_id=select_id if found else None,
        new_events=new_events,
        nothing_visible=nothing_visible,
    )


def _nothing_visible(reader: AuditReader, now: datetime) -> bool:
    """True when the reader may see no event at all within retention (an empty log)."""
    broad = EventQuery(TimeRange.last(RangePreset.LAST_180D, now), Scope.all())
    return reader.count(broad, cap=1).value == 0
