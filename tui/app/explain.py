"""The words of the empty and error states: what happened, why, and what to try.

Plain functions returning ``(kind, title, body, hints)`` for ``Notice.show``.
"""

from __future__ import annotations

from tui.domain.errors import AccessDenied, AuditLogError, StoreUnavailable
from tui.domain.query import EventQuery
from tui.domain.timerange import RangePreset

Explanation = tuple[str, str, str, list[str]]


def no_events(query: EventQuery, email: str, nothing_visible: bool) -> Explanation:
    if nothing_visible:
        return (
            "empty",
            "The audit log is empty for you",
            f"There are no events of the last 180 days that {email} may see: the database "
            "holds none yet, or none in the portal or tenants this account covers.",
            [
                "loading events: auditlog ingest FILE",
                "the demo database: auditlog demo",
                "another account: auditlog accounts list",
            ],
        )
    span = query.time_range
    when = f"the {span.label.lower()}" if span.preset else span.label
    where = f"{when} (scope {query.scope.label()})"
    narrowed = []
    if query.text:
        narrowed.append(f'search "{query.text}"')
    if query.areas:
        narrowed.append("the area filter")
    if query.types:
        narrowed.append("the type filter")
    if query.performer:
        narrowed.append(f"performer {query.performer}")
    if narrowed:
        body = f"No event in {where} matches {_listed(narrowed)}."
    else:
        body = f"Nothing happened in {where}."
    hints = []
    if narrowed:
        hints.append("clearing the search and filters: x")
    if query.time_range.preset is not RangePreset.LAST_180D:
        hints.append("a wider date range: d")
    if not query.scope.is_all:
        hints.append("scope All: s")
    return "empty", "No events match", body, hints


def failure(error: AuditLogError) -> Explanation:
    if isinstance(error, AccessDenied):
        return (
            "denied",
            "No access",
            str(error),
            [
                "an Admin or Supervisor account (auditlog accounts list)",
                "asking an administrator for the role or the tenant",
            ],
        )
    if isinstance(error, StoreUnavailable):
        return (
            "error",
            "The database is unavailable",
            str(error),
            ["again: r (refresh)", "checking the database path or URL (--db, AUDITLOG_DB)"],
        )
    return "error", "That did not work", str(error), ["again: r (refresh)"]


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
