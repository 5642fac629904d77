"""``auditlog`` with no verb: open the viewer as the chosen account.

The viewer paints its frame first and connects behind it (``tui.app.opening``): this module
imports neither the store nor Textual until it runs, and ``run`` hands the viewer a function
that opens the store and chooses the account. A refusal found then still ends the command
with its message on stderr and exit code 3, as every other verb does.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import tzinfo
from typing import TYPE_CHECKING

from tui.cli import exit_codes
from tui.cli.options import zone_from_args
from tui.cli.session import account_email, given_email, open_store

if TYPE_CHECKING:
    from tui.store.repository import AuditStore


def run(args: argparse.Namespace) -> int:
    from tui.store.engine import quick_label

    zone = zone_from_args(args)
    opened: list[AuditStore] = []

    def connect() -> tuple[AuditStore, str]:
        store = open_store(args)
        opened.append(store)
        return store, account_email(args, store)

    try:
        return _run_viewer(args, connect, quick_label(getattr(args, "db", None)), zone)
    finally:
        for store in opened:
            store.close()


def open_viewer(args: argparse.Namespace, store: AuditStore) -> int:
    """The viewer on a store already open (``auditlog demo``)."""
    return _run_viewer(
        args, lambda: (store, account_email(args, store)), store.label, zone_from_args(args)
    )


def _run_viewer(
    args: argparse.Namespace,
    connect: Callable[[], tuple[AuditStore, str]],
    label: str | None,
    zone: tzinfo,
) -> int:
    from tui.app import run_viewer  # Textual is imported only when a screen is wanted

    run_viewer(connect, zone, label=label, email=given_email(args))
    return exit_codes.OK
