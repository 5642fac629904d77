"""``auditlog demo``: build a realistic demo database, then open the viewer on it.

Without --db/$AUDITLOG_DB the demo lives in a file of its own beside the user's real
database (never in it) and is rebuilt from scratch on each run, so its 200 days always end
today. It opens as the demo's admin unless --as names another account (`accounts list`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli import exit_codes
from tui.cli.commands import view
from tui.cli.fewer_collections import collect_again
from tui.cli.options import DEFAULT_ACCOUNT_SETTING
from tui.store.engine import DB_ENV, demo_db_path

if TYPE_CHECKING:
    from tui.store.repository import AuditStore

BATCH_SIZE = 5_000


def register(subparsers: argparse._SubParsersAction, parents: list) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "demo", parents=parents, help="build the demo database and open it", description=__doc__
    )
    parser.add_argument("--events", type=int, default=20_000, help="how many (default 20000)")
    parser.add_argument("--seed", type=int, default=7, help="the generator's seed (default 7)")
    parser.add_argument("--no-open", action="store_true", help="build only, do not open")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.events < 0:
        from tui.domain.errors import InvalidInput

        raise InvalidInput("--events cannot be negative")
    url = getattr(args, "db", None) or os.environ.get(DB_ENV)
    if url is None:
        url = str(demo_db_path())
        _remove_sqlite_file(Path(url))
    started = time.perf_counter()
    # Imported here: every verb registers this module, and only demo needs them (50-80 ms).
    from tui.store.repository import AuditStore

    store = AuditStore.open(url)
    collect_again()
    try:
        admin = build(store, args.events, args.seed)
        seconds = time.perf_counter() - started
        print(
            f"demo: {args.events:,} events in {store.label} ({seconds:.1f} s); "
            f"opening as {getattr(args, 'as_user', None) or admin}",
            file=sys.stderr,
        )
        if args.no_open:
            return exit_codes.OK
        args.db = url
        return view.open_viewer(args, store)
    finally:
        store.close()


def build(store: AuditStore, events: int, seed: int) -> str:
    """Seed ``store`` with the demo; returns the demo admin's e-mail."""
    from tui.demo.generator import build_demo

    demo = build_demo(store.now(), events=events, seed=seed)
    known = {account.email for account in store.accounts()}
    store.add_accounts(a for a in demo.accounts if a.email.casefold() not in known)
    batch = []
    for audit_event in demo.iter_events():
        batch.append(audit_event)
        if len(batch) >= BATCH_SIZE:
            store.append(batch)
            batch.clear()
    store.append(batch)
    store.set_setting(DEFAULT_ACCOUNT_SETTING, demo.admin_email)
    return demo.admin_email


def _remove_sqlite_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
