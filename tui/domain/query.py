"""What a reader asks the store for, and what comes back.

``EventQuery`` is a frozen value: the screen and the command line build one from user input,
and the store translates it into SQL after narrowing its scope to what the principal may see.
Filters combine with AND: a type filter and an area filter must both hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from tui.domain.access import Scope
from tui.domain.catalog import Area
from tui.domain.event import AuditEvent, TenantRef
from tui.domain.search import search_terms
from tui.domain.timerange import TimeRange, default_range

#: Rows in one page of the viewer's table and of the command line's default output.
PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Scope, time range and filters. Empty filters mean "no restriction"."""

    time_range: TimeRange
    scope: Scope = field(default_factory=Scope.all)
    types: frozenset[str] = frozenset()
    areas: frozenset[Area] = frozenset()
    performer: str | None = None
    text: str = ""

    @classmethod
    def default(cls, now: datetime) -> EventQuery:
        return cls(time_range=default_range(now))

    @property
    def terms(self) -> tuple[str, ...]:
        return search_terms(self.text)

    def with_changes(self, **changes: object) -> EventQuery:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True, order=True)
class Cursor:
    """Where a page ended: the (time, id) of its last event. Newer pages sort before it."""

    occurred_at_ms: int
    event_id: str

    def token(self) -> str:
        """A printable form for scripts (``auditlog query --after TOKEN``)."""
        return f"{self.occurred_at_ms}:{self.event_id}"

    @classmethod
    def from_token(cls, token: str) -> Cursor:
        from tui.domain.errors import InvalidInput

        ms, sep, event_id = token.partition(":")
        if not sep or not ms.isdigit() or not event_id:
            raise InvalidInput(f"{token!r} is not a page cursor (expected MILLIS:EVENT_ID)")
        return cls(int(ms), event_id)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of events, newest first; ``next_cursor`` is None on the last page."""

    events: tuple[AuditEvent, ...]
    next_cursor: Cursor | None
    #: Performer mails (case-folded) on this page whose accounts have been erased since.
    erased_performers: frozenset[str] = frozenset()


class StoredEvent(Protocol):
    """One event as the store holds it, not decoded: what exports stream.

    ``body`` is the event's canonical JSON (``AuditEvent.to_dict``) exactly as stored: UTF-8
    bytes, or text where the database driver hands text over (PostgreSQL), so that an
    NDJSON export writes it as it is and encodes a whole chunk at once. A protocol, not a
    class: the store hands over its own result rows, since a million objects made only to
    be taken apart again would cost about as much as the rest of an export.
    """

    @property
    def occurred_at_ms(self) -> int: ...
    @property
    def event_id(self) -> str: ...
    @property
    def body(self) -> bytes | str: ...

    # Its place in the hash chain (``tui.domain.chain``), which an NDJSON export seals each
    # line with; the store's rows carry these, other iterables may leave them out.
    chain_segment: int | None
    chain_position: int | None
    chain_prev: bytes | None
    chain_hash: bytes | None


@dataclass(frozen=True, slots=True)
class Count:
    """How many events match; ``capped`` when counting stopped at ``value`` (show "N+")."""

    value: int
    capped: bool = False

    def __str__(self) -> str:
        return f"{self.value:,}+" if self.capped else f"{self.value:,}"


@dataclass(frozen=True, slots=True)
class Facet:
    """One value present in the data, with how many events carry it; ``capped`` when
    counting stopped at ``count`` (there are more: show "N+")."""

    value: str
    label: str
    count: int
    capped: bool = False

    @property
    def shown_count(self) -> str:
        return str(Count(self.count, self.capped))


@dataclass(frozen=True, slots=True)
class Facets:
    """What the matching events hold, for filter pickers: types, performers, tenants.

    ``counted_from`` is set while counting goes on: so far only the events from that time to
    the range's end are counted (newest first), so every count is at least what it shows
    (each facet is ``capped``), and a value seen only earlier is not offered yet.
    """

    types: tuple[Facet, ...]
    performers: tuple[Facet, ...]
    tenants: tuple[Facet, ...]
    counted_from: datetime | None = None

    @property
    def complete(self) -> bool:
        return self.counted_from is None


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What a batch append did: events stored, and ids the store already held."""

    added: int
    duplicates: int


__all__ = [
    "PAGE_SIZE",
    "AppendResult",
    "Count",
    "Cursor",
    "EventQuery",
    "Facet",
    "Facets",
    "Page",
    "StoredEvent",
    "TenantRef",
]
