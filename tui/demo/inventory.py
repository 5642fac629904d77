"""What exists in the demo portal, and how it changes: the configuration objects per tenant.

The generator asks the inventory for "an integration at Harbor Point" or "update this
collector", and the inventory answers from a consistent state: an object is created before it
is updated, an ``... Updated`` event's ``old`` value is what the previous change set, and a
deleted object is never touched again. State is bounded by the number of live objects, not by
the number of events, so a million events need no more memory than a thousand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from typing import Any

from tui.demo import vocabulary as words


@dataclass(frozen=True, slots=True)
class Place:
    """Where objects live: one tenant, or the portal itself (``key`` "")."""

    key: str
    name: str
    code: str  # short upper-case prefix for host names, e.g. "HPL"
    domain: str  # the customer's mail domain (reserved), e.g. "harbor-point.example.net"


Initial = Callable[[Random, Place], Any]
Change = Callable[[Random, Any, Place], Any]


@dataclass(frozen=True, slots=True)
class Setting:
    """One field of an object; ``change`` None means the field never changes after creation."""

    name: str
    initial: Initial
    change: Change | None = None


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of configuration object and how the demo populates it."""

    key: str
    label: str  # as it reads in a summary: "collector agent"
    prefix: str  # id prefix
    name: Callable[[Random, Place, int], str]
    settings: tuple[Setting, ...]
    initial: tuple[int, int] = (1, 3)  # live objects per place at the start of the window
    floor: int = 1  # deletions stop at this many live objects (the generator creates instead)

    @property
    def ceiling(self) -> int:
        """Creations stop at this many live objects (the generator deletes instead)."""
        return 2 * self.initial[1] + 2

    @property
    def changeable(self) -> tuple[Setting, ...]:
        """The settings an ``... Updated`` event may change."""
        return _CHANGEABLE[self.key]


class Item:
    """One live object. Mutable: the inventory applies changes to ``attrs`` in place.

    Values in ``attrs`` are replaced, never mutated, so an event may hold on to them.
    """

    __slots__ = ("attrs", "id", "kind", "name", "place_key", "protected", "target", "title")

    def __init__(
        self, item_id: str, name: str, attrs: dict[str, Any], place_key: str, kind: str
    ) -> None:
        self.id = item_id
        self.name = name
        self.attrs = attrs
        self.place_key = place_key
        self.kind = kind
        #: Protected objects belong to a scripted story; random activity leaves them alone.
        self.protected = False
        #: The event target and the summary's name for the object, made once by the recorder.
        self.target: Any = None
        self.title: str | None = None


# -- value factories ---------------------------------------------------------------------------


def one_of(*values: Any) -> tuple[Initial, Change]:
    """A field taking one of ``values``; a change always picks a different one."""

    def initial(rng: Random, _place: Place) -> Any:
        return rng.choice(values)

    def change(rng: Random, old: Any, _place: Place) -> Any:
        index = values.index(old) if old in values else 0
        return values[(index + 1 + int(rng.random() * (len(values) - 1))) % len(values)]

    return initial, change


def toggle(p_true: float) -> tuple[Initial, Change]:
    def initial(rng: Random, _place: Place) -> bool:
        return rng.random() < p_true

    def change(_rng: Random, old: Any, _place: Place) -> bool:
        return not old

    return initial, change


def subset(*values: str, at_least: int = 0) -> tuple[Initial, Change]:
    """A list drawn from ``values`` (kept in that order); a change adds or removes one entry."""

    def initial(rng: Random, _place: Place) -> list[str]:
        chosen = [v for v in values if rng.random() < 0.45]
        return chosen if len(chosen) >= at_least else list(values[: max(at_least, 1)])

    def change(rng: Random, old: Any, _place: Place) -> list[str]:
        current = list(old) if isinstance(old, list) else []
        missing = [v for v in values if v not in current]
        if missing and (len(current) <= at_least or rng.random() < 0.5):
            added = rng.choice(missing)
            return [v for v in values if v in current or v == added]
        removed = rng.choice(current)
        return [v for v in current if v != removed]

    return initial, change


