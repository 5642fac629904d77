"""``auditlog show EVENT_ID``: one whole event as pretty JSON (the detail view's content)."""

from __future__ import annotations

import argparse
import json
import sys

import orjson

from tui.cli import exit_codes
from tui.cli.session import open_reader, open_store
from tui.domain.display import inert_json


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
    # For a person at a terminal: JSON escapes C0 controls only; inert_json escapes the rest
    # (C1, DEL, bidi, zero-width, line separators). A JSON reader gets the same data.
    document = audit_event.to_dict()
    try:
        text = orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONEncodeError:  # an integer beyond 64 bits: the standard library writes it
        text = json.dumps(document, indent=2, ensure_ascii=False)
    sys.stdout.buffer.write(inert_json(text).encode() + b"\n")
    return exit_codes.OK
