"""How the viewer reaches the log when the command line starts it: after the first frame.

Connecting costs more than the whole start-up budget allows before the first frame (SQLAlchemy
alone imports in about a fifth of a second, then the schema check and the account), so
``auditlog`` paints the header, the filters and a loading table first, and a worker opens
the store through ``Opening.open``. A refusal or an unreachable database found then ends the
viewer: ``run_viewer`` raises it again, and the command line prints it and exits non-zero,
exactly as when it checked before starting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.store.repository import AuditStore


@dataclass
class Opening:
    """``open`` returns the opened store and the account to read as (it runs in a worker).

    ``label`` names the database and ``email`` the account in the first frame, when the
    command line knows them without connecting (a file path; ``--as``); else they appear once
    the store is open.
    """

    open: Callable[[], tuple[AuditStore, str]]
    label: str | None = None
    email: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _opened: tuple[AuditStore, str] | None = field(default=None, repr=False)

    def opened(self) -> tuple[AuditStore, str]:
        """Open once, however many workers ask (a newer query may start before it is done)."""
        with self._lock:
            if self._opened is None:
                self._opened = self.open()
            return self._opened
