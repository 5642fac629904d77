"""NDJSON in blocks: the lines of ``auditlog ingest``, read and judged a block at a time.

Reading a megabyte at a time and judging its lines in one call keeps the per-line cost to
the decoding and validation themselves (and lets one scan of the block stand for a regular
expression per line). What a line becomes is exactly what it became when lines were read
one by one: the same line numbers, the same reasons, the same bytes set aside.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO, NamedTuple

import orjson

from tui.domain.errors import EventRejected
from tui.domain.event import AuditEvent
from tui.domain.formats import decode_json, holds_long_digits
from tui.domain.validation import parse_event

#: How much is read at a time; a block ends at the last whole line within it.
BLOCK_BYTES = 1024 * 1024
#: A line longer than this is refused without being decoded, or even held (protects memory).
MAX_LINE_BYTES = 32 * 1024 * 1024
TOO_LONG = f"line longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB"


class Rejected(NamedTuple):
    """A line that is not an event: its number, why, and its bytes as read."""

    number: int
    reason: str
    line: bytes


class ParsedBlock(NamedTuple):
    """A block's lines in order, each an event or a rejection; ``last_line`` is the number
    of its last line that was not blank (0 when all were)."""

    items: list[AuditEvent | Rejected]
    last_line: int


class LongLine:
    """A line found longer than ``MAX_LINE_BYTES`` before its end was even read.

    It is refused unread, so it is never held whole: ``pieces()`` gives its bytes (the
    newline included) as they are read, for the reject file. ``blocks`` skips whatever of
    it was not taken before it goes on.
    """

    def __init__(self, head: list[bytes], source: BinaryIO, size: int) -> None:
        self._head, self._source, self._size = head, source, size
        self.rest: bytes | None = None  # what followed its newline in the last read

    def pieces(self) -> Iterator[bytes]:
        head, self._head = self._head, []
        yield from head
        while self.rest is None:
            data = self._source.read(self._size)
            cut = data.find(b"\n") + 1
            if not data or cut:
                self.rest = data[cut:]
                if cut:
                    yield data[:cut]
                return
            yield data


def blocks(source: BinaryIO, size: int | None = None) -> Iterator[tuple[int, bytes | LongLine]]:
    """``(number of its first line, whole lines)`` for each block of ``source``.

    A block holds at least ``size`` bytes (default ``BLOCK_BYTES``; but the last) and ends
    with a newline (but the last, when the input does not). A line longer than a block makes
    its block longer, up to ``MAX_LINE_BYTES``; beyond that it comes as a ``LongLine`` of
    its own, so memory stays bounded whatever the input.
    """
    size = size or BLOCK_BYTES
    number = 1
    pending: list[bytes] = []
    held = 0
    while data := source.read(size):
        cut = data.rfind(b"\n") + 1
        if not cut:
            pending.append(data)
            held += len(data)
            if held > MAX_LINE_BYTES:
                long_line = LongLine(pending, source, size)
                yield number, long_line
                for _ in long_line.pieces():  # (whatever the caller left unread)
                    pass
                number += 1
                rest = long_line.rest or b""
                cut = rest.rfind(b"\n") + 1
                if cut:
                    yield number, rest[:cut]
                    number += rest.count(b"\n", 0, cut)
                pending = [rest[cut:]] if cut < len(rest) else []
                held = len(rest) - cut
            continue
        pending.append(data[:cut])
        block = b"".join(pending)
        pending = [data[cut:]] if cut < len(data) else []
        held = len(data) - cut
        yield number, block
        number += block.count(b"\n")
    if pending:
        yield number, b"".join(pending)


def parse_block(first: int, block: bytes, now: datetime | None) -> ParsedBlock:
    """Decode and validate each line of ``block`` (whose first line is number ``first``).

    Blank lines are skipped; every other line becomes an ``AuditEvent`` or a ``Rejected``.
    """
    # One pass over the block for a run of 19 digits (an integer beyond 64 bits, which only
    # decode_json reads exactly) instead of a check of each line: nearly always there is none.
    loads = decode_json if holds_long_digits(block) else orjson.loads
    items: list[AuditEvent | Rejected] = []
    append = items.append
    number, last = first - 1, 0
    for line in io.BytesIO(block):
        number += 1
        if line[0] != 0x7B and not line.strip():  # (0x7b is "{", the usual first byte)
            continue
        last = number
        if len(line) > MAX_LINE_BYTES:
            append(Rejected(number, TOO_LONG, line))
            continue
        try:
            raw = loads(line)
        except orjson.JSONDecodeError as error:
            append(Rejected(number, _not_json(line, error), line))
            continue
        try:
            append(parse_event(raw, now=now))
        except EventRejected as error:
            append(Rejected(number, str(error), line))
    return ParsedBlock(items, last)


def _not_json(line: bytes, error: orjson.JSONDecodeError) -> str:
    """Why ``line`` is not JSON; for bytes that are not UTF-8, which byte and where (orjson
    says "surrogates not allowed" at column 1 for any of them)."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"not UTF-8 text: byte {line[bad.start]:#04x} at offset {bad.start} ({bad.reason})"
    return f"not valid JSON ({error})"
