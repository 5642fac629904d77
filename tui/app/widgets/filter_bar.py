"""The search box and the filter buttons (area, type, performer, clear).

It only announces: the screen owns the query. Typing searches after a short pause (and at
once on Enter); the buttons ask the screen to open a picker.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Input

from tui.domain.display import one_line
from tui.domain.query import EventQuery

#: Pause after the last keystroke before a search runs.
SEARCH_DELAY = 0.35
#: Cells kept for the search box when filter buttons grow.
SEARCH_ROOM = 24


class FilterBar(Horizontal):
    """``[search……] [Area: any] [Type: any] [Performer: any] [✕]``."""

    @dataclass
    class SearchChanged(Message):
        text: str

    @dataclass
    class PickerRequested(Message):
        """``kind`` is "area", "type", "performer" or "clear"."""

        kind: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None
        self._query: EventQuery | None = None

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="/ Search summary, performer, target, tenant, IP",
            compact=True,
            id="search",
        )
        yield Button("Area", id="pick-area", compact=True, tooltip="Filter by area (a)")
        yield Button("Type", id="pick-type", compact=True, tooltip="Filter by event type (t)")
        yield Button("Performer", id="pick-performer", compact=True, tooltip="Filter by who (p)")
        yield Button("✕", id="pick-clear", compact=True, tooltip="Clear search and filters (x)")

    def show(self, query: EventQuery) -> None:
        """Label the buttons with the active filters."""
        self._query = query
        search = self.query_one("#search", Input)
        if search.value != query.text:
            search.value = query.text
        active = bool(query.areas or query.types or query.performer or query.text)
        self.query_one("#pick-clear", Button).display = active
        self._relabel()

    def on_resize(self) -> None:
        self._relabel()

    def _relabel(self) -> None:
        query = self._query
        if query is None:
            return
        chosen = {
            "area": sorted(area.value for area in query.areas),
            "type": sorted(query.types),
            "performer": [query.performer] if query.performer else [],
        }
        # Share what the search box leaves (SEARCH_ROOM cells) among the active buttons.
        active = sum(1 for values in chosen.values() if values) or 1
        room = min(18, max(4, (self.size.width - SEARCH_ROOM - 4) // active - 9))
        self._label("area", "Area", chosen["area"], room)
        self._label("type", "Type", chosen["type"], room)
        self._label("performer", "By", chosen["performer"], room, idle="Performer")

    def _label(self, kind: str, name: str, chosen: list[str], room: int, idle: str = "") -> None:
        button = self.query_one(f"#pick-{kind}", Button)
        if not chosen:
            label = idle or name
        else:
            more = f" +{len(chosen) - 1}" if len(chosen) > 1 else ""
            label = f"{name}: {one_line(chosen[0], room)}{more}"
        if str(button.label) == label and button.has_class("-active") == bool(chosen):
            return  # unchanged: spare the screen a layout on every query
        button.label = Text(label)
        button.set_class(bool(chosen), "-active")
        button.refresh(layout=True)  # the label's width changed

    def focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        text = event.value
        self._timer = self.set_timer(SEARCH_DELAY, lambda: self._announce(text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._announce(event.value)

    def _announce(self, text: str) -> None:
        self.post_message(self.SearchChanged(text))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.PickerRequested(str(event.button.id).removeprefix("pick-")))
