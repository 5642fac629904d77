"""The tables, as SQLAlchemy Core metadata (no ORM: it costs start-up time and buys nothing here).

The migrations in ``tui/store/migrations`` create exactly this; a test compares the two.
On PostgreSQL, ``events`` is partitioned by week on ``occurred_at`` (migration 0003,
``partitions``), and a partitioned table's keys must hold the partition key: there its
primary key and its unique ids are ``POSTGRESQL_EVENTS_KEYS``, not the ones declared here.
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
    LargeBinary,
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
    # Its place in the hash chain (tui.domain.chain): hash = sha256(prev || body). Every
    # append fills them; NULL-able only so that migration 0002 adds them without a rewrite.
    Column("chain_segment", BigInteger, nullable=True),
    Column("chain_position", Integer, nullable=True),
    Column("chain_prev", LargeBinary(), nullable=True),
    Column("chain_hash", LargeBinary(), nullable=True),
    Index("ix_events_time", "occurred_at", "event_id"),
    Index("ix_events_tenant_time", "tenant_id", "occurred_at", "event_id"),
    Index("ix_events_type_time", "event_type", "occurred_at", "event_id"),
    Index("ix_events_area_time", "area", "occurred_at", "event_id"),
    Index("ix_events_performer_time", "performer_mail", "occurred_at", "event_id"),
    # Not unique on purpose: a time-partitioned events table cannot hold a global unique
    # index; the verifier reports a position held twice.
    Index("ix_events_chain", "chain_segment", "chain_position"),
)

#: One record per append (an ingest batch): the chain of segments. Appends are serialised on
#: this table (SQLite's single writer; a table lock on PostgreSQL), so segments follow in
#: commit order and each continues from the head of the one before.
#: The keys of the partitioned ``events`` on PostgreSQL. ``event_id`` alone stays unique
#: through ``event_ids`` (PostgreSQL only, like the search index: every stored id once, kept
#: by triggers on ``events``; migration 0003), where the append looks its ids up.
POSTGRESQL_EVENTS_KEYS = {
    "primary_key": ("seq", "occurred_at"),
    "unique": ("event_id", "occurred_at"),
}

chain_segments = Table(
    "chain_segments",
    metadata,
    Column("segment", BigInteger, primary_key=True, autoincrement=False),
    Column("prev_head", LargeBinary(), nullable=False),
    Column("head", LargeBinary(), nullable=False),
    Column("event_count", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

#: What the retention purge removed, per segment and run of positions: ``anchor`` is the hash
#: of the last event removed, i.e. the ``prev`` the kept part of the segment resumes from.
chain_checkpoints = Table(
    "chain_checkpoints",
    metadata,
    Column("segment", BigInteger, primary_key=True, autoincrement=False),
    Column("first_position", Integer, primary_key=True, autoincrement=False),
    Column("last_position", Integer, nullable=False),
    Column("anchor", LargeBinary(), nullable=False),
    Column("purged_at", BigInteger, nullable=False),
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
