"""Portal accounts and their tenant assignments, on a connection the repository owns."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, exists, select, update

from tui.domain.access import Principal, Role
from tui.domain.errors import InvalidInput, NotFound
from tui.domain.event import to_epoch_ms
from tui.store.filters import storable
from tui.store.schema import account_tenants, accounts

_MAIL = re.compile(r"[^\s@\x00-\x1f\x7f]{1,64}@[^\s@\x00-\x1f\x7f]{1,255}")


def load(connection: Connection, email: str) -> Principal | None:
    key = email.strip().casefold()
    if not storable(key):  # NUL or invalid Unicode: no account can have it
        return None
    row = connection.execute(select(accounts).where(accounts.c.email == key)).first()
    if row is None:
        return None
    assigned = connection.execute(
        select(account_tenants.c.tenant_id).where(account_tenants.c.email == key)
    ).scalars()
    return Principal(row.email, row.name, row.role, frozenset(assigned), bool(row.erased))


def load_all(connection: Connection) -> list[Principal]:
    assigned: dict[str, set[str]] = {}
    for email, tenant_id in connection.execute(select(account_tenants)):
        assigned.setdefault(email, set()).add(tenant_id)
    rows = connection.execute(select(accounts).order_by(accounts.c.role, accounts.c.email))
    return [
        Principal(r.email, r.name, r.role, frozenset(assigned.get(r.email, ())), bool(r.erased))
        for r in rows
    ]


def insert(connection: Connection, principal: Principal, now: datetime) -> None:
    email = principal.email.strip().casefold()
    # isprintable, as for a performer's mail: no C1 control, bidi or zero-width character.
    if not _MAIL.fullmatch(email) or not email.isprintable():
        raise InvalidInput(f"{principal.email!r} is not an e-mail address")
    role = Role.parse(principal.role)
    if principal.tenants and role is not Role.SUPERVISOR:
        raise InvalidInput("only Supervisor accounts are assigned tenants")
    for value in (principal.name.replace("\x00", ""), *principal.tenants):
        if not storable(value):
            raise InvalidInput(f"{value!r} is not valid text (invalid bytes or NUL)")
    if load(connection, email) is not None:
        raise InvalidInput(f"the account {email} exists already")
    connection.execute(
        accounts.insert().values(
            email=email,
            name=principal.name.replace("\x00", ""),
            role=role.value,
            erased=principal.erased,
            created_at=to_epoch_ms(now),
            erased_at=to_epoch_ms(now) if principal.erased else None,
        )
    )
    if principal.tenants:
        connection.execute(
            account_tenants.insert(),
            [{"email": email, "tenant_id": t} for t in sorted(principal.tenants)],
        )


def erase(connection: Connection, email: str, now: datetime) -> None:
    """Erase an account: it can no longer sign in; its events stay, attributed to it."""
    key = email.strip().casefold()
    if not storable(key):
        raise NotFound(f"there is no account {email!r}")
    result = connection.execute(
        update(accounts)
        .where(accounts.c.email == key)
        .values(erased=True, erased_at=to_epoch_ms(now), name="(erased)")
    )
    if result.rowcount == 0:
        raise NotFound(f"there is no account {email!r}")
    connection.execute(account_tenants.delete().where(account_tenants.c.email == key))


def erased_column(mail: ColumnElement[str]) -> ColumnElement[bool]:
    """Whether the account of ``mail`` (a case-folded performer mail column) was erased: a
    column of the page's own query, so a page asks the database once, not twice (issue 5:
    each statement of a worker waits for the GIL again while the screen draws)."""
    return (
        exists()
        .where(accounts.c.email == mail, accounts.c.erased.is_(True))
        .label("performer_erased")
    )
