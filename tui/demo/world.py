"""The demo portal's cast and calendar: tenants, accounts, and the scripted stories.

``build_world`` decides, from the seed alone, who exists and when things happen to them:
companies onboarded, detached and deleted; accounts invited, erased or away for a while; the
acceptance scenario. It holds no event state; ``Timeline`` and ``Recorder`` play it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from tui.demo import vocabulary as words
from tui.demo.dice import Dice
from tui.demo.inventory import Place
from tui.domain.access import Principal, Role
from tui.domain.event import Performer, Target, TenantRef

#: How far back the demo reaches (beyond the 180-day retention, so retention can be seen).
SPAN = timedelta(days=200)
#: The account the demo opens as.
ADMIN_EMAIL = "ada.admin@example.com"
#: The tenant of the acceptance scenario ("who deleted an integration at Harbor Point?").
SCENARIO_TENANT = "harbor-point"

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ROLE_COUNTS = ((Role.ADMIN, 12), (Role.SUPERVISOR, 40), (Role.ANALYST, 88), (Role.VIEWER, 60))
_ROLE_ACTIVITY = {Role.ADMIN: 3.0, Role.SUPERVISOR: 2.5, Role.ANALYST: 1.2, Role.VIEWER: 0.35}


@dataclass(frozen=True, slots=True)
class Person:
    """An account of the portal, with the habits the demo gives it."""

    principal: Principal
    performer: Performer
    target: Target  # the account as the object of an event
    weight: float
    ips: tuple[str, ...]
    user_agent: str
    login: int  # index into words.LOGIN_METHODS
    work: tuple[str, ...]  # tenant ids this person works at, sorted
    #: Random sessions happen on days strictly between these (day indexes) ...
    active_from: int
    active_until: int
    #: ... except on these (deactivated for a while), inclusive.
    away: tuple[int, int] | None = None

    @property
    def role(self) -> str:
        return self.principal.role

    def active_on(self, day: int) -> bool:
        if not self.active_from < day < self.active_until:
            return False
        return self.away is None or not self.away[0] <= day <= self.away[1]


@dataclass(frozen=True, slots=True)
class Customer:
    """A tenant, and the days it was a customer of the MSP."""

    ref: TenantRef
    place: Place
    active_from: int  # day indexes, exclusive, as for users
    active_until: int

    def active_on(self, day: int) -> bool:
        return self.active_from < day < self.active_until


@dataclass(frozen=True, slots=True)
class Script:
    """A scripted session: one actor, fixed steps at fixed offsets from ``start_ms``."""

    start_ms: int
    priority: int  # kept first when a tiny event budget cannot hold every script
    actor: int  # index into World.users
    steps: tuple[tuple[Any, ...], ...]  # (offset_ms, action, *arguments)


@dataclass(frozen=True, slots=True)
class World:
    """Everything decided before the first event: the cast, the calendar, the scripts."""

    seed: int
    now_ms: int
    start_ms: int  # now - SPAN; events lie strictly after it
    first_day_ms: int  # midnight UTC of the day holding start_ms
    days: int
    users: tuple[Person, ...]
    tenants: tuple[Customer, ...]
    portal: Place
    scripts: tuple[Script, ...]
    scenario_actor: int
    #: Per day, the people who may act that day (asked for by every session).
    active: tuple[tuple[Person, ...], ...]

    def people_on(self, day: int) -> tuple[Person, ...]:
        return self.active[day]

    def day_bounds(self, day: int) -> tuple[int, int]:
        """The usable [low, high] milliseconds of a day, clipped to the window."""
        begin = self.first_day_ms + day * DAY_MS
        return max(begin, self.start_ms + 1), min(begin + DAY_MS - 1, self.now_ms)


def epoch_ms(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _slug(name: str) -> str:
    parts = re.findall(r"[a-z0-9]+", name.lower())
    return "-".join(parts[:2])


def _code(name: str) -> str:
    parts = re.findall(r"[A-Za-z0-9]+", name)
    return "".join(part[0] for part in parts[:3]).upper()


def build_world(now: datetime, seed: int) -> World:
    rng = Dice(f"auditlog-demo-world:{seed}")
    now_ms = epoch_ms(now)
    start_ms = now_ms - int(SPAN.total_seconds() * 1000)
    first_day_ms = start_ms - start_ms % DAY_MS
    days = (now_ms - first_day_ms) // DAY_MS + 1

    def working_time(day: int) -> int:
        return first_day_ms + day * DAY_MS + rng.randrange(8 * HOUR_MS, 16 * HOUR_MS)

    # Tenants: most exist throughout; three are onboarded, one detached, one deleted.
    story = rng.sample(range(1, len(words.COMPANIES)), 5)
    onboarded = {story[0]: 40, story[1]: 95, story[2]: 150}
    detached, deleted = story[3], story[4]
    tenants = []
    for index, company in enumerate(words.COMPANIES):
        tenant_id = _slug(company)
        place = Place(tenant_id, company, _code(company), f"{tenant_id}.example.net")
        active_from = onboarded.get(index, -1) + (index in onboarded) * rng.randrange(0, 20)
        active_until = days
        if index == detached:
            active_until = rng.randrange(100, 170)
        elif index == deleted:
            active_until = rng.randrange(60, 140)
        tenants.append(Customer(TenantRef(tenant_id, company), place, active_from, active_until))
    tenant_ids = [t.ref.id for t in tenants]

    users = _build_users(rng, tenant_ids, days)
    admins = [i for i, u in enumerate(users) if u.role == Role.ADMIN and not u.principal.erased]
    scenario_actor = next(
        i for i, u in enumerate(users) if u.role == Role.SUPERVISOR and SCENARIO_TENANT in u.work
    )

    scripts: list[Script] = []

    def admin_on(day: int) -> int:
        # Ada does a good share of the administration herself.
        candidates = [i for i in admins if users[i].active_on(day)]
        return candidates[0] if rng.random() < 0.4 else rng.choice(candidates)

    def admin_session(day: int, *actions: tuple[Any, ...]) -> None:
        steps: list[tuple[Any, ...]] = [(0, "login")]
        offset = 0
        for action in actions:
            offset += rng.randrange(20_000, 240_000)
            steps.append((offset, *action))
        steps.append((offset + rng.randrange(30_000, 600_000), "logout"))
        scripts.append(Script(working_time(day), 1, admin_on(day), tuple(steps)))

    for index, tenant in enumerate(tenants):
        key = tenant.ref.id
        if index in onboarded:
            admin_session(
                tenant.active_from,
                ("company_created", key),
                ("act", key, "Company Updated"),
                ("act", key, "Integration Created"),
                ("act", key, "Integration Created"),
                ("act", key, "Collector Created"),
                ("act", key, "Collector Agent Created"),
                ("act", key, "Collector Agent Created"),
                ("act", key, "Log Forwarder Agent Created"),
                ("act", key, "Autopilot Status Updated"),
            )
        elif index == detached:
            admin_session(
                tenant.active_until,
                ("act", key, "API Key Revoked"),
                ("company_detached", key),
            )
        elif index == deleted:
            admin_session(
                tenant.active_until,
                ("act", key, "Integration Deleted"),
                ("company_deleted", key),
            )

    for index, user in enumerate(users):
        if user.principal.erased:
            admin_session(user.active_until, ("user_deactivated", index), ("user_deleted", index))
        elif user.away is not None:
            admin_session(user.away[0], ("user_deactivated", index))
            admin_session(user.away[1], ("user_activated", index))
        if user.active_from > 0:
            joined = user.active_from - rng.randrange(1, 4)
            invited = rng.random() < 0.5
            admin_session(joined, ("user_invited" if invited else "user_created", index))
            steps = (
                (0, "user_accepted" if invited else "user_confirmed"),
                (rng.randrange(30_000, 300_000), "first_login"),
                (rng.randrange(320_000, 900_000), "password"),
                (rng.randrange(950_000, 2_400_000), "logout"),
            )
            scripts.append(Script(working_time(user.active_from), 1, index, steps))

    scripts.append(_scenario(now, scenario_actor))
    scripts.sort(key=lambda s: (s.start_ms, s.actor))
    return World(
        seed=seed,
        now_ms=now_ms,
        start_ms=start_ms,
        first_day_ms=first_day_ms,
        days=days,
        users=tuple(users),
        tenants=tuple(tenants),
        portal=Place("", "MSP portal", "MSP", "example.com"),
        scripts=tuple(scripts),
        scenario_actor=scenario_actor,
        active=tuple(tuple(u for u in users if u.active_on(day)) for day in range(days)),
    )


def _scenario(now: datetime, actor: int) -> Script:
    """The acceptance story, on the last weekday at least two days before ``now``."""
    day = (now - timedelta(days=2)).date()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    start = epoch_ms(datetime(day.year, day.month, day.day, 13, 41, 7, 250_000, tzinfo=UTC))
    steps = (
        (0, "login"),
        (96_412, "scenario", "disable"),
        (171_880, "scenario", "delete_failed"),
        (415_007, "scenario", "clear_playbooks"),
        (482_530, "scenario", "delete"),
        (730_114, "scenario", "replace"),
        (905_361, "logout"),
    )
    return Script(start, 0, actor, steps)


def _build_users(rng: Random, tenant_ids: list[str], days: int) -> list[Person]:
    roles = [role for role, count in _ROLE_COUNTS for _ in range(count)]
    names: list[tuple[str, str]] = [("Ada", "Admin")]
    taken = {("ada", "admin")}
    while len(names) < len(roles):
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        if (first.lower(), last.lower()) not in taken:
            taken.add((first.lower(), last.lower()))
            names.append((first, last))

    supervisors = [i for i, role in enumerate(roles) if role == Role.SUPERVISOR]
    work: list[list[str]] = []
    for role in roles:
        if role == Role.SUPERVISOR:
            work.append(rng.sample(tenant_ids, rng.randint(2, 5)))
        elif role == Role.ANALYST:
            work.append(rng.sample(tenant_ids, rng.randint(2, 6)))
        elif role == Role.VIEWER:
            work.append(rng.sample(tenant_ids, rng.randint(1, 2)))
        else:
            work.append([])
    # Every tenant has a supervisor; the first supervisor owns the scenario's tenant.
    for tenant_id in tenant_ids:
        if not any(tenant_id in work[i] for i in supervisors):
            work[rng.choice(supervisors)].append(tenant_id)
    if SCENARIO_TENANT not in work[supervisors[0]]:
        work[supervisors[0]].append(SCENARIO_TENANT)

    # Lifecycles: erased accounts, accounts created during the window, accounts away a while.
    others = [i for i in range(1, len(roles)) if i != supervisors[0]]
    by_role = {role: [i for i in others if roles[i] == role] for role, _ in _ROLE_COUNTS}
    erased = set(
        rng.sample(by_role[Role.ADMIN], 1)
        + rng.sample(by_role[Role.SUPERVISOR], 2)
        + rng.sample(by_role[Role.ANALYST], 3)
        + rng.sample(by_role[Role.VIEWER], 2)
    )
    rest = [i for i in others if i not in erased and roles[i] != Role.ADMIN]
    joined = set(rng.sample(rest, 20))
    away = set(rng.sample([i for i in rest if i not in joined], 4))

    users = []
    used_ids: set[str] = set()
    for index, (role, (first, last)) in enumerate(zip(roles, names, strict=True)):
        local = re.sub(r"[^a-z]", "", first.lower()) + "." + re.sub(r"[^a-z]", "", last.lower())
        email = ADMIN_EMAIL if index == 0 else f"{local}@example.com"
        user_id = f"usr_{rng.getrandbits(40):010x}"
        while user_id in used_ids:
            user_id = f"usr_{rng.getrandbits(40):010x}"
        used_ids.add(user_id)
        name = f"{first} {last}"
        active_from, active_until, away_days = -1, days, None
        if index in erased:
            active_until = rng.randrange(15, days - 10)
        if index in joined:
            active_from = rng.randrange(8, days - 8)
        if index in away:
            begin = rng.randrange(10, days - 45)
            away_days = (begin, begin + rng.randrange(7, 30))
        if rng.random() < 0.65:
            ips: tuple[str, ...] = (rng.choice(words.OFFICE_IPS), _home_ip(rng))
        else:
            ips = (_home_ip(rng), _home_ip(rng))
        weight = _ROLE_ACTIVITY[role] * (5.0 if index == 0 else rng.lognormvariate(0, 0.6))
        users.append(
            Person(
                principal=Principal(
                    email=email,
                    name=name,
                    role=role.value,
                    # Only supervisors are assigned tenants; the others' customers are
                    # where they work (``work``), not what they may read.
                    tenants=frozenset(work[index]) if role == Role.SUPERVISOR else frozenset(),
                    erased=index in erased,
                ),
                performer=Performer(user_id, email, name, role.value),
                target=Target("user", user_id, name),
                weight=weight,
                ips=ips,
                user_agent=rng.choice(words.BROWSERS),
                login=rng.randrange(len(words.LOGIN_METHODS)),
                work=tuple(sorted(work[index])),
                active_from=active_from,
                active_until=active_until,
                away=away_days,
            )
        )
    return users


def _home_ip(rng: Random) -> str:
    # Documentation ranges only (RFC 5737, RFC 3849): realistic shape, nobody's real address.
    pick = rng.random()
    if pick < 0.4:
        return f"198.51.100.{rng.randrange(1, 255)}"
    if pick < 0.75:
        return f"192.0.2.{rng.randrange(1, 255)}"
    return f"2001:db8:{rng.getrandbits(16):x}:{rng.getrandbits(16):x}::{rng.getrandbits(16):x}"
