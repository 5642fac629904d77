"""Who may see what: principals, roles and scopes.

Admins see everything; Supervisors see portal activity and their assigned tenants; every other
role, and every erased account, sees nothing. The store calls ``visible_scope`` on every read,
so this module is the single statement of the rule.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from tui.domain.errors import AccessDenied, InvalidInput


class Role(enum.StrEnum):
    """Portal roles. Only Admin and Supervisor may read the audit log."""

    ADMIN = "Admin"
    SUPERVISOR = "Supervisor"
    ANALYST = "Analyst"
    VIEWER = "Viewer"

    @classmethod
    def parse(cls, text: str) -> Role:
        for role in cls:
            if role.value.casefold() == text.strip().casefold():
                return role
        raise InvalidInput(f"unknown role {text!r}; choose one of {', '.join(cls)}")


@dataclass(frozen=True, slots=True)
class Scope:
    """Which events by where they happened: the portal itself and/or a set of tenants.

    ``tenants=None`` means every tenant. ``Scope.all()`` is the default.
    """

    portal: bool = True
    tenants: frozenset[str] | None = None

    @classmethod
    def all(cls) -> Scope:
        return cls(True, None)

    @classmethod
    def portal_only(cls) -> Scope:
        return cls(True, frozenset())

    @classmethod
    def of_tenants(cls, tenant_ids: Iterable[str], *, portal: bool = False) -> Scope:
        return cls(portal, frozenset(tenant_ids))

    @property
    def is_all(self) -> bool:
        return self.portal and self.tenants is None

    @property
    def is_empty(self) -> bool:
        return not self.portal and self.tenants is not None and not self.tenants

    def label(self) -> str:
        if self.is_all:
            return "All"
        if self.tenants is None:
            return "All tenants"
        parts = (["Portal"] if self.portal else []) + sorted(self.tenants)
        if not self.tenants:
            return "Portal only" if self.portal else "Nothing"
        if len(parts) > 3:
            return f"{parts[0]}, {parts[1]} +{len(parts) - 2} more"
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Principal:
    """The account on whose behalf the log is read. Built by the store from its accounts."""

    email: str
    name: str
    role: str
    tenants: frozenset[str] = frozenset()
    erased: bool = False

    def allowed_scope(self) -> Scope:
        """Everything this principal may see; refuses those who may see nothing."""
        if self.erased:
            raise AccessDenied(f"the account {self.email} has been erased and cannot sign in")
        if self.role == Role.ADMIN:
            return Scope.all()
        if self.role == Role.SUPERVISOR:
            return Scope(True, self.tenants)
        raise AccessDenied(
            f"the account {self.email} has the role {self.role}; "
            "only Admin and Supervisor accounts may read the audit log"
        )


def visible_scope(principal: Principal, requested: Scope) -> Scope:
    """The part of ``requested`` the principal may see.

    Asking for "all" narrows to what is allowed; naming a tenant that is not allowed is
    refused outright, so a supervisor learns at once that a tenant is not theirs instead of
    looking at a misleadingly empty list.
    """
    allowed = principal.allowed_scope()
    if allowed.tenants is None:
        return requested
    if requested.tenants is None:
        return Scope(requested.portal, allowed.tenants)
    foreign = sorted(requested.tenants - allowed.tenants)
    if foreign:
        raise AccessDenied(
            f"{principal.email} is not assigned the tenant{'s' if len(foreign) > 1 else ''} "
            f"{', '.join(foreign)}"
        )
    return requested
