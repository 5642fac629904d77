"""The screen's verification: walking the hash chain in the background, with progress.

V opens ``VerifyDialog`` and starts ``AuditStore.verify`` in a thread worker; the store
refuses anyone but an Admin (the report names events of every tenant), and the dialog then
says so. Progress (done/total events) comes as messages; the report replaces it: VALID with
its counts, or TAMPERED with the findings. Esc while it runs cancels the worker, which stops
at its next progress call; Esc afterwards closes the dialog. A finished verification is
recorded in the log as the reader's "Audit Log Verified" (by the worker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.worker import Worker, get_current_worker

from tui.app.messages import VerifyFailed, VerifyFinished, VerifyProgress, VerifyStopped
from tui.app.screens.screen_parts import ScreenParts
from tui.domain.errors import AuditLogError

if TYPE_CHECKING:
    from tui.app.widgets.verify_dialog import VerifyDialog


class VerifyCancelled(Exception):
    """Raised from the progress callback to stop a cancelled verification."""


class VerifyActions(ScreenParts):
    """Mixed into ``AuditLogScreen``: the V key. One verification at a time."""

    verifying: Worker[None] | None = None
    verify_dialog: VerifyDialog | None = None

    def action_verify(self) -> None:
        from tui.app.widgets.verify_dialog import VerifyDialog

        if self.verify_dialog is not None:
            return  # its dialog is on top already
        if not self._needs_reader():
            return
        if self.verifying is not None:
            self.notify(
                "The last verification is still stopping; try again in a moment.",
                severity="warning",
                markup=False,
            )
            return
        dialog = VerifyDialog()
        self.verify_dialog = dialog

        def closed(_: None) -> None:
            self.verify_dialog = None
            if self.verifying is not None:
                self.verifying.cancel()

        self.app.push_screen(dialog, closed)
        self.verifying = self._verify()

    @work(thread=True, exclusive=True, group="verify")
    def _verify(self) -> None:
        worker = get_current_worker()
        reader = self.reader
        assert reader is not None and self.viewer.store is not None

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise VerifyCancelled
            self.post_message(VerifyProgress(done, total))

        try:
            report = self.viewer.store.verify(reader.email, progress=progress)
        except VerifyCancelled:
            self.post_message(VerifyStopped())
            return
        except AuditLogError as error:
            self.post_message(VerifyFailed(error))
            return
        from tui.domain.reading import VERIFIED, verified_details, verified_summary

        self.record_reading(reader, VERIFIED, verified_summary(report), verified_details(report))
        self.post_message(VerifyFinished(report))

    def _verify_ended(self) -> None:
        self.verifying = None

    def on_verify_progress(self, message: VerifyProgress) -> None:
        if self.verify_dialog is not None:
            self.verify_dialog.show_progress(message.done, message.total)

    def on_verify_finished(self, message: VerifyFinished) -> None:
        self._verify_ended()
        if self.verify_dialog is not None:
            self.verify_dialog.show_report(message.report)

    def on_verify_failed(self, message: VerifyFailed) -> None:
        self._verify_ended()
        if self.verify_dialog is not None:
            self.verify_dialog.show_failure(message.error)

    def on_verify_stopped(self, message: VerifyStopped) -> None:
        self._verify_ended()
