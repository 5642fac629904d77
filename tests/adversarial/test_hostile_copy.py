"""Hostile events copied to the clipboard: the exact event, and nothing a terminal obeys.

Copy (``c``, or the pane's "Copy JSON" button) hands the event's JSON to the system
clipboard (pyperclip) and to the terminal (OSC 52). For every event of the hostile corpus
(each text in every field, hostile performer addresses, the kitchen sink, a megabyte of
escapes) this checks what would reach the user:

* the copied text is JSON of exactly the stored event, with every character that could act
  on a terminal written as a ``\\u`` escape, so pasting it anywhere is inert;
* the OSC 52 sequence the terminal receives is ``ESC ] 52 ; c ; BASE64 BEL`` and nothing
  else: the payload is base64 (its alphabet only) of exactly the copied text, so no byte of
  the event reaches the terminal raw;
* the notification that follows is literal and inert — also when the clipboard's own error
  message is hostile.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from tests.adversarial.conftest import drive, make_viewer, render, settle, unsafe_characters
from tests.adversarial.corpus import (
    HOSTILE,
    base_event,
    big_summary,
    everywhere_events,
    kitchen_sink,
    mail_events,
)
from tests.conftest import ADMIN, FakeClock
from tui.domain.validation import parse_event
from tui.store.repository import AuditStore

OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/]*={0,2})\x07")
CLICK = "[@click=app.quit]QUIT[/]"


@pytest.fixture
def hostile_raws() -> dict[str, dict[str, Any]]:
    big = base_event("big", 300)
    big["summary"] = big_summary(1024 * 1024, dense=True)
    raws = [*everywhere_events("e"), *mail_events("m", 100), kitchen_sink("sink", 200), big]
    return {raw["id"]: raw for raw in raws}


@pytest.fixture
def copying(db_url: str, hostile_raws, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A viewer on the hostile events, and the list pyperclip's copies land in."""
    import pyperclip

    clock = FakeClock()
    store = AuditStore.open(db_url, clock=clock)
    store.add_account(ADMIN)
    store.append([parse_event(raw) for raw in hostile_raws.values()])
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    yield make_viewer(store, clock=clock), copied
    store.close()


def _capture_terminal(app: Any) -> list[str]:
    """What the app writes to its terminal from now on."""
    written: list[str] = []
    original = app._driver.write

    def write(data: str) -> None:
        written.append(data)
        original(data)

    app._driver.write = write
    return written


def _osc52(written: list[str]) -> list[str]:
    """The payloads of the clipboard sequences written, checking each write is only that."""
    payloads = []
    for data in written:
        if "\x1b]52" not in data:
            continue
        match = OSC52.fullmatch(data)
        assert match, f"not exactly one OSC 52 sequence: {data[:80]!r}"
        payloads.append(match.group(1))
    return payloads


def _check_copy(text: str, raw: dict[str, Any], payloads: list[str], where: str) -> None:
    assert json.loads(text) == raw, where  # the exact event
    assert unsafe_characters(text) == [], where  # newlines of the layout only
    assert len(payloads) == 1, where
    assert base64.b64decode(payloads[0], validate=True).decode("utf-8") == text, where


def _notes_inert(app: Any) -> None:
    for note in app._notifications:
        assert not note.markup
        assert unsafe_characters(note.message + note.title, allowed="") == [], note.message


def test_every_hostile_event_is_copied_exactly_and_inert(copying, hostile_raws, backend) -> None:  # type: ignore[no-untyped-def]
    app, copied = copying
    # Every event on SQLite; on PostgreSQL (which reads the same events back, as
    # test_hostile_storage proves) every fourth, to keep the suite quick.
    step = 1 if backend == "sqlite" else 4

    async def scenario(pilot: Any) -> None:
        screen = app.screen
        written = _capture_terminal(app)
        table = screen.table
        ids = [table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(table.row_count)]
        assert sorted(ids) == sorted(hostile_raws)
        for row, event_id in list(enumerate(ids))[::step]:
            table.move_cursor(row=row)
            written.clear()
            copied.clear()
            # The pane is closed: the highlighted row is copied. By the key now and then; else
            # by the action the key runs (the same path, without a keypress's round trip).
            if row % 8 == 0:
                await pilot.press("c")
            else:
                screen.action_copy()
                await pilot.pause()  # the notification arrives as a message
            assert len(copied) == 1, event_id
            _check_copy(copied[0], hostile_raws[event_id], _osc52(written), event_id)
            assert app.clipboard == copied[0]
            notes = list(app._notifications)
            assert notes[-1].message.startswith("Copied the event JSON"), event_id
            _notes_inert(app)
            if row % 12 == 0:
                frame = render(app)
                assert frame.foreign_sequences() == [] and frame.actions() == [], event_id
            app.clear_notifications()  # a stack of toasts costs time to lay out
        frame = render(app)
        assert frame.foreign_sequences() == [] and frame.actions() == []

        # From the open pane, by key and by its button: the same exact text.
        for event_id, how in (("sink", "key"), ("big", "button"), ("e00_all", "button")):
            table.move_cursor(row=ids.index(event_id))
            table.focus()
            await pilot.press("enter")
            await settle(pilot)
            written.clear()
            copied.clear()
            if how == "key":
                await pilot.press("c")
            else:
                await pilot.click("#copy")
            await settle(pilot)
            assert copied == [screen.pane.json_text], event_id
            _check_copy(copied[0], hostile_raws[event_id], _osc52(written), f"{event_id} {how}")
        _notes_inert(app)

    drive(app, scenario, size=(120, 30))


def test_a_hostile_clipboard_error_is_reported_inertly(copying, hostile_raws, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Over SSH pyperclip fails; its message (here hostile) is quoted in the notification,
    and OSC 52 still carries the exact event."""
    import pyperclip

    app, _ = copying
    reason = HOSTILE["osc0_title"] + CLICK + HOSTILE["bidi_override"] + HOSTILE["c1_csi"]

    def broken(text: str) -> None:
        raise pyperclip.PyperclipException(reason + "\nsecond line")

    monkeypatch.setattr(pyperclip, "copy", broken)

    async def scenario(pilot: Any) -> None:
        screen = app.screen
        written = _capture_terminal(app)
        table = screen.table
        ids = [table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(table.row_count)]
        table.move_cursor(row=ids.index("sink"))
        await pilot.pause()
        await pilot.press("c")
        await settle(pilot)
        assert _osc52(written) and app.clipboard
        _check_copy(app.clipboard, hostile_raws["sink"], _osc52(written), "sink via OSC 52")
        notes = list(app._notifications)
        assert notes and "No system clipboard here" in notes[-1].message
        assert "OSC 52" in notes[-1].message
        _notes_inert(app)
        frame = render(app)
        assert frame.foreign_sequences() == [] and frame.actions() == []
        # The quoted markup is text: clicking on it does nothing.
        found = frame.locate("[@click=app.quit]")
        assert found
        for x, y in found:
            await pilot.click(offset=(x + 3, y))
            await settle(pilot)
            assert app.is_running and app.return_code is None

    drive(app, scenario, size=(120, 30))
