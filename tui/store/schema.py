"""The tables, as SQLAlchemy Core metadata (no ORM: it costs start-up time and buys nothing here).

The migrations in ``tui/store/migrations`` create exactly this; a test compares the two.
Times are integers (milliseconds since the epoch, UTC) on every backend so ordering, keyset
cursors and range filters behave identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

#: Byte-order comparison on PostgreSQL, like SQLite's default: cursors sort the same everywhere.
_Key = String(128).with_variant(String(128, collation="C"), "postgresql")
_Seq = BigInteger().with_variant(Integer(), "sqlite")  # INTEGER PRIMARY KEY is SQLite's rowid

events = Table(
    "events",
    metadata,
    Column("seq", _Seq, primary_key=True, autoincrement=True),
    Column("event_id", _Key, nullable=False, unique=True),
    Column("occurred_at", BigInteger, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("area", String(32), nullable=False),
    Column("performer_mail", String(320), nullable=False),  # case-folded, for the filter
    Column("performer_name", Text, nullable=False),
    Column("tenant_id", _Key, nullable=True),  # NULL: the portal itself
    Column("search_text", Text, nullable=False),  # tui.domain.search.normalise'd fields
    Column("body", Text, nullable=False),  # the canonical JSON of the whole event
    Index("ix_events_time", "occurred_at", "event_id"),
    Index("ix_events_tenant_time", "tenant_id", "occurred_at", "event_id"),
    Index("ix_events_type_time", "event_type", "occurred_at", "event_id"),
    Index("ix_events_area_time", "area", "occurred_at", "event_id"),
    Index("ix_events_performer_time", "performer_mail", "occurred_at", "event_id"),
)

tenants = Table(
    "tenants",
    metadata,
    Column("tenant_id", _Key, primary_key=True),
    Column("name", Text, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("email", String(320), primary_key=True),  # case-folded
    Column("name", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("erased", Boolean, nullable=False, default=False),
    Column("created_at", BigInteger, nullable=False),
    Column("erased_at", BigInteger, nullable=True),
)

account_tenants = Table(
    "account_tenants",
    metadata,
    Column(
        "email", String(320), ForeignKey("accounts.email", ondelete="CASCADE"), primary_key=True
    ),
    Column("tenant_id", _Key, primary_key=True),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
