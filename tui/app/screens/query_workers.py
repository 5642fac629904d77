"""The audit log screen's database work: opening the reader, loading rows, pages and counts,
and recording the reading — each in a thread worker that only posts messages back.

A mixin of ``AuditLogScreen`` (like ``DownloadActions``): the screen decides what to run
(``run_query``) and handles the messages; these run it off the UI thread, the newest request
of a group superseding the older one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.worker import get_current_worker

from tui.app.collector import collect_again
from tui.app.loading import load_window
from tui.app.messages import (
    CountLoaded,
    LoadFailed,
    OpenFailed,
    PageLoaded,
    ReaderOpened,
    ReadingNotRecorded,
)
from tui.domain.errors import AuditLogError
from tui.domain.query import Cursor, EventQuery

if TYPE_CHECKING:
    from tui.app.app import AuditLogApp
    from tui.store.repository import AuditReader


class QueryWorkers:
    """Workers of ``AuditLogScreen``; they read its ``viewer``, ``reader`` and state."""

    @work(thread=True, exclusive=True, group="rows")
    def _start(self, generation: int, query: EventQuery, who: str | AuditReader | None) -> None:
        """Open the reader (and the store, unless given), then load the first rows, then count."""
        # Read once: once the app has exited (q pressed while this runs), ``self.app`` raises
        # NoActiveAppError in this thread, and the opening would go unrecorded.
        viewer = self.viewer
        try:
            reader = viewer.connect(who)
        except AuditLogError as error:
            failed = OpenFailed(error) if viewer.open_with else LoadFailed(generation, error)
            self.post_message(failed)
            return
        try:
            self.post_message(ReaderOpened(reader))
            result = load_window(reader, query, generation, viewer.clock())
            if result is not None:
                self.post_message(result)
            self.post_message(CountLoaded(generation, reader.count(query)))
        except AuditLogError as error:
            self.post_message(LoadFailed(generation, error))
        finally:
            # After the first rows, so recording never holds them back.
            with self._opening_lock:
                first, self._opening_recorded = not self._opening_recorded, True
            if first:
                from tui.domain.reading import OPENED

                self.record_reading(
                    reader, OPENED, "Opened the audit log in the viewer", {}, viewer=viewer
                )
            if first and viewer.open_with is not None:
                # The command line's viewer is the process (tests' apps share one, so not
                # them): its start-up is over.
                collect_again()

    def record_reading(
        self,
        reader: AuditReader,
        action: str,
        summary: str,
        details: dict[str, Any],
        *,
        viewer: AuditLogApp | None = None,
    ) -> None:
        """Write ``reader``'s reading to the log (unless the app says not to). Workers only.

        A failure to record becomes a warning; what was read stays shown. ``viewer`` is the
        app as the worker read it when it started (it may have exited since).
        """
        viewer = viewer or self.viewer
        if not viewer.record_reading:
            return
        from tui.app.reading import record

        reason = record(viewer.store, reader, action, summary, details)
        if reason is not None:
            self.post_message(ReadingNotRecorded(action, reason))

    def on_reading_not_recorded(self, message: ReadingNotRecorded) -> None:
        self.notify(
            f"{message.action} was not recorded in the log: {message.reason}",
            title="Reading not recorded",
            severity="warning",
            markup=False,
            timeout=10,
        )

    @work(thread=True, exclusive=True, group="rows")
    def _load_window(
        self,
        generation: int,
        query: EventQuery,
        select_id: str | None,
        near_page: int,
        newest: Cursor | None,
    ) -> None:
        worker = get_current_worker()
        assert self.reader is not None
        try:
            result = load_window(
                self.reader,
                query,
                generation,
                self.viewer.clock(),
                select_id=select_id,
                near_page=near_page,
                newest=newest,
                cancelled=lambda: worker.is_cancelled,
            )
        except AuditLogError as error:
            self.post_message(LoadFailed(generation, error))
            return
        if result is not None and not worker.is_cancelled:
            self.post_message(result)

    @work(thread=True, exclusive=True, group="count")
    def _count(self, generation: int, query: EventQuery) -> None:
        assert self.reader is not None
        try:
            self.post_message(CountLoaded(generation, self.reader.count(query)))
        except AuditLogError as error:
            self.post_message(LoadFailed(generation, error))

    @work(thread=True, group="page")
    def _load_page(
        self, generation: int, query: EventQuery, index: int, after: Cursor | None
    ) -> None:
        """One page beside the window. Not exclusive: the page below, the one above and the
        one read ahead may be asked for within one turn of the event loop, and an exclusive
        worker cancels those not started yet, whose side then waits for them for ever. At
        most one runs per side (the screen's ``_pending``); an older generation's is dropped."""
        assert self.reader is not None
        try:
            self.post_message(PageLoaded(generation, index, self.reader.page(query, after)))
        except AuditLogError as error:
            self.post_message(LoadFailed(generation, error))
