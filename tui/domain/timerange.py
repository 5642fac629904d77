"""Time ranges: the presets, custom ranges, and the 180-day retention limit.

A range is half-open, ``[start, end)``, in UTC. Ranges are refused rather than silently
widened or narrowed: a user who asks for 200 days must learn that only 180 exist.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from tui.domain.errors import RangeRefused

#: How long events stay visible after they happen (also those of erased performers).
RETENTION = timedelta(days=180)
#: A custom range counts as reaching no further back than retention within this slack, so
#: that "180 days ago" typed as a date at midnight is not refused for a few hours' difference.
_SLACK = timedelta(days=1)


class RangePreset(enum.Enum):
    """The quick choices offered everywhere; ``LAST_7D`` is the default."""

    LAST_24H = ("24h", "Last 24 hours", timedelta(hours=24))
    LAST_7D = ("7d", "Last 7 days", timedelta(days=7))
    LAST_30D = ("30d", "Last 30 days", timedelta(days=30))
    LAST_90D = ("90d", "Last 90 days", timedelta(days=90))
    LAST_180D = ("180d", "Last 180 days", timedelta(days=180))

    def __init__(self, code: str, label: str, span: timedelta) -> None:
        self.code = code
        self.label = label
        self.span = span

    @classmethod
    def from_code(cls, code: str) -> RangePreset:
        for preset in cls:
            if preset.code == code.strip().lower():
                return preset
        choices = ", ".join(p.code for p in cls)
        raise RangeRefused(f"unknown range {code!r}; choose one of {choices}")


DEFAULT_PRESET = RangePreset.LAST_7D


def retention_cutoff(now: datetime) -> datetime:
    """The oldest moment still visible at ``now``."""
    return now - RETENTION


@dataclass(frozen=True, slots=True)
class TimeRange:
    """``[start, end)`` in UTC; ``preset`` remembers a quick choice so refresh can re-anchor it."""

    start: datetime
    end: datetime
    preset: RangePreset | None = None

    @classmethod
    def last(cls, preset: RangePreset, now: datetime) -> TimeRange:
        now = _utc(now)
        # The end lies a moment past "now" so an event stamped this very millisecond shows.
        return cls(now - preset.span, now + timedelta(milliseconds=1), preset)

    @classmethod
    def custom(cls, start: datetime, end: datetime, now: datetime) -> TimeRange:
        """A user-chosen range; refused if reversed or reaching past retention."""
        start, end, now = _utc(start), _utc(end), _utc(now)
        if end <= start:
            raise RangeRefused(
                f"the range ends ({_day(end)}) before it starts ({_day(start)}); swap the dates"
            )
        oldest = retention_cutoff(now)
        if start < oldest - _SLACK:
            raise RangeRefused(
                f"the range starts {_day(start)}, but events are kept for 180 days only; "
                f"the earliest start is {_day(oldest)}"
            )
        if end <= oldest:
            # Within the slack the start is clamped to ``oldest``; an end before it would
            # leave a reversed range that silently shows nothing.
            raise RangeRefused(
                f"the range ends {_day(end)}, but events are kept for 180 days only; "
                f"choose an end after {_day(oldest)}"
            )
        return cls(max(start, oldest), end)

    def re_anchored(self, now: datetime) -> TimeRange:
        """The same preset measured from a new ``now``; a custom range stays as it is."""
        return TimeRange.last(self.preset, now) if self.preset else self

    @property
    def label(self) -> str:
        if self.preset:
            return self.preset.label
        return f"{_day(self.start)} → {_day(self.end - timedelta(milliseconds=1))}"


def default_range(now: datetime) -> TimeRange:
    return TimeRange.last(DEFAULT_PRESET, now)


def parse_moment(text: str, zone: tzinfo, *, end_of_day: bool = False) -> datetime:
    """Parse a user's date or date-time; a bare date is that day in ``zone``.

    With ``end_of_day`` a bare date means the end of that day (so ``--until 2026-11-20``
    includes the 20th). Date-times without an offset are read in ``zone``.
    """
    value = text.strip()
    if not value:
        raise RangeRefused("a date is missing; write it as 2026-11-20 or 2026-11-20T14:30")
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day, time.min, zone)
            return _utc(moment + timedelta(days=1) if end_of_day else moment)
        moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise RangeRefused(
            f"{value!r} is not a date; write it as 2026-11-20 or 2026-11-20T14:30"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return _utc(moment)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime; the domain works in aware UTC times")
    return moment.astimezone(UTC)


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
