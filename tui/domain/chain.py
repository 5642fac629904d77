"""The hash chain that makes the stored log tamper-evident, and its verifier.

Every stored event has a place in the chain: a *segment* (one per append, i.e. one ingest
batch) and a *position* in it, the hash of the event before it (``prev``) and its own hash::

    hash = sha256(prev || body)        body: the canonical JSON the store keeps, as UTF-8

The first event of a segment takes as ``prev`` the head (last hash) of the segment before,
so the segments form one chain; a segment record keeps its ``prev_head``, ``head`` and
``count``. Because each event also keeps ``prev``, an event checks on its own (``hash``
matches ``prev`` and ``body``: not altered) and against its neighbour (``prev`` is the hash
of the event before it: nothing removed, inserted or moved in between). The retention purge
leaves a *checkpoint* per removed run of positions, holding the hash the kept part resumes
from, so the verifier can tell the legitimate purge from a removal.

An export seals each line with these fields (``tui.domain.sealed_export``).

This module is plain Python: the store feeds the verifier rows, the command line feeds it
lines. Memory stays bounded however long the chain: findings are capped and the pairing
window that recognises swapped events is small.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from hashlib import sha256

#: The ``prev`` of the very first event of a log.
GENESIS = bytes(32)
#: Findings kept in a report; beyond this only their number is counted.
MAX_FINDINGS = 1_000
#: How many recent altered events are compared with each other to recognise a swap.
PAIRING_WINDOW = 64


def link(prev: bytes, body: bytes) -> bytes:
    """An event's hash: its body chained to the hash before it."""
    return sha256(prev + body).digest()


