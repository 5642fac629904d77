"""``auditlog query``: one page of matching events, newest first.

Example:
    auditlog query --last 24h --type "Integration Deleted" --scope t_0007
    auditlog query --text '"acme corp"' --format ndjson --limit 500
"""

from __future__ import annotations

import argparse
import sys

from tui.cli import exit_codes
from tui.cli.options import add_query_options, query_from_args, zone_from_args
from tui.cli.output import destination, write_events
from tui.cli.session import open_reader, open_store
from tui.domain.errors import InvalidInput
from tui.domain.query import Cursor

FORMATS = ("table", "ndjson", "csv", "json")


def register(subparsers: argparse._SubParsersAction, parents: list) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "query",
        parents=parents,
        help="print matching events, newest first",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_query_options(parser)
    parser.add_argument("--limit", type=int, default=50, help="how many events (default 50)")
    parser.add_argument("--after", metavar="CURSOR", help="continue after a previous page")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= 100_000:
        raise InvalidInput("--limit must be between 1 and 100000 (use `export` for everything)")
    after = Cursor.from_token(args.after) if args.after else None
    store = open_store(args)
    try:
        zone = zone_from_args(args)
        reader = open_reader(args, store)
        query = query_from_args(args, store.now(), zone)
        page = reader.page(query, after, args.limit)
        with destination(None) as out:
            write_events(page.events, args.format, out, zone, page.erased_performers)
        if page.next_cursor is not None:
            print(f"more: --after {page.next_cursor.token()}", file=sys.stderr)
    finally:
        store.close()
    return exit_codes.OK
