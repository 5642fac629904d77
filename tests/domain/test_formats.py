"""Export encoders: NDJSON and JSON lose nothing, CSV is flat and safe in a spreadsheet."""

from __future__ import annotations

import csv
import doctest
import io
import itertools
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.domain.formats as formats
from tests.conftest import FIXED_NOW, make_event, raw_event
from tui.domain.errors import InvalidInput
from tui.domain.event import AuditEvent
from tui.domain.formats import (
    CHUNK_EVENTS,
    CHUNK_STORED,
    CSV_COLUMNS,
    FORMATS,
    encode,
    encode_event,
    encode_stored,
    neutralise,
    suggested_filename,
)
from tui.domain.validation import parse_event

BERLIN_EVENING = datetime(2026, 11, 25, 21, 9, 59, tzinfo=UTC)


def export(format: str, events: Any) -> bytes:
    return b"".join(encode(format, events))


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def read_ndjson(data: bytes) -> list[AuditEvent]:
    return [parse_event(orjson.loads(line)) for line in data.splitlines()]


def test_the_formats() -> None:
    assert FORMATS == ("ndjson", "csv", "json")


def test_an_unknown_format_is_refused_at_once_with_the_choices() -> None:
    def never() -> Iterator[AuditEvent]:
        raise AssertionError("events were read for an unknown format")
        yield  # pragma: no cover

    with pytest.raises(InvalidInput, match="unknown export format 'xml'; choose one of ndjson"):
        encode("xml", never())


def test_format_names_forgive_case() -> None:
    assert export("NDJSON", [make_event()]) == export("ndjson", [make_event()])


@pytest.mark.parametrize("format", FORMATS)
def test_suggested_filenames(format: str) -> None:
    assert suggested_filename(format, BERLIN_EVENING) == f"auditlog-20261125-2109.{format}"


def test_the_filename_uses_the_clock_of_the_caller() -> None:
    from zoneinfo import ZoneInfo

    local = BERLIN_EVENING.astimezone(ZoneInfo("Europe/Berlin"))
    assert suggested_filename("csv", local) == "auditlog-20261125-2209.csv"
    with pytest.raises(InvalidInput):
        suggested_filename("xlsx", local)


# -- NDJSON ---------------------------------------------------------------------------------------


def test_ndjson_is_one_canonical_json_object_per_line() -> None:
    events = [make_event(n) for n in range(3)]
    data = export("ndjson", events)
    assert data.endswith(b"\n")
    assert data.split(b"\n")[:-1] == [orjson.dumps(e.to_dict()) for e in events]


def test_ndjson_round_trips_through_ingest(demo_events: tuple[AuditEvent, ...]) -> None:
    sample = demo_events[::7]
    back = read_ndjson(export("ndjson", sample))
    assert [e.to_dict() for e in back] == [e.to_dict() for e in sample]


def test_ndjson_of_nothing_is_empty() -> None:
    assert export("ndjson", []) == b""


def test_line_separators_in_text_cannot_split_an_event() -> None:
    hostile = "one\u2028two\u2029three\x85four\nfive\rsix"
    event = make_event(summary=hostile)
    data = export("ndjson", [event, make_event(1)])
    assert len(data.decode("utf-8").splitlines()) == 2  # str.splitlines breaks at all of them
    assert read_ndjson(data)[0].summary == hostile


def test_integers_beyond_64_bits_are_still_exported() -> None:
    event = make_event(details={"serial": 2**70, "name": "ü"})
    for format in ("ndjson", "json"):
        data = export(format, [event])
        text = data.decode("utf-8")
        decoded = json.loads(text) if format == "json" else json.loads(text.splitlines()[0])
        details = decoded[0]["details"] if format == "json" else decoded["details"]
        assert details == {"serial": 2**70, "name": "ü"}
    assert json.loads(csv_rows(export("csv", [event]))[1][-1]) == {"serial": 2**70, "name": "ü"}


# -- JSON -----------------------------------------------------------------------------------------


