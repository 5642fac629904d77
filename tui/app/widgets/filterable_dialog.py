"""A dialog with a filter box (``#filter``) over a list (``#choices``): type to narrow it.

Printable keys typed anywhere in the dialog go to the filter box, Down from the box moves
into the list; subclasses refill the list in ``_fill(text)``.
"""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.events import Key
from textual.widgets import Input

from tui.app.widgets.dialog import Dialog

ResultType = TypeVar("ResultType")


class FilterableDialog(Dialog[ResultType]):
    def _fill(self, text: str) -> None:
        raise NotImplementedError

    def on_key(self, event: Key) -> None:
        search = self.query_one("#filter", Input)
        if event.key == "down" and search.has_focus:
            self.query_one("#choices").focus()
            event.stop()
            return
        if event.is_printable and event.character not in (None, " ") and not search.has_focus:
            search.focus()
            search.insert_text_at_cursor(event.character or "")
            event.stop()

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)
