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
with ``occurred_at``, and ``event_id`` is unique only with ``occurred_at``. What keeps "an id
already stored is skipped" exact is ``event_ids``: every stored id once (primary key), with
its time, kept by statement triggers on ``events`` (insert, delete, truncate: whoever writes
through the table, auditlog or not), so the database itself still refuses an id stored twice
and the append's look-up of its ids is one index probe per id. Looking ids up in the
partitions instead costs one probe per id *per week* (about 27): measured on 1M events, 5,000
ids took 480 ms that way against 22 ms in ``event_ids``. The price: the purge deletes the
expired ids from this narrow table row by row (190 ms for 143k ids at 1M events).

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
    _event_ids()


def _event_ids() -> None:
    """Every stored id once, kept by triggers on ``events`` for whoever writes through it."""
    op.execute(
        'CREATE TABLE event_ids (event_id varchar(128) COLLATE "C" PRIMARY KEY, '
        "occurred_at bigint NOT NULL)"
    )
    op.execute("INSERT INTO event_ids SELECT event_id, occurred_at FROM events")
    op.execute("CREATE INDEX ix_event_ids_time ON event_ids (occurred_at)")
    for name, body in (
        ("added", "INSERT INTO event_ids SELECT event_id, occurred_at FROM added"),
        ("removed", "DELETE FROM event_ids i USING removed r WHERE i.event_id = r.event_id"),
        ("truncated", "TRUNCATE event_ids"),
    ):
        op.execute(
            f"CREATE FUNCTION auditlog_ids_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body}; RETURN NULL; END $$"
        )
    op.execute(
        "CREATE TRIGGER events_ids_added AFTER INSERT ON events REFERENCING NEW TABLE AS "
        "added FOR EACH STATEMENT EXECUTE FUNCTION auditlog_ids_added()"
    )
    op.execute(
        "CREATE TRIGGER events_ids_removed AFTER DELETE ON events REFERENCING OLD TABLE AS "
        "removed FOR EACH STATEMENT EXECUTE FUNCTION auditlog_ids_removed()"
    )
    op.execute(
        "CREATE TRIGGER events_ids_truncated AFTER TRUNCATE ON events "
        "FOR EACH STATEMENT EXECUTE FUNCTION auditlog_ids_truncated()"
    )
    _append_only("'events', 'event_ids'")
    op.execute(partitions.guard_statement("event_ids"))


def _append_only(deletable: str) -> None:
    """Migration 0002's guard, letting the purge delete from the tables named."""
    op.execute(_GUARD.replace("DELETABLE", deletable))


_GUARD = """
        CREATE OR REPLACE FUNCTION auditlog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_TABLE_NAME IN (DELETABLE) AND TG_OP = 'DELETE'
               AND current_setting('auditlog.purging', true) = 'on' THEN
                RETURN NULL;
            END IF;
            IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION 'auditlog: % is append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
"""


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
    op.execute("DROP TABLE event_ids")
    for name in ("added", "removed", "truncated"):
        op.execute(f"DROP TRIGGER events_ids_{name} ON events")
        op.execute(f"DROP FUNCTION auditlog_ids_{name}()")
    _append_only("'events'")
    op.execute("ALTER TABLE events RENAME TO events_unpartitioned")
    op.execute("CREATE TABLE events (LIKE events_unpartitioned INCLUDING DEFAULTS)")
    op.execute("ALTER SEQUENCE events_seq_seq OWNED BY events.seq")
    op.execute("INSERT INTO events SELECT * FROM events_unpartitioned")
    op.execute("DROP TABLE events_unpartitioned")  # its partitions and their triggers with it
    _keys_and_indexes("PRIMARY KEY (seq)", "UNIQUE (event_id)")
    op.execute(partitions.guard_statement("events"))