def test_json_of_nothing_is_an_empty_array() -> None:
    assert json.loads(export("json", [])) == []


@pytest.mark.parametrize("count", [1, 2, CHUNK_EVENTS, CHUNK_EVENTS + 1, 3 * CHUNK_EVENTS + 7])
def test_json_is_one_valid_array_whatever_the_chunking(count: int) -> None:
    events = [make_event(n % 50) for n in range(count)]
    assert json.loads(export("json", events)) == [e.to_dict() for e in events]


# -- CSV ------------------------------------------------------------------------------------------


def test_csv_has_a_header_and_one_flat_row_per_event() -> None:
    tenant_event = make_event(0, details={"settings": {"sources": ["Security"]}})
    portal_event = make_event(1, tenant=None)
    rows = csv_rows(export("csv", [tenant_event, portal_event]))
    assert tuple(rows[0]) == CSV_COLUMNS
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first == {
        "id": "evt_000000",
        "timestamp": tenant_event.to_dict()["timestamp"],
        "type": "Collector Created",
        "area": "Infrastructure & Agents",
        "performer_id": "usr_ada",
        "performer_mail": "ada.admin@example.com",
        "performer_name": "Ada Admin",
        "performer_role": "Admin",
        "tenant_id": "t_01",
        "tenant_name": "Tenant t_01",
        "scope": "tenant",
        "source_ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0",
        "target_kind": "collector",
        "target_id": "col_0",
        "target_name": "Collector 0",
        "summary": "Created collector Collector 0",
        "details": '{"settings":{"sources":["Security"]}}',
    }
    second = dict(zip(CSV_COLUMNS, rows[2], strict=True))
    assert (second["tenant_id"], second["tenant_name"], second["scope"]) == ("", "", "portal")


def test_csv_of_nothing_is_the_header() -> None:
    assert csv_rows(export("csv", [])) == [list(CSV_COLUMNS)]


