"""The details pane: one event as highlighted JSON, with an old → new list for updates.

The JSON editor (and with it tree-sitter) is built the first time the pane opens, so the
viewer starts without paying for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from tui.app.event_text import changes_text, event_json, highlightable, pane_json, title_text
from tui.domain.event import AuditEvent

if TYPE_CHECKING:
    from textual.widgets import TextArea


class JsonPane(Vertical):
    """Shows ``event``; its buttons ask the screen to copy or to close."""

    DEFAULT_CSS = """
    JsonPane { display: none; }
    JsonPane.-open { display: block; }
    """

    @dataclass
    class CopyRequested(Message):
        pass

    @dataclass
    class CloseRequested(Message):
        pass

    @dataclass
    class Toggled(Message):
        """The pane opened or closed (the screen's keys change with it)."""

        open: bool

    def __init__(self, zone: tzinfo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.zone = zone
        self.event: AuditEvent | None = None
        self.json_text = ""
        self._editor: TextArea | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="pane-bar"):
            yield Static(id="pane-title")
            yield Button("Copy JSON", id="copy", compact=True, tooltip="Copy the event (c)")
            yield Button("Close", id="close", compact=True, tooltip="Close the pane (Esc)")
        with VerticalScroll(id="changes"):
            yield Static(id="changes-text")

    def show(self, audit_event: AuditEvent, erased: bool) -> None:
        self.event = audit_event
        self.json_text = event_json(audit_event)
        title = title_text(audit_event, self.zone)
        if erased:
            title.append(" · performer's account erased since", style="italic")
        self.query_one("#pane-title", Static).update(title)
        changes = changes_text(audit_event)
        scroller = self.query_one("#changes", VerticalScroll)
        scroller.display = changes is not None
        self.query_one("#changes-text", Static).update(changes or "")
        scroller.scroll_home(animate=False)
        shown, cut = pane_json(audit_event, self.json_text)
        if cut:
            title.append(" · long values cut here, c copies them whole", style="italic")
            self.query_one("#pane-title", Static).update(title)
        editor = self._ensure_editor()
        language = "json" if highlightable(shown) else None
        if editor.language != language:
            _replacing_document(editor, lambda: setattr(editor, "language", language))
        _replacing_document(editor, lambda: editor.load_text(shown))
        editor.scroll_home(animate=False)
        editor.move_cursor((0, 0))
        self.add_class("-open")
        self.post_message(self.Toggled(True))

    def close(self) -> None:
        self.remove_class("-open")
        self.event = None
        self.post_message(self.Toggled(False))

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def focus_json(self) -> None:
        if self._editor is not None:
            self._editor.focus()

    def _ensure_editor(self) -> TextArea:
        if self._editor is None:
            from textual.widgets import TextArea

            self._editor = TextArea.code_editor(
                "",
                language="json",
                theme=self._editor_theme(),
                read_only=True,
                soft_wrap=True,
                show_line_numbers=False,
                highlight_cursor_line=False,
                id="json",
            )
            self.mount(self._editor)
            self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        return self._editor

    def _editor_theme(self) -> str:
        # "css" follows the app's colours, but its light variant greys out the punctuation.
        return "css" if self.app.current_theme.dark else "github_light"

    def _theme_changed(self, _theme: object) -> None:
        if self._editor is not None:
            self._editor.theme = self._editor_theme()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy":
            self.post_message(self.CopyRequested())
        elif event.button.id == "close":
            self.post_message(self.CloseRequested())


def _replacing_document(editor: TextArea, change: Callable[[], object]) -> None:
    """Run ``change`` (which gives the editor a new document), then let the old one go.

    A highlighted document and its tree-sitter tree refer to each other through a callback
    the garbage collector cannot see into (Textual 8.2.8, tree-sitter 0.2x): every event
    shown kept its predecessor's whole text and tree alive. Dropping the tree breaks that.
    """
    before = editor.document
    change()
    if editor.document is not before and hasattr(before, "_syntax_tree"):
        before._syntax_tree = None  # type: ignore[attr-defined]
        before._parser = None  # type: ignore[attr-defined]
