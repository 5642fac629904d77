"""What stands in for the table when there is nothing to show: why, and what to try."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.domain.display import inert


class Notice(Static):
    """A titled explanation; ``kind`` ("empty", "denied", "error") picks the style."""

    DEFAULT_CSS = """
    Notice {
        display: none;
        height: 1fr;
        padding: 1 2;
        content-align: center middle;
    }
    Notice.-shown { display: block; }
    Notice.-error { color: $text-error; }
    Notice.-denied { color: $text-warning; }
    """

    kind = ""

    def show(self, kind: str, title: str, body: str, hints: list[str]) -> None:
        text = Text(justify="left")
        text.append(inert(title, 200), style="bold")
        text.append("\n\n")
        text.append(inert(body, 1000))
        if hints:
            text.append("\n\nTry:", style="bold")
            for hint in hints:
                text.append(f"\n  • {hint}")
        self.update(text)
        for name in ("empty", "denied", "error"):
            self.set_class(name == kind, f"-{name}")
        self.add_class("-shown")
        self.kind = kind

    def hide(self) -> None:
        self.remove_class("-shown")
        self.kind = ""

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")
