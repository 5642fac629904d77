"""Opening the store and choosing the account a verb acts as."""

from __future__ import annotations

import argparse
import os

from tui.cli.options import DEFAULT_ACCOUNT_SETTING, USER_ENV
from tui.domain.errors import AccessDenied
from tui.store.repository import AuditReader, AuditStore


def open_store(args: argparse.Namespace) -> AuditStore:
    return AuditStore.open(getattr(args, "db", None))


def account_email(args: argparse.Namespace, store: AuditStore) -> str:
    """--as, else $AUDITLOG_USER, else the database's default account (set by the demo)."""
    email = getattr(args, "as_user", None) or os.environ.get(USER_ENV)
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


def open_reader(args: argparse.Namespace, store: AuditStore) -> AuditReader:
    return store.reader(account_email(args, store))
