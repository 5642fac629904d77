"""The base of the viewer's modal dialogs: one look (``dialog.tcss``), Esc cancels."""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A centred box with a ``#dialog`` container, a ``#title`` and a ``.buttons`` row."""

    CSS_PATH = "dialog.tcss"

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        """Close with ``result``, dropping the focus without blurring the focused widget.

        Removing a screen blurs its focused widget, and a blur restyles that widget (and the
        box around it) for a screen no one will see again: 2-20 ms of a filter box or a list
        restyled (Textual 8.2) while the query the dialog asked for waits for the same
        thread, which took the scope dialog past issue 5's 50 ms. Nothing is drawn from it.
        """
        self.focused = None
        return super().dismiss(result)
