"""Time ranges: presets, custom ranges refused past retention, and dates as users type them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import FIXED_NOW
from tui.domain.errors import RangeRefused
from tui.domain.timerange import (
    DEFAULT_PRESET,
    RETENTION,
    RangePreset,
    TimeRange,
    default_range,
    parse_moment,
    retention_cutoff,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MS = timedelta(milliseconds=1)


# -- presets --------------------------------------------------------------------------------------


def test_the_presets_and_the_default() -> None:
    assert [p.code for p in RangePreset] == ["24h", "7d", "30d", "90d", "180d"]
    assert DEFAULT_PRESET is RangePreset.LAST_7D
    assert RangePreset.LAST_180D.span == RETENTION
    assert RangePreset.LAST_24H.label == "Last 24 hours"


@pytest.mark.parametrize(
    ("code", "preset"), [("7d", RangePreset.LAST_7D), (" 30D ", RangePreset.LAST_30D)]
)
def test_a_preset_is_found_by_its_code(code: str, preset: RangePreset) -> None:
    assert RangePreset.from_code(code) is preset


def test_an_unknown_preset_is_refused_with_the_choices() -> None:
    with pytest.raises(
        RangeRefused, match=r"unknown range '1y'; choose one of 24h, 7d, 30d, 90d, 180d"
    ):
        RangePreset.from_code("1y")


def test_a_preset_range_ends_just_after_now() -> None:
    week = TimeRange.last(RangePreset.LAST_7D, FIXED_NOW)
    assert week.start == FIXED_NOW - timedelta(days=7)
    assert week.end == FIXED_NOW + MS  # an event stamped this millisecond is included
    assert week.preset is RangePreset.LAST_7D
    assert week.label == "Last 7 days"
    assert default_range(FIXED_NOW) == week


def test_a_preset_range_is_reanchored_on_refresh() -> None:
    later = FIXED_NOW + timedelta(hours=5)
    moved = TimeRange.last(RangePreset.LAST_24H, FIXED_NOW).re_anchored(later)
    assert moved == TimeRange.last(RangePreset.LAST_24H, later)


def test_preset_ranges_are_in_utc_whatever_the_clock_zone() -> None:
    local_now = FIXED_NOW.astimezone(BERLIN)
    assert TimeRange.last(RangePreset.LAST_24H, local_now).start.tzinfo == UTC


# -- custom ranges --------------------------------------------------------------------------------


def test_a_custom_range_is_kept_as_asked() -> None:
    start, end = FIXED_NOW - timedelta(days=20), FIXED_NOW - timedelta(days=10)
    chosen = TimeRange.custom(start, end, FIXED_NOW)
    assert (chosen.start, chosen.end, chosen.preset) == (start, end, None)
    assert chosen.label == "2026-11-05 12:00 UTC → 2026-11-15 11:59 UTC"
    assert chosen.re_anchored(FIXED_NOW + timedelta(days=1)) == chosen


def test_a_reversed_range_is_refused() -> None:
    with pytest.raises(RangeRefused, match=r"ends .* before it starts .*; swap the dates"):
        TimeRange.custom(FIXED_NOW, FIXED_NOW - timedelta(days=1), FIXED_NOW)
    with pytest.raises(RangeRefused):
        TimeRange.custom(FIXED_NOW, FIXED_NOW, FIXED_NOW)


def test_a_range_reaching_past_180_days_is_refused_with_a_clear_message() -> None:
    with pytest.raises(RangeRefused) as refused:
        TimeRange.custom(FIXED_NOW - timedelta(days=200), FIXED_NOW, FIXED_NOW)
    message = str(refused.value)
    assert "events are kept for 180 days only" in message
    assert "the earliest start is 2026-05-29 12:00 UTC" in message
    assert "2026-05-09" in message  # the start that was asked for


def test_a_start_a_few_hours_past_retention_is_clamped_not_refused() -> None:
    # "180 days ago" typed as a date at midnight lies a few hours before the cut-off.
    chosen = TimeRange.custom(FIXED_NOW - RETENTION - timedelta(hours=12), FIXED_NOW, FIXED_NOW)
    assert chosen.start == retention_cutoff(FIXED_NOW)


def test_a_range_ending_before_retention_is_refused() -> None:
    # Regression: clamping the start made a reversed range that silently showed nothing.
    oldest = retention_cutoff(FIXED_NOW)
    with pytest.raises(RangeRefused, match="choose an end after 2026-05-29 12:00 UTC"):
        TimeRange.custom(oldest - timedelta(hours=20), oldest - timedelta(hours=2), FIXED_NOW)


def test_custom_ranges_are_converted_to_utc() -> None:
    start = datetime(2026, 11, 20, 9, 0, tzinfo=BERLIN)
    chosen = TimeRange.custom(start, start + timedelta(hours=1), FIXED_NOW)
    assert chosen.start == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_naive_datetimes_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="naive"):
        TimeRange.custom(datetime(2026, 11, 1), datetime(2026, 11, 2), FIXED_NOW)


# -- parse_moment ---------------------------------------------------------------------------------


def test_a_bare_date_is_midnight_in_the_zone() -> None:
    assert parse_moment("2026-11-20", BERLIN) == datetime(2026, 11, 19, 23, 0, tzinfo=UTC)
    assert parse_moment("2026-11-20", UTC) == datetime(2026, 11, 20, tzinfo=UTC)


def test_a_bare_end_date_includes_the_whole_day() -> None:
    until = parse_moment("2026-11-20", NEW_YORK, end_of_day=True)
    assert until == datetime(2026, 11, 21, 5, 0, tzinfo=UTC)


def test_the_end_of_a_daylight_saving_day_is_its_next_midnight() -> None:
    # 29 March 2026 has 23 hours in Berlin.
    assert parse_moment("2026-03-29", BERLIN, end_of_day=True) == datetime(
        2026, 3, 29, 22, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-20T14:30", datetime(2026, 11, 20, 13, 30, tzinfo=UTC)),
        ("2026-11-20 14:30", datetime(2026, 11, 20, 13, 30, tzinfo=UTC)),
        ("2026-11-20T14:30:15.250", datetime(2026, 11, 20, 13, 30, 15, 250000, tzinfo=UTC)),
        ("2026-11-20T14:30Z", datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("2026-11-20T14:30+05:00", datetime(2026, 11, 20, 9, 30, tzinfo=UTC)),
        ("  2026-11-20T14:30  ", datetime(2026, 11, 20, 13, 30, tzinfo=UTC)),
    ],
)
def test_date_times_are_read_in_the_zone_unless_they_name_one(
    typed: str, expected: datetime
) -> None:
    assert parse_moment(typed, BERLIN) == expected


def test_end_of_day_does_not_move_a_date_time() -> None:
    assert parse_moment("2026-11-20T14:30Z", UTC, end_of_day=True) == datetime(
        2026, 11, 20, 14, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("typed", ["", "   "])
def test_a_missing_date_is_refused(typed: str) -> None:
    with pytest.raises(RangeRefused, match="a date is missing; write it as 2026-11-20"):
        parse_moment(typed, UTC)


@pytest.mark.parametrize("typed", ["yesterday", "2026-13-01", "20/11/2026", "2026-11-20T25:00"])
def test_something_else_is_refused_with_an_example(typed: str) -> None:
    with pytest.raises(
        RangeRefused, match=r"is not a date; write it as 2026-11-20 or 2026-11-20T14:30"
    ):
        parse_moment(typed, UTC)
