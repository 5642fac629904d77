"""How the events table draws its lines: DataTable's drawing, for rows of one line each.

DataTable is general: it draws each cell through four layers of Rich renderables and draws
every visible line again whenever the cursor moves or a row is added. Every row of the events
table is one line, every column has a set width and every cell is a one-line ``ColumnText``,
so ``LineDrawing`` replaces these internals of Textual 8.2.x with their direct equivalent:
``_render_line`` (a body line kept by what it shows), ``_render_line_in_row`` and
``_render_cell`` (a cell's segments straight from its text, the same segments DataTable
would draw: ``tests/app/test_event_table_drawing.py`` compares them), and the caches'
clearing (freed at once, not left to the cyclic collector: issue 5's p95).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual._segment_tools import line_crop
from textual._types import SegmentLines
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from tui.app.event_text import ColumnText


def unlink(cache: LRUCache[object, object]) -> None:
    """Break the ring of ``cache``'s entries (Textual 8.2's ``[prev, next, key, value]``)."""
    links = getattr(cache, "_cache", None)
    if isinstance(links, dict):
        for link in links.values():
            if isinstance(link, list):
                link.clear()
        links.clear()


def _column_of(style: Style | None) -> int | None:
    """The column a drawn segment belongs to (its meta), None for padding without one."""
    if style is None or style._meta is None:
        return None
    column = style.meta.get("column")
    return column if isinstance(column, int) else None


def _renumbered(strip: Strip, columns: tuple[int | None, ...], row: int) -> Strip:
    """``strip`` drawn for another row: each cell's meta (its row and column, which the
    mouse reads) names ``row``; text and look stay. DataTable would draw the same line."""
    metas: dict[int, Style] = {}
    segments = []
    for segment, column in zip(strip, columns, strict=True):
        if column is None:
            segments.append(segment)
            continue
        meta = metas.get(column)
        if meta is None:
            meta = metas[column] = Style.from_meta({"row": row, "column": column})
        text, style, control = segment
        segments.append(Segment(text, style + meta if style else meta, control))
    return Strip(segments, strip.cell_length)


class LineDrawing(DataTable[object]):
    """A DataTable whose body rows are one line of ``ColumnText`` cells, drawn directly."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._lines_style: Style | None = None
        #: Zebra row styles within one paint (the component styles are looked up once).
        self._row_styles: dict[tuple[int, Style], Style] = {}

    def _clear_caches(self) -> None:
        """DataTable's, without leaving cyclic garbage behind (issue 5's p95)."""
        self._clear_caches_but_lines()
        unlink(self._line_cache)
        self._line_cache.clear()

    def _clear_caches_but_lines(self) -> None:
        """Every render cache but the drawn lines (``_render_line`` keys those by what they
        show, so rows added above or below leave them valid), each freed at once.

        Textual's ``LRUCache`` links its entries in a ring of lists, and ``clear`` only drops
        the ring: every cached line, strip and segment then waits for the cyclic collector,
        whose full collections (tens of thousands of objects from each page or change) took
        40-250 ms in the middle of a page or a change. Unlinked first, they are freed at
        once. What DataTable's own ``_clear_caches`` clears besides, it clears here too.
        """
        for cache in (
            self._row_render_cache,
            self._cell_render_cache,
            self._row_renderable_cache,
            self._offset_cache,
            self._ordered_row_cache,
        ):
            unlink(cache)
            cache.clear()
        self._styles_cache.clear()
        self._get_styles_to_render_cell.cache_clear()

    def _body_styles(self, cursor: bool, hover: bool, *, css_priority: bool) -> tuple[Style, Style]:
        """DataTable's (cached) styles for a body cell, or with ``css_priority`` off for the
        blank that extends a row past its last column: no header, label or fixed column."""
        return self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            css_priority and self.cursor_foreground_priority == "css",
            css_priority and self.cursor_background_priority == "css",
        )

    def _get_row_region(self, row_index: int) -> Region:
        """DataTable's, in constant time: every row is one line, so a row's y is its index
        (DataTable adds up the heights of all the rows above it, twice a key at row 300)."""
        if not self.is_valid_row_index(row_index):
            return Region(0, 0, 0, 0)
        width = sum(column.get_render_width(self) for column in self.columns.values())
        width += self._row_label_column_width
        return Region(0, self._row_y(row_index), max(self.size.width, width), 1)

    def _get_cell_region(self, coordinate: Coordinate) -> Region:
        """DataTable's, in constant time (see ``_get_row_region``)."""
        if not self.is_valid_coordinate(coordinate):
            return Region(0, 0, 0, 0)
        row_index, column_index = coordinate
        columns = self.ordered_columns
        x = sum(column.get_render_width(self) for column in columns[:column_index])
        x += self._row_label_column_width
        width = columns[column_index].get_render_width(self)
        return Region(x, self._row_y(row_index), width, 1)

    def _row_y(self, row_index: int) -> int:
        return row_index + (self.header_height if self.show_header else 0)

    def _keep_lines_of(self, cells: Iterable[object]) -> None:
        """Free every drawn body line but those of ``cells`` (rows' cells, as ``_data``
        holds them): lines are kept by the cells they show (``_render_line``)."""
        held = {id(row_cells) for row_cells in cells}
        kept = self._line_cache
        for key in list(kept.keys()):
            line = kept.get(key)
            if isinstance(line, tuple) and id(line[0]) not in held:
                kept.discard(key)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._lines_style = self.rich_style  # one DOM walk per paint, not one per line
        self._row_styles.clear()
        try:
            return super().render_lines(crop)
        finally:
            self._lines_style = None

    def render_line(self, y: int) -> Strip:
        """DataTable's ``render_line`` for a table without fixed rows (the header stays)."""
        scroll_x, scroll_y = self.scroll_offset
        if y >= self.header_height * self.show_header:
            y += scroll_y
        style = self._lines_style or self.rich_style
        return self._render_line(y, scroll_x, scroll_x + self.size.width, style)

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """DataTable's ``_render_line``, with body lines kept by what they show.

        DataTable keys a drawn line by its y, the cursor's and mouse's coordinates and the
        update count, so a cursor step or an added page draws every visible line again.
        A body line here is kept by its cells, the row's stripe (odd or even), whether the
        cursor or the mouse is on that row, and the style: a step redraws two lines, a page
        added below none. A page dropped above moves every row up by a page: a kept line
        then only takes its new row number, which its cells carry for the mouse
        (``_renumbered``), instead of being drawn again (issue 5's paging p95).
        """
        header = self.header_height if self.show_header else 0
        row_index = y - header
        if row_index < 0 or self.fixed_columns or self._should_render_row_labels:
            return super()._render_line(y, x1, x2, base_style)
        width = self.size.width
        if row_index >= self.row_count:
            return Strip.blank(width, base_style)
        row_key = self._row_locations.get_key(row_index)
        cells = self._data[row_key]
        cursor, hover = self.cursor_coordinate, self.hover_coordinate
        cache_key = (
            id(cells),
            row_index % 2,
            x1,
            x2,
            width,
            cursor.row == row_index,
            hover.row == row_index,
            base_style,
            self.cursor_type,
            self.show_cursor,
            self._show_hover_cursor,
            self._pseudo_class_state,
        )
        cached = self._line_cache.get(cache_key)  # type: ignore[call-overload]
        if cached is not None and cached[0] is cells:
            _, drawn_row, strip, columns = cached
            if drawn_row != row_index:
                strip = _renumbered(strip, columns, row_index)
                self._line_cache[cache_key] = (cells, row_index, strip, columns)  # type: ignore[index]
            return strip  # type: ignore[no-any-return]
        _, scrollable = self._render_line_in_row(row_key, 0, base_style, cursor, hover)
        segments = line_crop(list(chain.from_iterable(scrollable)), x1, x2, width)
        strip = Strip(segments).adjust_cell_length(width, base_style).simplify()
        columns = tuple(_column_of(segment.style) for segment in strip)
        self._line_cache[cache_key] = (cells, row_index, strip, columns)  # type: ignore[index]
        return strip

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[SegmentLines, SegmentLines]:
        """A body row's line, as DataTable draws it with a row cursor and no fixed columns."""
        row_index = self._row_locations.get(row_key)
        if row_index is None or self.fixed_columns or self._should_render_row_labels:
            return super()._render_line_in_row(
                row_key, line_no, base_style, cursor_location, hover_location
            )
        cache_key = (
            row_key,
            line_no,
            base_style,
            cursor_location,
            hover_location,
            self.cursor_type,
            self.show_cursor,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._row_render_cache.get(cache_key)
        if cached is not None:
            return cached
        zebra = (row_index % 2, base_style)
        row_style = self._row_styles.get(zebra)
        if row_style is None:
            row_style = self._row_styles[zebra] = self._get_row_style(row_index, base_style)
        cursor = cursor_location.row == row_index
        hover = hover_location.row == row_index
        scrollable: SegmentLines = []
        used = 0
        for column_index, column in enumerate(self.ordered_columns):
            width = column.get_render_width(self)
            used += width
            cell = self._render_cell(row_index, column_index, row_style, width, cursor, hover)
            scrollable.append(cell[line_no])
        extend_style, _ = self._body_styles(cursor, hover, css_priority=False)
        extend_style = (row_style + extend_style) + Style.from_meta(
            {"row": row_index, "column": 0, "out_of_bounds": True}
        )
        scrollable.append([Segment(" " * max(0, self.size.width - used), extend_style)])
        pair: tuple[SegmentLines, SegmentLines] = ([], scrollable)
        self._row_render_cache[cache_key] = pair
        return pair

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        """A body cell's one line, straight from its ``ColumnText`` (see the module notes)."""
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        lines = self._cell_render_cache.get(cache_key)
        if lines is not None:
            return lines
        cell = self._data[row_key][column_key]
        if not isinstance(cell, ColumnText):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component_style, post_style = self._body_styles(cursor, hover, css_priority=True)
        pre_style = (
            base_style + Style.from_meta({"row": row_index, "column": column_index})
        ) + component_style
        lines = [cell.line_segments(self.app.console, width, pre_style, post_style)]
        self._cell_render_cache[cache_key] = lines
        return lines