def version(major: int) -> tuple[Initial, Change]:
    """A semantic version; a change is an upgrade (mostly a patch release)."""

    def initial(rng: Random, _place: Place) -> str:
        return f"{major}.{rng.randrange(0, 6)}.{rng.randrange(0, 9)}"

    def change(rng: Random, old: Any, _place: Place) -> str:
        first, minor, patch = (int(part) for part in str(old).split("."))
        if rng.random() < 0.7:
            return f"{first}.{minor}.{patch + 1}"
        return f"{first}.{minor + 1}.0"

    return initial, change


def secret_hint() -> tuple[Initial, Change]:
    """A secret is never logged; its last four characters show that it was rotated."""

    def initial(rng: Random, _place: Place) -> str:
        return f"••••{rng.getrandbits(16):04x}"

    def change(rng: Random, _old: Any, place: Place) -> str:
        return initial(rng, place)

    return initial, change


def seats() -> tuple[Initial, Change]:
    def initial(rng: Random, _place: Place) -> int:
        return rng.randrange(15, 400)

    def change(rng: Random, old: Any, _place: Place) -> int:
        step = rng.randrange(1, 40)
        return old + step if rng.random() < 0.7 or old - step < 5 else old - step

    return initial, change


def contact() -> tuple[Initial, Change]:
    def initial(rng: Random, place: Place) -> str:
        return f"{rng.choice(words.CONTACT_MAILBOXES)}@{place.domain}"

    def change(rng: Random, old: Any, place: Place) -> str:
        boxes = [b for b in words.CONTACT_MAILBOXES if f"{b}@{place.domain}" != old]
        return f"{rng.choice(boxes)}@{place.domain}"

    return initial, change


def phone() -> tuple[Initial, Change]:
    # Numbers from ranges reserved for drama and fiction (Ofcom 020 7946 0xxx, NANP 555-01xx).
    def initial(rng: Random, _place: Place) -> str:
        if rng.random() < 0.5:
            return f"+44 20 7946 0{rng.randrange(0, 1000):03d}"
        return f"+1 202 555 01{rng.randrange(0, 100):02d}"

    def change(rng: Random, _old: Any, place: Place) -> str:
        return initial(rng, place)

    return initial, change


def fixed(factory: Initial) -> tuple[Initial, None]:
    return factory, None


def _setting(name: str, pair: tuple[Initial, Change | None]) -> Setting:
    return Setting(name, pair[0], pair[1])


def _host(rng: Random) -> str:
    return rng.choice(words.LAST_NAMES).upper().replace(" ", "").replace("'", "")


def _private_ip(rng: Random, _place: Place) -> str:
    return f"10.{rng.randrange(0, 255)}.{rng.randrange(0, 255)}.{rng.randrange(2, 254)}"


def _ip_change(rng: Random, _old: Any, place: Place) -> str:
    return _private_ip(rng, place)


def _pick(values: tuple[str, ...]) -> Callable[[Random, Place, int], str]:
    def name(rng: Random, _place: Place, _serial: int) -> str:
        return rng.choice(values)

    return name


# -- the kinds ---------------------------------------------------------------------------------

