"""Translate an ``EventQuery`` (already narrowed to what the principal may see) into SQL.

Every value reaches the database as a bound parameter. Search terms are additionally quoted
for FTS5 (each of their trigrams a quoted string) or escaped for LIKE, so no character a user
types acts as an operator: the search means "contains this text" and nothing else.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, func, literal, or_, select, text, true, tuple_

from tui.domain.access import Scope
from tui.domain.event import to_epoch_ms
from tui.domain.query import Cursor, EventQuery
from tui.domain.search import INDEXABLE_LENGTH
from tui.domain.timerange import retention_cutoff
from tui.store.schema import events

#: Lone surrogates: how Python reads invalid UTF-8 bytes in a command-line argument.
_SURROGATE = re.compile("[\ud800-\udfff]")


def conditions(
    query: EventQuery, scope: Scope, now: datetime, dialect: str
) -> list[ColumnElement[bool]]:
    """The WHERE clauses for ``query`` within ``scope`` (the principal's visible scope)."""
    return [
        *time_window(span(query, now)),
        *filter_conditions(query, scope),
        *search_conditions(query.terms, dialect),
    ]


def span(query: EventQuery, now: datetime) -> tuple[int, int]:
    """The query's time range within retention, as (start, end) epoch milliseconds."""
    start = max(query.time_range.start, retention_cutoff(now))
    return to_epoch_ms(start), to_epoch_ms(query.time_range.end)


def filter_conditions(query: EventQuery, scope: Scope) -> list[ColumnElement[bool]]:
    """Scope, types, areas and performer: ``conditions`` but for time and text."""
    where: list[ColumnElement[bool]] = [scope_condition(scope)]
    if query.types:
        where.append(events.c.event_type.in_(sorted(query.types)))
    if query.areas:
        where.append(events.c.area.in_(sorted(area.value for area in query.areas)))
    if query.performer:
        performer = query.performer.strip().casefold()
        where.append(events.c.performer_mail == performer if storable(performer) else false())
    return where


def time_window(
    bounds: tuple[int, int],
    *,
    older_than: Cursor | None = None,
    from_: Cursor | None = None,
    newer_than: Cursor | None = None,
) -> list[ColumnElement[bool]]:
    """Events in ``bounds`` (start inclusive, end exclusive) and, in newest-first order,
    after ``older_than``, from ``from_`` on (it included) and before ``newer_than``.

    Exactly one plain lower and one plain upper bound on ``occurred_at`` (the tightest): the
    indexes on ``(..., occurred_at, event_id)`` are walked between them. SQLite takes one
    bound of each side as the index range and tests any other as a filter, so with two
    (the range's end and a cursor's time) it may walk from the range's end down to the
    cursor on every page of an export, or past a stage's end to the range's start. The
    cursors' row values then only settle ties within their millisecond.
    """
    start, end = bounds
    lowest = max([start] + [c.occurred_at_ms for c in (from_, newer_than) if c is not None])
    highest = end - 1 if older_than is None else min(end - 1, older_than.occurred_at_ms)
    where = [events.c.occurred_at >= lowest, events.c.occurred_at <= highest]
    key = tuple_(events.c.occurred_at, events.c.event_id)
    if older_than is not None:
        where.append(key < _key(older_than))
    if from_ is not None:
        where.append(key >= _key(from_))
    if newer_than is not None:
        where.append(key > _key(newer_than))
    return where


def _key(cursor: Cursor) -> ColumnElement:  # type: ignore[type-arg]
    return tuple_(literal(cursor.occurred_at_ms), literal(cursor.event_id))


def retention_condition(now: datetime) -> ColumnElement[bool]:
    return events.c.occurred_at >= to_epoch_ms(retention_cutoff(now))


def scope_condition(scope: Scope) -> ColumnElement[bool]:
    """Portal events have no tenant; ``tenants=None`` means every tenant."""
    parts: list[ColumnElement[bool]] = []
    if scope.tenants is None:
        parts.append(events.c.tenant_id.is_not(None))
    elif scope.tenants:
        parts.append(events.c.tenant_id.in_(sorted(_storable_keys(scope.tenants))))
    if scope.portal:
        parts.append(events.c.tenant_id.is_(None))
    if not parts:
        return false()
    if scope.portal and scope.tenants is None:
        return true()
    return or_(*parts)


def storable(value: str) -> bool:
    """Whether the database could hold ``value``; user input that fails matches nothing.

    NUL: PostgreSQL refuses it even as a bound parameter. A lone surrogate (invalid bytes
    typed on a command line): neither driver can encode it. Validation keeps both out of
    every stored key and every searchable text.
    """
    return "\x00" not in value and (value.isascii() or not _SURROGATE.search(value))


def _storable_keys(keys: frozenset[str]) -> list[str]:
    """The keys that could be stored; the others match nothing."""
    return [key for key in keys if storable(key)]


def search_conditions(terms: tuple[str, ...], dialect: str) -> list[ColumnElement[bool]]:
    """Each (normalised) term occurs in the event's normalised search text, through the
    search index where the backend has one for it (every match in the whole table at once:
    quick for a rare term, slow for a common one; see ``tui.store.search_plan``)."""
    if not all(storable(term) for term in terms):
        return [false()]  # no stored text holds a lone surrogate (normalise drops NUL)
    if dialect != "sqlite":
        return scan_conditions(terms, dialect)
    # Too short for trigrams: instr() takes the text literally, no escaping needed.
    where = [func.instr(events.c.search_text, t) > 0 for t in terms if len(t) < INDEXABLE_LENGTH]
    long_terms = [t for t in terms if len(t) >= INDEXABLE_LENGTH]
    if long_terms:
        # The index (migration 0004) holds no positions, so it cannot match a phrase: it
        # is asked for the events holding every trigram of every term, each trigram quoted
        # (no FTS5 operator can be smuggled in), and instr() then keeps exactly the events
        # holding each term, as it does for short terms.
        matches = (
            select(text("rowid"))
            .select_from(text("events_fts"))
            .where(
                text("events_fts MATCH :expression").bindparams(expression=_trigrams(long_terms))
            )
        )
        where.append(events.c.seq.in_(matches.scalar_subquery()))
        where.extend(func.instr(events.c.search_text, t) > 0 for t in long_terms)
    return where


def scan_conditions(terms: tuple[str, ...], dialect: str) -> list[ColumnElement[bool]]:
    """The same test as ``search_conditions``, row by row, for a walk down the time index.

    On PostgreSQL it is the same LIKE (whether the trigram index serves it is the planner's
    choice); on SQLite ``instr``, which the FTS5 index does not serve.
    """
    if not all(storable(term) for term in terms):
        return [false()]
    if dialect != "sqlite":
        return [events.c.search_text.like(f"%{_like_escaped(t)}%", escape="\\") for t in terms]
    return [func.instr(events.c.search_text, t) > 0 for t in terms]


#: The most trigrams one search asks the index for. A long term's trigrams beyond it only
#: narrow what instr() narrows anyway, and each costs the index a list to walk.
MAX_TRIGRAMS = 32


def _trigrams(terms: list[str]) -> str:
    """An FTS5 query for the events holding every distinct trigram of ``terms`` (at most
    ``MAX_TRIGRAMS`` of them, spread along the terms), each a quoted string."""
    grams = list(dict.fromkeys(t[i : i + 3] for t in terms for i in range(len(t) - 2)))
    if len(grams) > MAX_TRIGRAMS:
        step = len(grams) / MAX_TRIGRAMS
        grams = [grams[int(i * step)] for i in range(MAX_TRIGRAMS)]
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def has_index_terms(terms: tuple[str, ...]) -> bool:
    """Whether the search index can serve any of ``terms`` (trigrams need three characters)."""
    return any(len(t) >= INDEXABLE_LENGTH for t in terms)


def _like_escaped(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def all_of(where: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return and_(*where)
