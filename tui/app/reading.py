"""Recording that the viewer's user read the log: opened it, downloaded from it, verified it.

Called from the screen's thread workers only (an append is a write transaction). The reading
comes first: a reading that cannot be recorded (a read-only database, a role without INSERT)
is returned as the reason, which the screen shows as a warning, and the viewer goes on.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from tui import __version__
from tui.domain.errors import AuditLogError

if TYPE_CHECKING:
    from tui.store.repository import AuditReader, AuditStore

#: How the viewer names itself in a reading's details and user agent.
INTERFACE = "viewer"


def record(
    store: AuditStore | None,
    reader: AuditReader,
    action: str,
    summary: str,
    details: dict[str, Any],
) -> str | None:
    """Append ``reader``'s ``action`` event; None when done, else why it was not recorded."""
    if store is None:
        return "the database is not open"
    try:
        recorded = store.record_reading(
            reader.email,
            action,
            summary=summary,
            details={"interface": INTERFACE, **details},
            source=os.environ.get("SSH_CLIENT"),
            user_agent=f"auditlog/{__version__} ({INTERFACE})",
        )
        if recorded is None:
            return f"there is no account {reader.email!r}"
    except AuditLogError as error:
        return str(error)
    return None
