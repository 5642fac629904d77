"""The verification's dialog: how far the walk of the hash chain got, then what it found.

While it runs, a bar and "done of total events checked"; Esc (or the button) closes it and
the screen cancels the verification. Then one of: VALID with the counts, TAMPERED with each
finding on its own line, or why it could not run (refused, database failure). Finding texts
name event ids, which come from the data: they are shown inert.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, ProgressBar, Static

from tui.app import explain
from tui.app.widgets.dialog import Dialog
from tui.domain.chain import ChainReport
from tui.domain.display import inert
from tui.domain.errors import AuditLogError

#: Findings listed in the dialog (the report keeps at most its own ``MAX_FINDINGS``).
SHOWN_FINDINGS = 200


class VerifyDialog(Dialog[None]):
    """Esc cancels a running verification, or closes the result."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+c", "close", "Close", id="verify.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        #: "running", then "valid", "tampered" or "failed".
        self.outcome = "running"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Verifying the log's hash chain", id="title")
            yield ProgressBar(total=None, show_eta=False, id="bar")
            yield Static("Starting…", id="checked")
            with VerticalScroll(id="findings"):
                yield Static(id="result")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="close", compact=True, variant="error")
            yield Static(
                "Esc cancels the verification; nothing is changed either way.",
                id="hint",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def show_progress(self, done: int, total: int) -> None:
        if self.outcome != "running":
            return
        self.query_one("#bar", ProgressBar).update(total=total or None, progress=done)
        self.query_one("#checked", Static).update(f"{done:,} of {total:,} events checked")

    def show_report(self, report: ChainReport) -> None:
        self.outcome = "valid" if report.valid else "tampered"
        counts = f"{report.events:,} events in {report.segments:,} segment"
        counts += "" if report.segments == 1 else "s"
        if report.purged:
            counts += f", {report.purged:,} purged by retention"
        text = Text()
        if report.valid:
            text.append("VALID", style="bold green")
            text.append(f"\n{counts} checked: every hash matches and every link holds.")
        else:
            noun = "finding" if report.findings_total == 1 else "findings"
            text.append(f"TAMPERED: {report.findings_total:,} {noun}", style="bold red")
            text.append(f"\n{counts} checked.\n")
            for finding in report.findings[:SHOWN_FINDINGS]:
                text.append("\n• ")
                text.append(inert(finding.describe(), 300))
            hidden = report.findings_total - min(len(report.findings), SHOWN_FINDINGS)
            if hidden:
                text.append(f"\n… and {hidden:,} more (auditlog verify lists them)")
        self._finish(text, "The log was verified" if report.valid else "The log was tampered with")

    def show_failure(self, error: AuditLogError) -> None:
        self.outcome = "failed"
        _, title, *_ = explain.failure(error)
        text = Text()
        text.append(inert(title, 200), style="bold")
        text.append("\n")
        text.append(inert(str(error), 600))
        self._finish(text, "Could not verify the log")

    def _finish(self, result: Text, title: str) -> None:
        self.query_one("#title", Label).update(title)
        self.query_one("#bar").display = False
        self.query_one("#checked").display = False
        self.query_one("#result", Static).update(result)
        self.query_one("#close", Button).label = "Close"
        self.query_one("#close", Button).variant = "primary"
        self.query_one("#hint", Static).update("Esc or Enter closes.")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
