"""The line under the table: the selected event's whole summary and its target.

At 80 columns the Summary column holds a few words; this line holds as much of the
highlighted row's summary as the terminal is wide, then the target. It is drawn from the
event already in the table's window, so moving the cursor never calls the database.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.app.event_text import gist_text
from tui.domain.event import AuditEvent


class GistLine(Static):
    """``Created collector agent “RE-7” at Redwood Engineering · Target: RE-7 (agent)``."""

    DEFAULT_CSS = """
    GistLine {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.event: AuditEvent | None = None

    def show(self, audit_event: AuditEvent | None) -> None:
        """Show ``audit_event`` (None: nothing selected, an empty line)."""
        if audit_event is not self.event:
            self.event = audit_event
            self.refresh()

    def render(self) -> Text:
        if self.event is None:
            return Text()
        return gist_text(self.event, self.content_region.width or self.size.width)
