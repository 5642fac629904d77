"""The hash chain: chain fields on events, segment records, purge checkpoints, append-only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Events already stored are chained in ``seq`` order as one segment, so a database from 0001
verifies as VALID after the upgrade. The chain columns stay NULL-able at the SQL level (an
added column needs no table rewrite that way); every append fills them, and the verifier
reports a row without them as inserted.

Append-only: UPDATE, DELETE and TRUNCATE of events, segments and checkpoints are refused by
triggers; DELETE of events passes only inside the retention purge (``chain_purge``). A
PostgreSQL superuser is not held (it can disable any trigger anyway, and the test fixtures
empty tables as one); SQLite's triggers stop a stray statement, not someone with the file.
"""

from hashlib import sha256

import sqlalchemy as sa
from alembic import op

from tui.domain.chain import GENESIS

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_CHUNK = 5_000
_GUARDED = ("events", "chain_segments", "chain_checkpoints")


def upgrade() -> None:
    for name, kind in (
        ("chain_segment", sa.BigInteger()),
        ("chain_position", sa.Integer()),
        ("chain_prev", sa.LargeBinary()),
        ("chain_hash", sa.LargeBinary()),
    ):
        op.execute(f"ALTER TABLE events ADD COLUMN {name} {_type(kind)}")
    op.create_index("ix_events_chain", "events", ["chain_segment", "chain_position"])
    op.create_table(
        "chain_segments",
        sa.Column("segment", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("prev_head", sa.LargeBinary(), nullable=False),
        sa.Column("head", sa.LargeBinary(), nullable=False),
        sa.Column("event_count", sa.Integer, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "chain_checkpoints",
        sa.Column("segment", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("first_position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_position", sa.Integer, nullable=False),
        sa.Column("anchor", sa.LargeBinary(), nullable=False),
        sa.Column("purged_at", sa.BigInteger, nullable=False),
    )
    _chain_existing_events()
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_guards()
    else:
        _postgresql_guards()


def _type(kind: sa.types.TypeEngine) -> str:  # type: ignore[type-arg]
    return kind.compile(dialect=op.get_bind().dialect)


def _chain_existing_events() -> None:
    """Chain what 0001 stored, in the order it was stored, as segment 1."""
    bind = op.get_bind()
    count = bind.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
    if not count:
        return
    update = sa.text(
        "UPDATE events SET chain_segment = 1, chain_position = :position, "
        "chain_prev = :prev, chain_hash = :hash WHERE seq = :seq"
    )
    prev = GENESIS
    position = 0
    last_seq = -1
    while True:
        rows = bind.execute(
            sa.text("SELECT seq, body FROM events WHERE seq > :after ORDER BY seq LIMIT :n"),
            {"after": last_seq, "n": _CHUNK},
        ).all()
        if not rows:
            break
        values = []
        for seq, body in rows:
            current = sha256(prev + body.encode()).digest()
            values.append({"seq": seq, "position": position, "prev": prev, "hash": current})
            prev = current
            position += 1
        bind.execute(update, values)
        last_seq = rows[-1][0]
    bind.execute(
        sa.text(
            "INSERT INTO chain_segments (segment, prev_head, head, event_count, created_at) "
            "VALUES (1, :genesis, :head, :count, 0)"
        ),
        {"genesis": GENESIS, "head": prev, "count": position},
    )


def _sqlite_guards() -> None:
    # auditlog_purging() exists only on the purging connection, for the time of the purge:
    # any other DELETE fails, either on the RAISE or because the function is unknown.
    op.execute(
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
        "WHEN NOT auditlog_purging() BEGIN "
        "SELECT RAISE(ABORT, 'auditlog: events are append-only; only the purge deletes'); END"
    )
    for table in _GUARDED:
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'auditlog: {table} is append-only'); END"
        )
    for table in _GUARDED[1:]:
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'auditlog: {table} is append-only'); END"
        )


def _postgresql_guards() -> None:
    op.execute(
        """
        CREATE FUNCTION auditlog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_TABLE_NAME = 'events' AND TG_OP = 'DELETE'
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
    )
    for table in _GUARDED:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION auditlog_append_only()"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
        for table in _GUARDED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        for table in _GUARDED[1:]:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    else:
        for table in _GUARDED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS auditlog_append_only()")
    op.drop_table("chain_checkpoints")
    op.drop_table("chain_segments")
    op.drop_index("ix_events_chain", "events")
    for name in ("chain_hash", "chain_prev", "chain_position", "chain_segment"):
        op.execute(f"ALTER TABLE events DROP COLUMN {name}")
