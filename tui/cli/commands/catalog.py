"""``auditlog types``: the catalog of event types, by area (the values --type/--area take).

The portal's 53 types in four areas, then auditlog's own: reading the log (Audit Log Access).
"""

from __future__ import annotations

import argparse

from tui.cli import exit_codes
from tui.domain.catalog import Area, types_in


def register(subparsers: argparse._SubParsersAction, parents: list) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "types", help="list the event types by area", description=__doc__
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for area in Area:
        kinds = types_in(area)
        print(f"{area.value} ({len(kinds)})")
        for kind in kinds:
            print(f"  {kind.name}")
    return exit_codes.OK
