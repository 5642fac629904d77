"""Drawn lines are freed when dropped, not left in cycles for a full collection (issue 5)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui.app import strip_cycles


@pytest.fixture(autouse=True, scope="module")
def _installed() -> None:
    """What every viewer does as it starts (``AuditLogApp``); the last test checks it does."""
    strip_cycles.install()


_STYLES = st.sampled_from([None, Style(bold=True), Style(color="red"), Style(italic=True)])
_SEGMENTS = st.lists(
    st.tuples(st.text(alphabet="ab界 ", min_size=1, max_size=6), _STYLES).map(
        lambda parts: Segment(*parts)
    ),
    max_size=5,
)


def _parts(strips: Sequence[Strip]) -> list[tuple[list[Segment], int]]:
    return [(list(strip), strip.cell_length) for strip in strips]


def test_a_strip_divided_once_at_its_end_does_not_refer_to_itself() -> None:
    strip = Strip([Segment("hello", Style(bold=True))], 5)
    before = sys.getrefcount(strip)
    assert strip.divide([5]) == [strip]
    assert strip.crop_extend(0, 5, None) is strip
    assert sys.getrefcount(strip) == before  # nothing holds it but this test


def test_textuals_own_methods_make_the_cycle() -> None:
    """Why the module exists: Textual's methods cache the strip on itself."""
    strip = Strip([Segment("hello")], 5)
    before = sys.getrefcount(strip)
    strip_cycles.textual_divide(strip, [5])
    strip_cycles.textual_crop_extend(strip, 0, 5, None)
    assert sys.getrefcount(strip) == before + 2


@given(_SEGMENTS, st.lists(st.integers(0, 40), max_size=4))
def test_divide_gives_what_textual_gives(segments: list[Segment], offsets: list[int]) -> None:
    strip = Strip(segments)
    cuts = [*sorted(set(offsets)), strip.cell_length]
    ours = strip.divide(cuts)
    theirs = strip_cycles.textual_divide(Strip(segments), cuts)
    assert _parts(ours) == _parts(theirs)


@given(_SEGMENTS, st.integers(-3, 30), st.integers(0, 40), _STYLES)
def test_crop_extend_gives_what_textual_gives(
    segments: list[Segment], start: int, end: int, style: Style | None
) -> None:
    ours = Strip(segments).crop_extend(start, end, style)
    theirs = strip_cycles.textual_crop_extend(Strip(segments), start, end, style)
    assert _parts([ours]) == _parts([theirs])


def test_paging_through_the_viewer_leaves_no_strip_for_the_collector(
    audit_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.app.conftest import drive, make_app, settle

    monkeypatch.setattr(Strip, "divide", strip_cycles.textual_divide)  # as Textual has it
    monkeypatch.setattr(Strip, "crop_extend", strip_cycles.textual_crop_extend)
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            for _ in range(3):
                await pilot.press("end")
                await settle(pilot)
                await pilot.press("home")
                await settle(pilot)
            gc.collect()
            cyclic = [o for o in gc.garbage if isinstance(o, Strip)]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert cyclic == []

    drive(app, scenario)
