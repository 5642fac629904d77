"""Turn a raw JSON object into an ``AuditEvent``, or say precisely which field is wrong.

Identifiers (event id, performer mail, tenant id) are strict: printable, no control
characters, bounded length, because they are used as keys and typed on command lines.
Free text (names, summary, details) is kept exactly as given, however hostile: rendering it
safely is the interfaces' job, and an audit log must not rewrite evidence. For the same reason
what cannot be kept exactly is refused rather than altered: lone surrogates (not Unicode text;
neither database nor JSON encoder takes them), non-finite numbers (JSON has none; the encoder
would write null), values that are not JSON, integers beyond ``MAX_INTEGER_BITS`` and
``details`` nested deeper than ``MAX_DETAILS_DEPTH``.
"""

from __future__ import annotations

import ipaddress
import math
import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from tui.domain.catalog import EventType, event_type, find_event_type, is_incident_operation
from tui.domain.errors import EventRejected
from tui.domain.event import AuditEvent, Context, Performer, Target, TenantRef, parse_timestamp

_TOP_LEVEL = frozenset(
    {"id", "type", "area", "timestamp", "performer", "context", "target", "summary", "details"}
)
#: The member an exported line carries beside the event: the hash chain's data for offline
#: verification. Ingest accepts it (an object) and ignores it; the store seals anew.
SEAL = "_seal"
_PERFORMER_KEYS = frozenset({"id", "mail", "name", "role"})
_CONTEXT_KEYS = frozenset({"tenant", "source_ip", "user_agent"})
_TENANT_KEYS = frozenset({"id", "name"})
_TARGET_KEYS = frozenset({"kind", "id", "name"})
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}")
_MAIL = re.compile(r"[^\s@\x00-\x1f\x7f]{1,64}@[^\s@\x00-\x1f\x7f]{1,255}")
#: How far ahead of the store's clock an event's timestamp may be (clock skew between hosts).
FUTURE_TOLERANCE = timedelta(minutes=5)
#: How deeply ``details`` may nest (``details`` itself is level 1). The store's JSON encoder
#: (orjson) gives up at 255 levels for a whole event, in the middle of a batch; a limit well
#: below it refuses such an event up front, with a reason, and keeps the viewer's pretty
#: printer far from Python's recursion limit.
MAX_DETAILS_DEPTH = 128
#: Integers up to this many bits are kept exactly (beyond 64 bits through the standard
#: library's JSON reader and writer); a longer integer literal ingest refuses as infinite.
MAX_INTEGER_BITS = 1024
_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_]{1,40}")
#: Performers and contexts repeat from event to event (one person, one session); their
#: verdicts are remembered for this many distinct values, each of at most _CACHED_CHARS.
_CACHE_SIZE = 4096
_CACHED_CHARS = 1024


def parse_event(raw: Any, *, now: datetime | None = None) -> AuditEvent:
    """Validate ``raw`` (a decoded JSON value) and build the event.

    ``now`` enables the check that the event is not from the future; pass None when
    re-reading events that were validated on the way in.
    Raises ``EventRejected`` naming the first offending field.
    """
    if not isinstance(raw, dict):
        raise EventRejected("", f"an event must be a JSON object, not {_json_kind(raw)}")
    if not raw.keys() <= _TOP_LEVEL:
        _check_extra_members(raw)

    event_id = _identifier(raw, "id", "id")
    kind = _event_type(raw)
    if "area" in raw and raw["area"] != kind.area.value:
        raise EventRejected(
            "area", f"{_show(raw['area'])} does not match type {kind.name!r} ({kind.area.value})"
        )
    occurred_at = _timestamp(raw, now)
    performer = _performer(_object(raw, "performer", "performer"))
    context = _context(_object(raw, "context", "context"))
    target = _target(_object(raw, "target", "target"))
    summary = _text(raw, "summary", "summary", required=True)
    details = raw.get("details", {})
    if not isinstance(details, dict):
        raise EventRejected("details", f"must be a JSON object, not {_json_kind(details)}")
    if not _plain_json(details, 1):
        _check_json_data(details)  # says what is wrong, and where
    if kind.is_update:
        _check_changes(details)
    if kind.is_failure:
        reason = details.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise EventRejected("details.reason", f"a {kind.name} event must say why it failed")
    return AuditEvent(event_id, kind, occurred_at, performer, context, target, summary, details)


