"""The JSON pane, copy, refresh, download, keys help, command palette and themes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.app.conftest import SEEDED, drive, make_app, raw, settle
from tests.conftest import FIXED_NOW
from tui.app.widgets.keys_help import KeysHelp
from tui.domain.event import format_timestamp
from tui.domain.validation import parse_event


def _update_row(table) -> int:  # type: ignore[no-untyped-def]
    for row in range(table.row_count):
        if str(table.get_row_at(row)[1]).endswith("Updated"):
            return row
    raise AssertionError("no Updated event loaded")


def test_enter_opens_the_json_pane_with_changes_and_escape_closes_it(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        row = _update_row(screen.table)
        screen.table.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        pane = screen.pane
        assert pane.is_open
        event = pane.event
        assert event.type.is_update
        assert json.loads(pane.json_text)["id"] == event.id
        changes = str(pane.query_one("#changes-text").render())
        n = int(event.id.removeprefix("evt_"))
        assert f'name: "Old name {n}" → "New name {n}"' in changes
        assert "enabled: true → false" in changes
        editor = pane.query_one("#json")
        assert editor.text == pane.json_text and editor.read_only
        await pilot.press("down")  # the pane follows the cursor
        await pilot.pause()
        assert pane.event.id != event.id
        await pilot.press("escape")
        await pilot.pause()
        assert not pane.is_open
        assert app.focused is screen.table

    drive(app, scenario)


def test_the_pane_opens_with_a_click_and_closes_with_its_button(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.click("#events", offset=(20, 2))  # below the header: the second row
        await pilot.click("#events", offset=(20, 2))
        await pilot.pause()
        assert screen.pane.is_open and screen.pane.event.id == "evt_0001"
        assert not screen.pane.query_one("#changes").display  # no changes: no diff block
        await pilot.click("#close")
        await pilot.pause()
        assert not screen.pane.is_open

    drive(app, scenario)


def test_copy_falls_back_to_the_terminal_and_says_so(audit_store, monkeypatch) -> None:
    import pyperclip

    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no copy/paste mechanism for your system")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("enter", "c")
        await pilot.pause()
        assert json.loads(app.clipboard)["id"] == "evt_0000"  # sent via OSC 52
        notes = [n.message for n in app._notifications]
        assert any("No system clipboard here" in m and "OSC 52" in m for m in notes)

    drive(app, scenario)


def test_copy_uses_the_system_clipboard_when_there_is_one(audit_store, monkeypatch) -> None:
    import pyperclip

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("c")  # no pane open: the highlighted row is copied
        await pilot.pause()
        assert json.loads(copied[0])["id"] == "evt_0000"
        await pilot.press("enter")
        await pilot.click("#copy")
        await pilot.pause()
        assert len(copied) == 2
        notes = [n.message for n in app._notifications]
        assert any("Copied the event JSON to the system clipboard" in m for m in notes)

    drive(app, scenario)


def test_refresh_keeps_the_selection_and_counts_the_new_events(audit_store, clock) -> None:
    app = make_app(audit_store, clock=clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        screen.table.move_cursor(row=40)
        await pilot.pause()
        selected = screen.table.selected_id
        clock.now = FIXED_NOW + timedelta(minutes=3)
        fresh = [
            parse_event(
                raw(
                    9000 + n,
                    id=f"evt_new_{n}",
                    timestamp=format_timestamp(FIXED_NOW + timedelta(minutes=1, seconds=n)),
                )
            )
            for n in range(3)
        ]
        audit_store.append(fresh)
        await pilot.press("r")
        await settle(pilot)
        assert screen.table.selected_id == selected
        assert screen.table.cursor_row == 43
        assert [str(k.value) for k in list(screen.table.rows)[:3]] == [
            "evt_new_2",
            "evt_new_1",
            "evt_new_0",
        ]
        notes = [n.message for n in app._notifications]
        assert "3 new events · selection kept" in notes
        assert str(screen.status.render()).startswith(f"{SEEDED + 4} events")
        await pilot.press("r")
        await settle(pilot)
        assert "No new events · selection kept" in [n.message for n in app._notifications]

    drive(app, scenario)


def test_refresh_finds_a_selection_deep_in_the_result(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        for _ in range(3):
            await pilot.press("end")
            await settle(pilot)
        await pilot.press("up", "up")
        selected = screen.table.selected_id
        page = screen.window.page_of_row(screen.table.cursor_row)
        assert page == 2
        await pilot.press("r")
        await settle(pilot)
        assert screen.table.selected_id == selected
        assert f"page {page + 1} of 3" in str(screen.status.render())

    drive(app, scenario)


@pytest.mark.parametrize("format_name", ["ndjson", "csv", "json"])
def test_download_writes_the_whole_result(audit_store, tmp_path, format_name) -> None:
    app = make_app(audit_store)
    target = tmp_path / f"out.{format_name}"

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("w")
        await pilot.pause()
        dialog = app.screen
        assert dialog.query_one("#path").value.endswith(f".{dialog.format}")
        buttons = {b.name: b for b in dialog.query("RadioButton")}
        buttons[format_name].value = True
        await pilot.pause()
        assert dialog.query_one("#path").value.endswith(f".{format_name}")
        dialog.query_one("#path").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        notes = [n.message for n in app._notifications]
        assert f"Saved {SEEDED + 1} events as {format_name.upper()} to {target}" in notes
        assert not list(tmp_path.glob("*.part"))

    drive(app, scenario)
    data = target.read_bytes()
    if format_name == "ndjson":
        assert len(data.splitlines()) == SEEDED + 1
    elif format_name == "json":
        assert len(json.loads(data)) == SEEDED + 1
    else:
        assert data.count(b"evt_") >= SEEDED + 1


def test_download_refuses_a_missing_folder_and_asks_before_overwriting(
    audit_store, tmp_path
) -> None:
    app = make_app(audit_store)
    existing = tmp_path / "old.ndjson"
    existing.write_text("keep me")

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("w")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#path").value = str(tmp_path / "nope" / "x.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert "does not exist" in str(dialog.query_one("#refusal").render())
        dialog.query_one("#path").value = str(existing)
        await pilot.press("enter")
        await pilot.pause()
        assert "exists; press Enter again" in str(dialog.query_one("#refusal").render())
        assert existing.read_text() == "keep me"
        await pilot.press("escape")

    drive(app, scenario)


def test_question_mark_lists_every_key(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysHelp)
        names = {name for _, name, _ in app.screen.rows}
        assert {
            "Search",
            "Scope",
            "Dates",
            "Area",
            "Type",
            "Who",
            "By them",
            "Refresh",
            "Copy",
        } <= names
        assert {"Download", "Details", "Close", "Quit", "Theme", "Palette"} <= names
        await pilot.press("escape")
        assert not isinstance(app.screen, KeysHelp)

    drive(app, scenario)


def _screen_text(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def test_every_key_in_the_help_can_be_scrolled_into_view_at_80x24(audit_store) -> None:
    """The list is longer than 24 lines at 80 columns: the keys below must be reachable."""
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, KeysHelp)
        seen = _screen_text(app)
        assert "Show the event as JSON" in seen
        last = help_screen.rows[-1][2]
        assert last not in seen  # the list is longer than the screen ...
        for _ in range(len(help_screen.rows)):
            await pilot.press("down")
        await pilot.pause()
        seen = _screen_text(app)
        assert last in seen  # ... and the keys below are scrolled into view
        await pilot.press("home")
        await pilot.pause()
        assert "Show the event as JSON" in _screen_text(app)

    drive(app, scenario)


def test_the_command_palette_offers_the_actions(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"last 24")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_now.time_range.label == "Last 24 hours"

    drive(app, scenario)


def test_ctrl_t_switches_between_dark_and_light(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        assert app.current_theme.dark
        await pilot.press("ctrl+t")
        assert not app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark

    drive(app, scenario)
