"""The initial schema: events with their access-path indexes and search index, tenants, accounts.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Free-text search is an index over ``events.search_text`` (already normalised by the domain):
FTS5 with the trigram tokenizer on SQLite, a pg_trgm GIN index on PostgreSQL. Both answer
"which events contain this substring" so the two backends give the same results.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_Key = sa.String(128).with_variant(sa.String(128, collation="C"), "postgresql")
_Seq = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", _Seq, primary_key=True, autoincrement=True),
        sa.Column("event_id", _Key, nullable=False, unique=True),
        sa.Column("occurred_at", sa.BigInteger, nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("area", sa.String(32), nullable=False),
        sa.Column("performer_mail", sa.String(320), nullable=False),
        sa.Column("performer_name", sa.Text, nullable=False),
        sa.Column("tenant_id", _Key, nullable=True),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    for name, columns in (
        ("ix_events_time", ["occurred_at", "event_id"]),
        ("ix_events_tenant_time", ["tenant_id", "occurred_at", "event_id"]),
        ("ix_events_type_time", ["event_type", "occurred_at", "event_id"]),
        ("ix_events_area_time", ["area", "occurred_at", "event_id"]),
        ("ix_events_performer_time", ["performer_mail", "occurred_at", "event_id"]),
    ):
        op.create_index(name, "events", columns)
    op.create_table(
        "tenants",
        sa.Column("tenant_id", _Key, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("email", sa.String(320), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("erased", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("erased_at", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "account_tenants",
        sa.Column(
            "email",
            sa.String(320),
            sa.ForeignKey("accounts.email", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tenant_id", _Key, primary_key=True),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_search_index()
    else:
        _postgresql_search_index()


def _sqlite_search_index() -> None:
    # An external-content FTS5 table: the text lives once, in events.search_text.
    op.execute(
        "CREATE VIRTUAL TABLE events_fts USING fts5("
        "search_text, content='events', content_rowid='seq', "
        "tokenize='trigram case_sensitive 1')"
    )
    op.execute(
        "CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN "
        "INSERT INTO events_fts(rowid, search_text) VALUES (new.seq, new.search_text); END"
    )
    op.execute(
        "CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN "
        "INSERT INTO events_fts(events_fts, rowid, search_text) "
        "VALUES ('delete', old.seq, old.search_text); END"
    )


def _postgresql_search_index() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_events_search ON events USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS events_fts")
    for table in ("settings", "account_tenants", "accounts", "tenants", "events"):
        op.drop_table(table)
