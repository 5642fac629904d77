"""The viewer (80x24, both backends) with hostile events: nothing styles, links or acts.

Each scenario renders full frames the way Textual paints a terminal and checks them: no
escape sequence but Textual's own cursor moves and colours (so no title, clipboard,
hyperlink or report request gets through, and no raw BEL, C1 or bidi character), no segment
that opens a link or runs an action, and markup shown as the literal text it is. Clicking on
``[@click=app.quit]`` must leave the viewer running. The search box takes every string as
text, with the same result as the oracle. A 5 MB summary is cut in the table and whole in
the JSON pane.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.adversarial.conftest import (
    drive,
    make_viewer,
    newest_first,
    render,
    settle,
    text_matches,
    unsafe_characters,
)
from tests.adversarial.corpus import (
    HOSTILE,
    base_event,
    big_summary,
    everywhere_events,
    kitchen_sink,
    mail_events,
)
from tests.adversarial.test_hostile_search import EVENTS as SEARCH_EVENTS
from tests.adversarial.test_hostile_search import SEARCHES
from tests.conftest import ADMIN, SUPERVISOR, FakeClock
from tui.domain.validation import parse_event
from tui.store.repository import AuditStore

CLICK = "[@click=app.quit]"


def _open(url: str, clock: FakeClock, raws: list[dict[str, Any]]) -> AuditStore:
    store = AuditStore.open(url, clock=clock)
    store.add_accounts([ADMIN, SUPERVISOR])
    store.append([parse_event(raw) for raw in raws])
    return store


@pytest.fixture
def hostile_raws() -> dict[str, dict[str, Any]]:
    raws = everywhere_events("e") + mail_events("m", 100) + [kitchen_sink("sink", 200)]
    return {raw["id"]: raw for raw in raws}


@pytest.fixture
def hostile_store(db_url: str, hostile_raws: dict[str, Any]):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    store = _open(db_url, clock, list(hostile_raws.values()))
    yield store, clock
    store.close()


def _everywhere_id(name: str) -> str:
    """The id of the event of ``everywhere_events("e")`` that holds HOSTILE[name]."""
    return f"e{list(HOSTILE).index(name):02d}_all"


def _row_ids(screen: Any) -> list[str]:
    table = screen.table
    return [table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(table.row_count)]


def _assert_inert(app: Any, where: str) -> Any:
    frame = render(app)
    assert frame.foreign_sequences() == [], where
    assert frame.actions() == [], where
    return frame


async def _click_on(pilot: Any, needle: str) -> int:
    """Click in the middle of every ``needle`` on the screen; the viewer must not act."""
    app = pilot.app
    screens = list(app.screen_stack)
    found = render(app).locate(needle)
    assert found, needle
    for x, y in found:
        await pilot.click(offset=(x + len(needle) // 2, y))
        await settle(pilot)
        assert app.is_running and app.return_code is None, (x, y)
        assert list(app.screen_stack)[: len(screens)] == screens
    return len(found)


def test_rows_pane_and_change_list_render_inert(hostile_store, hostile_raws) -> None:  # type: ignore[no-untyped-def]
    store, clock = hostile_store
    app = make_viewer(store, clock=clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        ids = _row_ids(screen)
        assert sorted(ids) == sorted(hostile_raws)
        for row in range(screen.table.row_count):
            for cell in screen.table.get_row_at(row):
                assert unsafe_characters(cell.plain, allowed="") == [], ids[row]
                assert all(not span.style or "link" not in str(span.style) for span in cell.spans)
        # Page through every row, checking each frame.
        for _ in range(len(ids) // 10 + 1):
            await pilot.press("pagedown")
            await pilot.pause()
            _assert_inert(app, f"table at row {screen.table.cursor_row}")
        # The row whose texts are all [@click=app.quit]...: literal, and clicking does nothing.
        row = ids.index(_everywhere_id("markup_click"))
        screen.table.move_cursor(row=row)
        await settle(pilot)
        frame = _assert_inert(app, "click row")
        assert CLICK + "PWNC" in frame.text
        await _click_on(pilot, CLICK)
        # The JSON pane and change list: the same data, escaped, inert, literal.
        for event_id in ("sink", "e00_all", f"e{len(HOSTILE) - 1}_all"):
            screen.table.move_cursor(row=ids.index(event_id))
            screen.table.focus()
            await pilot.press("enter")
            await settle(pilot)
            assert screen.pane.is_open and screen.pane.event.id == event_id
            assert json.loads(screen.pane.json_text) == hostile_raws[event_id]
            assert unsafe_characters(screen.pane.json_text) == [], event_id
            _assert_inert(app, f"pane of {event_id}")
        screen.table.move_cursor(row=row)
        await settle(pilot)
        frame = _assert_inert(app, "pane of the click row")
        assert frame.text.count(CLICK) >= 3  # gist line, change list, JSON
        assert await _click_on(pilot, CLICK) >= 3

    drive(app, scenario)


def test_header_and_pickers_show_hostile_names_inert(hostile_store, hostile_raws) -> None:  # type: ignore[no-untyped-def]
    store, clock = hostile_store
    app = make_viewer(store, clock=clock)

    async def choose_scope(pilot: Any, name: str) -> None:
        """Choose the tenant of ``everywhere_events`` named by the HOSTILE text ``name``."""
        await pilot.press("s")
        await settle(pilot)
        picker = app.screen
        picker.query_one("#filter").value = f"t_e{list(HOSTILE).index(name):02d}"
        await settle(pilot)
        _assert_inert(app, f"scope picker filtered to {name}")
        picker.query_one("#filter").focus()
        await pilot.press("enter")
        await settle(pilot)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        # The scope picker lists every tenant name; the header then names the chosen one.
        await pilot.press("s")
        await settle(pilot)
        choices = app.screen.query_one("#choices")
        labels = [choices.get_option_at_index(i).prompt for i in range(choices.option_count)]
        assert len(labels) == 1 + len(
            {raw["context"]["tenant"]["id"] for raw in hostile_raws.values()}
        )
        for label in labels:
            assert unsafe_characters(label.plain, allowed="") == [], label.plain
            assert all("link" not in str(span.style) for span in label.spans)
        _assert_inert(app, "scope picker")
        await pilot.press("down", "pagedown")
        await pilot.pause()
        _assert_inert(app, "scope picker, further down")
        await pilot.press("escape")
        await settle(pilot)
        await choose_scope(pilot, "markup_click")
        header = _assert_inert(app, "header").text.splitlines()[0]
        assert f"Scope: {CLICK}PWNCLICK[/]" in header
        await _click_on(pilot, f"{CLICK}PWNCLICK")
        await choose_scope(pilot, "osc0_title")
        header = _assert_inert(app, "header").text.splitlines()[0]
        # The picker adds to the tenants chosen before: both, by name.
        assert "Scope: \\x1b]0;pwned title\\x07, [@click=" in header
        chosen = {_everywhere_id("osc0_title"), _everywhere_id("markup_click")}
        assert set(_row_ids(screen)) == chosen
        # The performer picker: hostile names and addresses, and the filter button after it.
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#all").press()  # (ctrl+a is the filter box's "home" key)
        await settle(pilot)
        assert "Scope: All" in render(app).text
        await pilot.press("p")
        await settle(pilot)
        _assert_inert(app, "performer picker")
        picker = app.screen
        picker.query_one("#filter").value = "[bold]boss"
        await settle(pilot)
        frame = _assert_inert(app, "performer picker filtered")
        assert "[bold]boss[/bold]@evil.example" in frame.text
        picker.query_one("#filter").focus()
        await pilot.press("enter")
        await settle(pilot)
        frame = _assert_inert(app, "filtered by performer")
        assert _row_ids(screen) == ["m_mail_bold"]
        assert "By: [bold]boss" in frame.text

    drive(app, scenario)


def test_notifications_and_header_quote_a_hostile_database_path_inertly(
    tmp_path: Path,
) -> None:
    """The database's label (its path) is shown in the header and quoted by error
    notifications; a path may hold anything but NUL and "/". SQLite only: a URL is not a
    path anyone else chooses."""
    folder = tmp_path / f"{HOSTILE['osc52_clipboard']}{CLICK}{HOSTILE['bidi_override']}"
    folder.mkdir()
    path = folder / "audit.sqlite3"
    clock = FakeClock()
    raws = everywhere_events("e")[:5]
    store = _open(str(path), clock, raws)
    app = make_viewer(store, clock=clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        frame = _assert_inert(app, "header with a hostile path")
        assert "\\x1b]52;c;" in frame.text.splitlines()[0]
        store.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.write_bytes(b"not a database" * 1000)
        await pilot.press("r")
        await settle(pilot)
        shown = [n for n in app._notifications if CLICK in n.message]
        assert shown and all(not n.markup for n in shown)
        assert all(unsafe_characters(n.message + n.title, allowed="") == [] for n in shown)
        frame = _assert_inert(app, "error notification")
        assert CLICK in frame.text
        await _click_on(pilot, CLICK)

    try:
        drive(app, scenario, size=(200, 24))  # wide enough to show the path
    finally:
        store.close()


def test_a_five_megabyte_summary_is_cut_in_the_table_and_in_the_pane_but_copied_whole(
    db_url: str, backend: str
) -> None:
    clock = FakeClock()
    raws = [base_event(f"evt_{n}", n) for n in range(5)]
    big = base_event("evt_big", 3)
    # Dense with escapes: highlighting this whole once took the pane past 24 GB.
    big["summary"] = big_summary(dense=True)
    store = _open(db_url, clock, [*raws, big])
    app = make_viewer(store, clock=clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        ids = _row_ids(screen)
        summary = str(screen.table.get_row_at(ids.index("evt_big"))[-1])
        assert len(summary) <= 500 and summary.endswith("…")
        for key in ("down", "down", "down", "down", "up", "up", "up", "up"):
            await pilot.press(key)
        await settle(pilot)
        _assert_inert(app, "table with a 5 MB row")
        if backend != "sqlite":
            return  # the pane shows what was read; that is the same on both backends
        screen.table.move_cursor(row=ids.index("evt_big"))
        await pilot.press("enter")
        await settle(pilot)
        # What copy takes is the whole event...
        assert json.loads(screen.pane.json_text)["summary"] == big["summary"]
        # ...what the pane lays out is cut, plain (no highlighter), and says so.
        editor = screen.query_one("#json")
        shown = json.loads(editor.text)["summary"]
        assert shown.endswith("more characters: c copies the whole event]")
        assert big["summary"].startswith(shown.split("… [")[0])
        assert len(editor.text) < 100_000 and editor.language is None
        assert "c copies them whole" in str(screen.query_one("#pane-title").render())
        _assert_inert(app, "pane with a 5 MB summary")

    try:
        drive(app, scenario)
    finally:
        store.close()


#: What the box gets typed into it: a spread of SEARCHES (the CLI suite runs them all).
BOX_SEARCHES = [
    "%",
    "_",
    "\\",
    "'",
    '"unclosed phrase',
    "'; DROP TABLE events; --",
    "wild*",
    "NEAR(alpha beta)",
    "alpha OR beta",
    "-minus",
    "a & b",
    CLICK,
    "\x1b]0;",
    "\u202e",
    "KADIKÖY",
    '"acme corp"',
]
assert set(BOX_SEARCHES) <= set(SEARCHES)


def test_the_search_box_takes_every_string_as_text(db_url: str) -> None:
    clock = FakeClock()
    store = _open(db_url, clock, SEARCH_EVENTS)
    app = make_viewer(store, clock=clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        box = screen.query_one("#search")
        await pilot.press("slash")
        wrong = {}
        for text in BOX_SEARCHES:
            box.value = text
            await pilot.press("enter")
            await settle(pilot)
            expected = newest_first(raw for raw in SEARCH_EVENTS if text_matches(raw, text))
            found = _row_ids(screen) if screen.table.display else []
            problems = (screen.status.problem, screen.notice.kind == "error")
            if found != expected or problems != ("", False):
                wrong[text] = (found, expected, problems)
        assert wrong == {}
        _assert_inert(app, "after the searches")
        assert app.is_running

    try:
        drive(app, scenario)
    finally:
        store.close()
