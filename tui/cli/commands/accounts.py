"""``auditlog accounts``: the portal accounts that may (or may not) read the log.

Example:
    auditlog accounts add sam@example.com --name "Sam Super" --role Supervisor --tenant t_0001
    auditlog accounts erase sam@example.com
"""

from __future__ import annotations

import argparse

from tui.cli import exit_codes
from tui.cli.session import open_store
from tui.domain.access import Principal, Role
from tui.domain.display import one_line


def register(subparsers: argparse._SubParsersAction, parents: list) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "accounts",
        parents=parents,
        help="list, add or erase accounts",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = parser.add_subparsers(dest="accounts_verb", metavar="list|add|erase", required=True)
    listing = verbs.add_parser("list", parents=parents, help="show every account")
    listing.set_defaults(run=run_list)
    add = verbs.add_parser("add", parents=parents, help="create an account")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, help=", ".join(Role))
    add.add_argument(
        "--tenant", action="append", default=[], metavar="TENANT_ID", help="assign (Supervisor)"
    )
    add.set_defaults(run=run_add)
    erase = verbs.add_parser(
        "erase", parents=parents, help="erase an account (its events stay visible)"
    )
    erase.add_argument("email")
    erase.set_defaults(run=run_erase)


def run_list(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        accounts = store.accounts()
    finally:
        store.close()
    print(f"{'EMAIL':40}  {'ROLE':10}  {'STATE':6}  {'NAME':24}  TENANTS")
    for account in accounts:
        state = "erased" if account.erased else "active"
        tenants = ", ".join(sorted(account.tenants)) or "-"
        print(
            f"{one_line(account.email, 40):40}  {account.role:10}  {state:6}  "
            f"{one_line(account.name, 24):24}  {one_line(tenants, 60)}"
        )
    return exit_codes.OK


def run_add(args: argparse.Namespace) -> int:
    role = Role.parse(args.role)
    store = open_store(args)
    try:
        store.add_account(Principal(args.email, args.name, role.value, frozenset(args.tenant)))
    finally:
        store.close()
    print(f"accounts: added {args.email.strip().casefold()} ({role.value})")
    return exit_codes.OK


def run_erase(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        store.erase_account(args.email)
    finally:
        store.close()
    print(f"accounts: erased {args.email.strip().casefold()}; their events stay visible")
    return exit_codes.OK
