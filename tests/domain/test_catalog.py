"""The catalog: 53 portal types in four areas, auditlog's own reading events in a fifth,
looked up the way users type them."""

from __future__ import annotations

import pytest

from tui.domain.catalog import (
    CATALOG,
    READING,
    Area,
    event_type,
    find_area,
    find_event_type,
    is_incident_operation,
    types_in,
)


def test_the_catalog_holds_53_types_in_four_areas() -> None:
    assert len(CATALOG) == 53
    assert len({t.name for t in CATALOG}) == 53
    counts = {area: len(types_in(area)) for area in Area}
    assert counts == {
        Area.USER_MANAGEMENT: 12,
        Area.INFRASTRUCTURE: 26,
        Area.INTEGRATIONS: 8,
        Area.REPORTING: 7,
        Area.AUDIT_LOG: 3,
    }
    assert all(t.area is not Area.AUDIT_LOG for t in CATALOG)


def test_reading_events_are_auditlogs_own_and_found_by_name() -> None:
    assert [t.name for t in READING] == [
        "Audit Log Opened",
        "Audit Log Exported",
        "Audit Log Verified",
    ]
    assert event_type("Audit Log Exported") is READING[1]
    assert find_event_type("audit log verified") is READING[2]
    assert find_area("audit log access") is Area.AUDIT_LOG
    assert not is_incident_operation("Audit Log Opened")


def test_catalog_order_is_area_by_area() -> None:
    areas = [t.area for t in CATALOG]
    assert areas == sorted(areas, key=list(Area).index)
    assert CATALOG[0].name == "User First Login"
    assert CATALOG[-1].name == "Label Deleted"


@pytest.mark.parametrize(
    ("name", "area"),
    [
        ("User Login", Area.USER_MANAGEMENT),
        ("API Key Revoked", Area.INFRASTRUCTURE),
        ("Company Detached From MSP", Area.INFRASTRUCTURE),
        ("Roaming Group Deleted", Area.INFRASTRUCTURE),
        ("Autopilot Status Updated", Area.INTEGRATIONS),
        ("Integration Deletion Failed", Area.INTEGRATIONS),
        ("Grouping Rules Updated", Area.REPORTING),
        ("Incident Details Report Requested", Area.REPORTING),
    ],
)
def test_types_belong_to_their_area(name: str, area: Area) -> None:
    found = event_type(name)
    assert found is not None
    assert found.area is area


def test_updated_types_must_carry_changes_and_only_they() -> None:
    updates = {t.name for t in CATALOG if t.is_update}
    assert "User Password Updated" in updates
    assert "Autopilot Status Updated" in updates
    assert "Grouping Rules Updated" in updates
    assert all(name.endswith(" Updated") for name in updates)
    assert len(updates) == 13


def test_the_only_failure_is_the_failed_integration_deletion() -> None:
    assert [t.name for t in CATALOG if t.is_failure] == ["Integration Deletion Failed"]


def test_event_type_wants_the_exact_spelling() -> None:
    assert event_type("Collector Created") is not None
    assert event_type("collector created") is None
    assert event_type("Collector  Created") is None


@pytest.mark.parametrize(
    "typed", ["collector created", "  COLLECTOR   created ", "Collector Created"]
)
def test_find_event_type_forgives_case_and_spacing(typed: str) -> None:
    found = find_event_type(typed)
    assert found is not None
    assert found.name == "Collector Created"


def test_find_event_type_finds_nothing_outside_the_catalog() -> None:
    assert find_event_type("Collector Exploded") is None
    assert find_event_type("") is None


@pytest.mark.parametrize(
    ("typed", "area"),
    [
        ("Integrations & Gateways", Area.INTEGRATIONS),
        ("integrations and gateways", Area.INTEGRATIONS),
        ("Integrations AND Gateways", Area.INTEGRATIONS),
        ("  reporting   and rules ", Area.REPORTING),
        ("INFRASTRUCTURE & AGENTS", Area.INFRASTRUCTURE),
        ("user management", Area.USER_MANAGEMENT),
    ],
)
def test_find_area_forgives_case_spacing_and_and(typed: str, area: Area) -> None:
    assert find_area(typed) is area


def test_find_area_finds_nothing_else() -> None:
    assert find_area("Incidents") is None
    assert find_area("") is None


@pytest.mark.parametrize(
    "name", ["Incident Opened", "Incident Closed", "incident muted", "Incident Comment Added"]
)
def test_incident_operations_are_recognised(name: str) -> None:
    assert is_incident_operation(name)


@pytest.mark.parametrize(
    "name",
    [
        "Incident Report Sent",
        "Incident Details Report Requested",
        "incident report sent",  # a catalog type, spelled loosely
        "Collector Created",
        "Firewall Rule Changed",
    ],
)
def test_other_names_are_not_incident_operations(name: str) -> None:
    assert not is_incident_operation(name)
