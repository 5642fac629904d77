"""Reading events: what the viewer, export and verify record about their reader."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tui.domain.access import Principal
from tui.domain.catalog import Area
from tui.domain.reading import (
    EXPORTED,
    LOCAL_ADDRESS,
    OPENED,
    reading_event,
    source_address,
)
from tui.domain.validation import parse_event

AT = datetime(2026, 11, 25, 12, 0, 0, 123000, tzinfo=UTC)
SUPERVISOR = Principal(email="sam.super@example.com", name="Sam [bold]", role="Supervisor")


def _event(action: str = EXPORTED, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "event_id": "auditlog-0001",
        "at": AT,
        "reader": SUPERVISOR,
        "source_ip": "203.0.113.9 52144 22",
        "user_agent": "auditlog/0.1.0 (export)",
        "summary": "Exported 12 events as NDJSON",
        "details": {"format": "ndjson", "events": 12, "completed": True},
    }
    values.update(overrides)
    return reading_event(action, **values)


def test_a_reading_is_a_portal_event_of_the_reader_in_its_own_area() -> None:
    event = _event()
    assert event.type.name == "Audit Log Exported"
    assert event.area is Area.AUDIT_LOG
    assert event.tenant is None
    assert event.performer.mail == "sam.super@example.com"
    assert event.performer.name == "Sam [bold]"  # kept as sent; shown inert elsewhere
    assert event.performer.role == "Supervisor"
    assert event.context.source_ip == "203.0.113.9"
    assert event.occurred_at == AT
    assert event.details["events"] == 12


def test_a_reading_event_survives_the_export_ingest_round_trip() -> None:
    event = _event(OPENED, details={"interface": "viewer"}, summary="Opened the viewer")
    assert parse_event(event.to_dict()) == event


def test_the_performer_id_is_stable_and_does_not_depend_on_case() -> None:
    upper = Principal(email="SAM.SUPER@example.com", name="Sam", role="Supervisor")
    assert _event().performer.id == _event(reader=upper).performer.id


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, LOCAL_ADDRESS),
        ("", LOCAL_ADDRESS),
        ("not an address", LOCAL_ADDRESS),
        ("2001:db8::7 40022 22", "2001:db8::7"),
        ("fe80::1%eth0 1 22", "fe80::1"),
        ("\x1b]52;c;AAAA\x07 1 2", LOCAL_ADDRESS),
    ],
)
def test_the_source_is_the_ssh_client_address_or_the_local_one(
    given: str | None, expected: str
) -> None:
    assert source_address(given) == expected


def test_only_reading_actions_are_accepted() -> None:
    with pytest.raises(ValueError, match="not a reading action"):
        _event("User Login")