def _check_extra_members(raw: dict[str, Any]) -> None:
    """Refuse a member outside the format, the first by name; an object ``_seal`` may stay."""
    for name in sorted(set(raw) - _TOP_LEVEL):
        if name != SEAL:
            raise EventRejected(name, "unknown field (not part of the audit event format)")
        if not isinstance(raw[name], dict):
            raise EventRejected(
                name, f"the export's seal must be an object, not {_json_kind(raw[name])}"
            )


def _event_type(raw: dict[str, Any]) -> EventType:
    name = raw.get("type")
    found = event_type(name) if type(name) is str else None
    if found is not None:
        return found
    if not isinstance(name, str) or not name.strip():
        raise EventRejected("type", "missing; every event names its type from the catalog")
    if is_incident_operation(name):
        raise EventRejected(
            "type", f"{_show(name)} is an incident operation; incidents are not audit events"
        )
    spelled = find_event_type(name)
    if spelled is not None:
        raise EventRejected(
            "type", f"{_show(name)} is not spelled as in the catalog; write {spelled.name!r}"
        )
    raise EventRejected("type", f"{_show(name)} is not in the audit event catalog")


def _timestamp(raw: dict[str, Any], now: datetime | None) -> datetime:
    value = raw.get("timestamp")
    if not isinstance(value, str):
        raise EventRejected("timestamp", "missing; expected an ISO 8601 UTC time")
    try:
        moment = parse_timestamp(value)
    except ValueError:
        raise EventRejected(
            "timestamp", f"{_show(value)} is not an ISO 8601 time such as 2026-11-25T09:30:00.000Z"
        ) from None
    except OverflowError:  # in UTC it would fall before year 1 or after 9999
        raise EventRejected("timestamp", f"{_show(value)} is out of range in UTC") from None
    if moment.tzinfo is None:
        raise EventRejected("timestamp", f"{_show(value)} has no time zone; write it in UTC with Z")
    if now is not None and moment > now + FUTURE_TOLERANCE:
        raise EventRejected("timestamp", f"{_show(value)} is in the future")
    return moment


def _performer(raw: dict[str, Any]) -> Performer:
    if raw.keys() == _PERFORMER_KEYS:
        values = (raw["id"], raw["mail"], raw["name"], raw["role"])
        if _cacheable(values):
            return _known_performer(*values)
    return _check_performer(raw)


@lru_cache(maxsize=_CACHE_SIZE)
def _known_performer(performer_id: str, mail: str, name: str, role: str) -> Performer:
    """``_check_performer`` remembered: a refusal raises, so only valid ones are kept."""
    return _check_performer({"id": performer_id, "mail": mail, "name": name, "role": role})


def _cacheable(values: tuple[Any, ...]) -> bool:
    """Plain short strings, whose verdict can be remembered without holding much memory."""
    size = 0
    for value in values:
        if type(value) is not str:
            return False
        size += len(value)
    return size <= _CACHED_CHARS


def _check_performer(raw: dict[str, Any]) -> Performer:
    _no_unknown(raw, "performer", _PERFORMER_KEYS)
    mail = raw.get("mail")
    # isprintable: no C1 controls, bidi overrides or zero-width characters in an identity.
    if not isinstance(mail, str) or not _MAIL.fullmatch(mail) or not mail.isprintable():
        raise EventRejected("performer.mail", f"{_show(mail)} is not an e-mail address")
    return Performer(
        id=_identifier(raw, "id", "performer.id"),
        mail=mail,
        name=_text(raw, "name", "performer.name", required=False),
        role=_text(raw, "role", "performer.role", required=True),
    )


def _context(raw: dict[str, Any]) -> Context:
    if raw.keys() == _CONTEXT_KEYS:
        tenant = raw["tenant"]
        if tenant is None:
            values: tuple[Any, ...] = (raw["source_ip"], raw["user_agent"])
            if _cacheable(values):
                return _known_portal_context(*values)
        elif type(tenant) is dict and tenant.keys() == _TENANT_KEYS:
            values = (tenant["id"], tenant["name"], raw["source_ip"], raw["user_agent"])
            if _cacheable(values):
                return _known_tenant_context(*values)
    return _check_context(raw)


