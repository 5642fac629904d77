"""parse_event: valid events round-trip; broken ones are refused naming the field and why."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import FIXED_NOW, raw_event
from tui.domain import validation
from tui.domain.errors import EventRejected, InvalidInput
from tui.domain.event import format_timestamp
from tui.domain.validation import FUTURE_TOLERANCE, MAX_DETAILS_DEPTH, parse_event


def refusal(raw: Any, *, now: datetime | None = FIXED_NOW) -> EventRejected:
    with pytest.raises(EventRejected) as caught:
        parse_event(raw, now=now)
    return caught.value


def with_path(path: str, value: Any, *, delete: bool = False) -> dict[str, Any]:
    """A valid raw event with the dotted ``path`` set to ``value`` (or removed)."""
    raw = raw_event()
    *parents, last = path.split(".")
    node = raw
    for key in parents:
        node = node[key]
    if delete:
        del node[last]
    else:
        node[last] = value
    return raw


def updated_event(changes: Any) -> dict[str, Any]:
    return raw_event(type="Collector Updated", details={"changes": changes})


# -- what is accepted -----------------------------------------------------------------------------


def test_a_valid_event_round_trips_through_its_json_form() -> None:
    raw = raw_event(details={"settings": {"sources": ["Security"], "batch": 250}})
    event = parse_event(raw, now=FIXED_NOW)
    assert event.id == "evt_000000"
    assert event.type.name == "Collector Created"
    assert event.area.value == "Infrastructure & Agents"
    assert event.tenant is not None and event.tenant.id == "t_01"
    assert parse_event(event.to_dict(), now=FIXED_NOW).to_dict() == event.to_dict()
    assert event.to_dict()["area"] == "Infrastructure & Agents"  # added when the input had none


def test_the_area_may_be_given_when_it_matches_the_type() -> None:
    event = parse_event(raw_event(area="Infrastructure & Agents"), now=FIXED_NOW)
    assert event.area.value == "Infrastructure & Agents"


def test_a_portal_event_has_no_tenant() -> None:
    event = parse_event(raw_event(tenant=None), now=FIXED_NOW)
    assert event.context.is_portal
    assert event.to_dict()["context"]["tenant"] is None


def test_timestamps_are_kept_in_utc_to_the_millisecond() -> None:
    raw = raw_event(timestamp="2026-11-25T13:30:00.123456+02:00")
    event = parse_event(raw, now=FIXED_NOW)
    assert event.occurred_at == datetime(2026, 11, 25, 11, 30, 0, 123000, tzinfo=UTC)
    assert event.to_dict()["timestamp"] == "2026-11-25T11:30:00.123Z"


def test_a_slightly_fast_clock_is_tolerated() -> None:
    soon = format_timestamp(FIXED_NOW + FUTURE_TOLERANCE - timedelta(seconds=1))
    assert parse_event(raw_event(timestamp=soon), now=FIXED_NOW)


def test_without_now_a_future_event_is_not_checked() -> None:
    later = format_timestamp(FIXED_NOW + timedelta(days=3))
    assert parse_event(raw_event(timestamp=later), now=None)


def test_an_early_year_round_trips() -> None:
    # Regression: strftime("%Y") wrote year 999 as "999", which parse_event refused.
    event = parse_event(raw_event(timestamp="0999-01-02T03:04:05.006Z"), now=FIXED_NOW)
    assert event.to_dict()["timestamp"] == "0999-01-02T03:04:05.006Z"
    assert parse_event(event.to_dict()).to_dict() == event.to_dict()


def test_hostile_free_text_is_kept_exactly_as_evidence() -> None:
    hostile = "\x1b]0;pwned\x07 Deleted\u202egpj.exe\n[red]x[/red] '; DROP TABLE events; --"
    raw = raw_event(summary=hostile)
    raw["target"]["name"] = hostile
    event = parse_event(raw, now=FIXED_NOW)
    assert event.summary == hostile
    assert event.target.name == hostile


def test_an_updated_event_with_its_changes_is_accepted() -> None:
    changes = [
        {"field": "enabled", "old": True, "new": False},
        {"field": "x", "old": None, "new": 1},
    ]
    event = parse_event(updated_event(changes), now=FIXED_NOW)
    assert [(c.field, c.old, c.new) for c in event.changes] == [
        ("enabled", True, False),
        ("x", None, 1),
    ]


def test_a_failure_with_its_reason_is_accepted() -> None:
    raw = raw_event(type="Integration Deletion Failed", details={"reason": "still in use"})
    assert parse_event(raw, now=FIXED_NOW).details["reason"] == "still in use"


# -- what is refused, and how it is said ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "an event must be a JSON object, not an array"),
        ("event", "an event must be a JSON object, not a string"),
        (None, "an event must be a JSON object, not null"),
    ],
)
def test_an_event_must_be_an_object(raw: Any, message: str) -> None:
    error = refusal(raw)
    assert str(error) == message
    assert error.field == ""


def test_refusals_are_invalid_input_with_the_field_named() -> None:
    error = refusal(with_path("performer.mail", "not-a-mail"))
    assert isinstance(error, InvalidInput)
    assert error.field == "performer.mail"
    assert str(error) == "performer.mail: 'not-a-mail' is not an e-mail address"


@pytest.mark.parametrize(
    ("path", "value", "field", "says"),
    [
        ("id", "", "id", "is not a valid identifier"),
        ("id", "evt 1", "id", "is not a valid identifier"),
        ("id", "-evt", "id", "starting with a letter or digit"),
        ("id", "e" * 129, "id", "1-128 letters"),
        ("id", 7, "id", "7 is not a valid identifier"),
        ("type", "", "type", "missing; every event names its type"),
        ("area", "Reporting & Rules", "area", "does not match type 'Collector Created'"),
        ("timestamp", 1764072000, "timestamp", "missing; expected an ISO 8601 UTC time"),
        ("timestamp", "yesterday", "timestamp", "is not an ISO 8601 time"),
        ("timestamp", "2026-11-25T09:30:00", "timestamp", "has no time zone"),
        ("timestamp", "2026-11-25T12:06:00Z", "timestamp", "is in the future"),
        ("performer.mail", "ada@", "performer.mail", "is not an e-mail address"),
        ("performer.mail", "ada admin@example.com", "performer.mail", "not an e-mail address"),
        ("performer.mail", "ada\x9b31m@example.com", "performer.mail", "not an e-mail address"),
        ("performer.mail", "ada\u202e@example.com", "performer.mail", "not an e-mail address"),
        ("performer.mail", "ada\u200b@example.com", "performer.mail", "not an e-mail address"),
        ("performer.id", "usr\n1", "performer.id", "is not a valid identifier"),
        ("performer.role", "", "performer.role", "must not be empty"),
        ("performer.name", 3, "performer.name", "must be a string, not a number"),
        ("performer.nickname", "x", "performer.nickname", "unknown field"),
        ("context.tenant", "t_01", "context.tenant", "must be null (the portal) or {id, name}"),
        ("context.tenant.id", "t 01", "context.tenant.id", "is not a valid identifier"),
        ("context.tenant.name", "  ", "context.tenant.name", "must not be empty"),
        ("context.tenant.region", "eu", "context.tenant.region", "unknown field"),
        ("context.source_ip", "999.1.1.1", "context.source_ip", "is not an IP address"),
        ("context.source_ip", "fe80::1%\x1b[2J", "context.source_ip", "has a zone index"),
        ("context.user_agent", ["x"], "context.user_agent", "must be a string, not an array"),
        ("target.kind", "", "target.kind", "must not be empty"),
        ("target.name", None, "target.name", "must be a string, not null"),
        ("summary", "   ", "summary", "must not be empty"),
        ("details", [], "details", "must be a JSON object, not an array"),
        ("performer", "Ada", "performer", "must be an object, not a string"),
    ],
)
def test_a_broken_field_is_named_with_the_reason(
    path: str, value: Any, field: str, says: str
) -> None:
    error = refusal(with_path(path, value))
    assert error.field == field
    assert says in str(error)
    assert str(error).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("path", "field", "says"),
    [
        ("type", "type", "missing"),
        ("timestamp", "timestamp", "missing"),
        ("performer", "performer", "missing"),
        ("context", "context", "missing"),
        ("target", "target", "missing"),
        ("summary", "summary", "missing"),
        ("context.tenant", "context.tenant", "null for the portal"),
        ("context.source_ip", "context.source_ip", "expected an IPv4 or IPv6 address"),
        ("target.kind", "target.kind", "missing"),
        ("performer.mail", "performer.mail", "None is not an e-mail address"),
    ],
)
def test_a_missing_field_is_named(path: str, field: str, says: str) -> None:
    error = refusal(with_path(path, None, delete=True))
    assert error.field == field
    assert says in str(error)


def test_an_unknown_top_level_field_is_refused_by_name() -> None:
    error = refusal(raw_event(severity="high"))
    assert error.field == "severity"
    assert "not part of the audit event format" in str(error)


@pytest.mark.parametrize("name", ["Incident Opened", "incident closed", "Incident Muted"])
def test_incident_operations_are_refused_as_such(name: str) -> None:
    error = refusal(raw_event(type=name))
    assert error.field == "type"
    assert "is an incident operation; incidents are not audit events" in str(error)


def test_the_reporting_events_about_incidents_are_audit_events() -> None:
    for name in ("Incident Report Sent", "Incident Details Report Requested"):
        assert parse_event(raw_event(type=name), now=FIXED_NOW).type.name == name


def test_a_type_outside_the_catalog_is_refused() -> None:
    error = refusal(raw_event(type="Firewall Rule Changed"))
    assert str(error) == "type: 'Firewall Rule Changed' is not in the audit event catalog"


def test_a_miscased_catalog_type_is_refused_with_the_right_spelling() -> None:
    error = refusal(raw_event(type="incident report sent"))
    assert "incident operation" not in str(error)
    assert "write 'Incident Report Sent'" in str(error)


@pytest.mark.parametrize(
    ("details", "field", "says"),
    [
        ({}, "details.changes", "an Updated event must list its changes"),
        ({"changes": []}, "details.changes", "must list its changes"),
        ({"changes": {"field": "a"}}, "details.changes", "must list its changes"),
        ({"changes": ["enabled"]}, "details.changes[0]", "must be an object {field, old, new}"),
        ({"changes": [{"old": 1, "new": 2}]}, "details.changes[0].field", "name the changed"),
        ({"changes": [{"field": "", "old": 1, "new": 2}]}, "details.changes[0].field", "missing"),
        ({"changes": [{"field": "a", "new": 2}]}, "details.changes[0].old", "use null"),
        (
            {"changes": [{"field": "a", "old": 1, "new": 2}, {"field": "b", "old": 1}]},
            "details.changes[1].new",
            "missing (use null for no value)",
        ),
    ],
)
def test_an_updated_event_must_say_what_changed(details: Any, field: str, says: str) -> None:
    error = refusal(raw_event(type="Integration Updated", details=details))
    assert error.field == field
    assert says in str(error)


def test_every_updated_type_needs_its_changes() -> None:
    for name in ("User Password Updated", "Autopilot Status Updated", "Grouping Rules Updated"):
        assert refusal(raw_event(type=name)).field == "details.changes"


@pytest.mark.parametrize("reason", [None, "", "   ", 42])
def test_a_failed_deletion_must_say_why(reason: Any) -> None:
    details = {} if reason is None else {"reason": reason}
    error = refusal(raw_event(type="Integration Deletion Failed", details=details))
    assert error.field == "details.reason"
    assert "must say why it failed" in str(error)


def test_a_long_bad_value_is_shortened_in_the_message() -> None:
    error = refusal(with_path("performer.mail", "x" * 500))
    assert len(str(error)) < 120
    assert "…" in str(error)


def test_the_input_is_not_modified() -> None:
    raw = updated_event([{"field": "a", "old": 1, "new": 2}])
    before = copy.deepcopy(raw)
    parse_event(raw, now=FIXED_NOW)
    assert raw == before


# -- properties -----------------------------------------------------------------------------------

_free_text = st.text(min_size=1).filter(lambda text: text.strip() != "")
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(
    summary=_free_text,
    name=st.text(),
    target_name=_free_text,
    user_agent=st.text(),
    details=st.dictionaries(st.text(), _json_values, max_size=4),
    age_ms=st.integers(0, 180 * 86_400_000),
)
def test_any_free_text_round_trips(
    summary: str,
    name: str,
    target_name: str,
    user_agent: str,
    details: dict[str, Any],
    age_ms: int,
) -> None:
    raw = raw_event(
        summary=summary,
        details=details,
        timestamp=format_timestamp(FIXED_NOW - timedelta(milliseconds=age_ms)),
    )
    raw["performer"]["name"] = name
    raw["target"]["name"] = target_name
    raw["context"]["user_agent"] = user_agent
    event = parse_event(raw, now=FIXED_NOW)
    assert event.summary == summary
    assert parse_event(event.to_dict(), now=FIXED_NOW).to_dict() == event.to_dict()


# -- an export's seal -----------------------------------------------------------------------------


def test_an_exported_seal_beside_the_event_is_accepted_and_ignored() -> None:
    seal = {"chain": "batch-7", "prev": "00" * 32, "hash": "ab" * 32}
    sealed = parse_event(raw_event(1, _seal=seal), now=FIXED_NOW)
    assert sealed == parse_event(raw_event(1), now=FIXED_NOW)
    assert "_seal" not in sealed.to_dict()


@pytest.mark.parametrize(
    ("seal", "says"),
    [("ab12", "not a string"), (None, "not null"), ([1], "not an array"), (7, "not a number")],
)
def test_a_seal_that_is_not_an_object_is_refused(seal: Any, says: str) -> None:
    error = refusal(raw_event(1, _seal=seal))
    assert error.field == "_seal"
    assert str(error) == f"_seal: the export's seal must be an object, {says}"


def test_a_seal_does_not_let_other_unknown_fields_in() -> None:
    error = refusal(raw_event(1, _seal={}, severity="high"))
    assert error.field == "severity"
    assert refusal(raw_event(1, _Seal={})).field == "_Seal"
    assert refusal(with_path("performer._seal", {})).field == "performer._seal"


def test_a_time_beyond_the_calendar_in_utc_is_refused_not_a_crash() -> None:
    for stamp in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        error = refusal(raw_event(timestamp=stamp), now=None)
        assert error.field == "timestamp"
        assert "is out of range in UTC" in str(error)


# -- the quick path for plain events says exactly what the full checks say ------------------------

_plain_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=8) | st.sampled_from(
    ["", " ", "x", "Ada", "ada@example.com", "t_01", "203.0.113.7", "\ud800", "a\udfff"]
)
_values = st.none() | st.booleans() | st.integers() | _plain_text | st.floats()


def _leaf_or_nested() -> st.SearchStrategy[Any]:
    return st.recursive(
        _values | st.just(2**1100) | st.just(float("nan")),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(_plain_text | st.integers(), inner, max_size=3)
            | st.tuples(inner)
        ),
        max_leaves=6,
    )


def _verdict(check: Callable[[Any], Any], value: Any) -> tuple[str, Any]:
    try:
        return "ok", check(copy.deepcopy(value))
    except EventRejected as error:
        return "refused", (error.field, str(error))


def _mostly(valid: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects like ``valid``: each member usually as given, else any value, else missing;
    sometimes with a member too many."""
    members = {key: st.just(value) | st.just(value) | _values for key, value in valid.items()}
    return st.tuples(
        st.fixed_dictionaries(members, optional={"x": _values}),
        st.sets(st.sampled_from(sorted(valid)), max_size=1),
    ).map(lambda drawn: {k: v for k, v in drawn[0].items() if k not in drawn[1]})


