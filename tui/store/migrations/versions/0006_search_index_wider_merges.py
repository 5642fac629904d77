"""SQLite: the trigram index merges its segments sixteen at a time, not four; PostgreSQL: none.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

Each append writes its index entries as one new segment (0005), and FTS5 merges segments
of one level into the next as they accumulate: by default as soon as four wait
(``automerge`` 4), so every entry is rewritten once per level, about log4 of the number of
appends. Sixteen at a time (FTS5's largest) rewrites each entry about half as often. The
trigram index's CPU an event, measured with real events' search text in 5,000-row appends
(three alternating runs at 200k, one at 1M and 10M): 26-29 -> 19-22 us at 200k, 30.7 ->
22.4 us at 1M, 45.3 -> 27.0 us at 10M (the more appends, the more levels were merged).
A search reads more segments but no slower: counting every match of a word over 10M events
took 38 / 547 / 41 / 264 ms before and 33 / 479 / 37 / 218 ms after (four words, best of
five each); at 1M within +-20% either way. The index is 10% larger at 10M.

Only how the index is merged changes: it holds the same entries and searches find the
same rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: FTS5's default, which 0005 and earlier merged with.
_DEFAULT_AUTOMERGE = 4
AUTOMERGE = 16


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _set_automerge(AUTOMERGE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _set_automerge(_DEFAULT_AUTOMERGE)


def _set_automerge(segments: int) -> None:
    op.execute(
        sa.text(
            "INSERT INTO events_fts(events_fts, rank) VALUES ('automerge', :segments)"
        ).bindparams(segments=segments)
    )