@pytest.mark.parametrize(
    "hostile",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_csv_cells_cannot_become_formulas(hostile: str) -> None:
    raw = raw_event(summary=hostile)
    raw["target"]["name"] = hostile
    raw["performer"]["name"] = hostile
    row = dict(zip(CSV_COLUMNS, csv_rows(export("csv", [parse_event(raw)]))[1], strict=True))
    for column in ("summary", "target_name", "performer_name"):
        assert row[column] == "'" + hostile


def test_harmless_cells_are_left_alone() -> None:
    for cell in ("Deleted integration", "", "'quoted", "1-2", "a=b", '{"a":1}'):
        assert neutralise(cell) == cell


def test_line_breaks_stay_inside_their_cell() -> None:
    event = make_event(summary='first line\nsecond line, with "quotes"')
    rows = csv_rows(export("csv", [event]))
    assert len(rows) == 2
    assert rows[1][CSV_COLUMNS.index("summary")] == 'first line\nsecond line, with "quotes"'


def test_csv_rows_end_with_crlf() -> None:
    assert export("csv", [make_event()]).count(b"\r\n") == 2


# -- streaming ------------------------------------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_export_streams_in_chunks_reading_events_lazily(format: str) -> None:
    read = 0

    def events() -> Iterator[AuditEvent]:
        nonlocal read
        for n in itertools.count():
            read += 1
            yield make_event(n % 10)

    chunks = encode(format, events())
    first = next(chunks)
    assert read <= CHUNK_EVENTS + 1  # one chunk's worth, not the endless source
    assert first


@pytest.mark.parametrize("format", FORMATS)
def test_many_events_come_in_few_large_chunks(
    format: str, demo_events: tuple[AuditEvent, ...]
) -> None:
    chunks = list(encode(format, demo_events[:5_000]))
    assert len(chunks) <= 5_000 // CHUNK_EVENTS + 2
    assert sum(map(len, chunks)) > 5_000 * 200


# -- properties -----------------------------------------------------------------------------------


@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_demo_event_survives_ndjson(data: st.DataObject, demo_events: Any) -> None:
    events = data.draw(st.lists(st.sampled_from(demo_events), min_size=1, max_size=20))
    back = read_ndjson(export("ndjson", events))
    assert [e.to_dict() for e in back] == [e.to_dict() for e in events]


@given(
    summary=st.text(min_size=1).filter(str.strip),
    name=st.text(min_size=1).filter(str.strip),
    # Within 64 bits: what orjson (and so ingest) reads back as integers.
    details=st.dictionaries(
        st.text(), st.text() | st.integers(-(2**63), 2**63 - 1) | st.none(), max_size=3
    ),
)
def test_any_text_survives_ndjson_and_json(summary: str, name: str, details: Any) -> None:
    raw = raw_event(summary=summary, details=details)
    raw["target"]["name"] = name
    event = parse_event(raw, now=FIXED_NOW)
    assert read_ndjson(export("ndjson", [event]))[0].to_dict() == event.to_dict()
    assert json.loads(export("json", [event])) == [event.to_dict()]


@given(cell=st.text())
def test_no_csv_cell_starts_a_formula(cell: str) -> None:
    raw = raw_event(summary=cell if cell.strip() else "x")
    raw["context"]["user_agent"] = cell
    raw["target"]["name"] = cell if cell.strip() else "x"
    row = csv_rows(export("csv", [parse_event(raw)]))[1]
    for value in row:
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_the_documented_examples_hold() -> None:
    assert doctest.testmod(formats).failed == 0


# -- stored rows (what exports stream from the store) ---------------------------------------------


class _Row(NamedTuple):
    """A stored row as ``AuditReader.stored`` yields it (the body as the store writes it)."""

    occurred_at_ms: int
    event_id: str
    body: bytes | str


def stored(events: Any) -> list[_Row]:
    return [_Row(0, e.id, encode_event(e)) for e in events]


def export_stored(format: str, events: Any) -> bytes:
    return b"".join(encode_stored(format, stored(events)))


def _awkward_events() -> list[AuditEvent]:
    tenant = {"id": "t_9", "name": "=cmd|' /C calc'!A0"}
    return [
        make_event(0, summary="one\u2028two\u2029three\x85four\nfive\rsix"),
        make_event(1, details={"serial": 2**70, "name": "ü", "nested": {"a": [1, {"b": None}]}}),
        make_event(2, summary='=HYPERLINK("http://x")', tenant=None),
        make_event(
            3, summary="+1", context={"tenant": tenant, "source_ip": "::1", "user_agent": "@x"}
        ),
        make_event(4, summary="\x1b]52;c;ZXZpbA==\x07[bold]x[/] \u202eexe.txt \x00 end"),
        make_event(5, summary="東京 🚀 “quoted” — dash"),
    ]


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("count", [0, 1, 6, CHUNK_STORED, CHUNK_STORED + 1])
def test_stored_rows_export_byte_for_byte_what_events_do(format: str, count: int) -> None:
    events = [*_awkward_events(), *(make_event(n % 50) for n in range(max(0, count - 6)))]
    events = events[:count]
    assert export_stored(format, events) == export(format, events)


@settings(max_examples=60)
@given(
    summary=st.text(min_size=1).filter(str.strip),
    details=st.dictionaries(
        st.text(), st.text() | st.integers(-(2**80), 2**80) | st.none(), max_size=3
    ),
)
def test_any_stored_event_exports_like_the_event(summary: str, details: Any) -> None:
    event = parse_event(raw_event(summary=summary, details=details), now=FIXED_NOW)
    for format in FORMATS:
        assert export_stored(format, [event]) == export(format, [event])


@pytest.mark.parametrize("format", FORMATS)
def test_stored_bodies_as_text_export_the_same_bytes(format: str) -> None:
    """PostgreSQL's driver hands the bodies over as text, SQLite's as bytes."""
    events = [*_awkward_events(), *(make_event(n) for n in range(CHUNK_STORED))]
    as_text = [row._replace(body=row.body.decode()) for row in stored(events)]
    assert b"".join(encode_stored(format, as_text)) == export_stored(format, events)


def test_stored_line_separators_cannot_split_a_line() -> None:
    data = export_stored("ndjson", _awkward_events())
    assert len(data.decode("utf-8").splitlines()) == len(_awkward_events())


def test_stored_csv_cells_cannot_become_formulas() -> None:
    for row in csv_rows(export_stored("csv", _awkward_events()))[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_stored_rows_are_read_lazily_and_an_unknown_format_at_once() -> None:
    read = 0

    def rows() -> Iterator[_Row]:
        nonlocal read
        for n in itertools.count():
            read += 1
            yield stored([make_event(n % 10)])[0]

    with pytest.raises(InvalidInput, match="unknown export format"):
        encode_stored("xml", rows())
    assert read == 0
    assert next(encode_stored("ndjson", rows()))
    assert read <= CHUNK_STORED + 1


@given(st.text(alphabet="\u2028\u2029\x85“”—éè©…Åa\n ", max_size=40))
def test_every_line_separator_is_escaped_whatever_surrounds_it(text: str) -> None:
    escaped = formats._escape_line_breaks(text.encode()).decode()
    assert not set("\u2028\u2029\x85") & set(escaped)
    unescaped = (
        escaped.replace("\\u2028", "\u2028").replace("\\u2029", "\u2029").replace("\\u0085", "\x85")
    )
    assert unescaped == text


@given(st.text(alphabet="0123456789 a.-é٣７\ud800\U0001f600", max_size=60))
def test_a_run_of_19_ascii_digits_is_told_the_same_in_bytes_and_text(text: str) -> None:
    """Other scripts' digits do not count (JSON numbers are ASCII), nor do the bytes of a
    multi-byte character; a lone surrogate is encoded, not refused."""
    expected = re.search("[0-9]{19}", text, re.ASCII) is not None
    assert formats.holds_long_digits(text) is expected
    assert formats.holds_long_digits(text.encode("utf-8", "surrogatepass")) is expected


def test_integers_beyond_64_bits_decode_exactly_from_bytes() -> None:
    assert formats.decode_json(b'{"n":18446744073709551617,"m":1}') == {
        "n": 18446744073709551617,
        "m": 1,
    }


# -- sealed NDJSON from the store's rows -------------------------------------------------------


class _ChainedRow(NamedTuple):
    """A stored row with its chain fields, in the store's column order (``STORED_FIELDS``)."""

    occurred_at_ms: int
    event_id: str
    body: bytes | str
    chain_segment: int | None
    chain_position: int | None
    chain_prev: bytes | None
    chain_hash: bytes | None


class _ReorderedRow(NamedTuple):
    """The same fields in another order: read by name, row by row."""

    chain_hash: bytes | None
    chain_prev: bytes | None
    chain_position: int | None
    chain_segment: int | None
    body: bytes | str
    event_id: str
    occurred_at_ms: int


def _chained(events: Any) -> list[_ChainedRow]:
    from tui.domain.chain import GENESIS, chain_hashes

    bodies = [encode_event(e) for e in events][::-1]  # the chain runs oldest first
    rows = [
        _ChainedRow(0, orjson.loads(body)["id"], body, 4, n, prev, digest)
        for n, (body, (prev, digest)) in enumerate(
            zip(bodies, chain_hashes(GENESIS, bodies), strict=True)
        )
    ]
    return rows[::-1]


def _reordered(rows: list[_ChainedRow]) -> list[_ReorderedRow]:
    return [_ReorderedRow(*reversed(row)) for row in rows]


def _events(count: int) -> list[AuditEvent]:
    return [*_awkward_events(), *(make_event(n % 50) for n in range(max(0, count - 6)))][:count]


@pytest.mark.parametrize("count", [1, 6, CHUNK_STORED, CHUNK_STORED + 7])
def test_the_stores_rows_are_sealed_as_rows_read_by_name_are(count: int) -> None:
    """The store's rows are sealed by column (their ``_fields`` say where each is), other
    rows one by one by name: the same bytes, text bodies or not, and a valid file."""
    from tui.domain.sealed_export import verify_sealed_lines

    rows = _chained(_events(count))
    by_column = b"".join(encode_stored("ndjson", rows))
    assert by_column == b"".join(encode_stored("ndjson", _reordered(rows)))
    as_text = [row._replace(body=row.body.decode()) for row in rows]  # type: ignore[union-attr]
    assert b"".join(encode_stored("ndjson", as_text)) == by_column
    lines = by_column.splitlines()
    assert len(lines) == count
    report = verify_sealed_lines(lines)
    assert report.valid and report.events == count
    plain = export("ndjson", _events(count)).splitlines()
    for number, (line, expected) in enumerate(zip(lines, plain, strict=True), start=1):
        document = orjson.loads(line)
        assert document.pop("_seal")["n"] == number
        assert document == orjson.loads(expected)


def test_a_stored_row_without_chain_fields_goes_out_unsealed_and_is_reported() -> None:
    from tui.domain.sealed_export import verify_sealed_lines

    rows = _chained(_events(8))
    rows[3] = rows[3]._replace(
        chain_segment=None, chain_position=None, chain_prev=None, chain_hash=None
    )
    lines = b"".join(encode_stored("ndjson", rows)).splitlines()
    assert b"_seal" not in lines[3] and orjson.loads(lines[3]) == orjson.loads(rows[3].body)
    assert all(b'"_seal":{' in line for n, line in enumerate(lines) if n != 3)
    report = verify_sealed_lines(lines)
    assert [(f.kind.value, f.line) for f in report.findings] == [("inserted", 4)]


_CSV_AWKWARD = st.text(alphabet="\",\r\n=+-@\t '\x00aé東🚀\u2028{}:", min_size=1, max_size=12)


@settings(max_examples=150, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    performer=_CSV_AWKWARD,
    tenant=_CSV_AWKWARD,
    user_agent=_CSV_AWKWARD,
    target=_CSV_AWKWARD,
    summary=_CSV_AWKWARD,
    detail=_CSV_AWKWARD,
)
def test_stored_csv_rows_are_what_the_csv_module_writes(
    performer: str, tenant: str, user_agent: str, target: str, summary: str, detail: str
) -> None:
    """The stored rows' CSV is written without ``csv.writer``: quotes, commas, CR and LF in
    any cell, formula characters at any cell's start, give the same bytes as the events' CSV
    (which ``csv.writer`` writes), and read back as the cells neutralised."""
    raw = raw_event(summary=summary, details={"k": detail, detail: [detail]})
    raw["performer"]["name"] = performer
    raw["context"]["tenant"]["name"] = tenant
    raw["context"]["user_agent"] = user_agent
    raw["target"]["name"] = target
    try:
        event = parse_event(raw, now=FIXED_NOW)
    except InvalidInput:
        return  # text validation refuses (e.g. a blank name): nothing to export
    events = [event, make_event(1)]
    data = export_stored("csv", events)
    assert data == export("csv", events)
    row = dict(zip(CSV_COLUMNS, csv_rows(data)[1], strict=True))
    assert row["user_agent"] == neutralise(event.context.user_agent)
    assert row["summary"] == neutralise(event.summary)


@pytest.mark.parametrize("format", FORMATS)
def test_nothing_is_encoded_before_the_first_rows_are_read(format: str) -> None:
    """The store checks access when the first batch is read: a refused export must not have
    written a header (or an opening bracket) to stdout already."""
    from tui.domain.errors import AccessDenied

    def refused() -> Iterator[_Row]:
        raise AccessDenied("not assigned that tenant")
        yield  # a generator, like the store's

    with pytest.raises(AccessDenied):
        next(encode_stored(format, refused()))
    assert b"".join(encode_stored(format, [])) == export(format, [])
