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
) -> int:
    """Paint the viewer, then open the store with ``connect``; return the exit status.

    ``connect`` returns the opened store and the account to read as; it runs in a worker
    after the first frame (``tui.app.opening``), which names the database ``label`` and the
    account ``email`` when they are known before. A refusal or database error met while
    opening ends the viewer and is raised here, for the command line to report.
    """
    from tui.app.app import AuditLogApp
    from tui.app.opening import Opening

    app = AuditLogApp.opening(Opening(connect, label=label, email=email), zone=zone)
    app.run()
    if app.failed_to_open is not None:
        raise app.failed_to_open
    return app.return_code or 0
