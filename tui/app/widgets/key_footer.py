"""The footer, on two lines: every key of the screen stays visible at 80 columns.

Textual's ``Footer`` lays its keys out as a one-row grid (it sets one column per key); at 80
columns that cuts most of the viewer's keys off. This one keeps the grid but halves the
columns, so the keys wrap onto a second line.

Textual's footer also rebuilds all its keys (some twenty widgets) whenever the screen says
its bindings may have changed, which the viewer does on most moves and loads; this one
rebuilds only when the keys it would show did change, and only once for one change (a
rebuild costs 10-30 ms, and the first rows bring one: Enter appears).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.screen import Screen

Shown = tuple[tuple[str, str, str, bool, str], ...]


class KeyFooter(Footer):
    DEFAULT_CSS = """
    KeyFooter {
        height: 2;
        layout: grid;
    }
    KeyFooter.-compact FooterKey {
        width: 1fr;
        margin-right: 0;
    }
    """

    _composed_for: Shown | None = None

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._composed_for = _shown(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Footer data-binds each key's ``compact`` to its own, and that binding (a
                # watcher on the footer) outlives the key: every rebuild kept some twenty
                # removed keys alive. The footer's compactness never changes: set it once.
                widget._reactive_connect = None
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact")
            yield widget
        keys = self.styles.grid_size_columns or 1
        self.styles.grid_size_columns = (keys + 1) // 2

    def bindings_changed(self, screen: Screen) -> None:
        if self._composed_for is not None and _shown(screen) == self._composed_for:
            return
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        # Each signal that comes before the rebuild runs queues one (Footer.bindings_changed),
        # so one change of keys (the first rows add Enter) often queues two: the second
        # would rebuild the same keys again.
        if (
            self._composed_for is not None
            and self.is_attached
            and _shown(self.screen) == self._composed_for
        ):
            return
        await super().recompose()


def _shown(screen: Screen) -> Shown:
    """What the footer shows of ``screen``'s keys: key, action, label, enabled, tooltip."""
    return tuple(
        (binding.key, binding.action, binding.description, enabled, tooltip)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )
