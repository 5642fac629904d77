"""The adaptive plan of a free-text search: the newest rows first, the search index for the rest.

The search indexes (FTS5 trigrams on SQLite, pg_trgm on PostgreSQL) answer "which events
contain this text" for the whole table at once, and a page then keeps the newest hundred. For
a rare word that is quick; for a common one ("updated": every fourth event) it is a quarter of
the log fetched and sorted to keep a hundred, about a second at a million events. Walking the
time index newest-first and testing each row finds a common word's hundred matches within a
few hundred rows, and a rare word's only after most of the range. So a search goes in stages:

1. the newest ``first_scan`` candidates (rows that pass every filter but the text) are tested
   row by row; if that fills the page, it is done;
2. otherwise what the stage found tells how common the terms are, and a cost model chooses:
   walk a further, bounded stretch (when the rest of the page is expected within it) or ask
   the search index for the rest.

Every stage is a keyset range strictly older than the one before (the index's stage too), so
stages neither overlap nor leave a gap: the result is the one query's result, in its order,
and a page cursor continues exactly, whichever stage produced its last row. All of it runs
in the caller's connection, inside the same conditions (access scope included).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, func, select, text

from tui.domain.query import Cursor
from tui.store import filters
from tui.store.schema import events

Part = TypeVar("Part")
#: Runs one stage: (the stage's conditions, how many matches are still wanted) ->
#: (what it found, how many matches that is).
Collect = Callable[[list[ColumnElement[bool]], int], tuple[Part, int]]


@dataclass(frozen=True, slots=True)
class Tuning:
    """The cost model, in relative units: testing one walked row costs 1 (under a
    microsecond with its table lookup), each match the search index returns about 6 (it
    returns every match in the table, which is then sorted; since migration 0004 SQLite's
    index first intersects the lists of every trigram of the word, common ones included).
    Measured with the rare word 'revoking' over 180 days: at 1M events either value (2 or 6)
    picks the index, in 14-20 ms on both backends; at 10M on SQLite 2 picked the index (131
    ms) where walking takes 50 ms. A stage walks on while walking the rest of the page looks
    cheaper than the index's share of the table; a wrong guess costs at most ``max_scan``
    rows."""

    #: Candidates tested row by row before anything else.
    first_scan: int = 1000
    #: The most candidates any later stage walks (a bound on a wrong estimate's cost).
    max_scan: int = 50_000
    scan_cost: float = 1.0
    index_cost: float = 6.0


TUNING = Tuning()


class SearchPlan:
    """The stages of one search; ``rows`` and ``count`` answer like one query would."""

    def __init__(
        self,
        connection: Connection,
        where: list[ColumnElement[bool]],
        bounds: tuple[int, int],
        terms: tuple[str, ...],
        dialect: str,
        *,
        newer_than: Cursor | None = None,
        tuning: Tuning | None = None,
    ) -> None:
        """``where``: every condition but time and text (scope and filters); ``bounds``: the
        time range; ``newer_than``: only events before this cursor (newest first)."""
        self._connection = connection
        self._where = where
        self._bounds = bounds
        self._newer_than = newer_than
        self._scan = filters.scan_conditions(terms, dialect)
        self._indexed = filters.search_conditions(terms, dialect)
        self._tuning = tuning or TUNING
        self._table_rows: int | None = None
        #: Without a term the index serves (or with one that matches nothing at all) there
        #: is nothing to choose: one walk, which stops at the page's end.
        self._staged = filters.has_index_terms(terms) and all(map(filters.storable, terms))
        if self._staged and dialect == "postgresql":
            # psycopg prepares a statement run five times, and PostgreSQL then plans the
            # search once for any word: a trigram bitmap over the whole range and a sort,
            # 80-700 ms at 1M. A plan per call sees the words and the range (this
            # transaction only).
            connection.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))

    def rows(self, columns: Sequence[Any], after: Cursor | None, wanted: int) -> list[Any]:
        """The first ``wanted`` matching rows older than ``after``, newest first."""

        def collect(where: list[ColumnElement[bool]], n: int) -> tuple[list[Any], int]:
            found = self._connection.execute(
                select(*columns).where(*where).order_by(*_NEWEST_FIRST).limit(n)
            ).all()
            return found, len(found)

        return [row for part in self._stages(after, wanted, collect) for row in part]

    def count(self, cap: int) -> int:
        """How many rows match, counting no further than ``cap``."""

        def collect(where: list[ColumnElement[bool]], n: int) -> tuple[int, int]:
            matching = select(events.c.seq).where(*where).limit(n).subquery()
            found = self._connection.execute(
                select(func.count()).select_from(matching)
            ).scalar_one()
            return found, found

        return sum(self._stages(None, cap, collect))

    def _stages(self, after: Cursor | None, wanted: int, collect: Collect[Part]) -> list[Part]:
        if not self._staged:
            return [collect([*self._window(after), *self._where, *self._scan], wanted)[0]]
        parts: list[Part] = []
        found = walked = 0
        stage = self._tuning.first_scan
        while stage:
            edge = self._edge(after, stage)
            window = self._window(after, edge)
            part, n = collect([*window, *self._where, *self._scan], wanted - found)
            parts.append(part)
            found += n
            if found >= wanted or edge is None:  # the page is full, or the range walked
                return parts
            walked += stage
            after = edge
            stage = self._next_stage(walked, found, wanted - found)
        part, _ = collect([*self._window(after), *self._where, *self._indexed], wanted - found)
        parts.append(part)
        return parts

    def _window(
        self, after: Cursor | None, edge: Cursor | None = None
    ) -> list[ColumnElement[bool]]:
        """The stretch of the range after ``after`` down to ``edge`` (included)."""
        return filters.time_window(
            self._bounds, older_than=after, from_=edge, newer_than=self._newer_than
        )

    def _edge(self, after: Cursor | None, stage: int) -> Cursor | None:
        """The ``stage``-th newest candidate after ``after``: where a walk of ``stage`` ends."""
        row = self._connection.execute(
            select(events.c.occurred_at, events.c.event_id)
            .where(*self._window(after), *self._where)
            .order_by(*_NEWEST_FIRST)
            .offset(stage - 1)
            .limit(1)
        ).first()
        return None if row is None else Cursor(row.occurred_at, row.event_id)

    def _next_stage(self, walked: int, found: int, remaining: int) -> int:
        """How many candidates to walk next, or 0 to ask the search index for the rest."""
        if not found:
            return 0
        rate = found / walked
        to_walk = remaining / rate
        tuning = self._tuning
        if to_walk * tuning.scan_cost >= rate * self._rows_in_table() * tuning.index_cost:
            return 0
        return min(max(int(to_walk * 1.25) + 1, tuning.first_scan), tuning.max_scan)

    def _rows_in_table(self) -> int:
        """About how many events the table holds: what an index lookup reads through."""
        if self._table_rows is None:
            newest = select(func.max(events.c.seq)).scalar_subquery()
            oldest = select(func.min(events.c.seq)).scalar_subquery()
            span = self._connection.execute(select(newest - oldest + 1)).scalar()
            self._table_rows = int(span or 0)
        return self._table_rows


_NEWEST_FIRST = (events.c.occurred_at.desc(), events.c.event_id.desc())
