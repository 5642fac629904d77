"""Recording that a command read the log (``tui.domain.reading``): who, from where, what.

The command's own work comes first: a reading that cannot be recorded (a read-only
database, a role without INSERT) is reported on stderr and does not undo what was read or
change the exit code. A deployment that must record every reading gives the reading role
INSERT on the events and chain tables (the append-only triggers still refuse changes).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from tui import __version__
from tui.domain.display import inert
from tui.domain.errors import AuditLogError

if TYPE_CHECKING:
    from tui.store.repository import AuditStore


def record(
    store: AuditStore, email: str, action: str, summary: str, details: dict[str, Any]
) -> str | None:
    """Append the reading event for ``email``; its id, or None (with a warning) on failure."""
    try:
        return store.record_reading(
            email,
            action,
            summary=summary,
            details={"interface": "command line", **details},
            source=os.environ.get("SSH_CLIENT"),
            user_agent=f"auditlog/{__version__} (command line)",
        )
    except AuditLogError as error:
        print(
            f"auditlog: warning: this reading was not recorded in the log: {inert(str(error))}",
            file=sys.stderr,
        )
        return None