@lru_cache(maxsize=_CACHE_SIZE)
def _known_portal_context(source_ip: str, user_agent: str) -> Context:
    return _check_context({"tenant": None, "source_ip": source_ip, "user_agent": user_agent})


@lru_cache(maxsize=_CACHE_SIZE)
def _known_tenant_context(tenant_id: str, name: str, source_ip: str, user_agent: str) -> Context:
    tenant = {"id": tenant_id, "name": name}
    return _check_context({"tenant": tenant, "source_ip": source_ip, "user_agent": user_agent})


def _check_context(raw: dict[str, Any]) -> Context:
    _no_unknown(raw, "context", _CONTEXT_KEYS)
    if "tenant" not in raw:
        raise EventRejected("context.tenant", "missing; null for the portal, else {id, name}")
    tenant_raw = raw["tenant"]
    tenant = None
    if tenant_raw is not None:
        if not isinstance(tenant_raw, dict):
            raise EventRejected("context.tenant", "must be null (the portal) or {id, name}")
        _no_unknown(tenant_raw, "context.tenant", _TENANT_KEYS)
        tenant = TenantRef(
            id=_identifier(tenant_raw, "id", "context.tenant.id"),
            name=_text(tenant_raw, "name", "context.tenant.name", required=True),
        )
    source_ip = raw.get("source_ip")
    if not isinstance(source_ip, str):
        raise EventRejected("context.source_ip", "missing; expected an IPv4 or IPv6 address")
    try:
        ipaddress.ip_address(source_ip)
    except ValueError:
        raise EventRejected(
            "context.source_ip", f"{_show(source_ip)} is not an IP address"
        ) from None
    if "%" in source_ip:
        # ipaddress accepts any text as an IPv6 zone ("fe80::1%<anything>"), escapes included.
        raise EventRejected(
            "context.source_ip", f"{_show(source_ip)} has a zone index; give the address alone"
        )
    user_agent = _text(raw, "user_agent", "context.user_agent", required=False)
    return Context(tenant, source_ip, user_agent)


def _target(raw: dict[str, Any]) -> Target:
    if raw.keys() == _TARGET_KEYS:
        kind, target_id, name = raw["kind"], raw["id"], raw["name"]
        plain = _plain_text(kind) and _plain_text(target_id) and _plain_text(name)
        if plain and kind.strip() and name.strip():
            return Target(kind, target_id, name)
    return _check_target(raw)


def _check_target(raw: dict[str, Any]) -> Target:
    _no_unknown(raw, "target", _TARGET_KEYS)
    return Target(
        kind=_text(raw, "kind", "target.kind", required=True),
        id=_text(raw, "id", "target.id", required=False),
        name=_text(raw, "name", "target.name", required=True),
    )


def _check_changes(details: dict[str, Any]) -> None:
    changes = details.get("changes")
    if not isinstance(changes, list) or not changes:
        raise EventRejected(
            "details.changes", "an Updated event must list its changes: [{field, old, new}, ...]"
        )
    for index, change in enumerate(changes):
        where = f"details.changes[{index}]"
        if not isinstance(change, dict):
            raise EventRejected(where, "must be an object {field, old, new}")
        if not isinstance(change.get("field"), str) or not change["field"]:
            raise EventRejected(f"{where}.field", "missing; name the changed field")
        for side in ("old", "new"):
            if side not in change:
                raise EventRejected(f"{where}.{side}", "missing (use null for no value)")


