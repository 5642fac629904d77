"""Recording a reading of the log (``tui.domain.reading``) as an event of the log itself.

A recorded reading is appended like any event, so it is chained, visible to admins and to
every supervisor (it belongs to the portal), exported and verified like the rest.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from tui.domain.access import Principal
from tui.domain.reading import reading_event

if TYPE_CHECKING:
    from tui.store.repository import AuditStore


def record_reading(
    store: AuditStore,
    reader: Principal,
    action: str,
    *,
    summary: str,
    details: dict[str, Any],
    source: str | None,
    user_agent: str,
) -> str:
    """Append the event that ``reader`` performed ``action``; returns its id.

    ``source`` is where the reader connected from (``SSH_CLIENT``'s text, or None for a
    local terminal). Raises what ``AuditStore.append`` raises; the caller decides whether a
    reading that cannot be recorded may go on.
    """
    event = reading_event(
        action,
        event_id=f"auditlog-{uuid.uuid4().hex}",
        at=store.now(),
        reader=reader,
        source_ip=source or "",
        user_agent=user_agent,
        summary=summary,
        details=details,
    )
    store.append([event])
    return event.id
