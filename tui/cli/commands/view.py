"""``auditlog`` with no verb: open the viewer as the chosen account."""

from __future__ import annotations

import argparse

from tui.cli import exit_codes
from tui.cli.options import zone_from_args
from tui.cli.session import account_email, open_reader, open_store
from tui.store.repository import AuditStore


def run(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        return open_viewer(args, store)
    finally:
        store.close()


def open_viewer(args: argparse.Namespace, store: AuditStore) -> int:
    """Check access first (a clear refusal beats an empty screen), then start the app."""
    zone = zone_from_args(args)
    open_reader(args, store)
    from tui.app import run_viewer  # Textual is imported only when a screen is wanted

    run_viewer(store, account_email(args, store), zone)
    return exit_codes.OK
