"""``AuditReader.stored_batches``: the rows an export streams, a keyset batch at a time, in the
shape the export's encoder reads by column (``formats.STORED_FIELDS``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import ADMIN, SUPERVISOR, make_event
from tests.store.conftest import window
from tui.domain.errors import InvalidInput
from tui.domain.formats import STORED_FIELDS, encode_stored
from tui.domain.sealed_export import verify_sealed_lines

EVENTS = [
    *(make_event(n, age=timedelta(minutes=n + 1)) for n in range(11)),
    make_event(50, tenant="t_02", summary="someone else's tenant"),
    make_event(51, tenant=None, summary="the portal itself"),
]


@pytest.fixture
def filled(store):  # type: ignore[no-untyped-def]
    store.add_accounts([ADMIN, SUPERVISOR])
    store.append(EVENTS)
    return store


@pytest.mark.parametrize("batch", [1, 4, 13, 100])
def test_batches_hold_at_most_batch_rows_and_add_up_to_stored(filled, clock, batch) -> None:
    reader = filled.reader(ADMIN.email)
    batches = list(reader.stored_batches(window(clock), batch))
    assert batches and all(0 < len(rows) <= batch for rows in batches)
    flat = [row.event_id for rows in batches for row in rows]
    assert flat == [row.event_id for row in reader.stored(window(clock), batch)]
    assert len(flat) == len(EVENTS)


def test_the_rows_carry_the_columns_the_encoder_reads_by_position(filled, clock) -> None:
    """Were the reader's columns to change, the export would fall back to reading each row by
    name (correct, but several times slower): this says so at once."""
    rows = list(filled.reader(ADMIN.email).stored(window(clock)))
    assert rows and all(row._fields == STORED_FIELDS for row in rows)
    assert all(row.chain_hash is not None for row in rows)


def test_a_supervisors_sealed_export_holds_only_what_they_may_see_and_verifies(
    filled, clock
) -> None:
    reader = filled.reader(SUPERVISOR.email)
    lines = b"".join(encode_stored("ndjson", reader.stored(window(clock), batch=3))).splitlines()
    assert len(lines) == len(EVENTS) - 1
    assert not any(b"someone else's tenant" in line for line in lines)
    report = verify_sealed_lines(lines)
    assert report.valid and report.events == len(lines)


def test_a_batch_of_no_rows_is_refused(filled, clock) -> None:
    with pytest.raises(InvalidInput):
        next(filled.reader(ADMIN.email).stored_batches(window(clock), 0))
