"""Sealing an export a batch at a time (``ExportSealer.seal_lines``): the same bytes as sealing
line by line, in the format files already written carry, and verifiable."""

from __future__ import annotations

from hashlib import sha256
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.domain.chain import GENESIS, chain_hashes
from tui.domain.sealed_export import ExportSealer, seal_line, verify_sealed_lines


def _rows(count: int, segment: int = 7, start: int = 0) -> list[tuple[Any, ...]]:
    """``count`` chained rows of one segment, newest first, as the store hands them over."""
    bodies = [
        orjson.dumps({"id": f"evt_{n:06}", "summary": "東京 “x” \\u2028", "details": {"n": n}})
        for n in range(count)
    ]
    chained = list(chain_hashes(GENESIS, bodies))
    rows = [
        (body, segment, start + n, prev, digest)
        for n, (body, (prev, digest)) in enumerate(zip(bodies, chained, strict=True))
    ]
    return rows[::-1]


def _one_by_one(rows: list[tuple[Any, ...]]) -> bytes:
    sealer = ExportSealer()
    return b"".join(sealer.seal(*row) for row in rows)


def _in_batches(rows: list[tuple[Any, ...]], cuts: list[int]) -> bytes:
    sealer = ExportSealer()
    chunks, start = [], 0
    for end in [*sorted(cuts), len(rows)]:
        batch = rows[start:end]
        if batch:
            bodies, segments, positions, prevs, hashes = zip(*batch, strict=True)
            chunks.append(sealer.seal_lines(bodies, segments, positions, prevs, hashes))
        start = max(start, end)
    return b"".join(chunks)


def test_a_sealed_line_keeps_the_format_exports_were_written_in() -> None:
    """The seal's text, byte for byte, as every export so far wrote it (verify reads these)."""
    body = b'{"id":"evt_1","summary":"x"}'
    prev, digest, link = bytes(range(32)), bytes(range(32, 64)), bytes(range(64, 96))
    expected = (
        b'{"id":"evt_1","summary":"x","_seal":{"s":3,"p":41,"prev":"'
        + prev.hex().encode()
        + b'","h":"'
        + digest.hex().encode()
        + b'","n":12,"f":"'
        + link.hex().encode()
        + b'"}}\n'
    )
    assert seal_line(body, 3, 41, prev, digest, 12, link) == expected


@given(count=st.integers(1, 60), cuts=st.lists(st.integers(0, 60), max_size=6))
def test_sealing_in_batches_writes_what_sealing_line_by_line_does(count, cuts) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(count)
    whole = _in_batches(rows, cuts)
    assert whole == _one_by_one(rows)
    report = verify_sealed_lines(whole.splitlines())
    assert report.valid and report.events == count


def test_the_file_link_runs_on_across_batches_and_numbers_follow() -> None:
    rows = _rows(5)
    lines = _in_batches(rows, [2, 3]).splitlines()
    seals = [orjson.loads(line)["_seal"] for line in lines]
    assert [seal["n"] for seal in seals] == [1, 2, 3, 4, 5]
    link = GENESIS
    for seal, row in zip(seals, rows, strict=True):
        link = sha256(link + row[4]).digest()
        assert seal["f"] == link.hex()
        assert (seal["s"], seal["p"], seal["prev"], seal["h"]) == (
            row[1],
            row[2],
            row[3].hex(),
            row[4].hex(),
        )


def test_an_edit_in_a_batch_sealed_export_is_named_by_its_line() -> None:
    lines = _in_batches(_rows(30), [10, 20]).splitlines()
    lines[14] = lines[14].replace(b'"n":', b'"n":1', 1).replace(b"evt_", b"evt-", 1)
    del lines[25]
    report = verify_sealed_lines(lines)
    assert not report.valid
    assert [f.line for f in report.findings if f.line is not None] == [15]
    assert [f.detail for f in report.findings if f.line is None] == [
        "1 line of the export missing (export line 26)"
    ]


def test_columns_of_unequal_length_are_refused_not_cut() -> None:
    bodies, segments, positions, prevs, hashes = zip(*_rows(3), strict=True)
    with pytest.raises(ValueError):
        ExportSealer().seal_lines(bodies, segments[:2], positions, prevs, hashes)
    with pytest.raises(ValueError):
        ExportSealer().seal_lines(bodies[:2], segments, positions, prevs, hashes)


def test_memoryview_chain_fields_seal_like_bytes() -> None:
    """A driver may hand binary columns over as buffers (psycopg2 did)."""
    rows = _rows(4)
    bodies, segments, positions, prevs, hashes = zip(*rows, strict=True)
    views = ExportSealer().seal_lines(
        bodies, segments, positions, [memoryview(p) for p in prevs], [memoryview(h) for h in hashes]
    )
    assert views == _one_by_one(rows)
