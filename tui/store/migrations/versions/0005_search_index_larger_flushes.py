"""SQLite: the trigram index keeps up to 16 MB of new entries before writing them; PostgreSQL: none.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

FTS5 keeps the entries of rows being inserted in memory and writes them out as one new
segment at the end of each statement, or sooner when they pass ``hashsize`` (1 MB by
default), and merges segments as they accumulate. Real events hold ~190 trigrams each: at
1 MB a statement of an ingest batch (5,000 rows) was already cut in two segments. 16 MB
holds a whole statement (up to 16,000 rows, ``appending``), so an append writes one segment
and there is less to merge. Measured (whole INSERT: table, b-trees, index): on 20,000
events in 5,000-row statements 190,500 -> 169,900 instructions an event, on 100,000
241,100 (statements of 2,500, as 0004 wrote) -> 218,400 (valgrind, independent of load);
on 1M events, CPU on a loaded machine, 174 us an event (2,500-row statements, 1 MB) -> 172
(5,000, 16 MB) -> 160 (19,000, 16 MB).

Only how the index is written changes: it holds the same entries and searches find the
same rows. The memory is used only while an append's statement runs.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

#: FTS5's default, which 0004 and earlier wrote with.
_DEFAULT_HASHSIZE = 1024 * 1024
HASHSIZE = 16 * 1024 * 1024


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _set_hashsize(HASHSIZE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _set_hashsize(_DEFAULT_HASHSIZE)


def _set_hashsize(size: int) -> None:
    op.execute(
        sa.text("INSERT INTO events_fts(events_fts, rank) VALUES ('hashsize', :size)").bindparams(
            size=size
        )
    )
