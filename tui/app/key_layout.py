"""Which keys the footer shows, and where: two lines of columns in the terminal's width.

Kept apart from the widget (``widgets/key_footer.py``) so that the layout is a plain function
of the keys and the width, tested on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len

if TYPE_CHECKING:
    from textual.screen import Screen

#: Cells between two columns of keys.
GAP = 1


class ShownKey(NamedTuple):
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str


def shown_keys(screen: Screen) -> tuple[ShownKey, ...]:
    """The keys ``screen``'s bindings show, one per action (the first bound), in order."""
    keys: list[ShownKey] = []
    actions: set[str] = set()
    for _, binding, enabled, tooltip in screen.active_bindings.values():
        if not binding.show or binding.action in actions:
            continue
        actions.add(binding.action)
        display = screen.app.get_key_display(binding)
        keys.append(ShownKey(binding.key, display, binding.description, enabled, tooltip))
    return tuple(keys)


def key_cells(keys: tuple[ShownKey, ...], width: int) -> list[tuple[int, int, int, ShownKey]]:
    """Where each key goes in ``width`` cells: (line, first cell, cells, key).

    Half the keys (rounded up) on the first line, the rest below, column by column. A column
    is as wide as its longer "key description", then the spare cells are shared out from
    the left; when they do not fit, the widest columns give up cells one at a time (their
    descriptions are cut), never below the key and one cell.
    """
    if not keys:
        return []
    columns = (len(keys) + 1) // 2
    lines = (keys[:columns], keys[columns:])
    widths = [
        max(cell_len(f"{line[c].display} {line[c].description}") for line in lines if c < len(line))
        for c in range(columns)
    ]
    floors = [
        max(cell_len(line[c].display) + 1 for line in lines if c < len(line))
        for c in range(columns)
    ]
    room = width - GAP * (columns - 1)
    spare = room - sum(widths)
    if spare >= 0:
        for c in range(columns):
            widths[c] += spare // columns + (1 if c < spare % columns else 0)
    else:
        while sum(widths) > room:
            widest = max(range(columns), key=lambda c: (widths[c] - floors[c], widths[c]))
            if widths[widest] <= floors[widest]:
                break
            widths[widest] -= 1
    cells = []
    for y, line in enumerate(lines):
        x = 0
        for c, key in enumerate(line):
            cells.append((y, x, widths[c], key))
            x += widths[c] + GAP
    return cells
