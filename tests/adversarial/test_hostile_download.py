"""Hostile text in the download dialog: file names pasted by the user, and the folder the
viewer runs in (the suggested path starts with it).

Whatever the path holds (escape sequences, markup, controls, bidi, wide characters, very
long names, NUL), the viewer must not crash, must show it inert (the path box, the
refusal, the progress dialog, the notification), and must either save the events under
exactly the name the box holds or refuse with a reason, leaving no partial file behind.
The suggested file name itself comes only from the format and the clock, never from data.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from textual import events

from tests.adversarial.conftest import drive, make_viewer, render, settle, unsafe_characters
from tests.adversarial.corpus import HOSTILE, base_event
from tests.conftest import ADMIN, FakeClock
from tui.app.widgets.download_dialog import DownloadDialog
from tui.domain.validation import parse_event
from tui.store.repository import AuditStore

CLICK = "[@click=app.quit]QUIT[/]"
#: Linux's limit for one path component, in bytes; the download also writes NAME.part.
NAME_MAX = 255
PART = ".part"


def _names() -> list[str]:
    """Every hostile text of the corpus in a file name: several per name, each name short
    enough for the file system (and its ``.part``); the long word on its own, cut."""
    names, current = [], ""
    for key, text in HOSTILE.items():
        if key == "long_word" or "\x00" in text:
            continue
        piece = text.replace("/", "∕")  # a slash would name a folder (tried on its own)
        if current and len((current + piece).encode()) > 240:
            names.append(current + ".ndjson")
            current = ""
        current += piece
    names.append(current + ".ndjson")
    names.append("東" * 81 + ".ndjson")  # 250 bytes: the longest name whose .part fits
    # Hostile, yet printable: nothing a path box could decline.
    for keys in (("markup_click", "markup_link"), ("formula_eq", "quotes"), ("cjk", "fullwidth")):
        names.append("".join(HOSTILE[k] for k in keys).replace("/", "∕") + ".ndjson")
    names.append("🚀🔥💥 -rf ~ $(id) `id` ;|&.ndjson")
    return names


NAMES = _names()


def _store(url: str):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    store = AuditStore.open(url, clock=clock)
    store.add_account(ADMIN)
    raws = [base_event(f"evt_{n}", n) for n in range(7)]
    raws[3]["summary"] = HOSTILE["osc52_clipboard"] + CLICK
    store.append([parse_event(raw) for raw in raws])
    return store, clock, raws


@pytest.fixture
def sqlite_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    """File names do not depend on the backend; downloads from PostgreSQL are proven in
    ``test_access_viewer.py`` and ``test_access_paths.py``."""
    store, clock, raws = _store(str(tmp_path / "audit.sqlite3"))
    yield store, clock, raws
    store.close()


async def _until(pilot: Any, condition: Any, seconds: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await pilot.pause(0.02)


async def _paste_path(pilot: Any, path: str) -> Any:
    """Open the dialog, empty the path box and paste ``path`` into it, as a user would."""
    await pilot.press("w")
    await pilot.pause()
    box = pilot.app.screen.query_one("#path")
    box.value = ""
    box.post_message(events.Paste(path))
    await pilot.pause()
    return box


def _inert_frame(app: Any, where: str) -> None:
    frame = render(app)
    assert frame.foreign_sequences() == [], where
    assert frame.actions() == [], where


def _notes_inert(app: Any) -> None:
    for note in app._notifications:
        assert not note.markup
        assert unsafe_characters(note.message + note.title, allowed="") == [], note.message


async def _download(pilot: Any, screen: Any, path: str) -> tuple[str, str]:
    """Paste ``path``, press Enter; ("saved", name) or ("refused", the reason shown)."""
    app = pilot.app
    box = await _paste_path(pilot, path)
    held = box.value
    await pilot.press("enter")
    await settle(pilot)
    if isinstance(app.screen, DownloadDialog):
        refusal = str(app.screen.query_one("#refusal").render())
        assert refusal.strip(), "the dialog stayed open without a reason"
        assert unsafe_characters(refusal, allowed="") == [], refusal
        await pilot.press("escape")
        await settle(pilot)
        return "refused", refusal
    await _until(pilot, lambda: screen.download is None or not app.is_running)
    await settle(pilot)
    assert app.is_running and app.screen is screen
    _inert_frame(app, f"after downloading to {held!r}")
    _notes_inert(app)
    return "saved", held


def test_every_hostile_file_name_is_saved_exactly_or_refused(sqlite_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, clock, raws = sqlite_store
    app = make_viewer(store, clock=clock)
    folder = tmp_path / "downloads"
    folder.mkdir()
    expected = [raw["id"] for raw in raws]  # newest first
    outcomes: dict[str, str] = {}

    async def scenario(pilot: Any) -> None:
        screen = app.screen
        for name in [*NAMES, "has/slash.ndjson", CLICK + ".ndjson"]:
            outcome, held = await _download(pilot, screen, str(folder / name))
            outcomes[name] = outcome
            assert app.is_running
            if outcome == "refused":
                continue
            saved = Path(held)
            assert saved.parent == folder and saved.name in os.listdir(folder), held
            lines = saved.read_bytes().splitlines()
            assert [orjson.loads(line)["id"] for line in lines] == expected
            titles = [n.title for n in app._notifications]
            assert titles[-1] == "Download complete"
            saved.unlink()
            assert os.listdir(folder) == []  # no partial file either

    drive(app, scenario, size=(120, 30))
    # A name with a slash names a folder that does not exist: refused. One holding a
    # control or format character the box may decline to take; every other name is saved.
    for name, outcome in outcomes.items():
        if "/" in name:
            assert outcome == "refused", name
        elif not unsafe_characters(name, allowed=""):
            assert outcome == "saved", name
    assert list(outcomes.values()).count("saved") >= 6


def test_the_suggested_name_comes_from_the_format_and_the_clock_only(
    sqlite_store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    store, clock, _ = sqlite_store
    monkeypatch.chdir(tmp_path)
    app = make_viewer(store, clock=clock)

    async def scenario(pilot: Any) -> None:
        await pilot.press("w")
        await settle(pilot)
        box = app.screen.query_one("#path")
        for index, extension in [(1, "csv"), (2, "json"), (0, "ndjson")]:
            app.screen.query_one("#formats").children[index].value = True
            await settle(pilot)
            # The whole path, or the name alone (then saved in the working folder).
            assert tmp_path / box.value == tmp_path / f"auditlog-20261125-1200.{extension}"
        await pilot.press("enter")
        await settle(pilot)
        await _until(pilot, lambda: app.screen.download is None)
        assert (tmp_path / "auditlog-20261125-1200.ndjson").exists()

    drive(app, scenario)


def test_an_overwrite_question_quotes_a_hostile_name_inertly(sqlite_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, clock, raws = sqlite_store
    app = make_viewer(store, clock=clock)
    name = (CLICK + HOSTILE["markup_variables"] + HOSTILE["formula_eq"]).replace("/", "∕")
    existing = tmp_path / name
    existing.write_bytes(b"old")

    async def scenario(pilot: Any) -> None:
        screen = app.screen
        await _paste_path(pilot, str(existing))
        await pilot.press("enter")
        await settle(pilot)
        refusal = str(app.screen.query_one("#refusal").render())
        assert "exists; press Enter again" in refusal
        assert unsafe_characters(refusal, allowed="") == []
        assert CLICK.replace("/", "∕") in refusal  # literal: markup is text here
        _inert_frame(app, "the overwrite question")
        await pilot.press("enter")  # yes, overwrite
        await _until(pilot, lambda: screen.download is None and app.screen is screen)
        await settle(pilot)
        _inert_frame(app, "after overwriting")
        _notes_inert(app)

    drive(app, scenario, size=(120, 30))
    assert len(existing.read_bytes().splitlines()) == len(raws)


# -- once bugs (strict xfails until fixed): each test states what must hold ------------------


def test_a_pasted_path_is_shown_inert_in_the_path_box(sqlite_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, clock, _ = sqlite_store
    app = make_viewer(store, clock=clock)

    async def scenario(pilot: Any) -> None:
        for key in ("csi_clear", "osc0_title", "osc52_clipboard", "bidi_override", "c1_csi"):
            await _paste_path(pilot, str(tmp_path / f"{HOSTILE[key]}.ndjson"))
            _inert_frame(app, f"path box holding {key}")
            await pilot.press("escape")
            await settle(pilot)

    drive(app, scenario, size=(120, 30))


def test_a_hostile_working_folder_is_shown_inert_in_the_suggested_path(
    sqlite_store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    store, clock, _ = sqlite_store
    folder = tmp_path / (HOSTILE["osc52_clipboard"] + HOSTILE["csi_clear"] + "[@click=app.quit]Q")
    folder.mkdir()
    monkeypatch.chdir(folder)
    app = make_viewer(store, clock=clock)

    async def scenario(pilot: Any) -> None:
        await pilot.press("w")
        await settle(pilot)
        _inert_frame(app, "download dialog in a hostile folder")
        await pilot.press("enter")
        await _until(pilot, lambda: app.screen.download is None)
        await settle(pilot)
        _notes_inert(app)

    drive(app, scenario, size=(120, 30))
    assert [p.name for p in folder.iterdir()] == ["auditlog-20261125-1200.ndjson"]


def test_a_nul_in_the_path_is_refused_not_a_crash(sqlite_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, clock, _ = sqlite_store
    app = make_viewer(store, clock=clock)

    async def scenario(pilot: Any) -> None:
        screen = app.screen
        outcome, _ = await _download(pilot, screen, str(tmp_path / "a\x00b.ndjson"))
        assert outcome == "refused" or list(app._notifications)[-1].title == "Download failed"
        assert app.is_running

    drive(app, scenario)
    assert not any(p.suffix in (".ndjson", PART) for p in tmp_path.iterdir())


def test_a_name_too_long_for_the_file_system_is_refused_not_a_crash(
    sqlite_store,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    store, clock, _ = sqlite_store
    app = make_viewer(store, clock=clock)

    async def scenario(pilot: Any) -> None:
        screen = app.screen
        for name in (HOSTILE["long_word"], "東" * 84):  # 3,000 and 252 (+ .part) bytes
            outcome, _ = await _download(pilot, screen, str(tmp_path / name))
            assert outcome == "refused" or list(app._notifications)[-1].title == "Download failed"
            assert app.is_running

    drive(app, scenario)
    assert not any(len(p.name) > 200 for p in tmp_path.iterdir())
