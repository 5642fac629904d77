"""What people do: which event types each role produces, and how often.

Weights are relative within a table. Admins spread their work over every tenant and the
portal; supervisors work at their tenants; analysts mostly read incidents; viewers barely act.
``ACTIONS`` maps every type the random sessions produce to an inventory kind and a verb.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable
from random import Random

from tui.domain.access import Role
from tui.domain.catalog import CATALOG

_TYPES = {t.name for t in CATALOG}

#: Tenant work of admins and supervisors: type → relative weight.
_TENANT_WORK = {
    "Collector Created": 3.0, "Collector Updated": 6.0, "Collector Deleted": 1.5,
    "Collector Agent Created": 5.0, "Collector Agent Updated": 8.0, "Collector Agent Deleted": 2.5,
    "Custom Collector Created": 1.2, "Custom Collector Updated": 2.5,
    "Custom Collector Deleted": 0.8, "API Key Revoked": 1.0,
    "Appliance Created": 1.0, "Appliance Updated": 2.0, "Appliance Deleted": 0.6,
    "Appliance Activated": 1.0, "Appliance Revoked": 0.5,
    "Log Forwarder Agent Created": 1.5, "Log Forwarder Agent Updated": 3.0,
    "Log Forwarder Agent Deleted": 0.8, "Log Forwarder Agent Activated": 1.2,
    "Log Forwarder Agent Revoked": 0.5, "Company Updated": 1.0,
    "Roaming Agent Deleted": 2.5, "Roaming Group Deleted": 0.7,
    "Integration Created": 2.5, "Integration Updated": 6.0, "Integration Deleted": 1.2,
    "Integration Deletion Failed": 0.5, "Gateway Created": 0.8, "Gateway Updated": 1.5,
    "Gateway Deleted": 0.5, "Autopilot Status Updated": 1.5,
    "Incident Details Report Requested": 4.0, "Incident Report Sent": 3.0,
    "Grouping Rules Updated": 1.2, "Label Created": 1.5, "Label Updated": 1.5,
    "Label Deleted": 0.7,
}  # fmt: skip
_ADMIN_PORTAL = {
    "User Updated": 4.0, "User Password Updated": 0.6, "API Key Revoked": 1.0,
    "Label Created": 1.0, "Label Updated": 1.0, "Label Deleted": 0.5,
    "Grouping Rules Updated": 0.8, "Gateway Created": 0.4, "Gateway Updated": 0.8,
    "Gateway Deleted": 0.3, "Integration Created": 0.5, "Integration Updated": 1.5,
    "Integration Deleted": 0.3, "Integration Deletion Failed": 0.2,
}  # fmt: skip
_SUPERVISOR_PORTAL = {"User Password Updated": 1.0, "User Updated": 0.6, "Label Updated": 0.5}
_ANALYST_TENANT = {
    "Incident Details Report Requested": 6.0, "Incident Report Sent": 4.0,
    "Label Created": 1.0, "Label Updated": 1.2, "Grouping Rules Updated": 0.5,
    "Collector Agent Updated": 0.6,
}  # fmt: skip
_SELF_PORTAL = {"User Password Updated": 1.0, "User Updated": 0.4}


class Table:
    """Weighted choice among event types, plus the same choice narrowed to one object kind."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.names = tuple(weights)
        self.cumulative = tuple(itertools.accumulate(weights.values()))
        self.by_kind: dict[str, tuple[str, ...]] = {}
        for name in self.names:
            kind = ACTIONS[name][0]
            if kind:
                self.by_kind[kind] = (*self.by_kind.get(kind, ()), name)

    def draw(self, random: Callable[[], float]) -> str:
        at = random() * self.cumulative[-1]
        return self.names[bisect.bisect_right(self.cumulative, at)]


#: type → (inventory kind or "", verb)
ACTIONS: dict[str, tuple[str, str]] = {}
for _prefix, _kind in (
    ("Collector", "collector"),
    ("Collector Agent", "collector_agent"),
    ("Custom Collector", "custom_collector"),
    ("Appliance", "appliance"),
    ("Log Forwarder Agent", "log_forwarder"),
    ("Integration", "integration"),
    ("Gateway", "gateway"),
    ("Label", "label"),
):
    for _verb in ("Created", "Updated", "Deleted", "Activated", "Revoked"):
        if f"{_prefix} {_verb}" in _TYPES:
            ACTIONS[f"{_prefix} {_verb}"] = (_kind, _verb.lower())
ACTIONS.update(
    {
        "Integration Deletion Failed": ("integration", "failed"),
        "API Key Revoked": ("api_key", "revoked"),
        "Company Updated": ("company", "updated"),
        "Roaming Agent Deleted": ("roaming_agent", "deleted"),
        "Roaming Group Deleted": ("roaming_group", "deleted"),
        "Autopilot Status Updated": ("autopilot", "updated"),
        "Grouping Rules Updated": ("grouping_rules", "updated"),
        "Incident Details Report Requested": ("", "report"),
        "Incident Report Sent": ("", "report"),
        "Scheduled Report Sent": ("report_schedule", "sent"),
        "User Updated": ("", "user"),
        "User Password Updated": ("", "password"),
    }
)
CREATED_TYPE = {kind: name for name, (kind, verb) in ACTIONS.items() if verb == "created"}
DELETED_TYPE = {kind: name for name, (kind, verb) in ACTIONS.items() if verb == "deleted"}

#: role → (chance an action is at portal level, tenant table, portal table)
POLICIES: dict[str, tuple[float, Table, Table]] = {
    Role.ADMIN: (0.3, Table(_TENANT_WORK), Table(_ADMIN_PORTAL)),
    Role.SUPERVISOR: (0.04, Table(_TENANT_WORK), Table(_SUPERVISOR_PORTAL)),
    Role.ANALYST: (0.05, Table(_ANALYST_TENANT), Table(_SELF_PORTAL)),
    Role.VIEWER: (0.25, Table({"Incident Details Report Requested": 1.0}), Table(_SELF_PORTAL)),
}


def session_actions(rng: Random, role: str) -> int:
    """How many actions a signed-in person takes between login and logout."""
    if role in (Role.ADMIN, Role.SUPERVISOR):
        return min(15, 1 + int(-math.log(1.0 - rng.random()) * 4.5))
    if role == Role.ANALYST:
        return min(6, int(-math.log(1.0 - rng.random()) * 1.6))
    return 1 if rng.random() < 0.3 else 0
