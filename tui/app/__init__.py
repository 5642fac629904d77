"""The Textual viewer. ``run_viewer`` is the one entry point; Textual loads only when called."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.store.repository import AuditStore


def run_viewer(store: AuditStore, email: str, zone: tzinfo) -> int:
    """Open the viewer on ``store`` as ``email``; return the process exit status."""
    from tui.app.app import AuditLogApp

    app = AuditLogApp(store, email, zone=zone)
    app.run()
    return app.return_code or 0
