"""The running download: how far it got, and the way to stop it.

Dismisses with ``CANCEL`` (Esc, ctrl+c or the Cancel button: the screen cancels the export,
which deletes its partial file), ``HIDE`` (Enter or the button: the download goes on in the
background and w shows this dialog again) or ``DONE`` (the screen closes it when the
download ends).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, ProgressBar, Static

from tui.app.widgets.dialog import Dialog
from tui.domain.display import inert
from tui.domain.query import Count

CANCEL, HIDE, DONE = "cancel", "hide", "done"


class DownloadProgress(Dialog[str]):
    """Esc or ctrl+c cancels the download; Enter keeps it running in the background."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+c", "stop", "Cancel download", id="download.stop"),
    ]

    def __init__(self, path: Path, format_name: str, total: Count | None, written: int) -> None:
        super().__init__()
        self.path = path
        self.format_name = format_name
        self.total = total
        self.written = written
        self.stopping = False
        self._done = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Downloading {self.format_name.upper()} to", id="title")
            yield Static(Text(inert(str(self.path), 400)), id="target")
            total = self.total
            exact = total.value if total is not None and not total.capped else 0
            # Without an exact count the bar only shows that something is happening.
            yield ProgressBar(total=exact or None, show_eta=False, id="bar")
            yield Static(id="written")
            with Horizontal(classes="buttons"):
                yield Button("Run in background", id="hide", compact=True, variant="primary")
                yield Button("Cancel download", id="stop", compact=True, variant="error")
            yield Static(
                "Esc cancels it and deletes the partial file. "
                "Enter keeps it running; w shows this again.",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.show_progress(self.written)
        self.query_one("#hide", Button).focus()

    def show_progress(self, written: int) -> None:
        self.written = written
        if self.stopping:
            return
        self.query_one("#bar", ProgressBar).update(progress=written)
        of = f" of {self.total}" if self.total is not None else ""
        self.query_one("#written", Static).update(f"{written:,}{of} events written")

    def finish(self) -> None:
        """The download ended: close now, or as soon as this dialog is on top again."""
        if self.is_current:
            self.dismiss(DONE)
        else:
            self._done = True

    def on_screen_resume(self) -> None:
        if self._done:
            self.dismiss(DONE)

    @on(Button.Pressed, "#stop")
    def action_stop(self) -> None:
        self.stopping = True
        self.dismiss(CANCEL)

    @on(Button.Pressed, "#hide")
    def _hide(self) -> None:
        self.dismiss(HIDE)
