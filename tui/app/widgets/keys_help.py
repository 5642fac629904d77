"""The `?` dialog: every key of the viewer with what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from tui.app.widgets.dialog import Dialog


class KeysHelp(Dialog[None]):
    """Lists ``(key, name, what it does)`` rows; any of Esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss_help", "Close", id="keys.close"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(style="dim")
        for key, name, what in self.rows:
            table.add_row(Text(key), Text(name), Text(what))
        with VerticalScroll(id="dialog"):
            yield Label("Keys (also in the command palette, ctrl+p)", id="title")
            yield Static(table, id="keys")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
