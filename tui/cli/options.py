"""Option groups shared by several verbs, and their translation into domain values.

Options are accepted before or after the verb (``auditlog --db X query`` and
``auditlog query --db X``): the verb's copy uses ``SUPPRESS`` so it never overwrites a value
given earlier with its default.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.domain.access import Scope
from tui.domain.catalog import find_area, find_event_type
from tui.domain.errors import InvalidInput
from tui.domain.query import EventQuery
from tui.domain.timerange import (
    DEFAULT_PRESET,
    RangePreset,
    TimeRange,
    parse_moment,
)

USER_ENV = "AUDITLOG_USER"
TZ_ENV = "AUDITLOG_TZ"
#: The setting ``auditlog demo`` writes so that the demo opens as its admin without --as.
DEFAULT_ACCOUNT_SETTING = "default_account"


def add_connection_options(parser: argparse.ArgumentParser, *, top_level: bool) -> None:
    default = None if top_level else argparse.SUPPRESS
    group = parser.add_argument_group("connection")
    group.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help="database URL or SQLite file (default: $AUDITLOG_DB, else the user's data dir)",
    )
    group.add_argument(
        "--as",
        dest="as_user",
        metavar="EMAIL",
        default=default,
        help="the account to read as (default: $AUDITLOG_USER)",
    )
    group.add_argument(
        "--tz",
        metavar="ZONE",
        default=default,
        help="time zone for showing and reading times, e.g. Europe/Berlin "
        "(default: $AUDITLOG_TZ, else this machine's zone)",
    )


def add_query_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("what to select")
    group.add_argument(
        "--scope",
        nargs="+",
        metavar="all|portal|TENANT_ID",
        default=["all"],
        help="all (default), portal, and/or tenant ids; several may be given",
    )
    when = group.add_mutually_exclusive_group()
    when.add_argument(
        "--last",
        metavar="|".join(p.code for p in RangePreset),
        help=f"a preset range (default: {DEFAULT_PRESET.code})",
    )
    when.add_argument("--since", metavar="T", help="start of a custom range (date or date-time)")
    group.add_argument("--until", metavar="T", help="end of a custom range (default: now)")
    group.add_argument(
        "--type", action="append", default=[], metavar="TYPE", help="event type, e.g. 'User Login'"
    )
    group.add_argument(
        "--area", action="append", default=[], metavar="AREA", help="e.g. 'User Management'"
    )
    group.add_argument("--performer", metavar="EMAIL", help="only events by this performer")
    group.add_argument("--text", metavar="WORDS", default="", help='free text; "quote phrases"')


def zone_from_args(args: argparse.Namespace) -> tzinfo:
    name = getattr(args, "tz", None) or os.environ.get(TZ_ENV)
    if not name:
        return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown time zone {name!r}; use a name such as Europe/Berlin"
        ) from None


def query_from_args(args: argparse.Namespace, now: datetime, zone: tzinfo) -> EventQuery:
    """Build the query; every bad value is refused with a message naming the option."""
    return EventQuery(
        time_range=_time_range(args, now, zone),
        scope=_scope(args.scope),
        types=frozenset(_event_type_name(t) for t in args.type),
        areas=frozenset(_area(a) for a in args.area),
        performer=args.performer.strip() if args.performer else None,
        text=args.text,
    )


def _time_range(args: argparse.Namespace, now: datetime, zone: tzinfo) -> TimeRange:
    if args.since:
        start = parse_moment(args.since, zone)
        end = parse_moment(args.until, zone, end_of_day=True) if args.until else now
        return TimeRange.custom(start, end, now)
    if args.until:
        raise InvalidInput("--until needs --since (or use --last for a preset)")
    return TimeRange.last(RangePreset.from_code(args.last or DEFAULT_PRESET.code), now)


def _scope(values: list[str]) -> Scope:
    words = {v.strip() for v in values if v.strip()}
    if not words or "all" in words:
        if len(words) > 1:
            raise InvalidInput("--scope all cannot be combined with other scopes")
        return Scope.all()
    portal = "portal" in words
    return Scope.of_tenants(words - {"portal"}, portal=portal)


def _event_type_name(name: str) -> str:
    found = find_event_type(name)
    if found is None:
        raise InvalidInput(f"--type {name!r} is not an event type; `auditlog types` lists them")
    return found.name


def _area(name: str):  # type: ignore[no-untyped-def]
    found = find_area(name)
    if found is None:
        raise InvalidInput(f"--area {name!r} is not an area; `auditlog types` lists them")
    return found
