"""The footer, on two lines: every key of the screen stays visible at 80 columns.

Textual's ``Footer`` lays its keys out as a one-row grid (it sets one column per key); at 80
columns that cuts most of the viewer's keys off. This one keeps the grid but halves the
columns, so the keys wrap onto a second line.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer


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

    def compose(self) -> ComposeResult:
        yield from super().compose()
        keys = self.styles.grid_size_columns or 1
        self.styles.grid_size_columns = (keys + 1) // 2
