"""Repository-level timings, in a process of their own: what the viewer's workers call.

Run by ``run.py`` as ``python probes.py TASK --db URL --as EMAIL --runs N``; prints one JSON
object: ``{"samples": {name: [seconds, ...]}, "info": {...}}``. A process per task keeps the
memory figures (``VmRSS``/``VmHWM`` of this process) about that task alone.

Tasks:

``change``  scope, range and filter changes: ``AuditReader.page`` of the new query (what
            gates the new rows), ``count`` (the status line, capped) and ``facets`` (what a
            filter picker fetches before it opens)
``search``  the first page of a free-text search, for a rare and a common word, 7 and 180 days
``paging``  100 pages down by keyset (180 days), time per page and memory at the end
``json``    ``AuditReader.get`` of an event plus the JSON pane's text (``event_json``) and its
            change list (``changes_text``)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from tui.domain.access import Scope
from tui.domain.catalog import find_area
from tui.domain.query import EventQuery
from tui.domain.timerange import RangePreset, TimeRange
from tui.store.repository import AuditReader, AuditStore

RARE_WORD, COMMON_WORD = "revoking", "updated"
SCENARIO_TENANT = "harbor-point"
PAGES = 100


def rss_kib() -> dict[str, int]:
    values: dict[str, int] = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def last(preset: RangePreset, now: datetime, **changes: object) -> EventQuery:
    return EventQuery(time_range=TimeRange.last(preset, now)).with_changes(**changes)


def change_queries(reader: AuditReader, now: datetime) -> dict[str, EventQuery]:
    """Realistic changes from the default view (all, last 7 days), named ``kind: what``."""
    week = last(RangePreset.LAST_7D, now)
    tenants = [t.id for t in reader.tenants()]
    others = [t for t in tenants if t != SCENARIO_TENANT][:2]
    facets = reader.facets(week)
    busiest = facets.performers[0].value
    quietest = facets.performers[-1].value
    integrations = find_area("Integrations & Gateways")
    assert integrations is not None
    return {
        "scope: portal only": week.with_changes(scope=Scope.portal_only()),
        f"scope: tenant {SCENARIO_TENANT}": week.with_changes(
            scope=Scope.of_tenants([SCENARIO_TENANT])
        ),
        "scope: 3 tenants + portal": week.with_changes(
            scope=Scope.of_tenants([SCENARIO_TENANT, *others], portal=True)
        ),
        "scope: all": week,
        "range: 24h": last(RangePreset.LAST_24H, now),
        "range: 30d": last(RangePreset.LAST_30D, now),
        "range: 90d": last(RangePreset.LAST_90D, now),
        "range: 180d": last(RangePreset.LAST_180D, now),
        "filter: type User Login": week.with_changes(types=frozenset({"User Login"})),
        "filter: type Integration Deletion Failed": week.with_changes(
            types=frozenset({"Integration Deletion Failed"})
        ),
        "filter: area Integrations": week.with_changes(areas=frozenset({integrations})),
        "filter: busiest performer": week.with_changes(performer=busiest),
        "filter: quietest performer, 180d": last(RangePreset.LAST_180D, now, performer=quietest),
        f"filter: type Collector Updated + tenant {SCENARIO_TENANT}, 180d": last(
            RangePreset.LAST_180D,
            now,
            types=frozenset({"Collector Updated"}),
            scope=Scope.of_tenants([SCENARIO_TENANT]),
        ),
    }


def task_change(reader: AuditReader, now: datetime, runs: int) -> dict:
    queries = change_queries(reader, now)
    samples: dict[str, list[float]] = {}
    rows: dict[str, int] = {}
    for _ in range(4 * runs):  # interleaved, so a slow moment of the machine hits all alike
        for name, query in queries.items():
            samples.setdefault(f"page | {name}", []).append(timed(lambda q=query: reader.page(q)))
            samples.setdefault(f"count | {name}", []).append(timed(lambda q=query: reader.count(q)))
    for name, query in queries.items():
        rows[name] = len(reader.page(query).events)
    week, half_year = last(RangePreset.LAST_7D, now), last(RangePreset.LAST_180D, now)
    for _ in range(runs):
        samples.setdefault("facets | 7d", []).append(timed(lambda: reader.facets(week)))
        samples.setdefault("facets | 180d", []).append(timed(lambda: reader.facets(half_year)))
    return {"samples": samples, "info": {"rows": rows, "count_7d": str(reader.count(week))}}


def task_search(reader: AuditReader, now: datetime, runs: int) -> dict:
    samples: dict[str, list[float]] = {}
    info: dict[str, object] = {}
    for preset in (RangePreset.LAST_7D, RangePreset.LAST_180D):
        for word in (RARE_WORD, COMMON_WORD):
            query = last(preset, now, text=word)
            info[f"{word} {preset.code}"] = str(reader.count(query, cap=None))
    for _ in range(4 * runs):
        for preset in (RangePreset.LAST_7D, RangePreset.LAST_180D):
            for word in (RARE_WORD, COMMON_WORD):
                query = last(preset, now, text=word)
                key = f"{word} {preset.code}"
                samples.setdefault(key, []).append(timed(lambda q=query: reader.page(q)))
    return {"samples": samples, "info": {"matches": info}}


def task_paging(reader: AuditReader, now: datetime, runs: int) -> dict:
    query = last(RangePreset.LAST_180D, now)
    reader.page(query)
    before = rss_kib()
    per_page: list[float] = []
    deepest: list[float] = []
    cursor_token = ""
    for _ in range(runs):
        after = None
        for number in range(PAGES):
            started = time.perf_counter()
            page = reader.page(query, after)
            seconds = time.perf_counter() - started
            per_page.append(seconds)
            if number == PAGES - 1:
                deepest.append(seconds)
            if page.next_cursor is None:
                break
            after = page.next_cursor
            cursor_token = after.token()
    return {
        "samples": {"per page": per_page, "page 100": deepest},
        "info": {"rss_before": before, "rss_after": rss_kib(), "cursor_100": cursor_token},
    }


def task_json(reader: AuditReader, now: datetime, runs: int) -> dict:
    from tui.app.event_text import changes_text, event_json

    query = last(RangePreset.LAST_180D, now)
    ids: list[str] = []
    after = None
    while len(ids) < 50:  # events from several depths, updates (with changes) among them
        page = reader.page(query, after)
        ids.extend(e.id for e in page.events[::20])
        if page.next_cursor is None:
            break
        after = page.next_cursor
    get_samples: list[float] = []
    shown_samples: list[float] = []
    for _ in range(runs):
        for event_id in ids:
            started = time.perf_counter()
            audit_event = reader.get(event_id)
            fetched = time.perf_counter()
            event_json(audit_event)
            changes_text(audit_event)
            done = time.perf_counter()
            get_samples.append(fetched - started)
            shown_samples.append(done - started)
    return {"samples": {"get": get_samples, "get + render": shown_samples}, "info": {}}


TASKS = {"change": task_change, "search": task_search, "paging": task_paging, "json": task_json}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--db", required=True)
    parser.add_argument("--as", dest="email", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    store = AuditStore.open(args.db)
    reader = store.reader(args.email)
    opened = time.perf_counter() - started
    try:
        now = datetime.now(UTC)
        reader.page(last(RangePreset.LAST_7D, now))  # warm: pool, statement cache
        result = TASKS[args.task](reader, now, args.runs)
    finally:
        store.close()
    result["info"]["open_seconds"] = opened
    result["info"]["rss_end"] = rss_kib()
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
