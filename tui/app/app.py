"""The Textual application: one screen, two themes, the command palette's entries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from tui.app import strip_cycles
from tui.app.collector import QUIET_SECONDS, START_SECONDS, QuietCollector, collect_if_still_off
from tui.app.commands import AuditLogCommands
from tui.app.screens.audit_log import AuditLogScreen

if TYPE_CHECKING:
    from tui.app.opening import Opening
    from tui.domain.errors import AuditLogError
    from tui.store.repository import AuditReader, AuditStore

DARK, LIGHT = "textual-dark", "textual-light"


class AuditLogApp(App[None]):
    """The audit log viewer, reading ``store`` as ``reader`` (an e-mail or an opened reader).

    ``clock`` anchors the date ranges (default: the store's clock); ``zone`` is the zone in
    which times are shown and custom dates are read. ``record_reading`` writes opening the
    viewer, each download and each verification to the log as the reader's own events
    (``tui.domain.reading``); tests that need a log that does not change turn it off.
    ``AuditLogApp.opening`` makes a viewer that opens its store itself, after the first
    frame (the command line's way).
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
        store: AuditStore | None,
        reader: str | AuditReader | None,
        clock: Callable[[], datetime] | None = None,
        zone: tzinfo = UTC,
        *,
        opening: Opening | None = None,
        record_reading: bool = True,
    ) -> None:
        strip_cycles.install()  # drawn lines freed when dropped, not by full collections
        super().__init__()
        self.store = store
        self.reader_or_email = reader
        if isinstance(reader, str) or reader is None:
            self.email = reader or ""
        else:
            self.email = reader.email
        self._clock = clock
        self.zone = zone
        self.theme = DARK
        #: How to open the store (in a worker, once the frame is up) when none was given.
        self.open_with = opening
        #: What ended a viewer made by ``opening`` before it could show anything.
        self.failed_to_open: AuditLogError | None = None
        #: Whether reading the log (opening, downloads, verifications) is recorded in it.
        self.record_reading = record_reading

    @classmethod
    def opening(cls, opening: Opening, *, zone: tzinfo = UTC) -> AuditLogApp:
        """A viewer on a store not opened yet: ``opening.open`` runs after the first frame."""
        return cls(None, opening.email, zone=zone, opening=opening)

    def clock(self) -> datetime:
        """Now, as the store's clock says (until it is open: the moment the command started
        when the first page is read ahead, so that the first query is that page's; else the
        system's UTC clock)."""
        if self._clock is not None:
            return self._clock()
        if self.store is not None:
            return self.store.now()
        opening = self.open_with
        if opening is not None and opening.ahead is not None and opening.started is not None:
            return opening.started
        return datetime.now(UTC)

    @property
    def label(self) -> str:
        """The database's name for the header ("" until it is known)."""
        if self.store is not None:
            return self.store.label
        return (self.open_with.label if self.open_with else None) or ""

    def connect(self, who: str | AuditReader | None) -> AuditReader:
        """The reader (opening the store first when needed). Runs in a worker thread."""
        if not isinstance(who, str) and who is not None:
            return who
        if self.open_with is not None:
            early = self.open_with.early_reader(who, self._store_opened)
            if early is not None:  # the first page is here already; the store opens later
                return early  # type: ignore[return-value]
            store, email = self.open_with.opened()
            self.store = store
            who = who or email
        assert self.store is not None and who is not None
        return self.store.reader(who)

    def _store_opened(self, store: AuditStore) -> None:
        self.store = store

    def give_up(self, error: AuditLogError) -> None:
        """Opening failed in a viewer made by ``opening``: leave, and let the caller say why."""
        self.failed_to_open = error
        self.exit(return_code=1)

    def on_mount(self) -> None:
        # Pushed (not the default screen) so that Textual loads the screen's own .tcss.
        self.push_screen(AuditLogScreen())
        if self.open_with is not None:  # the command line's viewer: the process is its own
            collector = QuietCollector()
            collector.start()
            self.set_interval(QUIET_SECONDS, collector.tick)
            self.set_timer(START_SECONDS, collect_if_still_off)

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.current_theme.dark else DARK
