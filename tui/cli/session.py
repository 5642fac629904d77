"""Opening the store and choosing the account a verb acts as.

The store (and with it SQLAlchemy) is imported when a store is opened, not when this module
is: the viewer imports it to paint its first frame before it connects.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from tui.cli.fewer_collections import collect_again
from tui.cli.options import DEFAULT_ACCOUNT_SETTING, USER_ENV
from tui.domain.errors import AccessDenied

if TYPE_CHECKING:
    from tui.store.repository import AuditReader, AuditStore


def open_store(args: argparse.Namespace) -> AuditStore:
    from tui.store.repository import AuditStore

    store = AuditStore.open(getattr(args, "db", None))
    collect_again()  # the start is over: SQLAlchemy is in, the store open
    return store


def account_email(args: argparse.Namespace, store: AuditStore) -> str:
    """--as, else $AUDITLOG_USER, else the database's default account (set by the demo)."""
    email = given_email(args)
    if not email:
        email = store.setting(DEFAULT_ACCOUNT_SETTING)
    if not email and not store.accounts():
        raise AccessDenied(
            f"{store.label} has no accounts yet: add one with "
            "`auditlog accounts add EMAIL --name NAME --role Admin`, "
            "or try the demo with `auditlog demo`"
        )
    if not email:
        raise AccessDenied(
            "say which account you read as: --as EMAIL or $AUDITLOG_USER "
            "(`auditlog accounts list` shows the accounts)"
        )
    return email


def given_email(args: argparse.Namespace) -> str | None:
    """The account named on the command line or in the environment, if any."""
    return getattr(args, "as_user", None) or os.environ.get(USER_ENV) or None


def open_reader(args: argparse.Namespace, store: AuditStore) -> AuditReader:
    return store.reader(account_email(args, store))