@given(
    performer=_mostly({"id": "usr_1", "mail": "ada@example.com", "name": "Ada", "role": "Admin"}),
    tenant=st.none() | _mostly({"id": "t_01", "name": "Acme"}),
    source_ip=st.sampled_from(["203.0.113.7", "::1", "fe80::1%eth0", "10.0.0.256"]) | _values,
    user_agent=st.just("Mozilla/5.0") | _values,
    target=_mostly({"kind": "collector", "id": "col_1", "name": "HQ"}),
    details=st.dictionaries(_plain_text | st.integers(), _leaf_or_nested(), max_size=3),
)
def test_the_quick_paths_give_the_verdicts_of_the_full_checks(
    performer: dict[str, Any],
    tenant: dict[str, Any] | None,
    source_ip: Any,
    user_agent: Any,
    target: dict[str, Any],
    details: dict[Any, Any],
) -> None:
    """Performers and contexts are remembered between events, plain targets and details take
    a quick path; whatever the values, the verdict and the refusal's words are the full
    checks' (asked twice, so the second answer may come from memory)."""
    context = {"tenant": tenant, "source_ip": source_ip, "user_agent": user_agent}
    for quick, full, value in [
        (validation._performer, validation._check_performer, performer),
        (validation._context, validation._check_context, context),
        (validation._target, validation._check_target, target),
    ]:
        expected = _verdict(full, value)
        assert _verdict(quick, value) == expected
        assert _verdict(quick, value) == expected
    if validation._plain_json(details, 1):
        validation._check_json_data(details)  # the quick "yes" is never wrong


def test_details_at_the_depth_limit_are_plain_and_one_deeper_are_not() -> None:
    deepest: Any = 1
    for _ in range(MAX_DETAILS_DEPTH - 1):
        deepest = [deepest]
    assert validation._plain_json({"d": deepest}, 1)
    assert not validation._plain_json({"d": [deepest]}, 1)
    assert refusal(raw_event(details={"d": [deepest]})).field == "details"
