"""The line under the table: how many events match, which page, and what is running."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from tui.app.event_text import ERASED_MARK
from tui.domain.query import PAGE_SIZE, Count


class StatusLine(Static):
    """``1,234 events · page 3 of 13 · † erased account      Loading…``.

    The screen sets the reactive fields; the line redraws itself.
    """

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        background: $boost;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    StatusLine.-problem { background: $error 30%; }
    """

    count: reactive[Count | None] = reactive(None)
    page: reactive[int | None] = reactive(None)
    erased_shown: reactive[bool] = reactive(False)
    activity: reactive[str] = reactive("")
    download: reactive[str] = reactive("")
    problem: reactive[str] = reactive("")

    def watch_problem(self, problem: str) -> None:
        self.set_class(bool(problem), "-problem")

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        if self.problem:
            line.append("⚠ ", style="bold")
            line.append(self.problem)
            return line
        if self.count is None:
            line.append("Counting…", style="dim")
        else:
            noun = "event" if self.count.value == 1 and not self.count.capped else "events"
            line.append(f"{self.count} {noun}", style="bold")
        if self.page is not None:
            line.append(f" · page {self.page + 1}")
            if self.count is not None and not self.count.capped and self.count.value:
                line.append(f" of {(self.count.value + PAGE_SIZE - 1) // PAGE_SIZE}")
        if self.erased_shown:
            line.append(f" · {ERASED_MARK} erased account", style="italic")
        for note in (self.activity, self.download):
            if note:
                line.append(" · ")
                line.append(note, style="italic")
        return line
