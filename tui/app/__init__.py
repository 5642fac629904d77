"""The Textual viewer. ``run_viewer`` is the one entry point; Textual loads only when called."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.store.repository import AuditStore


def run_viewer(
    connect: Callable[[], tuple[AuditStore, str]],
    zone: tzinfo,
    *,
    label: str | None = None,
    email: str | None = None,
    read_ahead: bool | None = None,
) -> int:
    """Paint the viewer, then open the store with ``connect``; return the exit status.

    ``connect`` returns the opened store and the account to read as; it runs in a worker
    after the first frame (``tui.app.opening``), which names the database ``label`` and the
    account ``email`` when they are known before. A refusal or database error met while
    opening ends the viewer and is raised here, for the command line to report.

    ``read_ahead`` (default: on a terminal with two cores; ``read_ahead_wanted``) reads the
    first page in a child process while Textual loads and paints (``opening.ReadAhead``).
    """
    import gc
    from datetime import UTC, datetime

    # Start-up makes some 140,000 objects that live as long as the viewer (modules, classes,
    # styles, widgets) and little garbage; the cyclic collector walked them 200 times as
    # they piled up (40-50 ms on a slow machine). It is off until the first screen is
    # complete (``tui.app.collector.collect_again``), in the read-ahead child for the whole
    # of its short life.
    gc.disable()
    from tui.app.opening import Opening, ReadAhead, read_ahead_wanted
    from tui.domain.query import EventQuery

    started = datetime.now(UTC)
    if read_ahead is None:
        read_ahead = read_ahead_wanted()
    # Before Textual is imported: the child is small, and no thread runs yet.
    ahead = ReadAhead.start(connect, EventQuery.default(started)) if read_ahead else None
    try:
        from tui.app.app import AuditLogApp

        opening = Opening(connect, label=label, email=email, ahead=ahead, started=started)
        app = AuditLogApp.opening(opening, zone=zone)
        app.run()
    finally:
        gc.enable()
        if ahead is not None:
            ahead.close()
    if app.failed_to_open is not None:
        raise app.failed_to_open
    return app.return_code or 0
