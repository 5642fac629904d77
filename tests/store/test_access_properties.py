"""Property tests: for any tenant assignment and any query, the store answers exactly what a
plain Python filter over the same events answers, and a supervisor never gets an event of a
tenant that is not theirs, through any call.

One fixed dataset is stored once per backend; hypothesis varies the account and the query.
The oracle below is written from the spec, not from the store's SQL: scope, half-open time
range clipped to retention, types AND areas, performer ignoring case, and every search term a
case-insensitive substring of one searchable field.
"""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import ADMIN, FIXED_NOW, make_event
from tests.store.conftest import all_pages, newest_first, text_matches
from tui.domain.access import Principal, Scope
from tui.domain.catalog import CATALOG, Area
from tui.domain.errors import AccessDenied, NotFound
from tui.domain.event import AuditEvent, to_epoch_ms
from tui.domain.query import Cursor, EventQuery, Facets
from tui.domain.timerange import RETENTION, RangePreset, TimeRange

TENANTS = ["t_01", "t_02", "t_03", "t_04", "t_05"]
PERFORMERS = [
    ("ada.admin@example.com", "Ada Admin"),
    ("Bob.Builder@Example.com", "Bob Builder"),
    ("jürgen.müller@example.de", "Jürgen Müller"),
    ("nikos@example.gr", "Νίκος Παπαδόπουλος"),
]
TYPES = [
    "User Login",
    "User Updated",
    "Collector Created",
    "Appliance Revoked",
    "Integration Deletion Failed",
    "Gateway Updated",
    "Label Created",
    "Scheduled Report Sent",
]
WORDS = [
    "alpha",
    "Beta",
    "GAMMA",
    "Straße",
    "İzmir",
    "Kadıköy",
    "🚀",
    "100%",
    "snake_case",
    "C:\\temp",
    'say "hi"',
    "O'Brien",
    "NEAR(x y)",
    "a&b|!c",
    "ＦＵＬＬ",
]
#: What a user might type: words of the data in other cases, fragments, operators, junk.
QUERY_WORDS = [
    *WORDS,
    "ALPHA",
    "strasse",
    "İZMİR",
    "kadıköy",
    "müller",
    "ΝΊΚΟΣ",
    "full",
    "%",
    "_",
    "\\",
    "'",
    '"',
    "or",
    "a",
    "ab",
    "collector",
    "t_0",
    "portal",
    "203.0",
    "example.com",
    "tenant t_02",
    "created collector",
    "alpha beta",
    "*",
    "AND",
    "search_text:alpha",
    ":*",
    "'; DROP TABLE events; --",
]


def _dataset() -> list[AuditEvent]:
    rng = random.Random(20261125)
    events: list[AuditEvent] = []
    for n in range(110):
        mail, name = rng.choice(PERFORMERS)
        type_name = rng.choice(TYPES)
        details: dict[str, object] = {}
        if type_name.endswith("Updated"):
            details["changes"] = [{"field": "name", "old": "x", "new": "y"}]
        if type_name.endswith("Failed"):
            details["reason"] = "refused"
        # Busier recently, as real logs are; some past retention; a few on the boundary.
        horizon = rng.choice([1, 2, 30, 200])
        age = timedelta(milliseconds=rng.randrange(0, horizon * 86_400_000))
        if n % 17 == 0:
            age = RETENTION + timedelta(milliseconds=rng.choice([-1, 0, 1]))
        summary = " ".join(rng.sample(WORDS, rng.randrange(0, 3))) or "plain"
        events.append(
            make_event(
                n,
                tenant=rng.choice([None, *TENANTS]),
                age=age,
                type=type_name,
                details=details,
                performer={"id": f"usr_{n % 4}", "mail": mail, "name": name, "role": "Admin"},
                summary=f"{summary} {n}",
            )
        )
    # Several events in one millisecond, with ids whose order differs between byte order and
    # a natural-language collation: the cursor must follow byte order on both backends.
    same_moment = timedelta(days=3, milliseconds=517)
    for offset, event_id in enumerate(["evt_A1", "evt_a1", "EVT-b", "evt.z", "evt_B"]):
        events.append(
            make_event(200 + offset, id=event_id, tenant=TENANTS[offset % 2], age=same_moment)
        )
    return events


DATASET = _dataset()
EMAILS = itertools.count()


