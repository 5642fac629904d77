"""The demo data set: deterministic, valid, realistic enough to show a customer."""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import ipaddress
import itertools
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXED_NOW
from tests.domain.conftest import DEMO_EVENTS
from tui.demo.generator import ADMIN_EMAIL, SCENARIO_TENANT, SPAN, DemoData, build_demo
from tui.demo.recorder import make_event
from tui.domain.access import Role
from tui.domain.catalog import CATALOG
from tui.domain.event import AuditEvent
from tui.domain.validation import parse_event

Events = tuple[AuditEvent, ...]
RESERVED_MAIL_DOMAINS = ("example.com", "example.net", "example.org")
DOCUMENTATION_NETWORKS = [
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "10.0.0.0/8")
]


def digest(events: Events | list[AuditEvent]) -> str:
    hashed = hashlib.sha256()
    for event in events:
        hashed.update(orjson.dumps(event.to_dict()))
    return hashed.hexdigest()


# -- the shape of the stream ----------------------------------------------------------------------


def test_exactly_the_requested_number_of_events(demo: DemoData, demo_events: Events) -> None:
    assert demo.event_count == DEMO_EVENTS
    assert len(demo_events) == DEMO_EVENTS


def test_events_come_oldest_first_with_increasing_ids(demo_events: Events) -> None:
    times = [e.occurred_at for e in demo_events]
    assert times == sorted(times)
    ids = [e.id for e in demo_events]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert ids[0] == "evt_7_000000001"


def test_events_lie_within_200_days_before_now_at_millisecond_precision(
    demo_events: Events,
) -> None:
    assert all(FIXED_NOW - SPAN < e.occurred_at <= FIXED_NOW for e in demo_events)
    assert all(e.occurred_at.microsecond % 1000 == 0 for e in demo_events)
    assert all(e.occurred_at.tzinfo == UTC for e in demo_events)
    # The window is used from end to end, older than retention included.
    assert demo_events[0].occurred_at < FIXED_NOW - SPAN + timedelta(days=2)
    assert demo_events[-1].occurred_at > FIXED_NOW - timedelta(days=1)


def test_every_event_passes_validation_and_round_trips(demo_events: Events) -> None:
    for event in demo_events:
        raw = orjson.loads(orjson.dumps(event.to_dict()))
        assert parse_event(raw, now=FIXED_NOW).to_dict() == event.to_dict()


def test_the_quick_constructor_makes_the_same_event(demo_events: Events) -> None:
    for event in demo_events[:200]:
        values = [getattr(event, f.name) for f in dataclasses.fields(AuditEvent)]
        quick, regular = make_event(*values), AuditEvent(*values)
        assert type(quick) is AuditEvent
        assert quick == regular
        assert quick.to_dict() == regular.to_dict()


def test_iteration_is_lazy() -> None:
    huge = build_demo(FIXED_NOW, events=5_000_000)
    first = list(itertools.islice(huge.iter_events(), 50))
    assert len(first) == 50


# -- determinism ----------------------------------------------------------------------------------


def test_the_same_inputs_give_the_same_data(demo: DemoData, demo_events: Events) -> None:
    again = build_demo(FIXED_NOW, events=DEMO_EVENTS, seed=7)
    assert again.accounts == demo.accounts
    assert again.tenants == demo.tenants
    assert digest(list(again.iter_events())) == digest(demo_events)
    assert digest(list(demo.iter_events())) == digest(demo_events)  # replayable


def test_another_seed_gives_other_data(demo_events: Events) -> None:
    other = build_demo(FIXED_NOW, events=2_000, seed=8)
    assert digest(list(other.iter_events())) != digest(demo_events[:2_000])
    assert next(other.iter_events()).id.startswith("evt_8_")


def test_the_data_does_not_depend_on_the_process() -> None:
    script = (
        "import hashlib, orjson\n"
        "from datetime import datetime, UTC\n"
        "from tui.demo.generator import build_demo\n"
        "demo = build_demo(datetime(2026, 11, 25, 12, 0, tzinfo=UTC), events=3000)\n"
        "h = hashlib.sha256()\n"
        "for a in demo.accounts: h.update(repr((a.email, sorted(a.tenants))).encode())\n"
        "for e in demo.iter_events(): h.update(orjson.dumps(e.to_dict()))\n"
        "print(h.hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "4242")
    }
    assert len(digests) == 1


# -- the cast -------------------------------------------------------------------------------------


def test_thirty_tenants_with_customer_names(demo: DemoData) -> None:
    assert len(demo.tenants) == 30
    assert len({t.id for t in demo.tenants}) == 30
    names = {t.name for t in demo.tenants}
    assert "Harbor Point Logistics" in names
    assert SCENARIO_TENANT in {t.id for t in demo.tenants}


