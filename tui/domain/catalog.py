"""The portal's fixed catalog of audit event types, as data.

Everything that needs to know which events exist (validation, filter pickers, the demo
generator, the store's area column) reads this module, so the catalog lives in one place.
Source: ``shared/event-catalog.md`` (53 types in four areas). ``READING`` adds auditlog's own
events, in an area of their own: opening, exporting and verifying the log are recorded too.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Area(enum.StrEnum):
    """The four operational areas the portal groups its events into, and auditlog's own."""

    USER_MANAGEMENT = "User Management"
    INFRASTRUCTURE = "Infrastructure & Agents"
    INTEGRATIONS = "Integrations & Gateways"
    REPORTING = "Reporting & Rules"
    AUDIT_LOG = "Audit Log Access"


@dataclass(frozen=True, slots=True)
class EventType:
    """One entry of the catalog: its display name and the area it belongs to."""

    name: str
    area: Area

    @property
    def is_update(self) -> bool:
        """``... Updated`` events must say what changed, field by field."""
        return self.name.endswith(" Updated")

    @property
    def is_failure(self) -> bool:
        """A failed action must carry the reason it failed."""
        return self.name.endswith(" Failed")


_BY_AREA: dict[Area, tuple[str, ...]] = {
    Area.USER_MANAGEMENT: (
        "User First Login",
        "User Login",
        "User Logged Out",
        "User Password Updated",
        "User Created",
        "User Updated",
        "User Deleted",
        "User Confirmed",
        "User Activated",
        "User Deactivated",
        "User Invited",
        "User Accepted",
    ),
    Area.INFRASTRUCTURE: (
        "Collector Created",
        "Collector Updated",
        "Collector Deleted",
        "Collector Agent Created",
        "Collector Agent Updated",
        "Collector Agent Deleted",
        "Custom Collector Created",
        "Custom Collector Updated",
        "Custom Collector Deleted",
        "API Key Revoked",
        "Appliance Created",
        "Appliance Updated",
        "Appliance Deleted",
        "Appliance Activated",
        "Appliance Revoked",
        "Log Forwarder Agent Created",
        "Log Forwarder Agent Updated",
        "Log Forwarder Agent Deleted",
        "Log Forwarder Agent Activated",
        "Log Forwarder Agent Revoked",
        "Company Created",
        "Company Updated",
        "Company Deleted",
        "Company Detached From MSP",
        "Roaming Agent Deleted",
        "Roaming Group Deleted",
    ),
    Area.INTEGRATIONS: (
        "Integration Created",
        "Integration Updated",
        "Integration Deleted",
        "Integration Deletion Failed",
        "Gateway Created",
        "Gateway Updated",
        "Gateway Deleted",
        "Autopilot Status Updated",
    ),
    Area.REPORTING: (
        "Incident Details Report Requested",
        "Incident Report Sent",
        "Scheduled Report Sent",
        "Grouping Rules Updated",
        "Label Created",
        "Label Updated",
        "Label Deleted",
    ),
}

#: Every portal event type, in catalog order (area by area): the portal's 53.
CATALOG: tuple[EventType, ...] = tuple(
    EventType(name, area) for area, names in _BY_AREA.items() for name in names
)

#: auditlog's own events: reading the log is itself recorded (``tui.domain.reading``).
READING: tuple[EventType, ...] = tuple(
    EventType(name, Area.AUDIT_LOG)
    for name in ("Audit Log Opened", "Audit Log Exported", "Audit Log Verified")
)

#: What the log may hold: the portal's catalog, then auditlog's own.
EVERY_TYPE: tuple[EventType, ...] = CATALOG + READING

_BY_NAME: dict[str, EventType] = {event_type.name: event_type for event_type in EVERY_TYPE}
_BY_FOLDED_NAME: dict[str, EventType] = {t.name.casefold(): t for t in EVERY_TYPE}


def event_type(name: str) -> EventType | None:
    """The catalog entry spelled exactly ``name``, or None."""
    return _BY_NAME.get(name)


def find_event_type(name: str) -> EventType | None:
    """The catalog entry for ``name`` ignoring case and surrounding space (for user input)."""
    return _BY_FOLDED_NAME.get(" ".join(name.split()).casefold())


def find_area(name: str) -> Area | None:
    """The area for ``name`` ignoring case; ``&`` may be written ``and``."""
    wanted = " ".join(name.split()).casefold().replace(" and ", " & ")
    for area in Area:
        if area.value.casefold() == wanted:
            return area
    return None


def types_in(area: Area) -> tuple[EventType, ...]:
    """The entries of one area, in catalog order."""
    return tuple(t for t in EVERY_TYPE if t.area is area)


def is_incident_operation(name: str) -> bool:
    """True for names of incident operations, which the audit log never records.

    The two reporting events that mention incidents are in the catalog, so only a name
    outside the catalog (in any spelling) that speaks of an incident counts.
    """
    return find_event_type(name) is None and "incident" in name.casefold()
