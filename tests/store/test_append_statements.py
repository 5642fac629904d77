"""An append larger than one multi-row INSERT (SQLite) is stored whole, chained and searchable."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import ADMIN, make_event
from tests.store.conftest import window
from tui.domain.query import AppendResult
from tui.store import appending


def test_a_batch_over_several_statements_is_stored_whole_chained_and_indexed(store, clock) -> None:
    size = 2 * appending._SQLITE_ROWS_PER_STATEMENT + 1  # three statements, the last of one row
    batch = [
        make_event(n, age=timedelta(seconds=n + 1), summary=f"Created collector marker{n:05d}")
        for n in range(size)
    ]
    store.add_account(ADMIN)
    assert store.append(batch) == AppendResult(size, 0)
    assert store.append(batch[::-1]) == AppendResult(0, size)
    reader = store.reader(ADMIN.email)
    assert reader.count(window(clock), cap=None).value == size
    # Rows of each statement reached the search index, the first, a middle and the last.
    for n in (0, appending._SQLITE_ROWS_PER_STATEMENT, size - 1):
        query = window(clock, text=f"marker{n:05d}")
        assert [e.id for e in reader.stream(query)] == [f"evt_{n:06d}"]
    report = store.verify(ADMIN.email)
    assert report.valid and (report.events, report.segments) == (size, 1)
