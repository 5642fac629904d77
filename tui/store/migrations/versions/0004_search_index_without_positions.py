"""SQLite: the trigram search index without positions (``detail=none``); PostgreSQL: nothing.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

The FTS5 index of 0001 kept every trigram's positions, only so that a search term could be
matched as one phrase. Positions made it the largest part of an append's cost (measured on
100k events copied raw: 52.7 µs an event with them, 30.0 µs without, 21.2 µs with no search
index at all) and about half of the index's size. Search does not need them: the index is
asked for the events holding every trigram of a term (``filters.search_conditions``), and
the exact substring test (``instr``) that decides the result runs on those few rows, so the
results are the same, to the row.

The index is made again from ``events.search_text`` (an external-content table: the text
lives once, in ``events``); its triggers (insert, and delete for the purge) are unchanged
and need no change, since they name the table, not its options.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_CREATE = (
    "CREATE VIRTUAL TABLE events_fts USING fts5("
    "search_text, content='events', content_rowid='seq', "
    "tokenize='trigram case_sensitive 1'{options})"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _remake_search_index(", detail=none")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _remake_search_index("")


def _remake_search_index(options: str) -> None:
    op.execute("DROP TABLE events_fts")
    op.execute(_CREATE.format(options=options))
    op.execute("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")