def oracle(query: EventQuery, scope: Scope, *, facets: bool = False) -> list[AuditEvent]:
    """The events ``query`` must return when narrowed to ``scope``, newest first."""
    start = max(to_epoch_ms(query.time_range.start), to_epoch_ms(FIXED_NOW - RETENTION))
    end = to_epoch_ms(query.time_range.end)
    found = []
    for candidate in DATASET:
        moment = to_epoch_ms(candidate.occurred_at)
        if not start <= moment < end:
            continue
        if candidate.tenant is None and not scope.portal:
            continue
        if candidate.tenant is not None and not (
            scope.tenants is None or candidate.tenant.id in scope.tenants
        ):
            continue
        if not facets:
            if query.types and candidate.type.name not in query.types:
                continue
            if query.areas and candidate.area not in query.areas:
                continue
            if query.performer and (
                candidate.performer.mail.casefold() != query.performer.strip().casefold()
            ):
                continue
            if not text_matches(candidate, query.terms):
                continue
        found.append(candidate)
    return newest_first(found)


# -- strategies ------------------------------------------------------------------------------

tenant_sets = st.frozensets(st.sampled_from([*TENANTS, "t_99"]), max_size=4)
scopes = st.one_of(
    st.just(Scope.all()),
    st.just(Scope.portal_only()),
    st.builds(Scope, st.booleans(), st.none() | tenant_sets),
)
moments = st.one_of(
    st.builds(
        lambda day, ms: FIXED_NOW - timedelta(days=day, milliseconds=ms),
        st.sampled_from([0, 1, 2, 5, 20, 100, 179, 180, 190]),
        st.integers(0, 86_400_000),
    ),
    # Exactly on an event's timestamp, to check that start is inclusive and end exclusive.
    st.sampled_from(DATASET).map(lambda e: e.occurred_at),
)


@st.composite
def time_ranges(draw: st.DrawFn) -> TimeRange:
    if draw(st.booleans()):
        return TimeRange.last(draw(st.sampled_from(list(RangePreset))), FIXED_NOW)
    start = draw(moments)
    if draw(st.booleans()):
        end = draw(moments)  # possibly before the start: an empty range
    else:
        span = draw(st.sampled_from([1, 2, 30, 120, 400]))
        end = start + timedelta(days=span)
    return TimeRange(start, end + timedelta(milliseconds=draw(st.sampled_from([0, 1, 500]))))


@st.composite
def texts(draw: st.DrawFn) -> str:
    word = st.sampled_from(QUERY_WORDS)
    parts = draw(st.lists(word | word | st.text(max_size=4), min_size=1, max_size=2))
    quoted = draw(st.lists(st.booleans(), min_size=len(parts), max_size=len(parts)))
    return " ".join(f'"{p}"' if q else p for p, q in zip(parts, quoted, strict=True))


performers = st.one_of(
    st.none(),
    st.none(),
    st.sampled_from([mail for mail, _ in PERFORMERS]),
    st.sampled_from([mail.upper() for mail, _ in PERFORMERS]),
    st.just("nobody@example.com"),
)
NO_TYPES: frozenset[str] = frozenset()
NO_AREAS: frozenset[Area] = frozenset()


def queries(scope: st.SearchStrategy[Scope] = scopes) -> st.SearchStrategy[EventQuery]:
    """Queries where each filter is more often absent than present, so results are not
    mostly empty."""
    return st.builds(
        EventQuery,
        time_range=time_ranges(),
        scope=scope,
        types=st.just(NO_TYPES)
        | st.just(NO_TYPES)
        | st.frozensets(st.sampled_from([*TYPES, "User Deleted"]), min_size=1, max_size=4),
        areas=st.just(NO_AREAS)
        | st.just(NO_AREAS)
        | st.frozensets(st.sampled_from(list(Area)), min_size=1, max_size=3),
        performer=performers,
        text=st.just("") | st.just("") | texts(),
    )


@st.composite
def supervisor_cases(draw: st.DrawFn) -> tuple[frozenset[str], EventQuery]:
    """An assignment and a query whose scope is often, not always, within it."""
    assigned = draw(tenant_sets)
    own = st.builds(
        Scope.of_tenants, st.frozensets(st.sampled_from(sorted(assigned))), portal=st.booleans()
    )
    scope = draw(st.one_of(scopes, own) if assigned else scopes)
    return assigned, draw(queries(st.just(scope)))


PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def dataset(store) -> None:  # type: ignore[no-untyped-def]
    store.add_account(ADMIN)
    assert store.append(DATASET).added == len(DATASET)