def test_two_hundred_accounts_of_every_role(demo: DemoData) -> None:
    assert len(demo.accounts) == 200
    assert len({a.email for a in demo.accounts}) == 200
    roles = collections.Counter(a.role for a in demo.accounts)
    assert set(roles) == {r.value for r in Role}
    assert all(count >= 10 for count in roles.values())
    erased = [a for a in demo.accounts if a.erased]
    assert 3 <= len(erased) <= 20
    assert {a.role for a in erased} >= {"Supervisor", "Analyst"}


def test_every_address_is_reserved(demo: DemoData, demo_events: Events) -> None:
    assert all(a.email.endswith(RESERVED_MAIL_DOMAINS) for a in demo.accounts)
    for event in demo_events[::13]:
        assert event.performer.mail.endswith(RESERVED_MAIL_DOMAINS)
        address = ipaddress.ip_address(event.context.source_ip)
        assert any(address in network for network in DOCUMENTATION_NETWORKS)
        assert event.context.user_agent


def test_the_demo_opens_as_a_named_admin(demo: DemoData) -> None:
    assert demo.admin_email == ADMIN_EMAIL == "ada.admin@example.com"
    admin = next(a for a in demo.accounts if a.email == demo.admin_email)
    assert admin.role == "Admin"
    assert not admin.erased
    assert admin.allowed_scope().is_all


def test_supervisors_have_a_few_tenants_and_every_tenant_a_supervisor(demo: DemoData) -> None:
    supervisors = [a for a in demo.accounts if a.role == "Supervisor"]
    assert all(1 <= len(s.tenants) <= 8 for s in supervisors)
    known = {t.id for t in demo.tenants}
    assert all(s.tenants <= known for s in supervisors)
    covered = set().union(*(s.tenants for s in supervisors))
    assert covered == known


# -- what happens ---------------------------------------------------------------------------------


def test_every_catalog_type_occurs(demo_events: Events) -> None:
    seen = {e.type.name for e in demo_events}
    assert [t.name for t in CATALOG if t.name not in seen] == []


def test_portal_and_tenant_events_both_occur(demo: DemoData, demo_events: Events) -> None:
    portal = [e for e in demo_events if e.tenant is None]
    assert 0.2 < len(portal) / len(demo_events) < 0.8
    tenants = {t.id: t for t in demo.tenants}
    for event in demo_events:
        if event.tenant is not None:
            assert tenants[event.tenant.id] == event.tenant
    assert len({e.tenant.id for e in demo_events if e.tenant}) == 30


def test_people_sign_in_act_and_sign_out(demo_events: Events) -> None:
    kinds = collections.Counter(e.type.name for e in demo_events)
    sign_ins = kinds["User Login"] + kinds["User First Login"]
    assert sign_ins == kinds["User Logged Out"]
    assert len(demo_events) / sign_ins > 3  # a few actions per session, on average
    by_performer: dict[str, list[AuditEvent]] = collections.defaultdict(list)
    for event in demo_events:
        by_performer[event.performer.mail].append(event)
    busy = max(by_performer.values(), key=len)
    assert busy[0].type.name in ("User Login", "User First Login", "Scheduled Report Sent") or (
        busy[0].context.user_agent.split("/")[0] in ("Terraform", "python-requests", "curl")
    )


def test_updates_say_what_changed_consistently_over_time(demo_events: Events) -> None:
    latest: dict[tuple[str, str, str], object] = {}
    checked = 0
    for event in demo_events:
        if not event.type.is_update:
            continue
        assert event.changes
        for change in event.changes:
            key = (event.target.kind, event.target.id, change.field)
            if key in latest and change.field != "password":
                assert latest[key] == change.old, (event.id, key)
                checked += 1
            if change.field != "password":
                assert change.old != change.new, (event.id, change.field)
            latest[key] = change.new
    assert checked > 1_000


def test_failed_deletions_say_why(demo_events: Events) -> None:
    failures = [e for e in demo_events if e.type.name == "Integration Deletion Failed"]
    assert failures
    assert all(e.details["reason"].strip() for e in failures)


def test_objects_are_created_before_and_never_used_after_deletion(demo_events: Events) -> None:
    deleted: set[str] = set()
    for event in demo_events:
        if event.target.kind in ("user", "incident", "company"):
            continue
        assert event.target.id not in deleted, (event.id, event.type.name)
        if event.type.name.endswith(("Deleted", "Revoked")):
            deleted.add(event.target.id)


def test_supervisors_work_only_at_their_tenants(demo: DemoData, demo_events: Events) -> None:
    assigned = {a.email: a.tenants for a in demo.accounts if a.role == "Supervisor"}
    for event in demo_events:
        if event.performer.role == "Supervisor" and event.tenant is not None:
            assert event.tenant.id in assigned[event.performer.mail], event.id


