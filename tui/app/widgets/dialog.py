"""The base of the viewer's modal dialogs: one look (``dialog.tcss``), Esc cancels."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A centred box with a ``#dialog`` container, a ``#title`` and a ``.buttons`` row."""

    CSS_PATH = "dialog.tcss"