PLAYBOOKS = (
    "Isolate host on critical alert",
    "Disable compromised account",
    "Block sender domain",
    "Reset password on impossible travel",
)

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "collector",
            "collector",
            "col",
            lambda rng, place, serial: (
                f"{place.code}-{rng.choice(words.COLLECTOR_ROLES)}{serial + 1:02d}"
            ),
            (
                _setting("platform", fixed(lambda rng, _p: rng.choice(("Windows", "Linux")))),
                _setting("log_level", one_of("error", "warning", "info", "debug")),
                _setting("batch_size", one_of(100, 250, 500, 1000)),
                _setting("enabled", toggle(0.9)),
                _setting(
                    "sources",
                    subset("Security", "System", "Application", "Sysmon", "DNS", at_least=1),
                ),
                _setting("retention_hours", one_of(24, 48, 72, 168)),
            ),
            initial=(2, 6),
        ),
        Kind(
            "collector_agent",
            "collector agent",
            "agt",
            lambda rng, place, _serial: f"{place.code}-{_host(rng)}-{rng.randrange(100, 999)}",
            (
                _setting(
                    "os",
                    fixed(
                        lambda rng, _p: rng.choice(
                            ("Windows 11 23H2", "Windows Server 2022", "Ubuntu 22.04", "macOS 14")
                        )
                    ),
                ),
                _setting("agent_version", version(7)),
                _setting("heartbeat_seconds", one_of(30, 60, 120, 300)),
                _setting("enabled", toggle(0.95)),
                _setting("tags", subset("laptop", "server", "finance", "remote", "kiosk")),
            ),
            initial=(4, 14),
            floor=2,
        ),
        Kind(
            "custom_collector",
            "custom collector",
            "ccl",
            _pick(words.CUSTOM_SOURCES),
            (
                _setting("protocol", one_of("udp", "tcp", "tls")),
                _setting("port", one_of(514, 1514, 5140, 6514, 10514)),
                _setting("parser", one_of("cef", "leef", "rfc5424", "vendor-v6", "vendor-v7")),
                _setting(
                    "filter", one_of("all", "severity >= warning", "severity >= notice", "auth")
                ),
            ),
            initial=(1, 3),
        ),
        Kind(
            "appliance",
            "appliance",
            "apl",
            lambda _rng, place, serial: f"{place.code}-SENSOR-{serial + 1:02d}",
            (
                _setting(
                    "model", fixed(lambda rng, _p: rng.choice(("VA-200", "VA-400", "HW-1100")))
                ),
                _setting("serial", fixed(lambda rng, _p: f"MSP{rng.randrange(10**7, 10**8)}")),
                _setting("firmware", version(3)),
                _setting("mgmt_ip", (_private_ip, _ip_change)),
                _setting("span_port", one_of("eth1", "eth2", "eth3")),
                _setting("status", fixed(lambda _rng, _p: "active")),
            ),
            initial=(1, 2),
        ),
        Kind(
            "log_forwarder",
            "log forwarder agent",
            "lfa",
            lambda _rng, place, serial: f"lf-{place.code.lower()}-{serial + 1:02d}",
            (
                _setting(
                    "destination",
                    one_of(
                        "ingest-eu1.portal.example.com:6514",
                        "ingest-eu2.portal.example.com:6514",
                        "ingest-us1.portal.example.com:6514",
                    ),
                ),
                _setting("buffer_mb", one_of(64, 128, 256, 512)),
                _setting("agent_version", version(2)),
                _setting("compression", one_of("none", "gzip", "zstd")),
                _setting("status", fixed(lambda _rng, _p: "active")),
            ),
            initial=(1, 3),
        ),
        Kind(
            "integration",
            "integration",
            "int",
            lambda rng, place, serial: _pick(
                words.PORTAL_INTEGRATIONS if not place.key else words.INTEGRATION_VENDORS
            )(rng, place, serial),
            (
                _setting("enabled", toggle(0.92)),
                _setting("polling_interval", one_of("1m", "5m", "15m", "1h")),
                _setting("region", one_of("eu", "us", "uk", "au")),
                _setting("event_filter", one_of("all events", "alerts only", "high and critical")),
                _setting("client_secret", secret_hint()),
                _setting("sync_users", toggle(0.5)),
                _setting("response_playbooks", subset(*PLAYBOOKS)),
            ),
            initial=(2, 6),
        ),
        Kind(
            "gateway",
            "gateway",
            "gw",
            lambda rng, place, serial: (
                f"gw-{place.code.lower()}-{rng.choice(('ams', 'lon', 'fra', 'nyc', 'chi'))}"
                f"-{serial + 1:02d}"
            ),
            (
                _setting("listen_port", one_of(443, 8443, 6514)),
                _setting(
                    "allowed_networks",
                    subset(
                        "10.0.0.0/8",
                        "172.16.0.0/12",
                        "192.168.0.0/16",
                        "198.51.100.0/24",
                        at_least=1,
                    ),
                ),
                _setting("tls_certificate", one_of("gw-2026-q1", "gw-2026-q3", "gw-2027-q1")),
                _setting("log_level", one_of("warning", "info", "debug")),
            ),
            initial=(0, 2),
            floor=0,
        ),
        Kind(
            "autopilot",
            "Autopilot",
            "apt",
            lambda _rng, _place, _serial: "Autopilot",
            (
                _setting("status", one_of("disabled", "monitor", "enforce")),
                _setting("auto_isolate", toggle(0.3)),
                _setting("notify", one_of("owners", "owners and MSP", "MSP only")),
            ),
            initial=(1, 1),
        ),
        Kind(
            "company",
            "company",
            "cmp",
            lambda _rng, place, _serial: place.name,
            (
                _setting("contact_email", contact()),
                _setting("license_seats", seats()),
                _setting("timezone", one_of(*words.TIMEZONES)),
                _setting("support_tier", one_of("Standard", "Premium", "Enterprise")),
                _setting("industry", fixed(lambda rng, _p: rng.choice(words.INDUSTRIES))),
            ),
            initial=(1, 1),
        ),
        Kind(
            "label",
            "label",
            "lbl",
            _pick(words.LABELS),
            (
                _setting("color", one_of(*words.LABEL_COLOURS)),
                _setting("auto_apply", toggle(0.3)),
                _setting("visible_to_customer", toggle(0.5)),
            ),
            initial=(3, 8),
            floor=2,
        ),
        Kind(
            "grouping_rules",
            "incident grouping rules",
            "grp",
            lambda _rng, _place, _serial: "Incident grouping rules",
            (
                _setting("window_minutes", one_of(15, 30, 60, 120)),
                _setting("group_by", subset("host", "user", "source_ip", "rule", at_least=1)),
                _setting("max_group_size", one_of(25, 50, 100, 250)),
                _setting("merge_related", toggle(0.5)),
            ),
            initial=(1, 1),
        ),
        Kind(
            "api_key",
            "API key",
            "key",
            _pick(
                (
                    "Terraform pipeline",
                    "PSA ticket sync",
                    "SIEM export",
                    "Backup monitor",
                    "Billing reconciliation",
                    "Asset inventory sync",
                )
            ),
            (
                _setting(
                    "key_prefix", fixed(lambda rng, _p: f"msp_live_{rng.getrandbits(24):06x}")
                ),
                _setting(
                    "scopes",
                    fixed(
                        lambda rng, p: subset(
                            "read:events", "write:config", "manage:users", at_least=1
                        )[0](rng, p)
                    ),
                ),
            ),
            initial=(1, 3),
            floor=0,
        ),
        Kind(
            "roaming_agent",
            "roaming agent",
            "rag",
            lambda rng, _place, _serial: f"LT-{_host(rng)}-{rng.randrange(1000, 9999)}",
            (
                _setting(
                    "os", fixed(lambda rng, _p: rng.choice(("Windows 11", "macOS 14", "macOS 15")))
                ),
                _setting("agent_version", fixed(version(5)[0])),
            ),
            initial=(4, 20),
            floor=0,
        ),
        Kind(
            "roaming_group",
            "roaming group",
            "rgr",
            _pick(words.ROAMING_GROUPS),
            (_setting("members", fixed(lambda rng, _p: rng.randrange(2, 60))),),
            initial=(1, 4),
            floor=0,
        ),
        Kind(
            "report_schedule",
            "scheduled report",
            "rpt",
            _pick(words.REPORT_SCHEDULES),
            (
                _setting("format", fixed(lambda rng, _p: rng.choice(("PDF", "PDF", "CSV")))),
                _setting(
                    "recipients",
                    fixed(
                        lambda rng, place: sorted(
                            {
                                f"{rng.choice(words.CONTACT_MAILBOXES)}@{place.domain}"
                                for _ in range(3)
                            }
                        )
                    ),
                ),
            ),
            initial=(1, 3),
        ),
    )
}

