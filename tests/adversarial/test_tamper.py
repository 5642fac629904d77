"""An insider with write access edits the stored log; ``verify`` says exactly what was done.

The tampering is done the way such an insider would: straight SQL on the database, with the
append-only guards out of the way (dropped on SQLite, which the file's owner can do; on
PostgreSQL the tests connect as a superuser, whom the trigger does not bind).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ADMIN, SUPERVISOR, FakeClock, make_event
from tui.domain.chain import Finding, Kind
from tui.domain.errors import AccessDenied
from tui.store.engine import connect, resolve_url
from tui.store.repository import AuditStore

#: Three appends of ten events: segments 1, 2, 3, positions 0..9 in each.
SEGMENTS = 3
PER_SEGMENT = 10


def event_number(segment: int, position: int) -> int:
    return (segment - 1) * PER_SEGMENT + position


def event_id(segment: int, position: int) -> str:
    return f"evt_{event_number(segment, position):06d}"


@pytest.fixture
def chained(db_url: str, backend: str, clock: FakeClock) -> Iterator[AuditStore]:
    store = AuditStore.open(db_url, clock=clock)
    if backend == "postgresql":  # the schema is shared by this process's tests
        _wipe_chain(db_url)
    store.add_account(ADMIN)
    store.add_account(SUPERVISOR)
    for segment in range(1, SEGMENTS + 1):
        store.append(
            [
                make_event(n, age=timedelta(days=200 - n) if segment == 1 else timedelta(hours=n))
                for n in (event_number(segment, p) for p in range(PER_SEGMENT))
            ]
        )
    yield store
    store.close()


def _wipe_chain(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM chain_checkpoints"))
        connection.execute(text("DELETE FROM chain_segments"))
        connection.execute(text("DELETE FROM events"))
    engine.dispose()


def tamper(db_url: str, *statements: str, **params: object) -> None:
    """Run ``statements`` as the insider would, past the append-only guards."""
    engine = connect(resolve_url(db_url))
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                for (name,) in connection.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).all():
                    if name.endswith(("_no_update", "_no_delete")):
                        connection.execute(text(f"DROP TRIGGER {name}"))
            for statement in statements:
                connection.execute(text(statement), params)
    finally:
        engine.dispose()


def findings(store: AuditStore) -> list[Finding]:
    report = store.verify(ADMIN.email)
    assert report.findings_total == len(report.findings)
    return report.findings


def where(finding: Finding) -> tuple[Kind, str | None, int | None, int | None]:
    return finding.kind, finding.event_id, finding.segment, finding.position


def test_an_untouched_log_is_valid(chained) -> None:
    report = chained.verify(ADMIN.email)
    assert report.valid
    assert (report.events, report.segments, report.purged) == (30, 3, 0)


def test_progress_is_reported_up_to_the_total(chained) -> None:
    calls: list[tuple[int, int]] = []
    chained.verify(ADMIN.email, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 30)
    assert calls[-1] == (30, 30)


def test_only_admins_may_verify(chained) -> None:
    with pytest.raises(AccessDenied, match="only Admin"):
        chained.verify(SUPERVISOR.email)
    with pytest.raises(AccessDenied):
        chained.verify("nobody@example.com")


def test_an_altered_body_is_named(chained, db_url) -> None:
    tamper(
        db_url,
        "UPDATE events SET body = replace(body, 'Created collector', 'Deleted collector') "
        "WHERE event_id = :id",
        id=event_id(2, 4),
    )
    assert [where(f) for f in findings(chained)] == [(Kind.ALTERED, event_id(2, 4), 2, 4)]


def test_an_altered_and_re_hashed_event_is_named(chained, db_url) -> None:
    # The insider recomputes the event's own hash; its successor still names the old one.
    from hashlib import sha256

    engine = connect(resolve_url(db_url))
    with engine.connect() as connection:
        prev, body = connection.execute(
            text("SELECT chain_prev, body FROM events WHERE event_id = :id"), {"id": event_id(2, 4)}
        ).one()
    engine.dispose()
    forged = body.replace("Created collector", "Deleted collector")
    tamper(
        db_url,
        "UPDATE events SET body = :body, chain_hash = :hash WHERE event_id = :id",
        id=event_id(2, 4),
        body=forged,
        hash=sha256(bytes(prev) + forged.encode()).digest(),
    )
    assert [where(f) for f in findings(chained)] == [(Kind.ALTERED, event_id(2, 4), 2, 4)]


def test_a_deleted_event_is_named_by_its_place(chained, db_url) -> None:
    tamper(db_url, "DELETE FROM events WHERE event_id = :id", id=event_id(3, 6))
    (found,) = findings(chained)
    assert (found.kind, found.segment, found.position, found.count) == (Kind.REMOVED, 3, 6, 1)


def test_deleting_the_last_event_of_a_segment_is_found(chained, db_url) -> None:
    tamper(db_url, "DELETE FROM events WHERE event_id = :id", id=event_id(2, 9))
    (found,) = findings(chained)
    assert (found.kind, found.segment, found.position) == (Kind.REMOVED, 2, 9)


def test_a_forged_row_without_chain_fields_is_inserted(chained, db_url) -> None:
    tamper(
        db_url,
        "INSERT INTO events (event_id, occurred_at, event_type, area, performer_mail, "
        "performer_name, tenant_id, search_text, body) "
        "SELECT 'evt_forged', occurred_at, event_type, area, performer_mail, performer_name, "
        "tenant_id, search_text, replace(body, :id, 'evt_forged') FROM events WHERE event_id = :id",
        id=event_id(1, 2),
    )
    assert [where(f) for f in findings(chained)] == [(Kind.INSERTED, "evt_forged", None, None)]


def test_a_forged_row_in_a_taken_place_is_inserted(chained, db_url) -> None:
    tamper(
        db_url,
        "INSERT INTO events (event_id, occurred_at, event_type, area, performer_mail, "
        "performer_name, tenant_id, search_text, body, chain_segment, chain_position, "
        "chain_prev, chain_hash) "
        "SELECT 'evt_forged', occurred_at, event_type, area, performer_mail, performer_name, "
        "tenant_id, search_text, replace(body, :id, 'evt_forged'), chain_segment, "
        "chain_position, chain_prev, chain_hash FROM events WHERE event_id = :id",
        id=event_id(2, 5),
    )
    assert [where(f) for f in findings(chained)] == [(Kind.INSERTED, "evt_forged", 2, 5)]


def test_swapped_contents_are_reported_as_reordered(chained, db_url) -> None:
    # Each event is moved into the other's place: its row takes the other's chain fields.
    a, b = event_id(2, 2), event_id(2, 7)
    engine = connect(resolve_url(db_url))
    with engine.connect() as connection:
        fields = {
            row.event_id: row
            for row in connection.execute(
                text(
                    "SELECT event_id, chain_position, chain_prev, chain_hash FROM events "
                    "WHERE event_id IN (:a, :b)"
                ),
                {"a": a, "b": b},
            )
        }
    engine.dispose()
    move = (
        "UPDATE events SET chain_position = :position, chain_prev = :prev, chain_hash = :hash "
        "WHERE event_id = :id"
    )
    for mover, place in ((a, b), (b, a)):
        target = fields[place]
        tamper(
            db_url,
            move,
            id=mover,
            position=target.chain_position,
            prev=target.chain_prev,
            hash=target.chain_hash,
        )
    found = sorted(where(f) for f in findings(chained))
    assert found == [(Kind.REORDERED, a, 2, 7), (Kind.REORDERED, b, 2, 2)]


def test_swapped_positions_are_reported_as_reordered(chained, db_url) -> None:
    a, b = event_id(3, 3), event_id(3, 4)
    tamper(
        db_url,
        "UPDATE events SET chain_position = 4 WHERE event_id = :a",
        "UPDATE events SET chain_position = 3 WHERE event_id = :b",
        a=a,
        b=b,
    )
    found = sorted(where(f) for f in findings(chained))
    assert found == [(Kind.REORDERED, a, 3, 4), (Kind.REORDERED, b, 3, 3)]


def test_a_tampered_segment_head_is_one_finding(chained, db_url) -> None:
    tamper(db_url, "UPDATE chain_segments SET head = :zero WHERE segment = 2", zero=bytes(32))
    assert [where(f) for f in findings(chained)] == [(Kind.SEGMENT, None, 2, None)]


def test_a_whole_segment_removed_is_found(chained, db_url) -> None:
    tamper(
        db_url,
        "DELETE FROM events WHERE chain_segment = 2",
        "DELETE FROM chain_segments WHERE segment = 2",
    )
    assert [where(f) for f in findings(chained)] == [(Kind.SEGMENT, None, 3, None)]


def test_a_legitimate_purge_stays_valid(chained, clock) -> None:
    # Segment 1 holds events 200..191 days old: all past the 180-day retention.
    assert chained.purge() == PER_SEGMENT
    report = chained.verify(ADMIN.email)
    assert report.valid, [f.describe() for f in report.findings]
    assert (report.events, report.purged) == (20, PER_SEGMENT)


def test_a_partial_purge_and_a_later_one_stay_valid(chained, clock) -> None:
    clock.now -= timedelta(days=15)  # now only events 200..196 days old are expired
    assert chained.purge() == 5
    assert chained.verify(ADMIN.email).valid
    clock.now += timedelta(days=15)
    assert chained.purge() == 5
    report = chained.verify(ADMIN.email)
    assert report.valid and report.purged == PER_SEGMENT


def test_a_removal_beside_a_purge_is_still_found(chained, db_url, clock) -> None:
    clock.now -= timedelta(days=15)
    chained.purge()  # positions 0..4 of segment 1
    tamper(db_url, "DELETE FROM events WHERE event_id = :id", id=event_id(1, 6))
    (found,) = findings(chained)
    assert (found.kind, found.segment, found.position) == (Kind.REMOVED, 1, 6)


def test_appends_after_tampering_do_not_hide_it(chained, db_url) -> None:
    tamper(db_url, "DELETE FROM events WHERE event_id = :id", id=event_id(3, 0))
    chained.append([make_event(100), make_event(101)])
    (found,) = findings(chained)
    assert (found.kind, found.segment, found.position) == (Kind.REMOVED, 3, 0)
