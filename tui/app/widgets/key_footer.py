"""The footer, on two lines: every key of the screen stays visible at 80 columns.

Textual's ``Footer`` lays its keys out as a one-row grid; at 80 columns that cuts most of the
viewer's keys off. It is also a widget per key: some sixteen widgets composed, mounted and
styled again whenever the keys shown change (the first rows bring Enter, the JSON pane and
the search box bring Esc), and each key drew itself through Rich, about half a millisecond
apiece. Measured on a slow machine, that was 26 ms of composing and 17 ms of drawing between
the first frame and the first rows, and 14-35 ms after every Enter or Esc that changed the
keys, time the next keystroke waited for.

This footer is one widget that draws its keys as two lines of text: a change of keys is a
redraw of two lines. The keys go in columns, left to right and then onto the second line,
each column as wide as its longer entry and the spare width shared out, so no description
runs into the next key; when the terminal is too narrow the longest descriptions are cut
with an ellipsis (the keys themselves always show). A key the screen offers but cannot run
now is dimmed. A click on a key presses it; hovering shows its tooltip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

from tui.app.key_layout import GAP, ShownKey, key_cells, shown_keys

if TYPE_CHECKING:
    from textual.screen import Screen

_DIM = Style(dim=True)


class KeyFooter(Widget, can_focus=False):
    """The screen's keys (those its bindings show), on two lines at the bottom."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 2;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: tuple[ShownKey, ...] = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        # As Textual's footer: while the terminal has lost the focus, the keys are kept.
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        keys = shown_keys(screen)
        if keys != self.keys:
            self.keys = keys
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        lines = [Text(no_wrap=True, overflow="crop"), Text(no_wrap=True, overflow="crop")]
        for y, _, cell, key in self._cells():
            shown, described = (
                (key_style, description_style)
                if key.enabled
                else (key_style + _DIM, description_style + _DIM)
            )
            lines[y].append(key.display, shown)
            room = cell - cell_len(key.display)
            words = Text(f" {key.description}", described)
            words.truncate(room, overflow="ellipsis")
            lines[y].append_text(words)
            # Unstyled, so the padding is not part of the description's run of text.
            lines[y].append(" " * (room - words.cell_len + GAP))
        return Text("\n", no_wrap=True).join(lines)

    def _cells(self) -> list[tuple[int, int, int, ShownKey]]:
        return key_cells(self.keys, self.content_region.width or self.size.width)

    def _key_at(self, x: int, y: int) -> ShownKey | None:
        for line, start, cells, key in self._cells():
            if line == y and start <= x < start + cells:
                return key
        return None

    def on_click(self, event: events.Click) -> None:
        key = self._key_at(event.x, event.y)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x, event.y)
        self.tooltip = (key.tooltip or None) if key else None