_CHANGEABLE: dict[str, tuple[Setting, ...]] = {
    key: tuple(s for s in kind.settings if s.change is not None) for key, kind in KINDS.items()
}

#: The user account as an object of ``User Updated`` events (its identity lives elsewhere).
USER_SETTINGS: tuple[Setting, ...] = (
    _setting("phone", phone()),
    _setting("job_title", one_of(*words.JOB_TITLES)),
    _setting("mfa_method", one_of("totp", "webauthn", "sms")),
    _setting("locale", one_of("en-GB", "en-US", "de-DE", "nl-NL", "fr-FR")),
    _setting("notifications", one_of("all", "incidents only", "daily digest")),
)


class Inventory:
    """Live objects per place and kind, created on first use.

    A place marked ``fresh`` (a company onboarded during the demo window) starts with only
    its singletons (company, Autopilot, grouping rules); everything else appears through
    ``... Created`` events.
    """

    def __init__(self, rng: Random, places: dict[str, Place]) -> None:
        self._rng = rng
        self._places = places
        self._pools: dict[tuple[str, str], list[Item]] = {}
        self._serials: dict[tuple[str, str], int] = {}
        self._counter = 0
        self._reserved: dict[str, set[str]] = {}
        self.fresh: set[str] = set()

    def place(self, key: str) -> Place:
        return self._places[key]

    def pool(self, place_key: str, kind: Kind) -> list[Item]:
        pool = self._pools.get((place_key, kind.key))
        if pool is None:
            pool = self._pools[(place_key, kind.key)] = []
            low, high = kind.initial
            if place_key in self.fresh and high > 1:
                low = high = 0
            for _ in range(self._rng.randint(low, high)):
                self.create(place_key, kind)
        return pool

    def reserve(self, place_key: str, *names: str) -> None:
        """Keep ``names`` free at a place: random creations will not use them."""
        self._reserved.setdefault(place_key, set()).update(names)

    def create(self, place_key: str, kind: Kind, name: str | None = None) -> Item:
        """A new live object; a random name is unique at its place, as a person would keep it."""
        rng = self._rng
        place = self._places[place_key]
        pool = self._pools.setdefault((place_key, kind.key), [])
        serial = self._serials.get((place_key, kind.key), 0)
        self._serials[(place_key, kind.key)] = serial + 1
        self._counter += 1
        if kind.key == "company":
            item_id = place_key
        else:
            # A counter keeps ids unique; the random tail makes them look like real ids.
            item_id = f"{kind.prefix}_{self._counter:05x}{rng.getrandbits(28):07x}"
        attrs = {s.name: s.initial(rng, place) for s in kind.settings}
        if name is None:
            taken = {item.name for item in pool} | self._reserved.get(place_key, set())
            name = kind.name(rng, place, serial)
            for _ in range(4):
                if name not in taken:
                    break
                name = kind.name(rng, place, serial)
            if name in taken:
                name = f"{name} ({serial + 1})"
        item = Item(item_id, name, attrs, place_key, kind.key)
        pool.append(item)
        return item

    def pick(self, place_key: str, kind: Kind) -> Item | None:
        """A random live object that no scripted story has reserved, or None."""
        candidates = self.pool(place_key, kind)
        if not candidates:
            return None
        item = candidates[self._rng.randrange(len(candidates))]
        if item.protected:
            free = [c for c in candidates if not c.protected]
            return self._rng.choice(free) if free else None
        return item

    def can_remove(self, place_key: str, kind: Kind) -> bool:
        live = self.pool(place_key, kind)
        if len(live) > kind.floor + 1:  # the common case; at most one object is protected
            return True
        return sum(1 for item in live if not item.protected) > kind.floor

    def remove(self, place_key: str, kind: Kind, item: Item) -> None:
        pool = self.pool(place_key, kind)
        if item in pool:
            pool.remove(item)

    def change(self, item: Item, settings: tuple[Setting, ...], count: int) -> list[dict[str, Any]]:
        """Apply ``count`` random field changes to ``item``; the ``changes`` list of the event."""
        rng = self._rng
        place = self._places[item.place_key]
        if count == 1:
            chosen: Any = (settings[int(rng.random() * len(settings))],)
        else:
            chosen = rng.sample(settings, min(count, len(settings)))
        changes = []
        for setting in chosen:
            old = item.attrs.get(setting.name)
            assert setting.change is not None
            new = setting.change(rng, old, place)
            item.attrs[setting.name] = new
            changes.append({"field": setting.name, "old": old, "new": new})
        return changes
