"""``auditlog show EVENT_ID``: one whole event as pretty JSON (the detail view's content)."""

from __future__ import annotations

import argparse
import sys

import orjson

from tui.cli import exit_codes
from tui.cli.session import open_reader, open_store


def register(subparsers: argparse._SubParsersAction, parents: list) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "show", parents=parents, help="print one event as JSON", description=__doc__
    )
    parser.add_argument("event_id", metavar="EVENT_ID")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        audit_event = open_reader(args, store).get(args.event_id)
    finally:
        store.close()
    # JSON escapes every control character, so hostile text arrives inert.
    sys.stdout.buffer.write(orjson.dumps(audit_event.to_dict(), option=orjson.OPT_INDENT_2))
    sys.stdout.buffer.write(b"\n")
    return exit_codes.OK
