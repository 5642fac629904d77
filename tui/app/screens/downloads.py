"""The screen's download: the dialogs, the background export, its progress and cancelling.

w asks for the format and path (``DownloadDialog``), then the export runs in a thread
worker while ``DownloadProgress`` shows how far it got. Esc there cancels the worker; the
export stops at its next event, deletes its partial file and posts ``ExportStopped``, and
only then does the screen say it was cancelled. Enter hides the dialog: the download goes on
in the background, the status line counts, and w shows the dialog again. However it ends, the
download is recorded in the log as the reader's "Audit Log Exported" (by the worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.worker import Worker, get_current_worker

from tui.app.messages import ExportFailed, ExportFinished, ExportProgress, ExportStopped
from tui.app.screens.screen_parts import ScreenParts
from tui.domain.errors import AuditLogError
from tui.domain.query import Count, EventQuery

if TYPE_CHECKING:
    from tui.app.widgets.download_progress import DownloadProgress


@dataclass
class RunningDownload:
    """The one download in progress."""

    path: Path
    format_name: str
    total: Count | None
    worker: Worker[None]
    written: int = 0
    dialog: DownloadProgress | None = None
    cancelling: bool = False


class DownloadActions(ScreenParts):
    """Mixed into ``AuditLogScreen``: the w key. One download at a time, off the UI thread."""

    download: RunningDownload | None = None

    def action_download(self) -> None:
        if self.download is not None:
            self._show_download()  # where it is, and the way to cancel it
            return
        if not self._needs_reader():
            return
        from tui.app.widgets.download_dialog import DownloadDialog

        query = self.query_now
        count = self.status.count
        matching = str(count) if count is not None else ""

        def chosen(choice: tuple[str, Path] | None) -> None:
            if choice is None:
                return
            format_name, path = choice
            worker = self._export(query, format_name, path)
            self.download = RunningDownload(path, format_name, count, worker)
            self.status.download = "Downloading…"
            self._show_download()

        self.app.push_screen(DownloadDialog(Path.cwd(), self.viewer.clock(), matching), chosen)

    def _show_download(self) -> None:
        from tui.app.widgets.download_progress import CANCEL, DownloadProgress

        running = self.download
        if running is None or running.dialog is not None:
            return
        dialog = DownloadProgress(running.path, running.format_name, running.total, running.written)
        running.dialog = dialog

        def closed(result: str | None) -> None:
            running.dialog = None
            if result == CANCEL:
                self.cancel_download()

        self.app.push_screen(dialog, closed)

    def cancel_download(self) -> None:
        """Ask the running export to stop; ``ExportStopped`` follows once the file is gone."""
        running = self.download
        if running is None or running.cancelling:
            return
        running.cancelling = True
        running.worker.cancel()
        self.status.download = "Cancelling the download…"

    @work(thread=True, group="export")
    def _export(self, query: EventQuery, format_name: str, path: Path) -> None:
        from tui.app.export_task import ExportCancelled, export

        worker = get_current_worker()
        reader = self.reader
        assert reader is not None
        written = 0

        def progress(count: int) -> None:
            nonlocal written
            written = count
            self.post_message(ExportProgress(count))

        ended: ExportFinished | ExportStopped | ExportFailed
        try:
            written = export(
                reader,
                query,
                format_name,
                path,
                progress=progress,
                cancelled=lambda: worker.is_cancelled,
            )
            ended = ExportFinished(path, written, format_name)
        except ExportCancelled as stopped:
            written = stopped.written
            ended = ExportStopped(path, written)
        except (AuditLogError, OSError, ValueError) as error:
            # ValueError: a path the OS cannot take (a NUL), should one pass check_target.
            ended = ExportFailed(path, str(error))
        completed = isinstance(ended, ExportFinished)
        from tui.domain.reading import EXPORTED, describe_query

        self.record_reading(
            reader,
            EXPORTED,
            f"Exported {written:,} events as {format_name.upper()}"
            + ("" if completed else " (did not complete)"),
            {
                "format": format_name,
                "events": written,
                "completed": completed,
                "query": describe_query(query),
            },
        )
        self.post_message(ended)

    def _end_download(self) -> None:
        running, self.download = self.download, None
        self.status.download = ""
        if running is not None and running.dialog is not None:
            running.dialog.finish()

    def on_export_progress(self, message: ExportProgress) -> None:
        running = self.download
        if running is None or running.cancelling:
            return
        running.written = message.written
        total = running.total
        of = f" of {total}" if total is not None else ""
        self.status.download = f"Downloading… {message.written:,}{of}"
        if running.dialog is not None:
            running.dialog.show_progress(message.written)

    def on_export_finished(self, message: ExportFinished) -> None:
        self._end_download()
        noun = "event" if message.written == 1 else "events"
        self.notify(
            f"Saved {message.written:,} {noun} as {message.format.upper()} to {message.path}",
            title="Download complete",
            markup=False,
            timeout=10,
        )

    def on_export_failed(self, message: ExportFailed) -> None:
        self._end_download()
        self.notify(
            f"Nothing saved to {message.path}: {message.reason}",
            title="Download failed",
            severity="error",
            markup=False,
            timeout=10,
        )

    def on_export_stopped(self, message: ExportStopped) -> None:
        self._end_download()
        self.notify(
            f"Stopped after {message.written:,} events; the partial file was deleted, "
            f"nothing saved to {message.path}",
            title="Download cancelled",
            severity="warning",
            markup=False,
            timeout=10,
        )
