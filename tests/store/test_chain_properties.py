"""The verifier (pure, tui.domain.chain) against random tampering of an in-memory chain:
whatever single thing is done, at whatever place, it is reported exactly once, there."""

from __future__ import annotations

import orjson
from hypothesis import given
from hypothesis import strategies as st

from tui.domain.chain import (
    GENESIS,
    ChainRow,
    ChainVerifier,
    Kind,
    SegmentRecord,
    chain_hashes,
)
from tui.domain.sealed_export import ExportSealer, unseal, verify_sealed_lines

SIZES = st.lists(st.integers(1, 8), min_size=1, max_size=5)


def build(sizes: list[int]) -> tuple[list[SegmentRecord], list[list[ChainRow]]]:
    records, segments, head, n = [], [], GENESIS, 0
    for number, size in enumerate(sizes, start=1):
        bodies = [orjson.dumps({"id": f"evt_{n + i}", "summary": "x" * i}) for i in range(size)]
        rows = [
            ChainRow(number, position, prev, digest, body, f"evt_{n + position}")
            for position, (body, (prev, digest)) in enumerate(
                zip(bodies, chain_hashes(head, bodies), strict=True)
            )
        ]
        records.append(SegmentRecord(number, head, rows[-1].hash, size))  # type: ignore[arg-type]
        head = rows[-1].hash  # type: ignore[assignment]
        segments.append(rows)
        n += size
    return records, segments


def verify(records, segments):  # type: ignore[no-untyped-def]
    verifier = ChainVerifier()
    for record, rows in zip(records, segments, strict=True):
        verifier.segment(record, rows, [])
    return verifier.report()


@given(SIZES)
def test_an_untouched_chain_is_valid(sizes) -> None:  # type: ignore[no-untyped-def]
    assert verify(*build(sizes)).valid


@given(SIZES, st.data())
def test_any_altered_event_is_named(sizes, data) -> None:  # type: ignore[no-untyped-def]
    records, segments = build(sizes)
    s = data.draw(st.integers(0, len(sizes) - 1))
    p = data.draw(st.integers(0, sizes[s] - 1))
    row = segments[s][p]
    segments[s][p] = ChainRow(
        row.segment, row.position, row.prev, row.hash, row.body + b" ", row.event_id
    )
    report = verify(records, segments)
    assert [(f.kind, f.event_id) for f in report.findings] == [(Kind.ALTERED, row.event_id)]


@given(SIZES, st.data())
def test_any_removed_event_is_located(sizes, data) -> None:  # type: ignore[no-untyped-def]
    records, segments = build(sizes)
    s = data.draw(st.integers(0, len(sizes) - 1))
    p = data.draw(st.integers(0, sizes[s] - 1))
    del segments[s][p]
    report = verify(records, segments)
    assert [(f.kind, f.segment, f.position) for f in report.findings] == [(Kind.REMOVED, s + 1, p)]


@given(st.lists(st.binary(min_size=0, max_size=40), min_size=1, max_size=10))
def test_a_sealed_line_is_the_body_plus_its_seal(payloads) -> None:  # type: ignore[no-untyped-def]
    sealer = ExportSealer()
    lines = []
    for i, payload in enumerate(payloads):
        body = orjson.dumps({"id": f"evt_{i}", "details": {"_seal": payload.hex()}})
        prev, digest = next(chain_hashes(GENESIS, [body]))
        line = sealer.seal(body, 1, i, prev, digest)
        document = orjson.loads(line)
        assert document.pop("_seal")["h"] == digest.hex()
        assert orjson.dumps(document) == body
        assert unseal(line) is not None and unseal(line)[0] == body  # type: ignore[index]
        lines.append(line)
    assert verify_sealed_lines(lines).valid
