"""The Textual application: one screen, two themes, the command palette's entries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from tui.app.commands import AuditLogCommands
from tui.app.screens.audit_log import AuditLogScreen

if TYPE_CHECKING:
    from tui.store.repository import AuditReader, AuditStore

DARK, LIGHT = "textual-dark", "textual-light"


class AuditLogApp(App[None]):
    """The audit log viewer, reading ``store`` as ``reader`` (an e-mail or an opened reader).

    ``clock`` anchors the date ranges (default: the store's clock); ``zone`` is the zone in
    which times are shown and custom dates are read.
    """

    TITLE = "Audit Log"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {AuditLogCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Leave the viewer", id="quit"),
        Binding("ctrl+t", "toggle_theme", "Theme", tooltip="Light or dark", id="theme"),
    ]

    def __init__(
        self,
        store: AuditStore,
        reader: str | AuditReader,
        clock: Callable[[], datetime] | None = None,
        zone: tzinfo = UTC,
    ) -> None:
        super().__init__()
        self.store = store
        self.reader_or_email = reader
        self.email = reader if isinstance(reader, str) else reader.email
        self.clock = clock or store.now
        self.zone = zone
        self.theme = DARK

    def on_mount(self) -> None:
        # Pushed (not the default screen) so that Textual loads the screen's own .tcss.
        self.push_screen(AuditLogScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.current_theme.dark else DARK
