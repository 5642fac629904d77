"""The audit event: who did what, where, when, to which target.

An event is immutable. Its JSON form (``to_dict``) is the one canonical representation used
everywhere: it is what the store keeps, what exports write and what ingest reads, so an
export → ingest round trip reproduces every event exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from tui.domain.catalog import Area, EventType, event_type
from tui.domain.search import normalise


@dataclass(frozen=True, slots=True)
class Performer:
    """The account that acted, as it was at the time (kept even after erasure)."""

    id: str
    mail: str
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class TenantRef:
    """A tenant (a customer company of the MSP) by id and display name."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Context:
    """Where the action happened: the portal itself (tenant None) or one tenant."""

    tenant: TenantRef | None
    source_ip: str
    user_agent: str

    @property
    def is_portal(self) -> bool:
        return self.tenant is None


@dataclass(frozen=True, slots=True)
class Target:
    """The object the action was applied to."""

    kind: str
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field of an ``... Updated`` event."""

    field: str
    old: Any
    new: Any


def format_timestamp(moment: datetime) -> str:
    """UTC, millisecond precision, ``Z`` suffix: the one timestamp format of the JSON form.

    ``isoformat`` rather than ``strftime("%Y")``: the latter drops the leading zeros of a
    year before 1000 on glibc, which ``parse_event`` then refuses (the round trip broke).
    """
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    return utc.isoformat(timespec="milliseconds")[:-6] + "Z"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch; the store orders and filters by this integer."""
    delta = (moment if moment.tzinfo is not None else moment.astimezone(UTC)) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def parse_timestamp(text: str) -> datetime:
    """``text`` (ISO 8601 with a zone) as a UTC moment cut to the millisecond.

    Raises ``ValueError`` for text ``fromisoformat`` does not read; a naive time comes back
    naive (the caller says why that is refused). The canonical form
    (``YYYY-MM-DDTHH:MM:SS.mmmZ``) needs no conversion, which is most of the cost saved.
    """
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is UTC and not moment.microsecond % 1000:
        return moment
    if moment.tzinfo is None:
        return moment
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def from_epoch_ms(ms: int) -> datetime:
    seconds, millis = divmod(ms, 1000)
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=millis * 1000)


@dataclass(frozen=True, slots=True)
class _EventFields:
    """The value of an ``AuditEvent``: its fields, equality and immutability."""

    id: str
    type: EventType
    occurred_at: datetime  # UTC, millisecond precision
    performer: Performer
    context: Context
    target: Target
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


