"""The seal an NDJSON export carries on each line, and the offline check of a sealed file.

Each line is the stored body with a ``_seal`` member spliced in before its closing brace,
holding the event's chain fields (``tui.domain.chain``) plus the line's number in the file
and a running file link (``f = sha256(f_before || hash)``), so lines removed from, added to
or moved in the file are found with no database. See ``seal_line`` and
``verify_sealed_lines``.
"""

from __future__ import annotations

import itertools
import re
from binascii import hexlify
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from hashlib import sha256
from operator import itemgetter

import orjson

from tui.domain.chain import GENESIS, ChainReport, Finding, Kind, link

#: Where a sealed line's seal starts.
SEAL_MEMBER = b',"_seal":{'


class ExportSealer:
    """Seals the lines of one exported file, in the order they are written.

    Example::

        sealer = ExportSealer()
        for body, segment, position, prev, hash in rows:
            out.write(sealer.seal(body, segment, position, prev, hash))

    ``seal_lines`` seals a whole batch at once, byte for byte what ``seal`` writes for each
    row in turn, at a fraction of the cost: an export's hot path.
    """

    __slots__ = ("_file_link", "_line")

    def __init__(self) -> None:
        self._line = 0
        self._file_link = GENESIS

    def seal(self, body: bytes, segment: int, position: int, prev: bytes, hash: bytes) -> bytes:
        """The NDJSON line (newline included) for a stored body and its chain fields."""
        self._line += 1
        self._file_link = sha256(self._file_link + hash).digest()
        return seal_line(body, segment, position, prev, hash, self._line, self._file_link)

    def seal_lines(
        self,
        bodies: Sequence[bytes],
        segments: Sequence[int],
        positions: Sequence[int],
        prevs: Sequence[bytes],
        hashes: Sequence[bytes],
    ) -> bytes:
        """The sealed lines of a batch (five columns of equal length), joined.

        Only the running file link is computed line by line, since each link chains from the
        one before; the rest is mapped over the columns by C code (hex, the seal's text, the
        body's opening, one join), so a line costs about a microsecond, not five.
        """
        links: list[bytes] = []
        append = links.append
        file_link = self._file_link
        for hash in hashes:
            file_link = sha256(file_link + hash).digest()
            append(file_link)
        first = self._line + 1
        self._line += len(links)
        self._file_link = file_link
        seals = map(
            _SEAL_TAIL.__mod__,
            zip(
                segments,
                positions,
                map(hexlify, prevs),
                map(hexlify, hashes),
                range(first, self._line + 1),
                map(hexlify, links),
                strict=True,
            ),
        )
        lines = zip(map(_OPENED, bodies), seals, strict=True)
        return b"".join(itertools.chain.from_iterable(lines))


#: What follows a body opened before its closing brace: its seal, the brace, the newline.
_SEAL_TAIL = b',"_seal":{"s":%d,"p":%d,"prev":"%s","h":"%s","n":%d,"f":"%s"}}\n'
#: A body without its closing brace (``body[:-1]``), as a C callable for ``map``.
_OPENED = itemgetter(slice(None, -1))


def seal_line(
    body: bytes,
    segment: int,
    position: int,
    prev: bytes,
    hash: bytes,
    line: int,
    file_link: bytes,
) -> bytes:
    """``body`` with ``"_seal":{...}`` spliced in before its closing brace, plus a newline.

    No re-parse: the body is the stored canonical JSON object, so its last byte is ``}``.
    """
    return body[:-1] + _SEAL_TAIL % (
        segment,
        position,
        hexlify(prev),
        hexlify(hash),
        line,
        hexlify(file_link),
    )


@dataclass(frozen=True, slots=True)
class _Sealed:
    line: int  # where it is in the file
    body: bytes
    segment: int
    position: int
    prev: bytes
    hash: bytes
    number: int  # where the export put it
    file_link: bytes


def unseal(line: bytes) -> tuple[bytes, dict[str, object]] | None:
    """The stored body and the seal of a sealed line, or None when it carries no seal."""
    stripped = line.rstrip(b"\r\n")
    at = stripped.rfind(SEAL_MEMBER)
    if at < 0 or not stripped.endswith(b"}}"):
        return None
    try:
        seal = orjson.loads(stripped[at + len(SEAL_MEMBER) - 1 : -1])
    except orjson.JSONDecodeError:
        return None
    if not isinstance(seal, dict):
        return None
    return _unescape_line_breaks(stripped[:at] + b"}"), seal


#: An export escapes U+2028, U+2029 and U+0085 (``formats._escape_line_breaks``) so that no
#: tool splits a line at them; a stored body never holds those escapes (orjson writes the
#: characters raw), so an escape not itself escaped is the export's and is undone here.
_EXPORT_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\u(2028|2029|0085)")
_RAW = {b"2028": "\u2028".encode(), b"2029": "\u2029".encode(), b"0085": "\u0085".encode()}