def test_erased_accounts_keep_their_history_and_stop_acting(
    demo: DemoData, demo_events: Events
) -> None:
    erased = {a.email for a in demo.accounts if a.erased}
    by_name = {a.name: a.email for a in demo.accounts}
    deleted_at = {
        by_name[e.target.name]: e.occurred_at for e in demo_events if e.type.name == "User Deleted"
    }
    assert set(deleted_at) == erased
    acted = {e.performer.mail for e in demo_events if e.performer.mail in erased}
    assert acted  # their events are still there
    for event in demo_events:
        if event.performer.mail in erased:
            assert event.occurred_at < deleted_at[event.performer.mail]


def test_new_accounts_are_invited_or_created_before_their_first_login(
    demo_events: Events,
) -> None:
    first_logins = [e for e in demo_events if e.type.name == "User First Login"]
    assert len(first_logins) >= 10
    invited = {
        e.target.id: e.occurred_at
        for e in demo_events
        if e.type.name in ("User Invited", "User Created")
    }
    for login in first_logins:
        assert invited[login.performer.id] < login.occurred_at
    assert {"User Accepted", "User Confirmed"} <= {e.type.name for e in demo_events}


def test_the_acceptance_scenario(demo: DemoData, demo_events: Events) -> None:
    """Who deleted an integration at Harbor Point last week, and what did they change before?"""
    week_ago = FIXED_NOW - timedelta(days=7)
    at_tenant = [
        e
        for e in demo_events
        if e.occurred_at >= week_ago and e.tenant is not None and e.tenant.id == SCENARIO_TENANT
    ]
    deletions = [e for e in at_tenant if e.type.name == "Integration Deleted"]
    story = next(d for d in deletions if d.target.name == "Microsoft 365")
    performer = story.performer
    supervisor = next(a for a in demo.accounts if a.email == performer.mail)
    assert supervisor.role == "Supervisor"
    assert SCENARIO_TENANT in supervisor.tenants
    before = [
        e
        for e in at_tenant
        if e.target.id == story.target.id
        and e.performer == performer
        and e.occurred_at < story.occurred_at
    ]
    kinds = [e.type.name for e in before]
    assert kinds.count("Integration Updated") >= 2
    assert "Integration Deletion Failed" in kinds
    failed = next(e for e in before if e.type.name == "Integration Deletion Failed")
    assert "playbook" in failed.details["reason"]
    changed = {c.field for e in before if e.type.is_update for c in e.changes}
    assert {"enabled", "response_playbooks"} <= changed


def test_summaries_are_single_readable_lines(demo_events: Events) -> None:
    for event in demo_events[::7]:
        assert event.summary.strip() == event.summary
        assert "\n" not in event.summary
        assert 8 <= len(event.summary) <= 400


def test_activity_follows_office_hours_and_weekdays(demo_events: Events) -> None:
    hours = collections.Counter(e.occurred_at.hour for e in demo_events)
    assert hours[10] > 3 * hours[3]
    days = collections.Counter(e.occurred_at.weekday() for e in demo_events)
    assert days[1] > 2 * days[6]


# -- inputs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 2, 5, 60, 500])
def test_small_data_sets_are_exact_and_valid(count: int) -> None:
    events = list(build_demo(FIXED_NOW, events=count).iter_events())
    assert len(events) == count
    for event in events:
        assert FIXED_NOW - SPAN < event.occurred_at <= FIXED_NOW
        parse_event(event.to_dict(), now=FIXED_NOW)


def test_now_is_taken_in_utc_to_the_millisecond() -> None:
    local = datetime(2026, 11, 25, 13, 0, 0, 999_999, tzinfo=UTC).astimezone()
    demo = build_demo(local, events=300)
    assert demo.now == datetime(2026, 11, 25, 13, 0, 0, 999_000, tzinfo=UTC)
    assert max(e.occurred_at for e in demo.iter_events()) <= demo.now


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"now": datetime(2026, 11, 25)}, "aware"),
        ({"now": FIXED_NOW, "events": -1}, "negative"),
        ({"now": FIXED_NOW, "seed": -1}, "negative"),
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_demo(**arguments)  # type: ignore[arg-type]


@settings(max_examples=15, deadline=None)
@given(
    now=st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31), timezones=st.just(UTC)),
    count=st.integers(0, 400),
    seed=st.integers(0, 2**32),
)
def test_any_clock_and_size_give_exact_valid_data(now: datetime, count: int, seed: int) -> None:
    demo = build_demo(now, events=count, seed=seed)
    events = list(demo.iter_events())
    assert len(events) == count
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
    for event in events:
        assert demo.now - SPAN < event.occurred_at <= demo.now
        assert parse_event(event.to_dict(), now=demo.now).to_dict() == event.to_dict()