class AuditEvent(_EventFields):
    """One recorded action. Build it with ``tui.domain.validation.parse_event``.

    The search text and the canonical JSON are computed once, on first use, and kept with
    the event in two slots that are not fields (not part of its value, its equality or
    ``dataclasses.fields``): whoever needs them again (the store's row, its hash chain, an
    export) gets them for free.
    """

    __slots__ = ("_json", "_search_text")

    @property
    def area(self) -> Area:
        return self.type.area

    @property
    def tenant(self) -> TenantRef | None:
        return self.context.tenant

    @property
    def changes(self) -> tuple[FieldChange, ...]:
        """The field-level changes of an ``... Updated`` event (empty for other types)."""
        raw = self.details.get("changes")
        if not isinstance(raw, list):
            return ()
        return tuple(
            FieldChange(str(item.get("field", "")), item.get("old"), item.get("new"))
            for item in raw
            if isinstance(item, dict)
        )

    @classmethod
    def from_stored(cls, document: dict[str, Any]) -> AuditEvent:
        """The event whose canonical JSON (``to_dict``) the store wrote, without validating.

        For the read side: the store only holds bodies that passed ``parse_event`` on the way
        in (tamper evidence is checked elsewhere), so checking them again on every read costs
        time and proves nothing. The result equals ``parse_event(document)``: the same
        strings, the same ``details`` object (big integers, nesting and NUL bytes as
        decoded), the timestamp read the same way. Members other than the event's own (an
        export's ``_seal``, say) are ignored. A document that is not in the canonical shape
        (a missing member, a type outside the catalog) is handed to ``parse_event``, which
        raises ``EventRejected`` naming the field, so a damaged body is reported, not
        mistaken.
        """
        try:
            kind = event_type(document["type"])
            performer = document["performer"]
            context = document["context"]
            tenant = context["tenant"]
            target = document["target"]
            occurred_at = parse_timestamp(document["timestamp"])
            if kind is not None and occurred_at.tzinfo is not None:
                return cls(
                    document["id"],
                    kind,
                    occurred_at,
                    Performer(
                        performer["id"], performer["mail"], performer["name"], performer["role"]
                    ),
                    Context(
                        None if tenant is None else TenantRef(tenant["id"], tenant["name"]),
                        context["source_ip"],
                        context["user_agent"],
                    ),
                    Target(target["kind"], target["id"], target["name"]),
                    document["summary"],
                    document["details"],
                )
        except (KeyError, TypeError, ValueError, OverflowError):
            pass
        from tui.domain.validation import parse_event  # (validation imports this module)

        return parse_event(document)

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON form; key order is fixed and part of the format."""
        tenant = self.context.tenant
        return {
            "id": self.id,
            "type": self.type.name,
            "area": self.type.area.value,
            "timestamp": format_timestamp(self.occurred_at),
            "performer": {
                "id": self.performer.id,
                "mail": self.performer.mail,
                "name": self.performer.name,
                "role": self.performer.role,
            },
            "context": {
                "tenant": None if tenant is None else {"id": tenant.id, "name": tenant.name},
                "source_ip": self.context.source_ip,
                "user_agent": self.context.user_agent,
            },
            "target": {"kind": self.target.kind, "id": self.target.id, "name": self.target.name},
            "summary": self.summary,
            "details": self.details,
        }

    def search_text(self) -> str:
        """What free-text search looks through, normalised (see ``tui.domain.search``)."""
        text = getattr(self, "_search_text", None)  # (unset until first asked)
        if text is None:
            text = _search_text(self)
            object.__setattr__(self, "_search_text", text)
        return text

    def canonical_json(self) -> str:
        """``to_dict`` as compact JSON text, exactly: what the store keeps as the body.

        orjson writes it, except for integers beyond 64 bits (which validation allows), for
        which the standard library does. An event built without ``parse_event`` that holds
        what JSON cannot (a tuple, a lone surrogate, NaN) is refused here with
        ``EventRejected`` naming the field, as validation would.
        """
        text = getattr(self, "_json", None)
        if text is None:
            text = _canonical_json(self.to_dict())
            object.__setattr__(self, "_json", text)
        return text


def _search_text(audit_event: AuditEvent) -> str:
    tenant = audit_event.context.tenant
    performer, target = audit_event.performer, audit_event.target
    parts = [
        audit_event.summary,
        performer.mail,
        performer.name,
        target.name,
        target.id,
        tenant.name if tenant else "portal",
        tenant.id if tenant else "",
        audit_event.context.source_ip,
        audit_event.type.name,
    ]
    # A newline between fields keeps a searched phrase from spanning two fields. Inside a
    # field, whitespace runs become one space, as they do in search terms, so the phrase
    # "acme corp" finds "Acme  Corp" and "Acme\tCorp".
    # Normalising the joined text once is several times faster than field by field.
    joined = normalise("\n".join([part.replace("\n", " ") for part in parts]))
    return "\n".join([" ".join(line.split()) for line in joined.split("\n")])


def _canonical_json(document: dict[str, Any]) -> str:
    try:
        return orjson.dumps(document).decode()
    except orjson.JSONEncodeError:
        pass
    from tui.domain.validation import parse_event  # (validation imports this module)

    parse_event(document)  # says what JSON cannot hold, and where
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
