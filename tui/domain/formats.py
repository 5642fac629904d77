"""Export encoders: events in, bytes out, chunk by chunk.

``encode(format, events)`` streams: it pulls events from any iterable (a store cursor, the
demo generator) and yields chunks of a few hundred events, so exporting a million events
needs no more memory than exporting one chunk. Writing the chunks somewhere is the caller's
business; this module does no I/O.

``encode_stored(format, rows)`` writes the same bytes from the store's rows
(``AuditReader.stored``): the canonical JSON the store holds is what NDJSON and JSON write,
so those rows are joined as they are, without building an ``AuditEvent`` each, at the speed
the database reads them. That is how exports should run; ``encode`` remains for events that
are not stored (the demo, the benchmark's generator).

The formats:

``ndjson``
    One ``AuditEvent.to_dict()`` JSON object per line (``orjson.dumps``), exactly what ingest
    (``tui.domain.validation.parse_event``) reads back: the lossless format, for archives and
    for moving events between stores. Read it with ``decode_json``, which keeps integers
    beyond 64 bits exact. The line separators U+2028, U+2029 and NEL are written
    escaped (``\u2028``), so no line-splitting reader can cut an event in two.
``json``
    The same objects as one JSON array (``[]`` when empty), for tools that want a document.
``csv``
    One row per event with flat columns (``CSV_COLUMNS``) and the details as compact JSON,
    for spreadsheets. Cells an application could take for a formula (starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with a single quote ``'``,
    the usual defence against CSV formula injection (OWASP): hostile event text must not
    become a formula in the auditor's spreadsheet. So CSV is not a round-trip format; use
    NDJSON for that. UTF-8 without a byte-order mark, RFC 4180 quoting, CRLF row ends.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice
from operator import attrgetter, itemgetter
from typing import Any

import orjson

from tui.domain.errors import InvalidInput
from tui.domain.event import AuditEvent, format_timestamp
from tui.domain.query import StoredEvent
from tui.domain.sealed_export import ExportSealer

#: The export formats, the lossless one first.
FORMATS: tuple[str, ...] = ("ndjson", "csv", "json")

#: The CSV header, in column order.
CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "timestamp",
    "type",
    "area",
    "performer_id",
    "performer_mail",
    "performer_name",
    "performer_role",
    "tenant_id",
    "tenant_name",
    "scope",
    "source_ip",
    "user_agent",
    "target_kind",
    "target_id",
    "target_name",
    "summary",
    "details",
)

#: Events per yielded chunk: large enough to amortise the per-chunk cost (a write, a
#: progress update), small enough that a chunk stays around a hundred kilobytes.
CHUNK_EVENTS = 500
#: Stored rows per chunk: they cost almost nothing each, so the per-chunk cost dominates.
CHUNK_STORED = 2000

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def encode(format: str, events: Iterable[AuditEvent]) -> Iterator[bytes]:
    """The events in ``format`` (one of ``FORMATS``), as a stream of byte chunks.

    The format is checked at once (``InvalidInput`` for an unknown one); the events are read
    lazily as the chunks are consumed.

    Example::

        with open(path, "wb") as out:
            for chunk in encode("ndjson", events):
                out.write(chunk)
    """
    encoder = _ENCODERS.get(format.strip().lower())
    if encoder is None:
        raise InvalidInput(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    return encoder(iter(events))


def encode_stored(format: str, rows: Iterable[StoredEvent]) -> Iterator[bytes]:
    """``encode`` for events as the store holds them (``AuditReader.stored``): the same bytes.

    NDJSON and JSON write each stored body as it is (it is the canonical JSON ``encode``
    would write again), so exporting costs about what reading the rows does; CSV reads each
    body as JSON (no ``AuditEvent``, no validation) for its columns.

    Example::

        with open(path, "wb") as out:
            for chunk in encode_stored("ndjson", reader.stored(query)):
                out.write(chunk)
    """
    encoder = _STORED_ENCODERS.get(format.strip().lower())
    if encoder is None:
        raise InvalidInput(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    return encoder(iter(rows))


def suggested_filename(format: str, now: datetime) -> str:
    """A file name for an export made at ``now`` (in ``now``'s own zone, to the minute).

    >>> from datetime import UTC, datetime
    >>> suggested_filename("ndjson", datetime(2026, 11, 25, 21, 9, tzinfo=UTC))
    'auditlog-20261125-2109.ndjson'
    """
    extension = format.strip().lower()
    if extension not in FORMATS:
        raise InvalidInput(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    return f"auditlog-{now:%Y%m%d-%H%M}.{extension}"


def encode_event(event: AuditEvent) -> bytes:
    """One event as compact JSON (no newline): the NDJSON line, the JSON array element."""
    return _dumps(event.to_dict())


def decode_json(data: bytes | str) -> Any:
    """``orjson.loads(data)``, except that integers beyond 64 bits come back exact.

    orjson reads such an integer as an approximate float (18446744073709551617 would become
    1.8446744073709552e19 and be written back so); a document holding a run of 19 digits is
    read again by the standard library, whose integers are exact. Raises what orjson raises
    (``orjson.JSONDecodeError``: invalid UTF-8, lone surrogates, NaN, nesting beyond 1024).
    """
    value = orjson.loads(data)
    if holds_long_digits(data):
        try:
            return json.loads(data)
        except (ValueError, RecursionError):  # deeper than the standard library goes
            return value
    return value


def holds_long_digits(data: bytes | str) -> bool:
    """Whether ``data`` holds a run of 19 digits. Every digit is mapped to ``0``
    (``bytes.translate``) and the run looked for as a plain string: six to ten times quicker
    than a regular expression, which tries a match at every position (100 stored events of
    ~600 characters: 139 against 826 us, three times orjson's parse of them). Text is encoded
    first; no byte of a multi-byte UTF-8 character is an ASCII digit."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return _NINETEEN_ZEROS in data.translate(_DIGITS_TO_ZERO)


#: A run of 19 digits may be an integer beyond 64 bits (2**63 has 19 digits).
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NINETEEN_ZEROS = b"0" * 19


def _dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        # orjson refuses integers beyond 64 bits, which a details object read by another
        # JSON parser may hold; the standard library writes them (and everything else) alike.
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _chunks(events: Iterator[AuditEvent]) -> Iterator[list[AuditEvent]]:
    while batch := list(islice(events, CHUNK_EVENTS)):
        yield batch


def _ndjson(events: Iterator[AuditEvent]) -> Iterator[bytes]:
    dumps, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    for batch in _chunks(events):
        try:
            chunk = b"".join([dumps(event.to_dict(), option=newline) for event in batch])
        except orjson.JSONEncodeError:
            chunk = b"".join([encode_event(event) + b"\n" for event in batch])
        yield _escape_line_breaks(chunk)


def _json(events: Iterator[AuditEvent]) -> Iterator[bytes]:
    separator = b"[\n"
    for batch in _chunks(events):
        chunk = b",\n".join([encode_event(event) for event in batch])
        yield separator + _escape_line_breaks(chunk)
        separator = b",\n"
    yield b"[]\n" if separator == b"[\n" else b"\n]\n"


def _escape_line_breaks(chunk: bytes) -> bytes:
    """Escape U+2028, U+2029 and U+0085 (NEL), which JSON allows raw in strings.

    ``str.splitlines()`` and some JavaScript tools break lines at them, so one hostile
    summary could split an NDJSON line in two. Outside strings JSON never holds them, and the
    escape decodes to the same text, so nothing is lost.
    """
    if not _holds_line_breaks(chunk):
        return chunk
    return (
        chunk.replace(b"\xe2\x80\xa8", b"\\u2028")
        .replace(b"\xe2\x80\xa9", b"\\u2029")
        .replace(b"\xc2\x85", b"\\u0085")
    )


def _holds_line_breaks(chunk: bytes) -> bool:
    """Whether ``chunk`` holds U+2028, U+2029 or NEL, told some hundred times quicker than
    ``bytes.replace`` searches for them: each one's last byte is found with ``memchr``
    (typographic quotes and dashes share their first two bytes, which makes a search for
    the whole sequence slow), then the bytes before it are compared."""
    for last, lead in _LINE_BREAK_BYTES:
        find = chunk.find
        at = find(last)
        while at != -1:
            if at >= len(lead) and chunk.startswith(lead, at - len(lead)):
                return True
            at = find(last, at + 1)
    return False


_BODY = attrgetter("body")
_LINE_BREAK_BYTES = ((b"\xa8", b"\xe2\x80"), (b"\xa9", b"\xe2\x80"), (b"\x85", b"\xc2"))


def _csv(events: Iterator[AuditEvent]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for batch in _chunks(events):
        writer.writerows([_csv_row(event) for event in batch])
        yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)  # only the header: no events at all


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def _csv_row(event: AuditEvent) -> list[str]:
    performer, context, target = event.performer, event.context, event.target
    tenant = context.tenant
    cells = [
        event.id,
        format_timestamp(event.occurred_at),
        event.type.name,
        event.type.area.value,
        performer.id,
        performer.mail,
        performer.name,
        performer.role,
        tenant.id if tenant else "",
        tenant.name if tenant else "",
        "tenant" if tenant else "portal",
        context.source_ip,
        context.user_agent,
        target.kind,
        target.id,
        target.name,
        event.summary,
        _dumps(event.details).decode("utf-8"),
    ]
    return [neutralise(cell) for cell in cells]


def _stored_chunks(rows: Iterator[StoredEvent], separator: bytes) -> Iterator[bytes]:
    """The bodies of ``CHUNK_STORED`` rows at a time joined by ``separator``, as UTF-8."""
    while bodies := list(map(_BODY, islice(rows, CHUNK_STORED))):
        if type(bodies[0]) is str:  # text from the driver: one encode for the whole chunk
            yield separator.decode().join(bodies).encode()  # type: ignore[arg-type]
        else:
            yield separator.join(bodies)  # type: ignore[arg-type]


def _stored_ndjson(rows: Iterator[StoredEvent]) -> Iterator[bytes]:
    """Each stored body as a line, sealed with its place in the hash chain (``_seal``) so
    ``auditlog verify --file`` can check the file with no database; a row without chain
    fields (none after migration 0002) goes out unsealed and is reported by that check."""
    sealer = ExportSealer()
    while batch := list(islice(rows, CHUNK_STORED)):
        yield _escape_line_breaks(_sealed_chunk(sealer, batch))


#: The store's rows (``AuditReader.stored``) in column order: a batch of rows with these
#: ``_fields`` is read by position, column by column, not row by row by name.
STORED_FIELDS: tuple[str, ...] = (
    "occurred_at_ms",
    "event_id",
    "body",
    "chain_segment",
    "chain_position",
    "chain_prev",
    "chain_hash",
)


def _sealed_chunk(sealer: ExportSealer, batch: list[StoredEvent]) -> bytes:
    """The batch's lines, sealed: by column when the rows are the store's and all sealed
    (one ``zip`` transposes them), else row by row."""
    if getattr(batch[0], "_fields", None) == STORED_FIELDS:
        _, _, bodies, segments, positions, prevs, hashes = zip(*batch, strict=True)  # type: ignore[call-overload]
        if None not in hashes:
            return sealer.seal_lines(_utf8(bodies), segments, positions, prevs, hashes)
    lines = []
    for row in batch:
        body = row.body
        if type(body) is not bytes:
            body = body.encode()  # type: ignore[union-attr]
        chain_hash = getattr(row, "chain_hash", None)
        if chain_hash is None:
            lines.append(body + b"\n")  # type: ignore[operator]
        else:
            lines.append(
                sealer.seal(
                    body,  # type: ignore[arg-type]
                    row.chain_segment,  # type: ignore[arg-type]
                    row.chain_position,  # type: ignore[arg-type]
                    bytes(row.chain_prev),  # type: ignore[arg-type]
                    bytes(chain_hash),
                )
            )
    return b"".join(lines)


def _utf8(bodies: tuple[bytes | str, ...]) -> tuple[bytes, ...] | list[bytes]:
    """The bodies as UTF-8: SQLite's driver hands bytes over, PostgreSQL's text."""
    kinds = set(map(type, bodies))
    if str not in kinds:
        return bodies  # type: ignore[return-value]
    if kinds == {str}:
        return list(map(str.encode, bodies))  # type: ignore[arg-type]
    return [body.encode() if type(body) is str else body for body in bodies]  # type: ignore[misc]


def _stored_json(rows: Iterator[StoredEvent]) -> Iterator[bytes]:
    separator = b"[\n"
    for chunk in _stored_chunks(rows, b",\n"):
        yield separator + _escape_line_breaks(chunk)
        separator = b",\n"
    yield b"[]\n" if separator == b"[\n" else b"\n]\n"


def _stored_csv(rows: Iterator[StoredEvent]) -> Iterator[bytes]:
    """What ``_csv`` writes, from the stored JSON: each body decoded (no ``AuditEvent``, no
    validation) and its row written by ``_csv_line`` rather than ``csv.writer``, which
    handles each character in turn and was most of an export's time. Each body is decoded
    just before its row is written (``map``), so one document's objects at a time are alive
    and reused from the allocator's warm memory, not a whole batch's."""
    header = _CSV_HEADER  # written with the first rows: a refused export writes nothing
    while bodies := list(map(_BODY, islice(rows, CHUNK_STORED))):
        documents = map(_decoder(bodies), bodies)
        yield header + ("\r\n".join(map(_csv_line, documents)) + "\r\n").encode()
        header = b""
    if header:
        yield header  # no events at all


def _decoder(bodies: list[bytes | str]) -> Callable[[bytes | str], Any]:
    """``decode_json``, or ``orjson.loads`` alone when no body of the batch holds a run of 19
    digits: asked once for the whole batch, not for each body."""
    try:
        text = type(bodies[0]) is str
        joined = "\n".join(bodies) if text else b"\n".join(bodies)  # type: ignore[arg-type]
    except TypeError:  # text and bytes mixed: not from one store
        return decode_json
    return decode_json if holds_long_digits(joined) else orjson.loads


def _csv_line(document: dict[str, Any]) -> str:
    """One CSV row (without its CRLF) from the canonical JSON, byte for byte what ``csv.writer``
    writes for ``_csv_row`` of the event: formula cells neutralised, then RFC 4180 quoting
    (a cell holding a quote, comma, CR or LF is quoted, its quotes doubled)."""
    performer, context, target = document["performer"], document["context"], document["target"]
    tenant = context["tenant"]
    cells = [
        document["id"],
        document["timestamp"],
        document["type"],
        document["area"],
        performer["id"],
        performer["mail"],
        performer["name"],
        performer["role"],
        tenant["id"] if tenant else "",
        tenant["name"] if tenant else "",
        "tenant" if tenant else "portal",
        context["source_ip"],
        context["user_agent"],
        target["kind"],
        target["id"],
        target["name"],
        document["summary"],
        _dumps(document["details"]).decode("utf-8"),
    ]
    if not _FORMULA_FIRSTS.isdisjoint(map(_FIRST_CHARACTER, cells)):
        cells = [neutralise(cell) for cell in cells]
    # The user agent ("KHTML, like Gecko"), the summary and the details (JSON: quotes) often
    # need quoting, each is asked on its own; the other cells at once, joined: only the
    # commas between them, and no quote, CR or LF, means none of them needs quoting.
    plain = ",".join(_PLAIN_CELLS(cells))
    if plain.count(",") != _PLAIN_COMMAS or '"' in plain or "\n" in plain or "\r" in plain:
        return ",".join(map(_csv_cell, cells))
    cells[12], cells[16], cells[17] = map(_csv_cell, _FREE_TEXT_CELLS(cells))
    return ",".join(cells)


def _csv_cell(cell: str) -> str:
    if '"' in cell:
        return '"' + cell.replace('"', '""') + '"'
    if "," in cell or "\n" in cell or "\r" in cell:
        return '"' + cell + '"'
    return cell


_CSV_HEADER = (",".join(CSV_COLUMNS) + "\r\n").encode()
_FORMULA_FIRSTS = frozenset(_FORMULA_STARTS)
_FIRST_CHARACTER = itemgetter(slice(None, 1))
_PLAIN_CELLS = itemgetter(*range(12), 13, 14, 15)
_PLAIN_COMMAS = 14
_FREE_TEXT_CELLS = itemgetter(12, 16, 17)


def neutralise(cell: str) -> str:
    """``cell`` made safe for a spreadsheet: a leading formula character gets a ``'`` prefix.

    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("Deleted integration")
    'Deleted integration'
    """
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


_ENCODERS: dict[str, Callable[[Iterator[AuditEvent]], Iterator[bytes]]] = {
    "ndjson": _ndjson,
    "csv": _csv,
    "json": _json,
}

_STORED_ENCODERS: dict[str, Callable[[Iterator[StoredEvent]], Iterator[bytes]]] = {
    "ndjson": _stored_ndjson,
    "csv": _stored_csv,
    "json": _stored_json,
}
