"""``auditlog export``: the whole filtered result, streamed in constant memory.

The stored canonical JSON of each event goes out as it is (``AuditReader.stored`` and
``encode_stored``): nothing is decoded for NDJSON and JSON, so an export runs at about the
speed the database reads. Each NDJSON line carries its seal (``_seal``: its place in the hash
chain), so ``auditlog verify --file`` checks the file later with no database.

The export is recorded as an "Audit Log Exported" event of the account (format, count, the
query, and whether it completed), also when it fails part-way.

Example:
    auditlog export --last 30d --scope portal --format csv --output portal-30d.csv
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from operator import itemgetter

from tui.cli import exit_codes
from tui.cli.fewer_collections import fewer_collections
from tui.cli.options import add_query_options, query_from_args, zone_from_args
from tui.cli.output import destination
from tui.cli.reading import record
from tui.cli.session import open_reader, open_store
from tui.domain.formats import FORMATS, encode_stored
from tui.domain.reading import EXPORTED, describe_query

_first = itemgetter(0)


def register(subparsers: argparse._SubParsersAction, parents: list) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "export",
        parents=parents,
        help="write every matching event to a file or stdout",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_query_options(parser)
    parser.add_argument("--format", choices=FORMATS, default="ndjson")
    parser.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        help="file to write (default: stdout); written whole or not at all",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    started = time.perf_counter()
    written = 0
    try:
        reader = open_reader(args, store)
        query = query_from_args(args, store.now(), zone_from_args(args))

        # Counted in C as the encoder pulls them: zip draws the row, then the next number.
        tally = itertools.count()
        rows = map(_first, zip(reader.stored(query), tally, strict=False))
        completed = False
        try:
            with destination(args.output) as out, fewer_collections():
                for chunk in encode_stored(args.format, rows):
                    out.write(chunk)
            completed = True
        finally:
            written = next(tally)
            record(
                store,
                reader.email,
                EXPORTED,
                f"Exported {written:,} events as {args.format.upper()}"
                + ("" if completed else " (did not complete)"),
                {
                    "format": args.format,
                    "events": written,
                    "completed": completed,
                    "query": describe_query(query),
                },
            )
    finally:
        store.close()
    if args.output not in (None, "-"):
        seconds = time.perf_counter() - started
        print(
            f"export: {written:,} events written to {args.output} in {seconds:.1f} s",
            file=sys.stderr,
        )
    return exit_codes.OK
