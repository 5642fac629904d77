"""The bounded window: pages load as the cursor nears the bottom, old ones are dropped and
re-fetched when scrolling back up, and the status line names the page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.app.conftest import SEEDED, drive, make_app, seeded_events, settle
from tests.conftest import make_event
from tui.app.paging import PageWindow
from tui.domain.event import to_epoch_ms
from tui.domain.query import Cursor, Page


def _page(start: int, size: int, last: bool = False) -> Page:
    events = tuple(make_event(n, age=timedelta(minutes=n + 1)) for n in range(start, start + size))
    tail = events[-1]
    cursor = None if last else Cursor(to_epoch_ms(tail.occurred_at), tail.id)
    return Page(events, cursor)


def test_window_drops_the_top_page_when_full_and_remembers_its_cursor() -> None:
    window = PageWindow(capacity=2)
    assert window.below() == (0, None)
    assert window.place(0, _page(0, 3)) == 0
    index, after = window.below()
    assert index == 1 and after is not None
    assert window.place(1, _page(3, 3)) == 0
    assert window.place(2, _page(6, 3)) == -3  # page 0 dropped: rows moved up by 3
    assert (window.first, window.last, len(window)) == (1, 2, 6)
    assert window.above() == (0, None)
    assert window.page_of_row(4) == 2
    assert window.place(0, _page(0, 3)) == 3  # back at the top: page 2 dropped
    assert (window.first, window.last) == (0, 1)
    assert window.row_of("evt_000004") == 4


def test_window_knows_the_end_and_refuses_a_gap() -> None:
    window = PageWindow(capacity=2)
    window.place(0, _page(0, 2, last=True))
    assert window.at_end and window.below() is None
    with pytest.raises(ValueError):
        window.place(5, _page(10, 2))


def test_window_holds_at_most_capacity_pages() -> None:
    window = PageWindow(capacity=3)
    for index in range(40):
        window.place(index, _page(index * 10, 10))
        assert len(window) <= 30
    assert window.first == 37
    assert window.starts_known() == 41  # one small cursor per page visited


def test_a_page_read_ahead_waits_aside_only_while_it_is_the_next_below() -> None:
    window = PageWindow(capacity=2)
    window.keep_ahead(0, _page(0, 3))  # nothing held yet: nothing to be next to
    assert not window.holds_ahead
    window.place(0, _page(0, 3))
    window.keep_ahead(2, _page(6, 3))  # not the next page below: not kept
    assert not window.holds_ahead
    window.keep_ahead(1, _page(3, 3))
    assert window.holds_ahead and len(window) == 3  # aside: not among the rows shown
    ahead = window.take_ahead()
    assert ahead is not None and ahead[0] == 1 and not window.holds_ahead
    window.place(*ahead)
    window.keep_ahead(2, _page(6, 3))
    window.place(2, _page(6, 3))  # the same page came another way: the copy aside goes
    assert not window.holds_ahead and window.take_ahead() is None
    window.keep_ahead(3, _page(9, 3))
    window.place(0, _page(0, 3))  # back up: page 2 dropped, page 3 no longer next below
    assert (window.first, window.last) == (0, 1)
    assert not window.holds_ahead and window.take_ahead() is None


def test_scrolling_down_loads_pages_and_drops_old_rows(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        assert screen.table.row_count == 100
        assert "page 1 of 3" in str(screen.status.render())
        for _ in range(4):
            await pilot.press("end")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        table = screen.table
        assert table.row_count == SEEDED + 1  # all three pages (251 rows), none twice
        assert table.cursor_row == table.row_count - 1
        assert "page 3 of 3" in str(screen.status.render())
        ids = [str(key.value) for key in table.rows]
        assert len(set(ids)) == len(ids)

    drive(app, scenario)


def _many_pages(db_path, clock):  # type: ignore[no-untyped-def]
    """The viewer on the seeded events plus 400 more a day old (several pages to scroll):
    the app, its store (to close) and the events."""
    from tests.app.conftest import open_store

    many = seeded_events(SEEDED) + [
        make_event(10_000 + n, age=timedelta(days=1, minutes=n)) for n in range(400)
    ]
    store = open_store(db_path, clock, many)
    return make_app(store), store, many


def test_scrolling_back_up_refetches_dropped_pages(db_path, clock) -> None:
    app, store, many = _many_pages(db_path, clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        for _ in range(8):
            await pilot.press("end")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        window = screen.window
        assert window.first > 0, "the first pages were dropped"
        assert screen.table.row_count <= window.capacity * 100
        deepest = screen.window.page_of_row(screen.table.cursor_row)
        assert f"page {deepest + 1}" in str(screen.status.render())
        for _ in range(8):
            await pilot.press("home")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        assert screen.window.first == 0
        assert screen.table.cursor_row == 0
        newest = max(many, key=lambda e: (e.occurred_at, e.id))
        assert screen.table.selected_id == newest.id
        assert "page 1 of" in str(screen.status.render())

    try:
        drive(app, scenario)
    finally:
        store.close()


def test_the_page_beyond_the_cursor_is_fetched_before_the_cursor_gets_there(db_path, clock) -> None:
    """Once the cursor enters the last page held, the next one loads: End then lands on a
    page that is already there, and the status names it without waiting."""
    app, store, _ = _many_pages(db_path, clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        table = screen.table
        assert table.row_count == 100  # one page at start: nothing fetched ahead
        await pilot.press("end")  # the last row held: the next page loads
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == 200 and table.cursor_row == 99
        table.move_cursor(row=100)  # into the last page held, far from its end
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == 300, "the third page was fetched ahead of the cursor"
        assert "page 2 of" in str(screen.status.render())
        await pilot.press("end")
        await pilot.pause()
        assert "page 3 of" in str(screen.status.render())

    try:
        drive(app, scenario)
    finally:
        store.close()


def test_the_page_below_the_window_is_read_ahead_so_moving_on_never_waits(
    db_path, clock, monkeypatch
) -> None:
    """Once a page has come below, the next is read ahead and kept aside (the table's rows
    stay bounded): End on the last row held then shows it at once, without asking the
    database for it, and reads the one after ahead."""
    app, store, _ = _many_pages(db_path, clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        table = screen.table
        await pilot.press("end")  # the first page boundary: that page has to be waited for
        await settle(pilot)
        assert table.row_count == 200 and screen.window.holds_ahead
        asked: list[str] = []
        page = screen.reader.page

        def spied(query, after=None, *args, **kwargs):  # type: ignore[no-untyped-def]
            asked.append(after.event_id)
            return page(query, after, *args, **kwargs)

        monkeypatch.setattr(screen.reader, "page", spied)
        await pilot.press("end")
        await pilot.pause()
        assert table.row_count == 300 and table.cursor_row == 199  # shown, not asked for
        await settle(pilot)
        assert asked == [screen.window.event_at(299).id]  # only the page after it, ahead
        assert screen.window.holds_ahead and table.row_count == 300

    try:
        drive(app, scenario)
    finally:
        store.close()


def test_pages_asked_for_back_to_back_all_arrive(db_path, clock, monkeypatch) -> None:
    """The page below, the one above and the one read ahead may be asked for within one
    turn of the event loop (a flood of keys): none may cancel another before it has run,
    or its side would wait for it for ever (seen as paging stuck on one page)."""
    app, store, _ = _many_pages(db_path, clock)
    read: list[int] = []

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        page = screen.reader.page

        def counted(query, after=None, *args, **kwargs):  # type: ignore[no-untyped-def]
            read.append(1)
            return page(query, after, *args, **kwargs)

        monkeypatch.setattr(screen.reader, "page", counted)
        below = screen.window.below()
        for _ in range(3):  # of an older generation: read, then dropped (nothing follows)
            screen._load_page(screen.generation - 1, screen.query_now, *below)
        await settle(pilot)
        assert len(read) == 3

    try:
        drive(app, scenario)
    finally:
        store.close()


def test_a_page_dropped_above_moves_the_drawn_lines_without_drawing_them_again(
    db_path, clock, monkeypatch
) -> None:
    """Moving on past the last page held drops the first: every row's number changes by a
    page. The lines on screen are kept and take their new row numbers (which the mouse
    reads) instead of being drawn again, and they are exactly what DataTable would draw."""
    import threading

    from rich.segment import Segment
    from textual.cache import LRUCache
    from textual.widgets import DataTable

    from tui.app.widgets.event_table import EventTable

    app, store, _ = _many_pages(db_path, clock)
    drawn: list[int] = []
    draw = EventTable._render_line_in_row

    def drawing(self, row_key, *args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append(self._row_locations.get(row_key))
        return draw(self, row_key, *args, **kwargs)

    def line(strip) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
        return [(text, style) for text, style, _ in Segment.simplify(list(strip)) if text]

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        table = screen.table
        while table.row_count < 300:  # End until three pages are held
            await pilot.press("end")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        assert screen.window.take_ahead() is not None  # forget the page read ahead
        gate = threading.Event()  # the next page waits until End's rows are drawn
        page = screen.reader.page

        def gated(*args, **kwargs):  # type: ignore[no-untyped-def]
            gate.wait(10)
            return page(*args, **kwargs)

        monkeypatch.setattr(screen.reader, "page", gated)
        await pilot.press("end")  # the last row held: the next page is asked for
        await pilot.pause()
        await pilot.pause()
        assert screen.window.first == 0 and table.cursor_row == 299
        monkeypatch.setattr(EventTable, "_render_line_in_row", drawing)
        gate.set()  # the page comes, the first one is dropped
        await settle(pilot)  # (and the page after it is read ahead)
        await pilot.pause()
        await pilot.pause()
        assert screen.window.first == 1 and table.cursor_row == 199
        assert len(drawn) <= 1, drawn  # at most the line beneath, not the screen again
        visible = table.size.height - table.header_height
        base = table.rich_style
        width = table.size.width
        top = round(table.scroll_y)
        for y in range(table.header_height, table.header_height + visible):
            ours = table._render_line(y + top, 0, width, base)
            kept, table._line_cache = table._line_cache, LRUCache(10)
            table._row_render_cache.clear()
            theirs = DataTable._render_line(table, y + top, 0, width, base)
            table._line_cache = kept
            assert line(ours) == line(theirs), y + top

    try:
        drive(app, scenario)
    finally:
        store.close()


def test_lines_of_dropped_rows_are_not_kept(db_path, clock) -> None:
    """Memory stays bounded however deep the paging goes: the lines kept are those of rows
    the window holds (a dropped row fetched again is drawn from new cells)."""
    app, store, _ = _many_pages(db_path, clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        table = screen.table
        for _ in range(8):
            await pilot.press("end")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        assert screen.window.first >= 2, "pages were dropped"
        held = {id(table._data[key]) for key in table.rows}
        kept = [table._line_cache.get(key) for key in list(table._line_cache.keys())]
        body = [line for line in kept if isinstance(line, tuple)]
        assert body, "lines are kept"
        assert all(id(line[0]) in held for line in body)

    try:
        drive(app, scenario)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("keys", "moved"),
    [(("down",), 1), (("down", "up"), -1)],
    ids=["down-is-kept", "another-move-forgets-it"],
)
def test_down_on_the_last_row_while_the_next_page_loads_lands_on_it(
    db_path, clock, monkeypatch, keys, moved
) -> None:
    """Holding Down through the end of what is held does not lose a key: pressed on the last
    row while the page below is on its way, the cursor steps onto that page's first row when
    it arrives, both when the window grows and when it drops a page above. A move the other
    way meanwhile cancels it."""
    import threading

    app, store, _ = _many_pages(db_path, clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        table = screen.table
        page = screen.reader.page
        for held in (100, 300):  # grows (1 -> 2 pages), then moves (3 pages, one dropped)
            while table.row_count < held:
                await pilot.press("end")
                await pilot.app.workers.wait_for_complete()
                await pilot.pause()
            screen.window.take_ahead()  # forget the page read ahead: it is on its way
            gate = threading.Event()

            def gated(*args, gate=gate, **kwargs):  # type: ignore[no-untyped-def]
                gate.wait(10)
                return page(*args, **kwargs)

            monkeypatch.setattr(screen.reader, "page", gated)
            await pilot.press("end")  # the last row held: the page below is asked for
            await pilot.pause()
            last = table.row_count - 1
            assert table.cursor_row == last
            last_id = table.selected_id
            await pilot.press(*keys)
            expected = last if moved > 0 else last - 1
            assert table.cursor_row == expected  # nothing to step onto yet
            gate.set()
            # Not workers.wait_for_complete: the page's arrival asks for the next one at
            # once, whose exclusive worker may cancel the finished one before it is marked
            # done. Wait for what the user sees instead.
            for _ in range(200):
                await pilot.pause(0.05)
                arrived = table.row_count > last + 1 or screen.window.row_of(last_id) != last
                if arrived and not table._settling:
                    break
            await pilot.pause()
            monkeypatch.setattr(screen.reader, "page", page)
            row_of_last = screen.window.row_of(last_id)
            assert row_of_last is not None
            assert table.cursor_row == row_of_last + moved
            if moved > 0:
                page_now = screen.window.page_of_row(table.cursor_row)
                assert page_now == screen.window.page_of_row(row_of_last) + 1
                assert f"page {page_now + 1} of" in str(screen.status.render())

    try:
        drive(app, scenario)
    finally:
        store.close()