def _unescape_line_breaks(body: bytes) -> bytes:
    if b"\\u20" not in body and b"\\u0085" not in body:
        return body
    return _EXPORT_ESCAPE.sub(lambda m: m.group(1) + _RAW[m.group(2)], body)


def _read_seal(number: int, line: bytes) -> _Sealed | None:
    opened = unseal(line)
    if opened is None:
        return None
    body, seal = opened
    try:
        return _Sealed(
            number,
            body,
            int(seal["s"]),  # type: ignore[call-overload]
            int(seal["p"]),  # type: ignore[call-overload]
            bytes.fromhex(str(seal["prev"])),
            bytes.fromhex(str(seal["h"])),
            int(seal["n"]),  # type: ignore[call-overload]
            bytes.fromhex(str(seal["f"])),
        )
    except (KeyError, ValueError, TypeError):
        return None


def _event_id(body: bytes) -> str | None:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    found = document.get("id") if isinstance(document, dict) else None
    return found if isinstance(found, str) else None


def verify_sealed_lines(lines: Iterable[bytes]) -> ChainReport:
    """Check an exported NDJSON file on its own, with no database.

    Each line must match its own hash (else *altered*); its file number must follow the line
    before it and its file link must chain from that line's (else lines were *removed*,
    *inserted* or *reordered*: a line whose links on both sides are broken was moved; a
    number never seen was removed). What this cannot see: lines cut from the end of the
    file (compare the count with what the export reported), and a forger who recomputes
    every hash after the edit — only the database (``auditlog verify``) or a copy of the
    last file link kept elsewhere settles that.
    """
    result = ChainReport()
    seen = bytearray()  # bit per file number: which were present
    previous: _Sealed | None = None
    # A line is "moved" when the links on both its sides are broken; decide one line late.
    held: tuple[_Sealed, bool] | None = None
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        sealed = _read_seal(number, raw)
        if sealed is None:
            result.add(
                Finding(Kind.INSERTED, "a line without a valid seal", _event_id(raw), line=number)
            )
            continue
        result.events += 1
        if link(sealed.prev, sealed.body) != sealed.hash:
            result.add(
                Finding(
                    Kind.ALTERED,
                    "its content does not match its hash",
                    _event_id(sealed.body),
                    sealed.segment,
                    sealed.position,
                    number,
                )
            )
        index = sealed.number - 1
        if index < 0:
            result.add(Finding(Kind.INSERTED, "an impossible line number", line=number))
            continue
        if index >= len(seen) * 8:
            seen.extend(bytes(max(len(seen), index // 8 + 1 - len(seen))))
        if seen[index // 8] & (1 << (index % 8)):
            result.add(
                Finding(
                    Kind.INSERTED,
                    f"a second line numbered {sealed.number}",
                    _event_id(sealed.body),
                    sealed.segment,
                    sealed.position,
                    number,
                )
            )
            continue
        seen[index // 8] |= 1 << (index % 8)
        before = GENESIS if previous is None else previous.file_link
        linked_in = (
            sealed.number == (1 if previous is None else previous.number + 1)
            and sha256(before + sealed.hash).digest() == sealed.file_link
        )
        if held is not None:
            _judge_moved(result, *held, linked_out=linked_in)
        held = (sealed, linked_in)
        previous = sealed
    if held is not None:
        _judge_moved(result, *held, linked_out=True)
    total = len(seen) * 8
    while total and not seen[(total - 1) // 8] & (1 << ((total - 1) % 8)):
        total -= 1
    missing_from: int | None = None
    for index in range(total + 1):
        present = index < total and bool(seen[index // 8] & (1 << (index % 8)))
        if not present and missing_from is None and index < total:
            missing_from = index
        elif (present or index == total) and missing_from is not None:
            count = index - missing_from
            result.add(
                Finding(
                    Kind.REMOVED,
                    f"{count} line{'s' if count > 1 else ''} of the export missing "
                    f"(export line{'s' if count > 1 else ''} {missing_from + 1}"
                    + (f"..{index})" if count > 1 else ")"),
                    count=count,
                )
            )
            missing_from = None
    return result


def _judge_moved(result: ChainReport, sealed: _Sealed, linked_in: bool, linked_out: bool) -> None:
    if not linked_in and not linked_out:
        result.add(
            Finding(
                Kind.REORDERED,
                f"the export wrote it as line {sealed.number}",
                _event_id(sealed.body),
                sealed.segment,
                sealed.position,
                sealed.line,
            )
        )
