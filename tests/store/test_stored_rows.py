"""``AuditReader.stored``: the rows exports stream, as stored, with the reads' access rules.

An export writes the stored canonical JSON as it is, so these rows must be exactly the events
``stream`` decodes (same events, same order, every batch boundary), hold the bodies byte for
byte as the store wrote them (hostile text, integers beyond 64 bits), and be narrowed to what
the account may see in every batch.
"""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

import tui.store.search_plan as search_plan
from tests.conftest import ADMIN, SUPERVISOR, make_event
from tests.store.conftest import ERASED_ADMIN, ids, newest_first, window
from tui.domain.errors import AccessDenied
from tui.domain.event import AuditEvent
from tui.domain.formats import FORMATS, encode, encode_event, encode_stored
from tui.domain.sealed_export import verify_sealed_lines
from tui.domain.validation import parse_event
from tui.store.search_plan import Tuning

HOSTILE = [
    "one\u2028two\u2029three\x85four\nfive",
    "\x1b]52;c;ZXZpbA==\x07 \x1b[2J [bold]x[/] [@click=app.quit]q[/]",
    '=HYPERLINK("http://x") \u202eexe.txt \u200b zero',
    "nul \x00 inside, 東京 🚀 “quotes”",
]


def _events() -> list[AuditEvent]:
    found = [
        make_event(n, age=timedelta(minutes=n + 1), summary=HOSTILE[n % len(HOSTILE)])
        for n in range(12)
    ]
    found += [
        make_event(100 + n, id=f"evt_tie_{n}", age=timedelta(minutes=5, milliseconds=500))
        for n in range(5)
    ]
    found.append(make_event(200, details={"serial": 2**70, "deep": [[[{"k": -(2**65)}]]]}))
    found.append(make_event(201, tenant="t_02", summary="someone else's tenant"))
    found.append(make_event(202, tenant=None, summary="the portal itself"))
    return found


EVENTS = _events()


@pytest.fixture
def filled(store):  # type: ignore[no-untyped-def]
    store.add_accounts([ADMIN, SUPERVISOR, ERASED_ADMIN])
    store.append(EVENTS)
    return store


def _decoded(rows) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return [parse_event(orjson.loads(row.body)) for row in rows]


@pytest.mark.parametrize("batch", [1, 2, 5, 1000])
def test_stored_rows_are_the_streamed_events_in_order(filled, clock, batch) -> None:
    reader = filled.reader(ADMIN.email)
    rows = list(reader.stored(window(clock), batch=batch))
    assert _decoded(rows) == newest_first(EVENTS)
    assert [(r.event_id, r.occurred_at_ms) for r in rows] == [
        (e.id, int(e.occurred_at.timestamp() * 1000)) for e in newest_first(EVENTS)
    ]
    bodies = [r.body.encode() if isinstance(r.body, str) else r.body for r in rows]
    assert bodies == [encode_event(e) for e in newest_first(EVENTS)]  # as stored, exactly


@pytest.mark.parametrize("format", [f for f in FORMATS if f != "ndjson"])
def test_an_export_of_stored_rows_is_byte_for_byte_the_events_export(filled, clock, format) -> None:
    reader = filled.reader(ADMIN.email)
    query = window(clock)
    assert b"".join(encode_stored(format, reader.stored(query, batch=3))) == b"".join(
        encode(format, reader.stream(query))
    )


def test_an_ndjson_export_is_the_events_export_with_a_seal_on_every_line(filled, clock) -> None:
    reader = filled.reader(ADMIN.email)
    query = window(clock)
    sealed = b"".join(encode_stored("ndjson", reader.stored(query, batch=3))).splitlines()
    plain = b"".join(encode("ndjson", reader.stream(query))).splitlines()
    assert len(sealed) == len(plain) == len(EVENTS)
    for sealed_line, plain_line in zip(sealed, plain, strict=True):
        document = orjson.loads(sealed_line)
        seal = document.pop("_seal")
        assert set(seal) == {"s", "p", "prev", "h", "n", "f"}
        assert document == orjson.loads(plain_line)
        # line breaks JSON allows raw are escaped in the line, as in the plain export
        assert "\u2028".encode() not in sealed_line and b"\xc2\x85" not in sealed_line
    assert verify_sealed_lines(sealed).valid  # hostile bodies with U+2028 and NEL included


def test_a_sealed_export_names_the_line_whose_text_was_edited(filled, clock) -> None:
    reader = filled.reader(ADMIN.email)
    lines = b"".join(encode_stored("ndjson", reader.stored(window(clock)))).splitlines()
    at = next(i for i, line in enumerate(lines) if b"\\u2028" in line)
    lines[at] = lines[at].replace(b"\\u2028", b" ", 1)
    report = verify_sealed_lines(lines)
    assert not report.valid
    assert [f.line for f in report.findings] == [at + 1]


def test_a_supervisor_gets_only_the_portal_and_their_tenants(filled, clock) -> None:
    rows = list(filled.reader(SUPERVISOR.email).stored(window(clock), batch=2))
    expected = [e for e in EVENTS if e.tenant is None or e.tenant.id == "t_01"]
    assert _decoded(rows) == newest_first(expected)
    assert "evt_000201" not in [r.event_id for r in rows]


def test_an_account_erased_during_an_export_gets_no_batch_read_after_it(filled, clock) -> None:
    from tests.store.conftest import execute
    from tui.store.schema import accounts

    reader = filled.reader(ADMIN.email)
    rows = reader.stored(window(clock), batch=2)
    assert next(rows) and next(rows)
    execute(filled_url(filled), accounts.update().values(erased=True))
    # At most the batch read ahead before the erasure (AuditStore.reads_ahead) follows.
    after = 0
    with pytest.raises(AccessDenied):
        for _ in rows:
            after += 1
    assert after <= 2 < len(EVENTS) - 2


def filled_url(store) -> str:  # type: ignore[no-untyped-def]
    return store._engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize("tuning", [Tuning(first_scan=0), Tuning(first_scan=1, index_cost=0.0)])
def test_a_searched_export_is_the_searched_stream(filled, clock, monkeypatch, tuning) -> None:
    monkeypatch.setattr(search_plan, "TUNING", tuning)
    reader = filled.reader(ADMIN.email)
    for text in ("two", "x", "quotes", "nothing like it"):
        query = window(clock, text=text)
        assert ids(_decoded(reader.stored(query, batch=2))) == ids(reader.stream(query)), text
