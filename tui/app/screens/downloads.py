"""The screen's download: the dialog, the background export and its progress."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from tui.app.messages import ExportFailed, ExportFinished, ExportProgress
from tui.domain.errors import AuditLogError
from tui.domain.query import EventQuery

if TYPE_CHECKING:
    from textual.worker import WorkerManager

    from tui.app.app import AuditLogApp
    from tui.app.widgets.status_line import StatusLine
    from tui.store.repository import AuditReader


class DownloadActions:
    """Mixed into ``AuditLogScreen``: the w key. One download at a time, off the UI thread."""

    if TYPE_CHECKING:
        reader: AuditReader | None
        query_now: EventQuery
        viewer: AuditLogApp
        app: AuditLogApp
        status: StatusLine
        workers: WorkerManager

        def post_message(self, message: object) -> bool: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        def _needs_reader(self) -> bool: ...

    def action_download(self) -> None:
        if not self._needs_reader():
            return
        if any(w.group == "export" and w.is_running for w in self.workers):
            self.notify("A download is running already.", severity="warning", markup=False)
            return
        from tui.app.widgets.download_dialog import DownloadDialog

        query = self.query_now
        count = self.status.count
        matching = str(count) if count is not None else ""

        def chosen(choice: tuple[str, Path] | None) -> None:
            if choice is not None:
                self.status.download = "Downloading…"
                self._export(query, *choice)

        self.app.push_screen(DownloadDialog(Path.cwd(), self.viewer.clock(), matching), chosen)

    @work(thread=True, group="export")
    def _export(self, query: EventQuery, format_name: str, path: Path) -> None:
        from tui.app.export_task import ExportCancelled, export

        worker = get_current_worker()
        assert self.reader is not None
        try:
            written = export(
                self.reader,
                query,
                format_name,
                path,
                progress=lambda n: self.post_message(ExportProgress(n)),
                cancelled=lambda: worker.is_cancelled,
            )
        except ExportCancelled:
            return
        except (AuditLogError, OSError) as error:
            self.post_message(ExportFailed(path, str(error)))
            return
        self.post_message(ExportFinished(path, written, format_name))

    def on_export_progress(self, message: ExportProgress) -> None:
        total = self.status.count
        of = f" of {total}" if total is not None else ""
        self.status.download = f"Downloading… {message.written:,}{of}"

    def on_export_finished(self, message: ExportFinished) -> None:
        self.status.download = ""
        noun = "event" if message.written == 1 else "events"
        self.notify(
            f"Saved {message.written:,} {noun} as {message.format.upper()} to {message.path}",
            title="Download complete",
            markup=False,
            timeout=10,
        )

    def on_export_failed(self, message: ExportFailed) -> None:
        self.status.download = ""
        self.notify(
            f"Nothing saved to {message.path}: {message.reason}",
            title="Download failed",
            severity="error",
            markup=False,
            timeout=10,
        )
