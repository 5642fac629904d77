"""PostgreSQL: the events table partitioned by week on ``occurred_at``; SQLite: nothing.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Why and how the weeks roll is in ``tui/store/partitions.py``. This revision converts a 0002
table holding events in place, under an exclusive lock: a partitioned ``events`` is created
beside the old one (same columns, same ``seq`` sequence), with the default partition and a
week for each week from the data's oldest (not before retention's cutoff) to next week; the
rows are copied, the old table dropped, and the indexes, the pg_trgm search index, the chain
index and the append-only triggers are made again on the new table and each partition.

Keys on a partitioned table must hold the partition key, so ``seq`` becomes the primary key
with ``occurred_at`` and ``event_id`` unique with ``occurred_at``: the database alone no
longer refuses one id at two times. "An id already stored is skipped" stays exact because
every append looks its ids up first, across all partitions, under the append lock that
serialises appends (``appending``); the unique index is what that lookup walks.

SQLite stays one table (the small backend): the revision only records the version there.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from tui.domain.timerange import RETENTION
from tui.store import partitions

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: The indexes of 0001 and 0002, made again on the partitioned table.
_INDEXES = (
    ("ix_events_time", "occurred_at, event_id"),
    ("ix_events_tenant_time", "tenant_id, occurred_at, event_id"),
    ("ix_events_type_time", "event_type, occurred_at, event_id"),
    ("ix_events_area_time", "area, occurred_at, event_id"),
    ("ix_events_performer_time", "performer_mail, occurred_at, event_id"),
    ("ix_events_chain", "chain_segment, chain_position"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
    op.execute("ALTER TABLE events RENAME TO events_unpartitioned")
    op.execute(
        "CREATE TABLE events (LIKE events_unpartitioned INCLUDING DEFAULTS) "
        "PARTITION BY RANGE (occurred_at)"
    )
    op.execute("ALTER SEQUENCE events_seq_seq OWNED BY events.seq")
    for statement in partitions.create_default_statements():
        op.execute(statement)
    for start in _weeks_the_data_needs():
        for statement in partitions.create_statements(start):
            op.execute(statement)
    op.execute("INSERT INTO events SELECT * FROM events_unpartitioned")
    op.execute("DROP TABLE events_unpartitioned")
    _keys_and_indexes("PRIMARY KEY (seq, occurred_at)", "UNIQUE (event_id, occurred_at)")
    op.execute(partitions.guard_statement("events"))


def _weeks_the_data_needs() -> list[int]:
    bind = op.get_bind()
    oldest, newest = bind.execute(
        sa.text("SELECT min(occurred_at), max(occurred_at) FROM events_unpartitioned")
    ).one()
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    cutoff_ms = now_ms - int(RETENTION.total_seconds() * 1000)
    if oldest is None:
        return partitions.weeks_to_create([], now_ms, cutoff_ms, ())
    # Every week from the oldest still in retention to the newest (gaps are filled).
    return partitions.weeks_to_create([max(oldest, cutoff_ms), newest], now_ms, cutoff_ms, ())


def _keys_and_indexes(primary_key: str, unique: str) -> None:
    op.execute(f"ALTER TABLE events ADD CONSTRAINT events_pkey {primary_key}")
    op.execute(f"ALTER TABLE events ADD CONSTRAINT events_event_id_key {unique}")
    for name, columns in _INDEXES:
        op.execute(f"CREATE INDEX {name} ON events ({columns})")
    op.execute("CREATE INDEX ix_events_search ON events USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    """One plain table again (refused if one id is stored at two times)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
    op.execute("ALTER TABLE events RENAME TO events_unpartitioned")
    op.execute("CREATE TABLE events (LIKE events_unpartitioned INCLUDING DEFAULTS)")
    op.execute("ALTER SEQUENCE events_seq_seq OWNED BY events.seq")
    op.execute("INSERT INTO events SELECT * FROM events_unpartitioned")
    op.execute("DROP TABLE events_unpartitioned")  # its partitions and their triggers with it
    _keys_and_indexes("PRIMARY KEY (seq)", "UNIQUE (event_id)")
    op.execute(partitions.guard_statement("events"))
