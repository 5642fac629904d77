"""The download dialog: format and path, with a default name that follows the format.

Dismisses with ``(format, path)`` or None. The path is checked here (folder exists and is
writable, not a directory, no silent overwrite) so a typo is fixed before anything runs.

Paths are hostile text too: the working folder's name and whatever is pasted. The folder is
shown inert beside the box (the box holds only the suggested file name, relative to it), and
the box declines control and invisible format characters, which it would draw raw.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from tui.app.export_task import check_target
from tui.app.widgets.dialog import Dialog
from tui.domain.display import inert
from tui.domain.errors import InvalidInput
from tui.domain.formats import FORMATS, suggested_filename

#: What the path box takes: no C0/C1 controls, soft hyphen, bidi marks and overrides,
#: zero-width or other invisible format characters (the terminal would act on, or hide, them).
PRINTABLE = r"[^\x00-\x1f\x7f-\x9f\xad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]*"


class DownloadDialog(Dialog[tuple[str, Path] | None]):
    """Enter in the path box downloads; Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="download.cancel")
    ]

    def __init__(self, folder: Path, now: datetime, matching: str) -> None:
        super().__init__()
        self.folder = folder
        self.now = now
        self.matching = matching
        self.format = next(iter(FORMATS))
        self._suggested = self._default_path(self.format)
        self._confirm_overwrite: Path | None = None

    def _default_path(self, format_name: str) -> str:
        """The suggested name alone: it is relative to ``folder`` (shown under the box)."""
        return suggested_filename(format_name, self.now)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Download all {self.matching} matching events", id="title")
            with RadioSet(id="formats"):
                for index, name in enumerate(FORMATS):
                    yield RadioButton(Text(name.upper()), value=index == 0, name=name)
            yield Label("Save to:")
            yield Input(self._suggested, compact=True, restrict=PRINTABLE, id="path")
            yield Static(Text(f"in {inert(str(self.folder), 200)}", style="dim"), id="folder")
            yield Static(id="refusal")
            with Horizontal(classes="buttons"):
                yield Button("Download", id="start", compact=True, variant="success")
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(RadioSet.Changed)
    def _format(self, event: RadioSet.Changed) -> None:
        self.format = str(event.pressed.name)
        path = self.query_one("#path", Input)
        if path.value == self._suggested:  # follow the format until the user edits the name
            self._suggested = self._default_path(self.format)
            path.value = self._suggested

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        try:
            if not raw:
                raise InvalidInput("type a file name")
            path = check_target(self.folder / Path(raw).expanduser())
            if path.exists() and self._confirm_overwrite != path:
                self._confirm_overwrite = path
                raise InvalidInput(f"{path.name} exists; press Enter again to overwrite it")
        except InvalidInput as refusal:
            self.query_one("#refusal", Static).update(Text(inert(str(refusal), 300), style="bold"))
            return
        self.dismiss((self.format, path))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