def _object(raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        state = "missing" if key not in raw else f"must be an object, not {_json_kind(value)}"
        raise EventRejected(where, state)
    return value


def _identifier(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise EventRejected(
            where,
            f"{_show(value)} is not a valid identifier "
            "(1-128 letters, digits and . _ : @ -, starting with a letter or digit)",
        )
    return value


def _plain_text(value: Any) -> bool:
    """A ``str`` that ``_text`` would keep as it is (a lone surrogate is not)."""
    return type(value) is str and (value.isascii() or not _SURROGATE.search(value))


def _text(raw: dict[str, Any], key: str, where: str, *, required: bool) -> str:
    if key not in raw:
        if required:
            raise EventRejected(where, "missing")
        return ""
    value = raw[key]
    if not isinstance(value, str):
        raise EventRejected(where, f"must be a string, not {_json_kind(value)}")
    _check_unicode(value, where)
    if required and not value.strip():
        raise EventRejected(where, "must not be empty")
    return value


def _check_unicode(text: str, where: str) -> None:
    """Refuse a lone surrogate: Python lets one into a str (``"\\ud800"``, or invalid bytes
    in a command line), but it is not a character and cannot be encoded as UTF-8."""
    found = None if text.isascii() else _SURROGATE.search(text)
    if found:
        raise EventRejected(
            where,
            f"holds a lone surrogate {_show(found.group())} at {found.start()}, "
            "which is not Unicode text",
        )


def _plain_json(container: dict[str, Any] | list[Any], depth: int) -> bool:
    """True when ``_check_json_data`` would accept ``container`` (at nesting ``depth``).

    The common case made cheap: exact JSON types only, checked in place by recursion (bounded
    by MAX_DETAILS_DEPTH, far below Python's limit), no path kept. Anything unusual answers
    False, and the full walk then decides and says what is wrong and where.
    """
    if type(container) is dict:
        for key in container:
            if type(key) is not str or not (key.isascii() or not _SURROGATE.search(key)):
                return False
        values = container.values()
    else:
        values = container
    for value in values:
        kind = type(value)
        if kind is str:
            if not value.isascii() and _SURROGATE.search(value):
                return False
        elif kind is dict or kind is list:
            if depth >= MAX_DETAILS_DEPTH or not _plain_json(value, depth + 1):
                return False
        elif kind is int:
            if value.bit_length() > MAX_INTEGER_BITS:
                return False
        elif kind is float:
            if not math.isfinite(value):
                return False
        elif value is not None and kind is not bool:
            return False
    return True


def _check_json_data(details: dict[str, Any]) -> None:
    """Every value in ``details`` is JSON data the store keeps exactly.

    Iterative, so a hostile nesting depth cannot reach Python's recursion limit here; every
    event read back passes here too, so the walk is kept cheap (a path is spelt out only
    for a refusal).
    """
    stack: list[tuple[Any, Any, int]] = [(details, None, 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if not value.isascii():
                _check_unicode(value, _where(path))
        elif isinstance(value, dict | list):
            if depth > MAX_DETAILS_DEPTH:
                raise EventRejected("details", f"nested deeper than {MAX_DETAILS_DEPTH} levels")
            if isinstance(value, list):
                stack.extend((item, (path, i), depth + 1) for i, item in enumerate(value))
                continue
            for key, item in value.items():
                if not isinstance(key, str):
                    raise EventRejected(_where(path), f"has a key {_show(key)}, not a string")
                if not key.isascii():
                    _check_unicode(key, _where(path) + " (a key)")
                stack.append((item, (path, key), depth + 1))
        elif value is None or isinstance(value, bool):
            pass
        elif isinstance(value, int):
            if value.bit_length() > MAX_INTEGER_BITS:  # (repr() could even raise for it)
                raise EventRejected(
                    _where(path), f"an integer of {value.bit_length()} bits is too large to store"
                )
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise EventRejected(_where(path), f"{value!r} is not a JSON number")
        else:
            kind = type(value).__name__
            raise EventRejected(_where(path), f"holds a Python {kind}, not a JSON value")


def _where(path: Any) -> str:
    """``details.settings[2]`` from the walk's linked (parent, key) path."""
    parts: list[str] = []
    while path is not None:
        path, key = path
        if isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append(f".{key}" if _PLAIN_KEY.fullmatch(key) else f"[{_show(key)}]")
    return "details" + "".join(reversed(parts))


def _no_unknown(raw: dict[str, Any], where: str, allowed: set[str]) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise EventRejected(f"{where}.{unknown[0]}", "unknown field")


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _show(value: Any, limit: int = 60) -> str:
    """A short, inert rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
