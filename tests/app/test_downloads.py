"""A running download shows its progress and can be cancelled: the partial file goes."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.app.conftest import SEEDED, drive, make_app, settle
from tui.app.widgets.download_progress import DownloadProgress
from tui.store.repository import AuditReader


@pytest.fixture
def slow_stream(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Hand the stored rows over slowly, so a download is still running when the test acts."""
    original = AuditReader.stored

    def stored(self, query, *args, **kwargs):  # type: ignore[no-untyped-def]
        for row in original(self, query, *args, **kwargs):
            time.sleep(0.01)
            yield row

    monkeypatch.setattr(AuditReader, "stored", stored)
    monkeypatch.setattr("tui.app.export_task.PROGRESS_EVERY", 10)


async def _until(pilot, condition, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await pilot.pause(0.02)


async def _start(pilot, target) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("w")
    await pilot.pause()
    pilot.app.screen.query_one("#path").value = str(target)
    await pilot.press("enter")
    await pilot.pause()


def _notes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(n.title, n.message) for n in app._notifications]


@pytest.mark.parametrize("key", ["escape", "ctrl+c"])
def test_esc_in_the_progress_dialog_cancels_and_deletes_the_partial_file(
    audit_store, tmp_path, slow_stream, key
) -> None:
    app = make_app(audit_store)
    target = tmp_path / "all.ndjson"
    partial = tmp_path / "all.ndjson.part"

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await _start(pilot, target)
        dialog = app.screen
        assert isinstance(dialog, DownloadProgress)
        await _until(pilot, lambda: dialog.written >= 20)
        assert partial.exists()  # the export is writing
        assert "events written" in str(dialog.query_one("#written").render())
        await pilot.press(key)
        await pilot.pause()
        assert app.screen is screen
        await _until(pilot, lambda: screen.download is None)
        assert not target.exists() and not partial.exists()
        title, message = _notes(app)[-1]
        assert title == "Download cancelled"
        assert "partial file was deleted" in message and str(target) in message
        assert "Downloading" not in str(screen.status.render())

    drive(app, scenario)
    assert list(tmp_path.glob("all.*")) == []


def test_the_dialog_hides_w_shows_it_again_and_its_button_cancels(
    audit_store, tmp_path, slow_stream
) -> None:
    app = make_app(audit_store)
    target = tmp_path / "all.csv"

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await _start(pilot, target)
        assert isinstance(app.screen, DownloadProgress)
        await pilot.press("enter")  # "Run in background"
        await pilot.pause()
        assert app.screen is screen and screen.download is not None
        await _until(pilot, lambda: "Downloading… " in str(screen.status.render()))
        await pilot.press("down", "down")  # the viewer stays usable meanwhile
        await pilot.press("w")  # the running download, not a second one
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DownloadProgress) and dialog.path == target
        await pilot.click("#stop")
        await _until(pilot, lambda: screen.download is None)
        assert app.screen is screen
        assert not target.exists() and not list(tmp_path.glob("*.part"))
        assert _notes(app)[-1][0] == "Download cancelled"

    drive(app, scenario)


def test_a_finished_download_closes_its_dialog(audit_store, tmp_path) -> None:
    app = make_app(audit_store)
    target = tmp_path / "all.ndjson"

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await _start(pilot, target)
        await settle(pilot)
        await _until(pilot, lambda: screen.download is None)
        await pilot.pause()
        assert app.screen is screen
        assert _notes(app)[-1] == (
            "Download complete",
            f"Saved {SEEDED + 1} events as NDJSON to {target}",
        )

    drive(app, scenario)
    assert target.exists()


def test_a_downloaded_ndjson_file_carries_seals_that_verify(audit_store, tmp_path) -> None:
    """The download writes the stored rows as sealed lines: the file checks on its own."""
    from tui.domain.sealed_export import verify_sealed_lines

    app = make_app(audit_store)
    target = tmp_path / "sealed.ndjson"

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await _start(pilot, target)
        await _until(pilot, lambda: screen.download is None)

    drive(app, scenario)
    lines = target.read_bytes().splitlines()
    assert len(lines) == SEEDED + 1 and all(b'"_seal"' in line for line in lines)
    report = verify_sealed_lines(lines)
    assert report.valid and report.events == SEEDED + 1
    # One line edited after the download: the file no longer verifies.
    lines[5] = lines[5].replace(b"Object", b"Objekt", 1)
    assert not verify_sealed_lines(lines).valid
