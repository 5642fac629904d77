"""The events table draws its cells itself (speed); it must draw exactly what DataTable would.

``EventTable._render_cell`` builds a body cell's segments straight from its ``ColumnText``;
DataTable's own ``_render_cell`` renders the same cell through Rich's Padding and Styled.
Every cell of the seeded log — the hostile summary, the erased performer's italic, the
cursor row with and without focus, zebra stripes, narrow and wide tables — must come out
as the same characters in the same styles.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tests.app.conftest import HOSTILE_ID, drive, make_app, settle


def _drawn(lines: list[list[Segment]]) -> list[tuple[str, object]]:
    return [(text, style) for text, style, _ in Segment.simplify(lines[0]) if text]


def _compare_every_cell(table) -> int:  # type: ignore[no-untyped-def]
    compared = 0
    base = table.rich_style
    for row in range(table.row_count):
        row_style = table._get_row_style(row, base)
        for column, spec in enumerate(table.ordered_columns):
            width = spec.get_render_width(table)
            for cursor in (False, True):
                table._cell_render_cache.clear()
                theirs = DataTable._render_cell(table, row, column, row_style, width, cursor)
                table._cell_render_cache.clear()
                ours = table._render_cell(row, column, row_style, width, cursor)
                assert _drawn(ours) == _drawn(theirs), (row, column, cursor)
                compared += 1
    return compared


def _line(pair) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    fixed, scrollable = pair
    segments = [segment for cell in [*fixed, *scrollable] for segment in cell]
    return [(text, style) for text, style, _ in Segment.simplify(segments) if text]


def _compare_every_row(table) -> None:  # type: ignore[no-untyped-def]
    base = table.rich_style
    cursor, hover = table.cursor_coordinate, table.hover_coordinate
    for row in range(table.row_count):
        key = table._row_locations.get_key(row)
        table._row_render_cache.clear()
        theirs = DataTable._render_line_in_row(table, key, 0, base, cursor, hover)
        table._row_render_cache.clear()
        ours = table._render_line_in_row(key, 0, base, cursor, hover)
        assert _line(ours) == _line(theirs), row


def test_rows_are_drawn_as_datatable_draws_them(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        table = app.screen.table
        await pilot.press("down", "down")
        _compare_every_row(table)
        await pilot.hover("#events", offset=(5, 6))  # the hover highlight too
        await pilot.pause()
        assert table._show_hover_cursor
        _compare_every_row(table)

    drive(app, scenario)
    drive(make_app(audit_store), lambda pilot: _rows_async(app=pilot.app), size=(200, 40))


async def _rows_async(app) -> None:  # type: ignore[no-untyped-def]
    _compare_every_row(app.screen.table)


def test_cells_are_drawn_as_datatable_draws_them(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        table = app.screen.table
        assert _compare_every_cell(table) == 100 * len(table.columns) * 2
        table.blur()
        await pilot.pause()
        _compare_every_cell(table)

    drive(app, scenario)


def test_row_and_cell_regions_are_where_datatable_puts_them(audit_store) -> None:
    """Cursor moves, scrolling and refreshes ask for these; the table computes them in
    constant time, DataTable by adding up every row above."""

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        table = pilot.app.screen.table
        assert table.row_count == 100
        for row in (-1, 0, 1, 57, 99, 100):
            theirs = DataTable._get_row_region(table, row)
            assert table._get_row_region(row) == theirs, row
            for column in range(-1, len(table.columns) + 1):
                coordinate = Coordinate(row, column)
                theirs = DataTable._get_cell_region(table, coordinate)
                assert table._get_cell_region(coordinate) == theirs, coordinate
        table.show_header = False
        assert table._get_row_region(57) == DataTable._get_row_region(table, 57)
        assert table._get_row_region(57).y == 57

    drive(make_app(audit_store), scenario)
    drive(make_app(audit_store), scenario, size=(200, 40))


def test_hostile_and_wide_cells_too(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("slash")
        await pilot.press(*"pwned")
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.table
        assert table.selected_id == HOSTILE_ID
        assert "target" in table.column_widths  # the wide layout's extra columns
        _compare_every_cell(table)

    drive(app, scenario, size=(200, 40))


def _strip(strip) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    return [(text, style) for text, style, _ in Segment.simplify(list(strip)) if text]


def test_kept_lines_are_the_lines_datatable_would_draw_now(audit_store) -> None:
    """Body lines are kept across paints (by row and cursor); after the mouse hovers, a page
    scrolls and the cursor moves, each visible line is still what DataTable draws afresh."""
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        table = app.screen.table
        await pilot.hover("#events", offset=(5, 6))
        await pilot.press("down", "down", "pagedown")
        await pilot.pause()
        await pilot.press("up")  # onto a row drawn (and kept) without the cursor
        await pilot.pause()
        base = table.rich_style
        width = table.size.width
        top = round(table.scroll_y)
        assert top > 0 and table._line_cache  # scrolled, and lines kept from the paints
        for y in range(table.header_height, table.size.height):
            line = y + top
            ours = table._render_line(line, 0, width, base)
            kept, table._line_cache = table._line_cache, LRUCache(10)
            table._row_render_cache.clear()
            theirs = DataTable._render_line(table, line, 0, width, base)
            table._line_cache = kept
            assert _strip(ours) == _strip(theirs), line

    drive(app, scenario)
