"""Which columns the events table shows, and how wide, for the width it has.

The question an on-call engineer asks of a row is "who changed what", so the summary must
stay readable at 80 columns, where the seven columns of the portal cannot all fit. The
layout is a pure function of the width (no measuring of the rows, so columns never jump
while pages load):

1. The core columns (time, event type, performer, scope, summary) start at their least
   widths. Below that the core columns give up cells in turn down to a floor, so the table
   still fits its own width when the JSON pane sits beside it.
2. Spare cells then go, in order: to the summary (up to a readable length); to the type,
   performer and scope (up to most names); to a Target column; to an Area column (the type
   implies the area, so it comes last); to more summary; to whole names; and whatever is
   left to the summary.
   A step that cannot be completed ends the list, so a less useful column never appears
   while a more useful one is still missing.

Example::

    >>> fit_columns(79)
    {'time': 12, 'type': 16, 'performer': 13, 'where': 10, 'summary': 18}
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    #: Narrowest width when the table has room for the core columns.
    least: int
    #: Narrowest width at all (only when the table is narrower than the core columns).
    floor: int


#: Every column, in the order the portal shows them.
COLUMNS: dict[str, ColumnSpec] = {
    spec.key: spec
    for spec in (
        ColumnSpec("time", " Time", 13, 13),  # a leading space: the table's left margin
        ColumnSpec("type", "Event type", 16, 12),
        ColumnSpec("area", "Area", 6, 6),
        ColumnSpec("performer", "Performer", 13, 10),
        ColumnSpec("where", "Scope", 10, 8),
        ColumnSpec("target", "Target", 14, 14),
        ColumnSpec("summary", "Summary", 16, 12),
    )
}
CORE = ("time", "type", "performer", "where", "summary")
#: The core columns that give up cells (in this turn) when the table is narrow.
SHRINKING = ("summary", "type", "performer", "where")

#: ("grow", key, up to width) or ("add", key, 0): how spare cells are spent, in order.
STEPS: tuple[tuple[str, str, int], ...] = (
    ("grow", "summary", 36),
    ("grow", "type", 22),
    ("grow", "performer", 20),
    ("grow", "where", 14),
    ("add", "target", 0),
    ("add", "area", 0),
    ("grow", "summary", 48),
    ("grow", "type", 27),
    ("grow", "performer", 26),
    ("grow", "where", 22),
    ("grow", "target", 28),
)


def fit_columns(width: int, gap: int = 1) -> dict[str, int]:
    """Column key → width for a table ``width`` cells wide, in display order.

    Each column takes its width plus ``gap`` cells (the blank cell a ``ColumnText`` leaves
    at its end). Below the sum of the floors the result is wider than ``width`` (the table
    then scrolls sideways).
    """
    widths = {key: COLUMNS[key].least for key in CORE}
    spare = width - sum(w + gap for w in widths.values())
    if spare < 0:
        return _order(_shrink(widths, -spare))
    for step, key, up_to in STEPS:
        if step == "add":
            cost = COLUMNS[key].least + gap
            if cost > spare:
                break
            widths[key] = COLUMNS[key].least
            spare -= cost
        else:
            added = min(spare, max(0, up_to - widths[key]))
            widths[key] += added
            spare -= added
            if widths[key] < up_to:
                break
    widths["summary"] += spare
    return _order(widths)


def _shrink(widths: dict[str, int], excess: int) -> dict[str, int]:
    """Take ``excess`` cells from the shrinking columns, one at a time in turn."""
    while excess > 0:
        taken = False
        for key in SHRINKING:
            if excess and widths[key] > COLUMNS[key].floor:
                widths[key] -= 1
                excess -= 1
                taken = True
        if not taken:
            break
    return widths


def _order(widths: dict[str, int]) -> dict[str, int]:
    return {key: widths[key] for key in COLUMNS if key in widths}
