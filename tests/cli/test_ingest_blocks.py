"""Ingest's blocks and writer: however the input is cut, every line is numbered and judged
as if read alone; batches are stored in order, and a failure stops the storing."""

from __future__ import annotations

import io
from typing import Any

import orjson
import pytest

from tests.adversarial.corpus import INVALID_LINES, base_event, ndjson_line
from tests.conftest import FIXED_NOW, raw_event
from tui.cli.ingest_lines import Rejected, blocks, parse_block
from tui.cli.ingest_writer import BatchWriter
from tui.domain.errors import EventRejected, StoreUnavailable
from tui.domain.formats import decode_json
from tui.domain.query import AppendResult
from tui.domain.validation import parse_event


def _one_by_one(data: bytes) -> list[tuple[int, Any, bytes]]:
    """What each line should become, read the simple way: one line at a time."""
    found = []
    for number, line in enumerate(io.BytesIO(data), start=1):
        if not line.strip():
            continue
        try:
            found.append((number, parse_event(decode_json(line), now=FIXED_NOW).to_dict(), line))
        except orjson.JSONDecodeError as error:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as bad:
                reason = f"not UTF-8 text: byte {line[bad.start]:#04x} at offset {bad.start}"
                found.append((number, f"{reason} ({bad.reason})", line))
            else:
                found.append((number, f"not valid JSON ({error})", line))
        except EventRejected as error:
            found.append((number, str(error), line))
    return found


def _by_blocks(data: bytes, size: int) -> list[tuple[int, Any, bytes]]:
    found: list[tuple[int, Any, bytes]] = []
    for first, lines in blocks(io.BytesIO(data), size):
        for item in parse_block(first, lines, FIXED_NOW).items:
            if isinstance(item, Rejected):
                found.append((item.number, item.reason, item.line))
            else:
                found.append((0, item.to_dict(), b""))
    return found


def _with_details(n: int, details: bytes) -> bytes:
    return orjson.dumps(raw_event(n)).replace(b'"details":{}', b'"details":' + details)


def _mixed_input() -> bytes:
    bad_mail = raw_event(2)
    bad_mail["performer"]["mail"] = "not-an-address"
    lines = [
        orjson.dumps(raw_event(1)),
        b"",
        orjson.dumps(bad_mail),
        b"   \t\r",
        b"\r",
        _with_details(3, b'{"big":1180591620717411303424,"neg":-18446744073709551617}'),
        orjson.dumps(raw_event(4, details={"n": 1234567890123456789})),
        *(line for _, line, _ in INVALID_LINES),
        ndjson_line(base_event("evt_sealed", 5) | {"_seal": {"hash": "ab" * 32}}),
        orjson.dumps(raw_event(6)) + b"\r",
    ]
    return b"\n".join(lines) + b"\n" + orjson.dumps(raw_event(7))  # no final newline


def _comparable(found: list[tuple[int, Any, bytes]]) -> list[tuple[Any, ...]]:
    """Events by content (their numbers are implied by order), rejects with number and bytes."""
    return [(what,) if isinstance(what, dict) else (n, what, line) for n, what, line in found]


@pytest.mark.parametrize("size", [1, 7, 64, 1000, 1 << 20])
def test_every_cut_of_the_input_judges_every_line_as_read_alone(size: int) -> None:
    data = _mixed_input()
    expected = _one_by_one(data)
    assert sum(1 for n, what, _ in expected if isinstance(what, str)) > 30  # rejects...
    assert sum(1 for _, what, _ in expected if isinstance(what, dict)) == 6  # ...and events
    assert _comparable(_by_blocks(data, size)) == _comparable(expected)


def test_blocks_number_their_first_lines_and_keep_every_byte() -> None:
    data = b"a\nbb\n\nccc\r\nd"
    cut = list(blocks(io.BytesIO(data), 3))
    assert b"".join(block for _, block in cut) == data
    assert [first for first, _ in cut] == [1, 2, 4, 5]
    assert all(block.endswith(b"\n") for _, block in cut[:-1])


def test_a_line_longer_than_a_block_stays_whole() -> None:
    long_line = orjson.dumps(raw_event(1, summary="x" * 5000))
    data = b"{}\n" + long_line + b"\n{}\n"
    cut = list(blocks(io.BytesIO(data), 100))
    assert b"".join(block for _, block in cut) == data
    assert [first for first, _ in cut] == [1, 2]
    assert cut[1][1].startswith(long_line + b"\n")


def test_a_block_of_blank_lines_reads_no_line() -> None:
    assert parse_block(10, b"\n  \n\r\n", FIXED_NOW) == ([], 0)
    parsed = parse_block(10, b"\n[]\n\n", FIXED_NOW)
    assert parsed.last_line == 11
    assert parsed.items == [Rejected(11, "an event must be a JSON object, not an array", b"[]\n")]


def test_a_long_integer_in_one_line_is_exact_and_the_others_unchanged() -> None:
    lines = [
        orjson.dumps(raw_event(1, details={"f": 0.1, "i": 12})),
        orjson.dumps(raw_event(2)).replace(
            b'"details":{}', b'"details":{"x":18446744073709551617}'
        ),
    ]
    items = parse_block(1, b"\n".join(lines), FIXED_NOW).items
    assert [item.details for item in items] == [{"f": 0.1, "i": 12}, {"x": 2**64 + 1}]  # type: ignore[union-attr]


def test_the_writer_stores_batches_in_order_and_raises_the_first_failure() -> None:
    stored: list[list[str]] = []
    results: list[AppendResult] = []

    def append(batch: list[Any]) -> AppendResult:
        if batch[0] == "boom":
            raise StoreUnavailable("the database went away")
        stored.append(batch)
        return AppendResult(len(batch), 0)

    with BatchWriter(append, results.append) as writer:
        writer.write(["a", "b"])
        writer.write(["c"])
        writer.close()
    assert stored == [["a", "b"], ["c"]] and sum(r.added for r in results) == 3

    stored.clear()
    with pytest.raises(StoreUnavailable), BatchWriter(append, results.append) as writer:
        writer.write(["d"])
        writer.write(["boom"])
        for _ in range(50):  # raised at a hand-over once the writer has failed...
            writer.write(["later"])
        writer.close()  # ...or here at the latest
    assert stored == [["d"]]  # nothing after the failure was stored
