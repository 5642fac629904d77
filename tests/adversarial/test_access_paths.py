"""Access, proven on every reader path while accounts and data change under the reader.

A Hypothesis state machine, on SQLite and PostgreSQL, builds up a log and a set of accounts
and, between reads, records more events, re-assigns tenants, changes roles, erases accounts
and moves the clock. Every read goes through *every* path of ``AuditReader`` — all pages by
cursor, ``get``, ``count`` (exact and capped), ``newer_count``, ``facets``, ``stream``,
``tenants`` — and through the export encoders over ``stream`` and the viewer's
``export_task.export``, and is compared with a plain-Python oracle written from the README:

* an unknown, erased or unprivileged (Analyst, Viewer) account gets ``AccessDenied`` from
  every call, no event, no count and no file;
* a supervisor gets exactly the portal and the assigned tenants: never an event, a count, a
  facet value or a tenant name of another tenant; naming an unassigned tenant is refused;
* an admin gets everything, missing nothing;
* the reader re-reads the account on each call, so a change takes effect at the next call
  — including in the middle of a stream, between two of its pages.

``tests/store/test_access_properties.py`` checks query semantics in depth for fixed
accounts; this machine adds the refused roles, changing accounts, growing data, the clock,
tenant names and the export paths.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)

from tests.conftest import FIXED_NOW, FakeClock, make_event
from tests.store.conftest import newest_first, reassign, set_role, text_matches
from tui.domain.access import Principal, Scope
from tui.domain.catalog import Area, event_type
from tui.domain.errors import AccessDenied, NotFound
from tui.domain.event import AuditEvent, format_timestamp, to_epoch_ms
from tui.domain.formats import CSV_COLUMNS, FORMATS, encode
from tui.domain.query import Cursor, EventQuery
from tui.domain.sealed_export import verify_sealed_lines
from tui.domain.timerange import RETENTION, RangePreset, TimeRange
from tui.store.reader import AuditReader

#: Tenants with events, by id; the names are distinctive so a leak of one is findable.
TENANTS = {
    "t_01": "Acme One",
    "t_02": "Globex Two",
    "t_03": "Initech Three",
    "t_04": "Umbrella Four",
    "t_05": "Hooli Five",
}
#: Assignable, but no event ever names it (so it is in no tenant list).
EMPTY_TENANT = "t_99"
#: An erased account that performed events: pages must mark it.
ERASED_PERFORMER = Principal("eve.erased@example.com", "Eve Erased", "Admin", erased=True)
PERFORMERS = [
    ("ada.admin@example.com", "Ada Admin"),
    ("Bob.Builder@Example.com", "Bob Builder"),
    (ERASED_PERFORMER.email, "Eve Erased"),
    ("jürgen.müller@example.de", "Jürgen Müller"),
]
TYPES = [
    "User Login",
    "User Updated",
    "Collector Created",
    "Integration Deletion Failed",
    "Gateway Updated",
    "Scheduled Report Sent",
]
WORDS = ["alpha", "Beta", "GAMMA", "Straße", "100%", "snake_case", "O'Brien"]
#: Ages in days, the recent ones more often; 179.9 and 180.1 straddle retention and cross
#: it when the clock moves.
AGES = [0.01, 0.3, 0.9, 2, 6.5, 8, 29, 60, 100, 179.9, 180.1, 250]
BUSY_AGES = [*AGES, 0.05, 0.5, 1.5, 3, 4, 5, 6, 0.2, 0.7, 2.5]
ROLES = ["Admin", "Supervisor", "Supervisor", "Analyst", "Viewer"]


def build_event(
    event_id: str, now: datetime, tenant: str | None, age: float, type_name: str, who: int
) -> AuditEvent:
    kind = event_type(type_name)
    assert kind is not None
    details: dict[str, Any] = {}
    if kind.is_update:
        details["changes"] = [{"field": "name", "old": "x", "new": "y"}]
    if kind.is_failure:
        details["reason"] = "refused"
    mail, name = PERFORMERS[who % len(PERFORMERS)]
    words = " ".join(WORDS[(who + i * 3) % len(WORDS)] for i in range(2))
    return make_event(
        0,
        id=event_id,
        tenant=tenant,
        type=type_name,
        details=details,
        timestamp=format_timestamp(now - timedelta(days=age)),
        performer={"id": f"usr_{who % 4}", "mail": mail, "name": name, "role": "Admin"},
        context={
            "tenant": None if tenant is None else {"id": tenant, "name": TENANTS[tenant]},
            "source_ip": f"203.0.113.{who % 7}",
            "user_agent": "Mozilla/5.0",
        },
        summary=f"{words} in {tenant or 'the portal'} ({event_id})",
    )


def base_dataset() -> list[AuditEvent]:
    rng = random.Random(4)
    places = [None, *TENANTS]
    return [
        build_event(
            f"base_{n:03d}",
            FIXED_NOW,
            places[n % len(places)],
            rng.choice(BUSY_AGES) + rng.random() / 100,
            TYPES[(n * 5) % len(TYPES)],
            rng.randrange(12),
        )
        for n in range(90)
    ]


# -- the model and its oracle ------------------------------------------------------------------


@dataclass
class Account:
    """What the oracle knows of one account (``exists`` False: no such row at all)."""

    email: str
    role: str
    tenants: frozenset[str] = frozenset()
    erased: bool = False
    exists: bool = True
    reader: Any = None

    def allowed(self) -> Scope | None:
        """Everything the account may see; None when it is refused."""
        if not self.exists or self.erased:
            return None
        if self.role == "Admin":
            return Scope.all()
        if self.role == "Supervisor":
            return Scope(True, self.tenants)
        return None


@dataclass
class Model:
    """Every event in the database and the clock; shared by all runs of the machine."""

    clock: FakeClock
    events: list[AuditEvent] = field(default_factory=list)

    def retained(self, event: AuditEvent) -> bool:
        return event.occurred_at >= self.clock.now - RETENTION

    def visible_scope(self, account: Account, requested: Scope) -> Scope | None:
        allowed = account.allowed()
        if allowed is None:
            return None
        if allowed.tenants is None:
            return requested
        if requested.tenants is None:
            return Scope(requested.portal, allowed.tenants)
        if not requested.tenants <= allowed.tenants:
            return None
        return requested

    def in_range_and_scope(self, event: AuditEvent, query: EventQuery, scope: Scope) -> bool:
        start = max(query.time_range.start, self.clock.now - RETENTION)
        if not start <= event.occurred_at < query.time_range.end:
            return False
        if event.tenant is None:
            return scope.portal
        return scope.tenants is None or event.tenant.id in scope.tenants

    def expected(self, account: Account, query: EventQuery) -> list[AuditEvent] | None:
        """The events ``query`` must return to ``account``, newest first; None: refused."""
        scope = self.visible_scope(account, query.scope)
        if scope is None:
            return None
        performer = (query.performer or "").strip().casefold()
        return newest_first(
            e
            for e in self.events
            if self.in_range_and_scope(e, query, scope)
            and (not query.types or e.type.name in query.types)
            and (not query.areas or e.area in query.areas)
            and (not performer or e.performer.mail.casefold() == performer)
            and text_matches(e, query.terms)
        )

    def facet_events(self, account: Account, query: EventQuery) -> list[AuditEvent]:
        scope = self.visible_scope(account, query.scope)
        assert scope is not None
        return [e for e in self.events if self.in_range_and_scope(e, query, scope)]

    def tenant_list(self, account: Account) -> list[tuple[str, str]]:
        """(id, name) of the tenants the account may pick, by name: every tenant the store
        has heard of (retention does not matter), narrowed to the assigned ones."""
        allowed = account.allowed()
        assert allowed is not None
        known = {e.tenant.id for e in self.events if e.tenant is not None}
        if allowed.tenants is not None:
            known &= allowed.tenants
        return sorted(((t, TENANTS[t]) for t in known), key=lambda pair: (pair[1], pair[0]))


def order_key(event: AuditEvent) -> tuple[int, bytes]:
    return to_epoch_ms(event.occurred_at), event.id.encode()


def tally(values: Iterable[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items())


# -- what Hypothesis varies ----------------------------------------------------------------------

TENANT_CHOICES = [*TENANTS, EMPTY_TENANT]
tenant_sets = st.frozensets(st.sampled_from(TENANT_CHOICES), max_size=4)


@dataclass(frozen=True)
class QuerySpec:
    """A query relative to "now", built when the rule runs (the clock may have moved)."""

    scope: Scope
    preset: RangePreset | None
    start_days: float
    span_days: float
    types: frozenset[str]
    areas: frozenset[Area]
    performer: str | None
    text: str

    def build(self, now: datetime) -> EventQuery:
        if self.preset is not None:
            span = TimeRange.last(self.preset, now)
        else:
            start = now - timedelta(days=self.start_days)
            span = TimeRange(start, start + timedelta(days=self.span_days))
        return EventQuery(
            time_range=span,
            scope=self.scope,
            types=self.types,
            areas=self.areas,
            performer=self.performer,
            text=self.text,
        )


scopes = st.one_of(
    st.just(Scope.all()),
    st.just(Scope.portal_only()),
    st.just(Scope(False, None)),
    st.builds(Scope, st.booleans(), tenant_sets),
)
TEXTS = [
    "alpha",
    "BETA gamma",
    "straße",
    "100%",
    "_",
    "o'brien",
    "globex",  # a tenant name: a supervisor of other tenants must find nothing
    "t_03",
    "portal",
    "example.com",
    '"in t_0"',
    "zzz",
]
# Each filter is absent most of the time (sampled_from weighs its elements evenly), so
# most queries have events to compare.
query_specs = st.builds(
    QuerySpec,
    scope=scopes,
    preset=st.sampled_from([None, None, *RangePreset]),
    start_days=st.sampled_from([0.5, 3, 10, 100, 179.95, 185, 300]),
    span_days=st.sampled_from([1, 7, 90, 400, 400]),
    types=st.sampled_from(
        [frozenset()] * 12 + [frozenset({t}) for t in TYPES] + [frozenset(TYPES[1:4])]
    ),
    areas=st.sampled_from([frozenset()] * 8 + [frozenset({a}) for a in Area]),
    performer=st.sampled_from(
        [None] * 9 + ["ada.admin@example.com", "BOB.BUILDER@example.com", "x@y.z"]
    ),
    text=st.sampled_from([""] * 18 + TEXTS),
)
#: Broad questions, so that a stream has pages left when the account changes under it.
stream_specs = st.builds(
    QuerySpec,
    scope=scopes,
    preset=st.sampled_from([RangePreset.LAST_30D, RangePreset.LAST_180D]),
    start_days=st.just(0.0),
    span_days=st.just(0.0),
    types=st.just(frozenset()),
    areas=st.just(frozenset()),
    performer=st.just(None),
    text=st.sampled_from(["", "", "", "in"]),
)
event_specs = st.tuples(
    st.none() | st.sampled_from(list(TENANTS)),
    st.sampled_from(AGES),
    st.sampled_from(TYPES),
    st.integers(0, 11),
)
changes = st.one_of(
    st.tuples(st.just("erase"), st.none()),
    st.tuples(st.just("assign"), tenant_sets),
    st.tuples(st.just("role"), st.sampled_from(ROLES)),
)

#: Runs of the machine per backend, and steps per run.
MACHINE_SETTINGS = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
_numbers = itertools.count()


class AccessMachine(RuleBasedStateMachine):
    """Set by the test before it runs: the store, its URL, the model, a scratch folder."""

    store: Any
    db_url: str
    model: Model
    folder: Path

    accounts = Bundle("accounts")

    def __init__(self) -> None:
        super().__init__()
        self.model.clock.now = FIXED_NOW

    # -- accounts --------------------------------------------------------------------------

    @initialize(target=accounts)
    def an_admin(self) -> Account:
        return self._add("Admin", frozenset(), erased=False)

    @initialize(target=accounts, tenants=tenant_sets.filter(bool))
    def a_supervisor(self, tenants: frozenset[str]) -> Account:
        return self._add("Supervisor", tenants, erased=False)

    @rule(
        target=accounts,
        role=st.sampled_from(ROLES),
        tenants=tenant_sets,
        erased=st.sampled_from([False, False, False, True]),
    )
    def add_account(self, role: str, tenants: frozenset[str], erased: bool) -> Account:
        return self._add(role, tenants if role == "Supervisor" else frozenset(), erased=erased)

    @rule(target=accounts)
    def no_such_account(self) -> Account:
        email = f"ghost{next(_numbers)}@example.com"
        return Account(email, "Admin", exists=False, reader=AuditReader(self.store, email))

    def _add(self, role: str, tenants: frozenset[str], *, erased: bool) -> Account:
        email = f"acct{next(_numbers)}@example.com"
        self.store.add_account(Principal(email, "Someone", role, tenants, erased=erased))
        account = Account(email, role, tenants, erased)
        # Built directly, so a refused account's reader exists and every call is tried;
        # ``store.reader`` itself must refuse it.
        account.reader = AuditReader(self.store, email)
        if account.allowed() is None:
            with pytest.raises(AccessDenied):
                self.store.reader(email)
        else:
            assert self.store.reader(email).email == email
        return account

    @rule(account=accounts, change=changes)
    def change_account(self, account: Account, change: tuple[str, Any]) -> None:
        self._change(account, change)

    def _change(self, account: Account, change: tuple[str, Any]) -> None:
        if not account.exists:
            return
        kind, value = change
        if kind == "erase":
            self.store.erase_account(account.email)
            account.erased, account.tenants = True, frozenset()
        elif kind == "assign":
            reassign(self.db_url, account.email, value)
            account.tenants = value
        else:
            set_role(self.db_url, account.email, value)
            account.role = value

    # -- data and time ---------------------------------------------------------------------

    @rule(specs=st.lists(event_specs, min_size=1, max_size=4))
    def record_events(self, specs: list[tuple[str | None, float, str, int]]) -> None:
        batch = [
            build_event(f"gen_{next(_numbers):05d}", self.model.clock.now, *spec) for spec in specs
        ]
        assert self.store.append(batch).added == len(batch)
        self.model.events.extend(batch)

    @rule(days=st.sampled_from([0.05, 0.5, 3]))
    def time_passes(self, days: float) -> None:
        if self.model.clock.now < FIXED_NOW + timedelta(days=10):
            self.model.clock.now += timedelta(days=days)

    # -- reading ---------------------------------------------------------------------------

    @rule(
        account=accounts,
        spec=query_specs,
        page_size=st.integers(2, 40),
        probe=st.integers(0, 10_000),
        export_format=st.sampled_from(FORMATS),
    )
    def read_everything(
        self, account: Account, spec: QuerySpec, page_size: int, probe: int, export_format: str
    ) -> None:
        self._read(account, spec, page_size, probe, export_format)

    @rule(
        first=accounts,
        second=accounts,
        spec=query_specs,
        page_size=st.integers(2, 40),
        probe=st.integers(0, 10_000),
    )
    def read_as_two_accounts(
        self, first: Account, second: Account, spec: QuerySpec, page_size: int, probe: int
    ) -> None:
        """The same question from two accounts: each gets its own answer, nothing more."""
        self._read(first, spec, page_size, probe, "ndjson")
        self._read(second, spec, page_size, probe, "csv")

    def _read(
        self, account: Account, spec: QuerySpec, page_size: int, probe: int, export_format: str
    ) -> None:
        query = spec.build(self.model.clock.now)
        reader = account.reader
        probe_event = self.model.events[probe % len(self.model.events)]
        expected = self.model.expected(account, query)
        if account.allowed() is None:
            self._refused_everywhere(reader, query, probe_event, export_format)
            return
        self._check_get_and_tenants(account, probe_event)
        if expected is None:  # a supervisor naming an unassigned tenant
            self._refused_for_query(reader, query, export_format)
            return
        self._check_reads(account, query, expected, page_size, probe_event)
        self._check_exports(account, query, expected, export_format)

    @rule(
        account=accounts,
        spec=stream_specs,
        batch=st.integers(2, 5),
        pages=st.integers(1, 3),
        change=changes,
    )
    def stream_while_the_account_changes(
        self, account: Account, spec: QuerySpec, batch: int, pages: int, change: tuple[str, Any]
    ) -> None:
        """A stream reads page by page; a change between two pages applies to the next."""
        query = spec.build(self.model.clock.now)
        before = self.model.expected(account, query)
        stream = account.reader.stream(query, batch=batch)
        if before is None:
            with pytest.raises(AccessDenied):
                next(stream)
            return
        taken = list(itertools.islice(stream, batch * pages))
        assert taken == before[: batch * pages]
        if len(before) <= batch * pages:
            return  # the stream has no page left to read
        self._change(account, change)
        after = self.model.expected(account, query)
        if after is None:
            with pytest.raises(AccessDenied):
                list(stream)
            return
        last = order_key(taken[-1])
        assert list(stream) == [e for e in after if order_key(e) < last]

    # -- the checks --------------------------------------------------------------------------

    def _calls(self, reader: AuditReader, query: EventQuery) -> list[Callable[[], object]]:
        return [
            lambda: reader.page(query),
            lambda: reader.page(query, Cursor(to_epoch_ms(FIXED_NOW), "zzz"), 3),
            lambda: list(reader.stream(query)),
            lambda: reader.count(query),
            lambda: reader.count(query, cap=None),
            lambda: reader.newer_count(query, Cursor(0, "")),
            lambda: reader.facets(query),
        ] + [lambda f=f: b"".join(encode(f, reader.stream(query))) for f in FORMATS]

    def _refused_everywhere(
        self, reader: AuditReader, query: EventQuery, probe: AuditEvent, export_format: str
    ) -> None:
        for call in [
            *self._calls(reader, query),
            lambda: reader.get(probe.id),
            lambda: reader.get("no_such_event"),
            reader.tenants,
        ]:
            with pytest.raises(AccessDenied):
                call()
        self._export_refused(reader, query, export_format)

    def _refused_for_query(self, reader: AuditReader, query: EventQuery, fmt: str) -> None:
        for call in self._calls(reader, query):
            with pytest.raises(AccessDenied):
                call()
        self._export_refused(reader, query, fmt)

    def _export_refused(self, reader: AuditReader, query: EventQuery, fmt: str) -> None:
        from tui.app.export_task import export

        target = self.folder / f"refused-{next(_numbers)}.{fmt}"
        with pytest.raises(AccessDenied):
            export(reader, query, fmt, target)
        assert not target.exists()
        assert not target.with_name(target.name + ".part").exists()

    def _check_get_and_tenants(self, account: Account, probe: AuditEvent) -> None:
        allowed = account.allowed()
        assert allowed is not None
        in_scope = (
            allowed.portal
            if probe.tenant is None
            else allowed.tenants is None or probe.tenant.id in allowed.tenants
        )
        if in_scope and self.model.retained(probe):
            assert account.reader.get(probe.id) == probe
        else:
            with pytest.raises(NotFound):
                account.reader.get(probe.id)
        listed = [(t.id, t.name) for t in account.reader.tenants()]
        assert listed == self.model.tenant_list(account)

    def _check_reads(
        self,
        account: Account,
        query: EventQuery,
        expected: list[AuditEvent],
        page_size: int,
        probe: AuditEvent,
    ) -> None:
        reader = account.reader
        # The direct statement of the rule first, then exact agreement with the oracle.
        allowed = account.allowed()
        assert allowed is not None
        streamed = list(reader.stream(query, batch=page_size))
        for got in streamed:
            if got.tenant is None:
                assert allowed.portal
            else:
                assert allowed.tenants is None or got.tenant.id in allowed.tenants
        assert streamed == expected

        found, after = [], None
        while True:
            page = reader.page(query, after, page_size)
            on_page = {e.performer.mail.casefold() for e in page.events}
            assert page.erased_performers == on_page & {ERASED_PERFORMER.email}
            found.extend(page.events)
            if page.next_cursor is None:
                break
            after = page.next_cursor
        assert found == expected

        assert reader.count(query, cap=None).value == len(expected)
        capped = reader.count(query, cap=5)
        assert (capped.value, capped.capped) == (min(len(expected), 5), len(expected) > 5)
        since = order_key(probe)
        newer = [e for e in expected if order_key(e) > since]
        cursor = Cursor(to_epoch_ms(probe.occurred_at), probe.id)
        assert reader.newer_count(query, cursor) == len(newer)

        facets = reader.facets(query)
        offered = self.model.facet_events(account, query)
        assert sorted((f.value, f.count) for f in facets.types) == tally(
            e.type.name for e in offered
        )
        assert sorted((f.value, f.count) for f in facets.performers) == tally(
            e.performer.mail.casefold() for e in offered
        )
        assert sorted((f.value, f.label, f.count) for f in facets.tenants) == [
            (tenant, TENANTS[tenant], n)
            for tenant, n in tally(e.tenant.id for e in offered if e.tenant is not None)
        ]

    def _check_exports(
        self, account: Account, query: EventQuery, expected: list[AuditEvent], fmt: str
    ) -> None:
        from tui.app.export_task import export

        reader = account.reader
        documents = [json.loads(json.dumps(e.to_dict())) for e in expected]
        encoded = {f: b"".join(encode(f, reader.stream(query))) for f in FORMATS}
        assert [orjson.loads(line) for line in encoded["ndjson"].splitlines()] == documents
        assert json.loads(encoded["json"]) == documents
        header, *rows = list(csv.reader(io.StringIO(encoded["csv"].decode(), newline="")))
        assert tuple(header) == CSV_COLUMNS
        assert [(r[0], r[8], r[9]) for r in rows] == [
            (e.id, e.tenant.id if e.tenant else "", e.tenant.name if e.tenant else "")
            for e in expected
        ]
        # The viewer's download (the stored rows, as `auditlog export` writes them): the same
        # events, an NDJSON line sealed for offline verification; under the final name only.
        target = self.folder / f"export-{next(_numbers)}.{fmt}"
        assert export(reader, query, fmt, target) == len(expected)
        written = target.read_bytes()
        if fmt == "ndjson":
            lines = written.splitlines()
            sealed = [orjson.loads(line) for line in lines]
            assert all(document.pop("_seal") for document in sealed)
            assert sealed == documents
            assert verify_sealed_lines(lines).valid
        else:
            assert written == encoded[fmt]
        assert not target.with_name(target.name + ".part").exists()
        target.unlink()


def test_every_reader_path_agrees_with_the_oracle_as_accounts_change(
    store, db_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    dataset = base_dataset()
    store.add_account(ERASED_PERFORMER)
    assert store.append(dataset).added == len(dataset)
    model = Model(clock, list(dataset))
    machine = type(
        "Machine",
        (AccessMachine,),
        {"store": store, "db_url": db_url, "model": model, "folder": tmp_path},
    )
    run_state_machine_as_test(machine, settings=MACHINE_SETTINGS)


def test_the_dataset_exercises_what_the_machine_claims() -> None:
    """Guard against a dataset so thin that the machine passes vacuously."""
    dataset = base_dataset()
    now = FIXED_NOW
    retained = [e for e in dataset if e.occurred_at >= now - RETENTION]
    assert len(retained) < len(dataset)
    assert {e.tenant.id if e.tenant else None for e in retained} == {None, *TENANTS}
    assert {e.type.name for e in dataset} == set(TYPES)
    assert ERASED_PERFORMER.email in {e.performer.mail for e in retained}
    # Events close enough to the retention edge that time passing hides them.
    assert any(
        now - RETENTION <= e.occurred_at < now - RETENTION + timedelta(days=1) for e in dataset
    )
