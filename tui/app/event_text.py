"""How an event reads on screen: table cells, the line under the table, the JSON pane's
text and the change list.

Event text is hostile until proven otherwise: every field passes through
``tui.domain.display`` (control characters and escape sequences made visible, long values
cut) and becomes a ``rich.text.Text`` — never a ``str``, which Textual would read as markup.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import tzinfo
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from tui.domain.catalog import Area
from tui.domain.display import cell_width, inert, one_line, truncate
from tui.domain.event import AuditEvent

#: Short area names for the table's narrow area column (the full name is in the JSON pane).
AREA_SHORT = {
    Area.USER_MANAGEMENT: "Users",
    Area.INFRASTRUCTURE: "Infra",
    Area.INTEGRATIONS: "Integr",
    Area.REPORTING: "Report",
}
ERASED_MARK = "†"
#: Longest value shown per side in the change list; the JSON pane below has it whole.
CHANGE_VALUE_LIMIT = 60
#: Cells the target keeps in the line under the table, however long the summary.
GIST_TARGET_MIN = 24


class ColumnText(Text):
    """A table cell that keeps its last cell blank: the gap before the next column.

    The table runs without cell padding (which costs two cells between columns) and each
    cell leaves one cell free instead, so an 80-column terminal shows more of the summary.
    """

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from super().__rich_console__(
            console, options.update_width(max(1, options.max_width - 1))
        )

    def line_segments(
        self, console: Console, width: int, pre_style: Style, post_style: Style | None
    ) -> list[Segment]:
        """The cell as the events table draws it in ``width`` cells, without Rich's layers.

        The same segments as rendering ``Styled(Padding(self, 0), pre_style, post_style)``
        on one line, as DataTable does: the text cut to ``width - 1`` cells, padded to
        ``width``, each piece styled ``pre_style + its own style + post_style``.
        """
        return [
            Segment(text, _styled(pre_style + style, post_style))
            for text, style in self._pieces(console, width)
        ]

    def _pieces(self, console: Console, width: int) -> list[tuple[str, Style]]:
        """The cut and padded text in ``width`` cells, by its own styles (kept per width:
        only the row's styles change from one drawing of the cell to the next)."""
        try:
            shapes = self._shapes
        except AttributeError:
            shapes = self._shapes = {}
        pieces = shapes.get(width)
        if pieces is not None:
            return pieces
        line = self.copy()
        if "\t" in line.plain:
            line.expand_tabs(console.tab_size if self.tab_size is None else self.tab_size)
        line.truncate(max(1, width - 1), overflow=self.overflow or "fold")
        if line.spans or line.style:
            segments = list(Text("\n").join([line]).render(console))
            pieces = [(text, style or Style.null()) for text, style, _ in segments if text]
        else:  # plain text: Rich would render it as one unstyled segment
            pieces = [(line.plain, Style.null())] if line.plain else []
        used = line.cell_len
        if used < width:
            pieces.append((" " * (width - used), Style.null()))
        shapes[width] = pieces
        return pieces


def _styled(style: Style, post_style: Style | None) -> Style:
    return style + post_style if post_style else style


def cell(text: str, limit: int = 200) -> Text:
    """A table cell: one line, inert, cut at ``limit`` characters."""
    return ColumnText(one_line(text, limit), no_wrap=True, overflow="ellipsis")


def column_label(label: str) -> Text:
    """A column heading with the same gap as the cells below it."""
    return ColumnText(label, no_wrap=True, overflow="ellipsis")


def row_cells(
    audit_event: AuditEvent, zone: tzinfo, erased: bool, keys: Iterable[str] | None = None
) -> dict[str, Text]:
    """The table row by column key (see ``tui.app.column_layout``): the columns ``keys``, or
    all. The time starts with a space: the table's left margin."""
    wanted = COLUMN_KEYS if keys is None else tuple(keys)
    return {key: _CELLS[key](audit_event, zone, erased) for key in wanted}


class RowCells(dict[str, Text]):
    """One row's cells by column key, made all at once the first time one is asked for.

    DataTable reads a row's cells as ``data[row_key][column_key]``; a ``ColumnKey`` finds
    its column's cell here because it hashes and compares as its string.
    """

    __slots__ = ("audit_event", "erased", "keys_wanted", "zone")

    def __init__(
        self, audit_event: AuditEvent, zone: tzinfo, erased: bool, keys: tuple[str, ...]
    ) -> None:
        super().__init__()
        self.audit_event = audit_event
        self.zone = zone
        self.erased = erased
        self.keys_wanted = keys

    def __missing__(self, key: object) -> Text:
        if len(self) or key not in self.keys_wanted:
            raise KeyError(key)
        self.update(row_cells(self.audit_event, self.zone, self.erased, self.keys_wanted))
        return dict.__getitem__(self, key)  # type: ignore[call-overload,no-any-return]


def _time_cell(audit_event: AuditEvent, zone: tzinfo, erased: bool) -> Text:
    moment = audit_event.occurred_at.astimezone(zone).strftime("%b %d %H:%M")
    return ColumnText(f" {moment}", no_wrap=True)


def _performer_cell(audit_event: AuditEvent, zone: tzinfo, erased: bool) -> Text:
    performer = audit_event.performer.mail
    performer_cell = cell(f"{ERASED_MARK} {performer}" if erased else performer)
    if erased:
        performer_cell.stylize("italic")
    return performer_cell


def _where_cell(audit_event: AuditEvent, zone: tzinfo, erased: bool) -> Text:
    tenant = audit_event.tenant
    return cell(tenant.name if tenant else "Portal")


_CELLS: dict[str, Callable[[AuditEvent, tzinfo, bool], Text]] = {
    "time": _time_cell,
    "type": lambda e, _zone, _erased: cell(e.type.name),
    "area": lambda e, _zone, _erased: ColumnText(AREA_SHORT[e.area], no_wrap=True),
    "performer": _performer_cell,
    "where": _where_cell,
    "target": lambda e, _zone, _erased: cell(e.target.name),
    "summary": lambda e, _zone, _erased: cell(e.summary, 500),
}
COLUMN_KEYS = tuple(_CELLS)


def gist_text(audit_event: AuditEvent, width: int) -> Text:
    """One line under the table: the event's summary, then its target, in ``width`` cells.

    The summary comes first and gets the room it needs; the target keeps at least
    ``GIST_TARGET_MIN`` cells (most summaries name the target, so it may be cut first).
    """
    summary = one_line(audit_event.summary, 2000)
    target = audit_event.target
    name = one_line(target.name, 200)
    kind = one_line(target.kind, 40)
    # "Target: name (kind)"
    target_part = Text.assemble(("Target: ", "dim"), (name + " ", "bold"), (f"({kind})", "dim"))
    gap = 3  # " · "
    room = max(0, width - cell_width(summary) - gap)
    target_width = min(target_part.cell_len, max(room, GIST_TARGET_MIN))
    line = Text(no_wrap=True, overflow="ellipsis")
    # Spaces end a span rather than start one: some SVG renderers (librsvg) drop a leading
    # space of a span, which would glue the words of a screenshot together.
    line.append(truncate(summary, max(1, width - target_width - gap)) + " ", style="bold")
    line.append("· ", style="dim")
    target_part.truncate(target_width, overflow="ellipsis")
    line.append_text(target_part)
    return line


_UNSAFE_IN_JSON = re.compile(r"[^\t\n\x20-\x7e]")


def _escape_unsafe(match: re.Match[str]) -> str:
    char = match.group()
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
        return "".join(f"\\u{unit:04x}" for unit in _utf16_units(char))
    return char


def _utf16_units(char: str) -> list[int]:
    code = ord(char)
    if code < 0x10000:
        return [code]
    code -= 0x10000
    return [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]


def event_json(audit_event: AuditEvent) -> str:
    """Pretty JSON of the whole event, every value whole.

    Characters that could act on a terminal (C0/C1 controls, format characters such as
    bidi overrides, line separators, lone surrogates) are written as ``\\uXXXX`` escapes:
    still valid JSON for exactly the same data, but inert on screen and in a paste.
    """
    text = json.dumps(audit_event.to_dict(), indent=2, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(_escape_unsafe, text)


#: Above this size the pane shows long strings cut (copy still takes the whole event):
#: laying out megabytes in a TextArea blocks the screen for seconds.
PANE_WHOLE_LIMIT = 200_000
#: How much of one long string the pane keeps when it has to cut.
PANE_STRING_LIMIT = 10_000
#: JSON highlighting grows roughly quadratically with escapes on one line (a hostile
#: 400 KB summary took 1.7 GB), so it is only used for texts well within these bounds.
HIGHLIGHT_LIMIT = 32_000
HIGHLIGHT_LINE_LIMIT = 2_000


def pane_json(audit_event: AuditEvent, whole: str) -> tuple[str, bool]:
    """What the pane shows for ``whole`` (``event_json``) and whether anything was cut."""
    if len(whole) <= PANE_WHOLE_LIMIT:
        return whole, False
    shortened = _cut_strings(audit_event.to_dict())
    text = json.dumps(shortened, indent=2, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(_escape_unsafe, text), True


def highlightable(text: str) -> bool:
    if len(text) > HIGHLIGHT_LIMIT:
        return False
    return all(len(line) <= HIGHLIGHT_LINE_LIMIT for line in text.split("\n"))


def _cut_strings(value: Any) -> Any:
    if isinstance(value, str) and len(value) > PANE_STRING_LIMIT:
        hidden = len(value) - PANE_STRING_LIMIT
        return (
            f"{value[:PANE_STRING_LIMIT]}… [{hidden:,} more characters: c copies the whole event]"
        )
    if isinstance(value, dict):
        return {key: _cut_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cut_strings(item) for item in value]
    return value


def change_value(value: Any, limit: int = CHANGE_VALUE_LIMIT) -> str:
    """``value`` as a JSON literal, inert, in at most ``limit`` cells.

    A long string is cut inside its quotes (``"Lorem ipsu…"``) so it still reads as a
    string; other values are cut at the end. The JSON pane below shows them whole.
    """
    shown = inert(json.dumps(value, ensure_ascii=False, sort_keys=True))
    if cell_width(shown) <= limit:
        return shown
    if isinstance(value, str):
        return truncate(shown[:-1], max(2, limit - 1)) + '"'
    return truncate(shown, limit)


def changes_text(audit_event: AuditEvent) -> Text | None:
    """The old → new list of an ``... Updated`` event, or None for other events.

    One change a line: ``name: "Old name" → "New name"``, one space either side of the
    arrow. Each span ends with its space instead of the next one starting with it: some SVG
    renderers (librsvg) drop a span's leading space, which glued the arrow to the old value
    in the screenshots.
    """
    changes = audit_event.changes
    if not changes:
        return None
    text = Text()
    text.append(f"What changed ({len(changes)})", style="bold")
    for change in changes:
        text.append("\n")
        text.append(one_line(change.field, 60), style="bold")
        text.append(": ")
        text.append(change_value(change.old) + " ", style="red")
        text.append("→ ")
        text.append(change_value(change.new), style="green")
    return text


def title_text(audit_event: AuditEvent, zone: tzinfo) -> Text:
    """The JSON pane's title: type and local time."""
    moment = audit_event.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")
    return Text(f"{audit_event.type.name} · {moment}", no_wrap=True, overflow="ellipsis")
