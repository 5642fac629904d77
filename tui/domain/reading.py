"""Reading the log is itself recorded: who opened it, exported from it or verified it.

An audit log is evidence, and looking at evidence is an act worth recording. These events
are auditlog's own (``catalog.READING``, area "Audit Log Access"), not portal events. They
are built here, without I/O: the caller (``tui.store.reading_log``, on behalf of the viewer
and the ``export`` and ``verify`` commands) supplies the id, the moment and where the reader
connected from. They belong to the portal (no tenant), so an admin and every supervisor see
who has been reading.

What each holds in ``details``:

- ``Audit Log Opened``: ``{"interface": "viewer"}``.
- ``Audit Log Exported``: ``{"interface", "format", "events", "completed", "query"}`` where
  ``query`` (``describe_query``) gives the scope, range, filters and search text exported.
- ``Audit Log Verified``: ``{"interface", "source", "result", "events", "findings"}``.
"""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import datetime
from typing import Any

from tui.domain.access import Principal
from tui.domain.catalog import EventType, event_type
from tui.domain.chain import ChainReport
from tui.domain.event import AuditEvent, Context, Performer, Target, format_timestamp
from tui.domain.query import EventQuery
from tui.domain.validation import parse_event

OPENED = "Audit Log Opened"
EXPORTED = "Audit Log Exported"
VERIFIED = "Audit Log Verified"

#: What a reading event acts upon: the log itself.
AUDIT_LOG_TARGET = Target(kind="audit log", id="audit-log", name="Audit Log")

#: Where a reader came from when nothing better is known (a local terminal).
LOCAL_ADDRESS = "127.0.0.1"


def reading_event(
    action: str,
    *,
    event_id: str,
    at: datetime,
    reader: Principal,
    source_ip: str,
    user_agent: str,
    summary: str,
    details: dict[str, Any],
) -> AuditEvent:
    """The event recording that ``reader`` performed ``action`` on the log at ``at``.

    It goes through ``parse_event`` like any other event, so what is recorded obeys the same
    rules as what is ingested (and an export of it can be ingested again).
    """
    kind: EventType | None = event_type(action)
    if kind is None or kind.name not in (OPENED, EXPORTED, VERIFIED):
        raise ValueError(f"{action!r} is not a reading action")
    performer = Performer(
        id=performer_id(reader.email),
        mail=reader.email,
        name=reader.name,
        role=str(reader.role),
    )
    draft = AuditEvent(
        event_id,
        kind,
        at,
        performer,
        Context(tenant=None, source_ip=source_address(source_ip), user_agent=user_agent),
        AUDIT_LOG_TARGET,
        summary,
        details,
    )
    return parse_event(draft.to_dict())


def performer_id(email: str) -> str:
    """A stable identifier for an account known by its mail (accounts carry no other id)."""
    return "acct-" + hashlib.sha256(email.casefold().encode()).hexdigest()[:24]


def source_address(text: str | None) -> str:
    """The reader's address from ``SSH_CLIENT``'s form (``"addr port port"``) or a bare
    address; the local one when there is none or it is not an address."""
    fields = (text or "").split()
    if fields:
        try:
            return str(ipaddress.ip_address(fields[0].split("%", 1)[0]))
        except ValueError:
            pass
    return LOCAL_ADDRESS


def describe_query(query: EventQuery) -> dict[str, Any]:
    """What was read, for an export's details: scope, range, filters and search text."""
    scope = query.scope
    return {
        "scope": {
            "portal": scope.portal,
            "tenants": "all" if scope.tenants is None else sorted(scope.tenants),
        },
        "from": format_timestamp(query.time_range.start),
        "to": format_timestamp(query.time_range.end),
        "types": sorted(query.types),
        "areas": sorted(area.value for area in query.areas),
        "performer": query.performer,
        "text": query.text,
    }


def verified_summary(report: ChainReport) -> str:
    """The summary of an ``Audit Log Verified`` event (the viewer and the CLI say the same)."""
    if report.valid:
        return f"Verified the audit log: VALID ({report.events:,} events)"
    return f"Verified the audit log: TAMPERED ({report.findings_total:,} findings)"


def verified_details(report: ChainReport) -> dict[str, Any]:
    return {
        "source": "database",
        "result": "VALID" if report.valid else "TAMPERED",
        "events": report.events,
        "segments": report.segments,
        "findings": report.findings_total,
    }
