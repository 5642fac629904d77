"""A deterministic, realistic demo data set: an MSP portal with 30 customers and 200 accounts.

``build_demo(now)`` decides the world (tenants, accounts, who was hired, erased or away, and
when); ``DemoData.iter_events()`` then plays 200 days of activity up to ``now``, lazily and in
chronological order, so a million events stream in constant memory. The same ``(now, events,
seed)`` always gives the same data, byte for byte, in any process.

What a viewer of the demo will find:

* people signing in, doing a few things, signing out (``User Login`` → actions →
  ``User Logged Out``), mostly during office hours and on weekdays, from office, home and
  automation addresses, with real-looking browsers and API clients;
* supervisors working only at their assigned tenants, admins everywhere and at portal level;
* every one of the 53 catalog types, ``... Updated`` events whose ``old`` value is what the
  previous change set, failed deletions with their reason;
* account lifecycles (invited → accepted → first login; created → confirmed; deactivated and
  reactivated; deactivated and deleted, whose earlier events remain), and companies onboarded,
  detached and deleted during the window;
* the acceptance scenario: a few days before ``now`` a supervisor changed the Microsoft 365
  integration at Harbor Point Logistics, failed to delete it (playbooks still used it),
  emptied its playbooks, deleted it and connected its replacement.

Example::

    demo = build_demo(datetime(2026, 11, 25, 12, 0, tzinfo=UTC), events=20_000)
    for event in demo.iter_events():
        ...

Pure Python: no I/O. The store (via the CLI) decides where the events go.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tui.demo.timeline import Timeline
from tui.demo.world import ADMIN_EMAIL, SCENARIO_TENANT, SPAN, World, build_world
from tui.domain.access import Principal
from tui.domain.event import AuditEvent, TenantRef

__all__ = ["ADMIN_EMAIL", "SCENARIO_TENANT", "SPAN", "DemoData", "build_demo"]


@dataclass(frozen=True, slots=True)
class DemoData:
    """The demo portal: its accounts and tenants, and a replayable stream of its events.

    ``accounts`` are the state at ``now`` (erased accounts included, flagged); ``tenants``
    include companies detached or deleted during the window, since their events remain.
    """

    now: datetime
    seed: int
    event_count: int
    accounts: tuple[Principal, ...]
    tenants: tuple[TenantRef, ...]
    admin_email: str
    _world: World = field(repr=False, compare=False)

    def iter_events(self) -> Iterator[AuditEvent]:
        """Yield exactly ``event_count`` events, oldest first, generated as they are consumed.

        Every call starts afresh and yields the same events. All lie in ``(now - 200 days,
        now]``; ids (``evt_<seed>_<n>``) increase with time.
        """
        return Timeline(self._world, self.event_count).run()


def build_demo(now: datetime, events: int = 20_000, seed: int = 7) -> DemoData:
    """The demo portal as of ``now`` (an aware datetime) with ``events`` events.

    From a few hundred events on, the set holds the lifecycle stories and the acceptance
    scenario; all 53 event types appear from about 2,000 events on.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime (UTC)")
    if events < 0:
        raise ValueError("events must not be negative")
    if seed < 0:
        raise ValueError("seed must not be negative")
    now = now.astimezone(UTC)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    world = build_world(now, seed)
    return DemoData(
        now=now,
        seed=seed,
        event_count=events,
        accounts=tuple(user.principal for user in world.users),
        tenants=tuple(tenant.ref for tenant in world.tenants),
        admin_email=ADMIN_EMAIL,
        _world=world,
    )
