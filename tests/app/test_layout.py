"""The table's columns follow its width; the line under it shows the selected event's gist."""

from __future__ import annotations

from functools import wraps

import pytest

from tests.app.conftest import cells, drive, footer_keys, make_app, settle
from tui.app.column_layout import COLUMNS, CORE, fit_columns
from tui.store.repository import AuditReader

GAP = 1


def _used(widths: dict[str, int]) -> int:
    return sum(width + GAP for width in widths.values())


def test_at_80_columns_the_summary_replaces_area_and_target() -> None:
    # 79 cells: 80 columns less the table's one-cell scrollbar.
    assert fit_columns(79) == {
        "time": 13,
        "type": 16,
        "performer": 13,
        "where": 10,
        "summary": 22,
    }


@pytest.mark.parametrize("width", range(64, 260))
def test_the_columns_fit_every_width_and_add_the_less_useful_last(width: int) -> None:
    widths = fit_columns(width)
    assert _used(widths) == width  # no sideways scrolling, no cell wasted
    assert set(CORE) <= set(widths)
    assert list(widths) == [key for key in COLUMNS if key in widths]  # the portal's order
    assert widths["summary"] >= COLUMNS["summary"].floor
    if "target" in widths:
        assert widths["summary"] >= 36  # the summary is readable before the target appears
    if "area" in widths:
        assert "target" in widths  # area is implied by the type: it comes last
    for key, width_shown in widths.items():
        assert width_shown >= COLUMNS[key].floor


def test_narrower_than_the_floors_the_table_scrolls_sideways() -> None:
    widths = fit_columns(40)
    assert widths == {key: COLUMNS[key].floor for key in CORE}
    assert _used(widths) > 40


@pytest.fixture
def reads(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Names of the reader methods called (any thread)."""
    seen: list[str] = []
    for name in ("page", "count", "facets", "tenants", "newer_count", "stream", "get"):
        original = getattr(AuditReader, name)

        def spy(*args, __original=original, __name=name, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(__name)
            return __original(*args, **kwargs)

        monkeypatch.setattr(AuditReader, name, wraps(original)(spy))
    return seen


def _gist(screen) -> str:  # type: ignore[no-untyped-def]
    return str(screen.gist.render())


def _fits(table) -> bool:  # type: ignore[no-untyped-def]
    return table.virtual_size.width <= table.scrollable_content_region.width


def test_80x24_shows_summaries_and_the_selected_events_gist(audit_store, reads) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        table = screen.table
        assert list(table.column_widths) == ["time", "type", "performer", "where", "summary"]
        assert _fits(table)
        assert not table.show_horizontal_scrollbar
        first = screen.window.event_at(0)
        assert cells(table, "summary")[0] == first.summary
        row = table.render_line(1).text  # under the header
        assert row.startswith(" Nov 25 11:55 User First Login ")
        assert row.rstrip().endswith(" " + first.summary[:21] + "…")  # 22 cells of summary
        assert _gist(screen).startswith(first.summary)
        assert f"Target: {first.target.name} ({first.target.kind})" in _gist(screen)
        assert screen.gist.region.y == table.region.bottom  # directly under the table
        before = len(reads)
        for row in (1, 2, 3):
            await pilot.press("down")
            await pilot.pause()
            audit_event = screen.window.event_at(row)
            assert _gist(screen).startswith(audit_event.summary)
            assert audit_event.target.name in _gist(screen)
        assert reads[before:] == []  # the gist comes from the window, not the database

    drive(app, scenario)


def test_the_gist_is_inert_and_cut_to_the_line(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("slash", *"pwned", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        gist = _gist(screen)
        assert "\x1b" not in gist and "\x07" not in gist and "\x9b" not in gist
        assert gist.startswith("\\x1b[2J\\x1b[31m[bold red]pwned[/]")
        assert screen.gist.render().cell_len <= screen.gist.content_region.width
        assert "Target: " in gist  # a long summary leaves the target its room

    drive(app, scenario)


def test_columns_follow_resizes_and_the_json_pane(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        table = screen.table
        table.move_cursor(row=30)
        await pilot.pause()
        selected = table.selected_id
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        wide = table.column_widths
        assert list(wide) == list(COLUMNS)  # all seven, area and target included
        assert wide == fit_columns(table.scrollable_content_region.width)
        assert _fits(table)
        assert table.selected_id == selected and table.cursor_row == 30

        await pilot.press("enter")  # the JSON pane opens beside the table
        await settle(pilot)
        assert screen.has_class("-wide") and screen.pane.is_open
        assert table.region.width < 90
        assert "target" not in table.column_widths
        assert _fits(table)
        assert table.selected_id == selected
        assert screen.pane.event.id == selected
        assert _gist(screen).startswith(screen.pane.event.summary[:20])

        await pilot.press("escape")
        await settle(pilot)
        assert list(table.column_widths) == list(COLUMNS)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert table.column_widths == fit_columns(99)
        assert _fits(table) and table.selected_id == selected

    drive(app, scenario)


def test_details_is_offered_only_with_a_selected_row(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        assert "Details" in footer_keys(app)
        await pilot.press("slash", *"gateway 198.51.100.7", "enter")  # matches nothing
        await settle(pilot)
        await pilot.press("escape")  # back to the (empty, hidden) table
        await settle(pilot)
        assert screen.table.row_count == 0
        assert app.focused is screen.table
        assert "Details" not in footer_keys(app)
        assert not screen.gist.display
        await pilot.press("enter")  # and Enter does nothing
        await pilot.pause()
        assert not screen.pane.is_open
        await pilot.press("x")  # clear: rows again, and Details with them
        await settle(pilot)
        assert screen.table.row_count
        assert "Details" in footer_keys(app)
        assert screen.gist.display

    drive(app, scenario)


def test_an_empty_database_offers_no_details(empty_store) -> None:
    app = make_app(empty_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        screen.table.focus()
        await pilot.pause()
        assert "Details" not in footer_keys(app)
        assert screen.table.check_action("select_cursor", ()) is False

    drive(app, scenario)


def test_a_resize_while_the_table_is_hidden_is_caught_up_when_rows_return(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        table = screen.table
        await pilot.press("slash", *"gateway 198.51.100.7", "enter")  # matches nothing
        await settle(pilot)
        assert not table.display
        await pilot.resize_terminal(150, 30)
        await settle(pilot)
        await pilot.press("escape", "x")  # rows again, at the new width
        await settle(pilot)
        assert table.display and table.row_count
        assert table.column_widths == fit_columns(149)
        assert "target" in table.column_widths and _fits(table)

    drive(app, scenario)