def chain_hashes(prev: bytes, bodies: Iterable[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """``(prev, hash)`` for each body in turn, starting from ``prev``."""
    for body in bodies:
        current = sha256(prev + body).digest()
        yield prev, current
        prev = current


class Kind(enum.StrEnum):
    """What a finding says happened."""

    ALTERED = "altered"
    REMOVED = "removed"
    INSERTED = "inserted"
    REORDERED = "reordered"
    SEGMENT = "segment"  # a segment record itself does not match its events or neighbours


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing that is wrong, located as precisely as the evidence allows."""

    kind: Kind
    detail: str
    event_id: str | None = None
    segment: int | None = None
    position: int | None = None
    line: int | None = None  # for an exported file: the line number (1-based)
    count: int = 1

    def describe(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.event_id is not None:
            where.append(f"event {self.event_id}")
        if self.segment is not None:
            where.append(f"segment {self.segment}")
        if self.position is not None:
            where.append(f"position {self.position}")
        place = f" ({', '.join(where)})" if where else ""
        return f"{self.kind.value}{place}: {self.detail}"


@dataclass(slots=True)
class ChainReport:
    """The outcome of a verification: VALID when ``findings_total`` is zero."""

    events: int = 0
    segments: int = 0
    purged: int = 0  # positions legitimately removed by the retention purge
    findings: list[Finding] = field(default_factory=list)
    findings_total: int = 0

    @property
    def valid(self) -> bool:
        return self.findings_total == 0

    def add(self, finding: Finding) -> None:
        self.findings_total += 1
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(finding)


# -- the stored chain ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    """One append's record: where it starts from, where it ends, how many events."""

    segment: int
    prev_head: bytes
    head: bytes
    count: int


@dataclass(frozen=True, slots=True)
class ChainRow:
    """One stored event as the verifier needs it."""

    segment: int | None
    position: int | None
    prev: bytes | None
    hash: bytes | None
    body: bytes
    event_id: str


@dataclass(frozen=True, slots=True)
class PurgeCheckpoint:
    """Positions ``first..last`` of ``segment`` removed by the purge; ``anchor`` is the hash
    of the last one removed: the ``prev`` of the event the kept part resumes with."""

    segment: int
    first: int
    last: int
    anchor: bytes


@dataclass(slots=True)
class _Held:
    """The event last walked, judged once the next one shows whether its link holds."""

    row: ChainRow
    segment: int
    linked_in: bool  # its prev is the hash of the event walked before it
    intact: bool
    moved: bool = False


class ChainVerifier:
    """Walks segments in order, each with its events in position order and its purge
    checkpoints: call ``segment`` for each, ``orphan`` for each event in no segment, then
    ``report``.

    Judging a broken link: an event whose links on *both* sides are broken was moved
    (reordered); a single broken link means the event before it no longer has the hash its
    successor recorded (altered and re-hashed); a gap in positions not covered by a purge
    checkpoint is a removal; an event whose own hash fails was altered, unless its content
    hashes into the place of another altered event (the two were swapped).
    """

    def __init__(self) -> None:
        self.result = ChainReport()
        self._previous_head: bytes | None = None
        self._altered: list[tuple[ChainRow, int, int]] = []  # row, segment, finding index

    def segment(
        self,
        record: SegmentRecord,
        rows: Iterable[ChainRow],
        checkpoints: list[PurgeCheckpoint],
    ) -> None:
        result = self.result
        result.segments += 1
        if self._previous_head is not None and record.prev_head != self._previous_head:
            self._add(
                Finding(
                    Kind.SEGMENT,
                    "does not continue from the segment before it "
                    "(a whole segment was removed, or a segment record was altered)",
                    segment=record.segment,
                )
            )
        self._previous_head = record.head
        purged = _merge(checkpoints)
        position = 0  # the next expected position
        running = record.prev_head  # the hash the next event must name as prev
        held: _Held | None = None
        before: _Held | None = None
        for row in rows:
            result.events += 1
            if (
                row.position is None
                or row.prev is None
                or row.hash is None
                or row.position < position
                or row.position >= record.count
            ):
                self._add(
                    Finding(
                        Kind.INSERTED,
                        "an event the segment never held at this place",
                        event_id=row.event_id,
                        segment=record.segment,
                        position=row.position,
                    )
                )
                continue
            gap = row.position > position
            if gap:
                anchor = self._gap(record.segment, position, row.position - 1, purged)
                running = row.prev if anchor is None else anchor
            intact = link(row.prev, row.body) == row.hash
            if not intact:
                self._altered_event(record.segment, row)
            current = _Held(row, record.segment, row.prev == running, intact)
            if held is not None:
                self._judge(before, held, current.linked_in)
            before, held = held, current
            running = row.hash
            position = row.position + 1
        if position < record.count:
            anchor = self._gap(record.segment, position, record.count - 1, purged)
            running = record.head if anchor is None else anchor
        if held is not None:
            self._judge(before, held, running == record.head)
        if running != record.head and (held is None or held.intact):
            self._add(
                Finding(
                    Kind.SEGMENT,
                    "its recorded head is not the hash of its last event",
                    segment=record.segment,
                )
            )
            # The next segment is judged against what the events say, so one altered head
            # is one finding.
            self._previous_head = running

    def orphan(self, row: ChainRow) -> None:
        """An event outside every recorded segment: it was inserted by other means."""
        self.result.events += 1
        self._add(
            Finding(
                Kind.INSERTED,
                "an event outside every recorded segment",
                event_id=row.event_id,
                segment=row.segment,
                position=row.position,
            )
        )

    def report(self) -> ChainReport:
        return self.result

    # -- helpers -----------------------------------------------------------------------------

    def _add(self, finding: Finding) -> int:
        """Record ``finding``; its index in the kept findings, or -1 past the cap."""
        self.result.add(finding)
        kept = self.result.findings
        return len(kept) - 1 if kept and kept[-1] is finding else -1

    def _judge(self, before: _Held | None, held: _Held, linked_out: bool) -> None:
        if held.linked_in:
            return
        if not linked_out:
            held.moved = True
            if held.intact:
                self._add(
                    Finding(
                        Kind.REORDERED,
                        "moved: it does not follow, nor is followed by, its neighbours "
                        "in the chain",
                        event_id=held.row.event_id,
                        segment=held.segment,
                        position=held.row.position,
                    )
                )
            return
        if before is None or before.moved or not before.intact:
            return
        self._add(
            Finding(
                Kind.ALTERED,
                f"the next event ({held.row.event_id}) recorded a different hash for it: "
                "it was altered and re-hashed, or events between them were removed",
                event_id=before.row.event_id,
                segment=before.segment,
                position=before.row.position,
            )
        )

    def _gap(
        self, segment: int, first: int, last: int, purged: list[PurgeCheckpoint]
    ) -> bytes | None:
        """Positions first..last are missing. The parts the purge recorded count as purged,
        the rest is reported removed. Returns the checkpoint's anchor when the gap ends in a
        purged run (the kept part resumes from it), else None."""
        anchor: bytes | None = None
        position = first
        for checkpoint in purged:
            if checkpoint.last < position or checkpoint.first > last:
                continue
            if checkpoint.first > position:
                self._removed(segment, position, checkpoint.first - 1)
            covered_to = min(checkpoint.last, last)
            self.result.purged += covered_to - max(checkpoint.first, position) + 1
            anchor = checkpoint.anchor if checkpoint.last == covered_to else None
            position = covered_to + 1
        if position <= last:
            self._removed(segment, position, last)
            anchor = None
        return anchor

    def _removed(self, segment: int, first: int, last: int) -> None:
        count = last - first + 1
        plural = "s" if count > 1 else ""
        self._add(
            Finding(
                Kind.REMOVED,
                f"{count} event{plural} missing (position{plural} {first}"
                + (f"..{last})" if count > 1 else ")"),
                segment=segment,
                position=first,
                count=count,
            )
        )

    def _altered_event(self, segment: int, row: ChainRow) -> None:
        assert row.prev is not None
        for slot, (other, other_segment, index) in enumerate(self._altered):
            assert other.prev is not None
            if link(other.prev, row.body) == other.hash and link(row.prev, other.body) == row.hash:
                del self._altered[slot]
                if index >= 0:
                    self.result.findings[index] = Finding(
                        Kind.REORDERED,
                        f"exchanged places with {row.event_id} "
                        f"(segment {segment}, position {row.position})",
                        event_id=other.event_id,
                        segment=other_segment,
                        position=other.position,
                    )
                self._add(
                    Finding(
                        Kind.REORDERED,
                        f"exchanged places with {other.event_id} "
                        f"(segment {other_segment}, position {other.position})",
                        event_id=row.event_id,
                        segment=segment,
                        position=row.position,
                    )
                )
                return
        index = self._add(
            Finding(
                Kind.ALTERED,
                "its content does not match its hash",
                event_id=row.event_id,
                segment=segment,
                position=row.position,
            )
        )
        self._altered.append((row, segment, index))
        if len(self._altered) > PAIRING_WINDOW:
            del self._altered[0]


def _merge(checkpoints: list[PurgeCheckpoint]) -> list[PurgeCheckpoint]:
    """Adjacent checkpoints (successive purges of one segment) as single runs."""
    merged: list[PurgeCheckpoint] = []
    for checkpoint in sorted(checkpoints, key=lambda c: c.first):
        if merged and merged[-1].last + 1 == checkpoint.first:
            merged[-1] = PurgeCheckpoint(
                checkpoint.segment, merged[-1].first, checkpoint.last, checkpoint.anchor
            )
        else:
            merged.append(checkpoint)
    return merged
