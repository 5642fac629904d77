"""Turning a session's steps into audit events, against a consistent inventory.

The recorder is the demo portal's memory while the timeline plays: it owns the inventory
(what exists at each tenant), the accounts' profile settings and the incident counter, and
builds each ``AuditEvent`` directly (no ``parse_event``: the generator must be fast, and the
tests check that every event it makes passes validation).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from tui.demo import vocabulary as words
from tui.demo.activity import ACTIONS, CREATED_TYPE, DELETED_TYPE
from tui.demo.dice import Dice
from tui.demo.inventory import KINDS, PLAYBOOKS, USER_SETTINGS, Inventory, Item, Kind
from tui.demo.scripted_steps import ScriptedSteps
from tui.demo.session import Session
from tui.demo.summaries import describe_changes
from tui.demo.world import DAY_MS, SCENARIO_TENANT, Person, World
from tui.domain.access import Role
from tui.domain.catalog import CATALOG, EventType
from tui.domain.event import AuditEvent, Context, Target

_TYPES: dict[str, EventType] = {t.name: t for t in CATALOG}


def _event_maker() -> Any:
    """A constructor for ``AuditEvent`` that skips the frozen dataclass's ``__init__``.

    A frozen dataclass sets each field through ``object.__setattr__``; writing the slots
    through their descriptors instead halves the cost of the most frequent call of the
    generator (a million times for a million events). ``AuditEvent`` validates nothing in
    ``__init__``, so the result is the same object; a test checks it field by field, and a
    change to the field list falls back to the class itself.
    """
    expected = ("id", "type", "occurred_at", "performer", "context", "target", "summary")
    names = tuple(f.name for f in fields(AuditEvent))
    if names != (*expected, "details"):
        return AuditEvent
    new = object.__new__
    set_id, set_type, set_at, set_performer, set_context, set_target, set_summary, set_details = (
        getattr(AuditEvent, name).__set__ for name in names
    )

    def make(
        event_id: str,
        kind: EventType,
        occurred_at: datetime,
        performer: Any,
        context: Context,
        target: Target,
        summary: str,
        details: dict[str, Any],
    ) -> AuditEvent:
        event = new(AuditEvent)
        set_id(event, event_id)
        set_type(event, kind)
        set_at(event, occurred_at)
        set_performer(event, performer)
        set_context(event, context)
        set_target(event, target)
        set_summary(event, summary)
        set_details(event, details)
        return event

    return make


make_event = _event_maker()


class Recorder(ScriptedSteps):
    """Makes the events of sessions, in the order the timeline asks for them."""

    def __init__(self, world: World, rng: Dice) -> None:
        self.world = world
        self.rng = rng
        places = {t.ref.id: t.place for t in world.tenants}
        places[""] = world.portal
        self.tenants = {t.ref.id: t for t in world.tenants}
        #: How a summary says where: " at Harbor Point Logistics", or nothing for the portal.
        self.at = {t.ref.id: f" at {t.ref.name}" for t in world.tenants} | {"": ""}
        self.inventory = Inventory(rng, places)
        self.inventory.fresh.update(t.ref.id for t in world.tenants if t.active_from > 0)
        self.user_items: dict[str, Item] = {}
        self.password_days: dict[str, str] = {}
        self.incident = 4000
        self.emitted = 0
        self.id_prefix = f"evt_{world.seed}_"
        self.scenario_item: Item | None = None
        self._prepare_scenario()

    def _prepare_scenario(self) -> None:
        """The scenario's integration, reserved so random activity leaves it alone."""
        kind = KINDS["integration"]
        self.inventory.reserve(SCENARIO_TENANT, "Microsoft 365", "Microsoft Defender XDR")
        self.inventory.pool(SCENARIO_TENANT, kind)  # the tenant's other integrations
        item = self.inventory.create(SCENARIO_TENANT, kind, name="Microsoft 365")
        item.attrs.update(enabled=True, response_playbooks=list(PLAYBOOKS[:2]))
        item.protected = True
        self.scenario_item = item

    def emit(self, session: Session) -> AuditEvent:
        """The event of the session's next step; advances the session."""
        step_index = session.index
        ms = session.times[step_index]
        session.index = step_index + 1
        steps = session.steps
        if steps is None:
            if step_index == 0:
                event = self._login(session, ms, "User Login")
            elif session.index == len(session.times):
                event = self._logout(session, ms)
            else:
                event = self._random_action(session, ms)
        else:
            step = steps[step_index]
            action = step[1]
            if action == "act_random":
                event = self._random_action(session, ms)
            else:
                event = getattr(self, "_step_" + action)(session, ms, *step[2:])
        self.emitted += 1
        return event

    def _event(
        self,
        session: Session,
        ms: int,
        type_name: str,
        place: str,
        target: Target,
        summary: str,
        details: dict[str, Any],
    ) -> AuditEvent:
        context = session.contexts.get(place)
        if context is None:
            tenant = self.tenants[place].ref if place else None
            context = session.contexts[place] = Context(tenant, session.ip, session.user_agent)
        return make_event(
            f"{self.id_prefix}{self.emitted + 1:09d}",
            _TYPES[type_name],
            _from_timestamp(ms / 1000, UTC),  # exact: see _moment
            session.user.performer,
            context,
            target,
            summary,
            details,
        )

    def _random_action(self, session: Session, ms: int) -> AuditEvent:
        """Something the session's person would do: at their tenant, or at portal level."""
        random = self.rng.random
        portal_share, tenant_table, portal_table = session.policy
        if not session.place or random() < portal_share:
            place, table = "", portal_table
        else:
            place, table = session.place, tenant_table
        focus = session.focus
        related = None
        if focus is not None and focus.place_key == place and random() < 0.4:
            # People tend to keep working on the object they just touched.
            related = table.by_kind.get(focus.kind)
        type_name = related[int(random() * len(related))] if related else table.draw(random)
        return self._apply(session, ms, place, type_name)

    def _apply(self, session: Session, ms: int, place: str, type_name: str) -> AuditEvent:
        """An event of ``type_name`` at ``place``, consistent with the inventory's state.

        When the state does not allow it (nothing left to delete, a place already full),
        the closest sensible type happens instead, so the event count never changes.
        """
        kind_key, verb = ACTIONS[type_name]
        if not kind_key:
            if verb == "report":
                return self._incident_report(session, ms, place, type_name)
            if verb == "user":
                return self._user_updated(session, ms)
            return self._password(session, ms)
        kind = KINDS[kind_key]
        inventory = self.inventory
        pool = inventory.pool(place, kind)
        instead = None
        if verb == "created":
            if len(pool) >= kind.ceiling:
                instead = DELETED_TYPE[kind_key]  # tidying up keeps the state bounded
        elif verb in ("deleted", "revoked"):
            if not inventory.can_remove(place, kind):
                instead = CREATED_TYPE.get(kind_key)
                if instead is None:
                    inventory.create(place, kind)  # enrolled or issued outside the audit log
        elif not pool or (len(pool) == 1 and pool[0].protected):
            instead = CREATED_TYPE.get(kind_key)
            if instead is None:
                inventory.create(place, kind)
        if instead:
            return self._apply(session, ms, place, instead)
        item = None if verb == "created" else self._subject(session, place, kind, verb, pool)
        return _VERBS[verb](self, session, ms, place, type_name, kind, item)

    def _subject(
        self, session: Session, place: str, kind: Kind, verb: str, pool: list[Item]
    ) -> Item:
        """The object an action applies to: often the one just touched, else any free one."""
        focus = session.focus
        if (
            focus is not None
            and focus.kind == kind.key
            and focus.place_key == place
            and self.rng.random() < 0.6
            and focus in pool
        ):
            return focus
        if verb == "activated":
            pending = [i for i in pool if i.attrs.get("status") == "pending"]
            if pending:
                return self.rng.choice(pending)
        item = self.inventory.pick(place, kind)
        assert item is not None  # _apply made sure a free object exists
        return item

    def _created(
        self, session: Session, ms: int, place: str, type_name: str, kind: Kind, _item: Item
    ) -> AuditEvent:
        item = self.inventory.create(place, kind)
        if "status" in item.attrs:
            item.attrs["status"] = "pending"  # until someone activates it
        summary = f"Created {_what(kind, item)}{self.at[place]}"
        return self._object_event(
            session, ms, place, type_name, item, summary, {"settings": dict(item.attrs)}
        )

    def _updated(
        self, session: Session, ms: int, place: str, type_name: str, kind: Kind, item: Item
    ) -> AuditEvent:
        random = self.rng.random
        count = 1 if random() < 0.6 else (2 if random() < 0.75 else 3)
        changes = self.inventory.change(item, kind.changeable, count)
        summary = f"Updated {_what(kind, item)}{self.at[place]}: {describe_changes(changes)}"
        return self._object_event(
            session, ms, place, type_name, item, summary, {"changes": changes}
        )

    def _deleted(
        self, session: Session, ms: int, place: str, type_name: str, kind: Kind, item: Item
    ) -> AuditEvent:
        rng = self.rng
        self.inventory.remove(place, kind, item)
        details = {"comment": rng.choice(words.DELETE_COMMENTS)} if rng.random() < 0.4 else {}
        summary = f"Deleted {_what(kind, item)}{self.at[place]}"
        event = self._object_event(session, ms, place, type_name, item, summary, details)
        session.focus = None  # it is gone
        return event

    def _failed(
        self, session: Session, ms: int, place: str, type_name: str, kind: Kind, item: Item
    ) -> AuditEvent:
        code, reason = self.rng.choice(words.INTEGRATION_DELETE_FAILURES)
        summary = f"Could not delete {_what(kind, item)}{self.at[place]}: {reason}"
        details = {"reason": reason, "error_code": code}
        return self._object_event(session, ms, place, type_name, item, summary, details)

    def _activated(
        self, session: Session, ms: int, place: str, type_name: str, kind: Kind, item: Item
    ) -> AuditEvent:
        item.attrs["status"] = "active"
        details = {key: item.attrs[key] for key in ("serial", "firmware") if key in item.attrs}
        details["status"] = "active"
        summary = f"Activated {_what(kind, item)}{self.at[place]}"
        return self._object_event(session, ms, place, type_name, item, summary, details)

    def _revoked(
        self, session: Session, ms: int, place: str, type_name: str, kind: Kind, item: Item
    ) -> AuditEvent:
        self.inventory.remove(place, kind, item)
        details = {"reason_given": self.rng.choice(("lost device", "rotated", "no longer needed"))}
        if "key_prefix" in item.attrs:
            details["key_prefix"] = item.attrs["key_prefix"]
        summary = f"Revoked {_what(kind, item)}{self.at[place]}"
        event = self._object_event(session, ms, place, type_name, item, summary, details)
        session.focus = None  # it is gone
        return event

    def _sent(
        self, session: Session, ms: int, place: str, type_name: str, kind: Kind, item: Item
    ) -> AuditEvent:
        recipients = list(item.attrs["recipients"])
        details = {"format": item.attrs["format"], "recipients": recipients}
        summary = f"Sent {_what(kind, item)}{self.at[place]} to {len(recipients)} recipients"
        return self._object_event(session, ms, place, type_name, item, summary, details)

    def _object_event(
        self,
        session: Session,
        ms: int,
        place: str,
        type_name: str,
        item: Item,
        summary: str,
        details: dict[str, Any],
    ) -> AuditEvent:
        session.focus = item  # the object just touched (see _random_action)
        target = item.target
        if target is None:
            target = item.target = Target(item.kind, item.id, item.name)
        return self._event(session, ms, type_name, place, target, summary, details)

    def _incident_report(self, session: Session, ms: int, place: str, type_name: str) -> AuditEvent:
        rng = self.rng
        self.incident += rng.randrange(0, 3)
        number = max(1, self.incident - rng.randrange(0, 40))
        year = _moment(ms).year
        incident_id = f"INC-{year}-{number:06d}"
        title = words.INCIDENT_TITLES[number % len(words.INCIDENT_TITLES)]
        if type_name == "Incident Report Sent":
            domain = self.inventory.place(place).domain
            recipients = sorted(
                {
                    f"{rng.choice(words.CONTACT_MAILBOXES)}@{domain}"
                    for _ in range(rng.randint(1, 3))
                }
            )
            details: dict[str, Any] = {"format": "PDF", "recipients": recipients}
            summary = f"Sent the report of incident {incident_id} to {', '.join(recipients)}"
        else:
            details = {"format": rng.choice(("PDF", "PDF", "HTML")), "include_timeline": True}
            summary = f"Requested the details report of incident {incident_id} “{title}”"
        target = Target("incident", incident_id, title)
        return self._event(session, ms, type_name, place, target, summary, details)

    # -- people ----------------------------------------------------------------------------

    def _user_item(self, user: Person) -> Item:
        item = self.user_items.get(user.performer.id)
        if item is None:
            attrs = {s.name: s.initial(self.rng, self.world.portal) for s in USER_SETTINGS}
            item = Item(user.performer.id, user.principal.name, attrs, "", "user")
            self.user_items[user.performer.id] = item
        return item

    def _user_updated(self, session: Session, ms: int) -> AuditEvent:
        rng = self.rng
        subject = session.user
        if subject.role == Role.ADMIN and rng.random() < 0.75:
            day = (ms - self.world.first_day_ms) // DAY_MS
            subject = rng.choice(self.world.people_on(day))
        item = self._user_item(subject)
        changes = self.inventory.change(item, USER_SETTINGS, 1 if rng.random() < 0.7 else 2)
        who = "own profile" if subject is session.user else f"user “{subject.principal.name}”"
        summary = f"Updated {who}: {describe_changes(changes)}"
        return self._event(
            session,
            ms,
            "User Updated",
            "",
            subject.target,
            summary,
            {"changes": changes},
        )

    def _password(self, session: Session, ms: int) -> AuditEvent:
        """The person changes their own password; the secret is never logged, the date is."""
        user = session.user
        today = _moment(ms).date().isoformat()
        before = self.password_days.get(user.performer.id)
        if before is None:
            earlier = self.world.start_ms - self.rng.randrange(0, 300) * DAY_MS
            before = _moment(earlier).date().isoformat()
        self.password_days[user.performer.id] = today
        changes: list[dict[str, Any]] = [
            {"field": "password", "old": "[redacted]", "new": "[redacted]"}
        ]
        if before != today:
            changes.append({"field": "password_changed_at", "old": before, "new": today})
        return self._event(
            session,
            ms,
            "User Password Updated",
            "",
            user.target,
            "Changed own password",
            {"changes": changes},
        )

    def _login(self, session: Session, ms: int, type_name: str) -> AuditEvent:
        user = session.user
        label, method = words.LOGIN_METHODS[user.login]
        first = " for the first time" if type_name == "User First Login" else ""
        return self._event(
            session,
            ms,
            type_name,
            "",
            user.target,
            f"Signed in{first} with {label}",
            dict(method),
        )

    def _logout(self, session: Session, ms: int) -> AuditEvent:
        minutes = max(1, (ms - session.times[0]) // 60_000)
        if session.idle:
            details = {"trigger": "idle timeout", "session_minutes": minutes}
            summary = "Signed out automatically after 30 minutes without activity"
        else:
            details = {"trigger": "user", "session_minutes": minutes}
            summary = f"Signed out after {minutes} min"
        return self._event(
            session, ms, "User Logged Out", "", session.user.target, summary, details
        )


#: verb → the Recorder method that performs it on an inventory object.
_VERBS = {
    "created": Recorder._created,
    "updated": Recorder._updated,
    "deleted": Recorder._deleted,
    "failed": Recorder._failed,
    "activated": Recorder._activated,
    "revoked": Recorder._revoked,
    "sent": Recorder._sent,
}


def _what(kind: Kind, item: Item) -> str:
    """How a summary names an object: 'integration “Okta”', or just 'Autopilot'."""
    title = item.title
    if title is None:
        if item.name.casefold() == kind.label.casefold():
            title = item.title = item.name
        else:
            title = item.title = f"{kind.label} “{item.name}”"
    return title


def _moment(ms: int) -> datetime:
    """The UTC datetime of an epoch millisecond.

    Exact: the float ``ms / 1000`` is within 2**-22 s of the true value for any date before
    2106, far under the half microsecond ``fromtimestamp`` rounds to, and it is twice as fast
    as adding a timedelta.
    """
    return _from_timestamp(ms / 1000, UTC)


_from_timestamp = datetime.fromtimestamp