def check_every_call(reader, query: EventQuery, scope: Scope, page_size: int, probe) -> None:  # type: ignore[no-untyped-def]
    """Every reader call agrees with the oracle for ``query`` seen through ``scope``."""
    expected = oracle(query, scope)
    expected_ids = [e.id for e in expected]
    event("results: " + ("none" if not expected else "some" if len(expected) < 20 else "many"))

    pages = all_pages(reader, query, limit=page_size)
    assert [e.id for e in pages] == expected_ids
    assert pages == expected  # whole events, not only ids
    assert [e.id for e in reader.stream(query, batch=page_size)] == expected_ids

    assert reader.count(query, cap=None).value == len(expected)
    capped = reader.count(query, cap=5)
    assert (capped.value, capped.capped) == (min(len(expected), 5), len(expected) > 5)

    since = Cursor(to_epoch_ms(probe.occurred_at), probe.id)
    newer = [
        e
        for e in expected
        if (to_epoch_ms(e.occurred_at), e.id.encode())
        > (since.occurred_at_ms, since.event_id.encode())
    ]
    assert reader.newer_count(query, since) == len(newer)

    facets = reader.facets(query)
    in_picker = oracle(query, scope, facets=True)
    _check_facets(facets, in_picker)
    # Each round while counting goes on holds exactly the events counted so far.
    *partial, last = reader.facet_rounds(query)
    assert last == facets
    for counted in partial:
        assert counted.counted_from is not None
        _check_facets(counted, [e for e in in_picker if e.occurred_at >= counted.counted_from])


def _check_facets(facets: Facets, events: list[AuditEvent]) -> None:
    """The picker's values and counts are exactly those of ``events``."""
    assert sorted((f.value, f.count) for f in facets.types) == _tally(e.type.name for e in events)
    assert sorted((f.value, f.count) for f in facets.performers) == _tally(
        e.performer.mail.casefold() for e in events
    )
    assert sorted((f.value, f.count) for f in facets.tenants) == _tally(
        e.tenant.id for e in events if e.tenant is not None
    )


def check_get(reader, probe: AuditEvent, *, visible: bool) -> None:  # type: ignore[no-untyped-def]
    """``get`` returns the event exactly when it is visible and within retention."""
    retained = probe.occurred_at >= FIXED_NOW - RETENTION
    try:
        got = reader.get(probe.id)
    except NotFound:
        assert not (visible and retained)
    else:
        assert got == probe and visible and retained


def _tally(values) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items())


@PROPERTY_SETTINGS
@given(query=queries(), page_size=st.integers(3, 50), probe=st.sampled_from(DATASET))
def test_admin_results_equal_a_python_filter(store, dataset, query, page_size, probe) -> None:
    reader = store.reader(ADMIN.email)
    check_get(reader, probe, visible=True)
    check_every_call(reader, query, query.scope, page_size, probe)


@PROPERTY_SETTINGS
@given(case=supervisor_cases(), page_size=st.integers(3, 50), probe=st.sampled_from(DATASET))
def test_supervisor_never_sees_an_unassigned_tenant(store, dataset, case, page_size, probe) -> None:
    assigned, query = case
    email = f"super{next(EMAILS)}@example.com"
    store.add_account(Principal(email, "Super", "Supervisor", assigned))
    reader = store.reader(email)

    def mine(event: AuditEvent) -> bool:
        return event.tenant is None or event.tenant.id in assigned

    # Calls without a query: get and the tenant picker.
    check_get(reader, probe, visible=mine(probe))
    assert {t.id for t in reader.tenants()} <= assigned

    foreign = query.scope.tenants is not None and not query.scope.tenants <= assigned
    if foreign:
        for call in (
            lambda: reader.page(query),
            lambda: list(reader.stream(query)),
            lambda: reader.count(query),
            lambda: reader.newer_count(query, Cursor(0, "")),
            lambda: reader.facets(query),
        ):
            with pytest.raises(AccessDenied):
                call()
        event("refused: the scope names an unassigned tenant")
        return

    narrowed = Scope(query.scope.portal, assigned) if query.scope.tenants is None else query.scope
    # The direct statement of the rule, before the full comparison with the oracle.
    assert all(mine(e) for e in reader.stream(query))
    assert all(f.value in assigned for f in reader.facets(query).tenants)
    check_every_call(reader, query, narrowed, page_size, probe)


def test_the_dataset_exercises_what_the_properties_claim() -> None:
    """Guard against a dataset so thin that the properties pass vacuously."""
    retained = [e for e in DATASET if e.occurred_at >= FIXED_NOW - RETENTION]
    assert len(retained) < len(DATASET)  # some are past retention
    assert {e.tenant.id if e.tenant else None for e in retained} >= {None, *TENANTS}
    assert {e.area for e in DATASET} == {t.area for t in CATALOG}  # the portal's four
    assert all(any(w.casefold() in e.summary.casefold() for e in DATASET) for w in WORDS[:5])
    assert len({e.type.name for e in DATASET}) == len(TYPES)
    assert {t.name for t in CATALOG} >= set(TYPES)
