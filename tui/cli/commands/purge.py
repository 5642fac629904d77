"""``auditlog purge``: delete events past the 180-day retention (``--dry-run`` only counts)."""

from __future__ import annotations

import argparse

from tui.cli import exit_codes
from tui.cli.session import open_store
from tui.domain.timerange import retention_cutoff


def register(subparsers: argparse._SubParsersAction, parents: list) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "purge", parents=parents, help="delete events older than 180 days", description=__doc__
    )
    parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        cutoff = retention_cutoff(store.now()).strftime("%Y-%m-%d %H:%M UTC")
        removed = store.purge(dry_run=args.dry_run)
    finally:
        store.close()
    verb = "would be removed (dry run)" if args.dry_run else "removed"
    print(f"purge: {removed:,} events from before {cutoff} {verb}")
    return exit_codes.OK
