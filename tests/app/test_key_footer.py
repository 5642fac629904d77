"""The footer: every key of the screen on two lines at 80 columns, kept current by redrawing
two lines (no widget per key to compose again), laid out so that no description runs into
the next key, dimming what cannot run now, and pressing a key that is clicked."""

from __future__ import annotations

import itertools
from typing import ClassVar

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType

from tests.app.conftest import drive, footer_keys, make_app, settle
from tui.app.key_layout import GAP, ShownKey, key_cells
from tui.app.widgets.key_footer import KeyFooter


def _lines(app) -> list[str]:  # type: ignore[no-untyped-def]
    footer = app.screen.query_one(KeyFooter)
    return [strip.text for strip in footer.render_lines(footer.region.reset_offset)]


def test_every_key_shows_once_on_two_lines_with_enter_first_once_rows_are_in(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        labels = footer_keys(app)
        assert labels[0] == "Details"
        assert len(labels) == len(set(labels)) == 16
        first, second = _lines(app)
        assert first.startswith("⏎ Details ") and second.startswith("x Clear ")
        for key in app.screen.query_one(KeyFooter).keys:  # each whole, after a space
            assert f"{key.display} {key.description}" in first + second
        assert "w Download V Verify" in " ".join(second.split())

    drive(app, scenario)


def test_a_change_of_keys_is_a_redraw_not_a_rebuild(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        footer = app.screen.query_one(KeyFooter)
        assert not footer.children
        await pilot.press("enter")  # the JSON pane: Esc closes it, Enter no longer opens
        await settle(pilot)
        assert "Close" in footer_keys(app) and "Details" not in footer_keys(app)
        assert "esc Close" in " ".join(_lines(app))
        await pilot.press("escape")
        await settle(pilot)
        assert footer_keys(app)[0] == "Details" and "Close" not in footer_keys(app)
        assert not footer.children

    drive(app, scenario)


def test_clicking_a_key_presses_it(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        first, _ = _lines(app)
        await pilot.click(KeyFooter, offset=(first.index("d Dates") + 2, 0))
        await settle(pilot)
        assert type(app.screen).__name__ == "RangePicker"

    drive(app, scenario)


class _Offers(App[None]):
    """A screen offering one key it can run and one it cannot (``check_action`` None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", "Run"),
        Binding("w", "wait", "Wait", tooltip="Not now"),
    ]

    def compose(self) -> ComposeResult:
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "wait" else True


def test_a_key_that_cannot_run_now_is_dimmed_and_only_rings() -> None:
    import asyncio

    async def main() -> None:
        app = _Offers()
        async with app.run_test(size=(40, 4)) as pilot:
            await pilot.pause()
            footer = app.query_one(KeyFooter)
            assert [(k.key, k.enabled) for k in footer.keys][:2] == [("r", True), ("w", False)]
            offered, waiting = footer.render_lines(footer.region.reset_offset)
            # Textual draws dim text as its colour blended into the background.
            assert offered.text.startswith("r Run") and waiting.text.startswith("w Wait")
            assert next(iter(waiting)).style.color != next(iter(offered)).style.color
            rung: list[bool] = []
            app.bell = lambda: rung.append(True)  # type: ignore[method-assign]
            await pilot.click(KeyFooter, offset=(0, 1))
            await pilot.pause()
            assert rung == [True]
            await pilot.hover(KeyFooter, offset=(2, 1))
            await pilot.pause()
            assert footer.tooltip == "Not now"

    asyncio.run(main())


_keys = st.lists(
    st.tuples(
        st.sampled_from(["⏎", "/", "a", "^t", "esc", "V"]),
        st.text(st.characters(min_codepoint=0x41, max_codepoint=0x7A), max_size=12),
    ),
    min_size=1,
    max_size=20,
).map(lambda pairs: tuple(ShownKey(k, k, d, True, "") for k, d in pairs))


@given(_keys, st.integers(min_value=1, max_value=200))
def test_keys_take_two_lines_in_columns_that_never_overlap(keys, width) -> None:  # type: ignore[no-untyped-def]
    cells = key_cells(keys, width)
    assert [key for *_, key in sorted(cells, key=lambda c: (c[0], c[1]))] == list(keys)
    columns = (len(keys) + 1) // 2
    assert [y for y, *_ in cells] == [0] * columns + [1] * (len(keys) - columns)
    for y in (0, 1):
        line = [(x, w) for line_y, x, w, _ in cells if line_y == y]
        for (x, w), (next_x, _) in itertools.pairwise(line):
            assert x + w + GAP == next_x  # a gap between columns, never an overlap
    for y, x, w, key in cells:
        assert w >= cell_len(key.display) + 1  # the key and a space always show
        if y == 1:
            assert (x, w) == next((cx, cw) for cy, cx, cw, _ in cells if cy == 0 and cx == x)
    natural = sum(
        max(cell_len(f"{k.display} {k.description}") for k in keys[c::columns][:2])
        for c in range(columns)
    )
    if natural + GAP * (columns - 1) <= width:  # it fits: whole, and the width used up
        assert all(w >= cell_len(f"{k.display} {k.description}") for _, _, w, k in cells)
        assert max(x + w for _, x, w, _ in cells) == width
