"""The project's own exceptions.

Screens and commands catch these and nothing lower: the store turns every database error into
one of them at its edge, so no interface ever has to know about SQLAlchemy or psycopg.
"""

from __future__ import annotations


class AuditLogError(Exception):
    """Base class: something the user should be told about in plain words."""


class AccessDenied(AuditLogError):
    """The principal may not see what was asked for (or may not read the log at all)."""


class InvalidInput(AuditLogError):
    """User or file input that cannot be accepted; the message says what and why."""


class EventRejected(InvalidInput):
    """A raw event that is not a valid audit event. ``field`` names the offending field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


class RangeRefused(InvalidInput):
    """A time range that cannot be used (reversed, or reaching past retention)."""


class OutputUnwritable(InvalidInput):
    """An output file that cannot be written (disk full, file too large, no permission).

    A kind of bad input: the path the user gave cannot take the data; another path can.
    """


class NotFound(AuditLogError):
    """No such event, or none that this principal may see (the two are indistinguishable)."""


class StoreUnavailable(AuditLogError):
    """The database cannot be reached or used; the message says which and why."""
