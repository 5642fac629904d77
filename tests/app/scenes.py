"""The pictures of the viewer: one ``Scene`` per state worth a snapshot or a screenshot.

Used by ``test_snapshots.py`` (compared with the accepted SVGs) and by
``scripts/screenshots.py`` (which writes them into ``screenshots/`` for the README). Every
scene is deterministic: fixed clock, UTC, a fixed database label, the table focused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.app.conftest import (
    SUPERVISOR,
    break_database,
    make_app,
    open_store,
    seeded_events,
    settle,
)
from tests.conftest import ADMIN, FakeClock

DATABASE_LABEL = "sqlite:/home/ops/.local/share/auditlog/auditlog.sqlite3"
Steps = Callable[[Any], Awaitable[None]]


async def _nothing(pilot: Any) -> None:
    return None


async def _open_update(pilot: Any) -> None:
    table = pilot.app.screen.table
    row = next(r for r in range(table.row_count) if str(table.get_row_at(r)[1]).endswith("Updated"))
    table.move_cursor(row=row)
    await pilot.press("enter")


async def _search(pilot: Any) -> None:
    await pilot.press("slash", *"deleted gateway acme", "enter")
    await settle(pilot)
    await pilot.press("escape")


async def _no_match(pilot: Any) -> None:
    await pilot.press("slash", *"gateway 198.51.100.7", "enter")
    await settle(pilot)
    await pilot.press("escape")


async def _range_refused(pilot: Any) -> None:
    await pilot.press("d")
    await pilot.pause()
    picker = pilot.app.screen
    picker.query_one("#from").value = "2026-01-01"
    picker.query_one("#to").value = "2026-11-25"
    picker.query_one("#to").focus()
    await pilot.press("enter")


async def _scope_picker(pilot: Any) -> None:
    await pilot.press("s")
    await settle(pilot)
    await pilot.press(*"ac")


async def _filtered(pilot: Any) -> None:
    await pilot.press("t")
    await settle(pilot)
    await pilot.press(*"deleted")
    await pilot.pause()
    choices = pilot.app.screen.query_one("#choices")
    choices.focus()
    for _ in range(choices.option_count):
        await pilot.press("space", "down")
    # Keys, not a click: a mouse left over the table would make hover colours racy.
    pilot.app.screen.query_one("#filter").focus()
    await pilot.press("enter")


async def _picker_counting(pilot: Any) -> None:
    """A supervisor's type picker on the first round of its counts, the newest day's (the
    round is handed to the screen directly: timing would decide which round a picture got)."""
    from contextlib import closing

    from tui.app.messages import FacetsLoaded

    screen = pilot.app.screen
    with closing(pilot.app.store.reader(SUPERVISOR.email).facet_rounds(screen.query_now)) as rounds:
        first = next(rounds)
    screen.post_message(FacetsLoaded("type", first))


async def _download_running(pilot: Any) -> None:
    """The progress dialog of a download half done (shown directly: a real export's
    progress would depend on timing)."""
    from tui.app.widgets.download_progress import DownloadProgress
    from tui.domain.query import Count

    path = Path("/home/ops/auditlog-20261125-1200.ndjson")
    await pilot.app.push_screen(DownloadProgress(path, "ndjson", Count(251), 120))


async def _download_dialog(pilot: Any) -> None:
    """The download dialog in a fixed folder (w would use the working folder)."""
    from datetime import UTC

    from tui.app.widgets.download_dialog import DownloadDialog

    now = pilot.app.clock().astimezone(UTC)
    await pilot.app.push_screen(DownloadDialog(Path("/home/ops"), now, "251"))


async def _verified(pilot: Any) -> None:
    await pilot.press("V")


@dataclass(frozen=True)
class Scene:
    name: str
    email: str = ADMIN.email
    size: tuple[int, int] = (80, 24)
    steps: Steps = _nothing
    seeded: bool = True
    broken: bool = False
    theme: str = "textual-dark"

    def app(self, folder: Path) -> Any:
        """The app for this scene on a fresh database in ``folder``."""
        clock = FakeClock()
        path = folder / f"{self.name}.sqlite3"
        store = open_store(path, clock, seeded_events() if self.seeded else None)
        store.label = DATABASE_LABEL
        if self.broken:
            break_database(store, path)
        app = make_app(store, self.email, clock)
        app.theme = self.theme
        return app

    async def prepare(self, pilot: Any) -> None:
        """Wait for the first rows, play the steps, wait again."""
        await settle(pilot)
        await self.steps(pilot)
        await settle(pilot)
        await pilot.pause(0.1)


SCENES = (
    Scene("main"),
    Scene("json_pane_diff", steps=_open_update),
    Scene("supervisor", email=SUPERVISOR.email),
    Scene("filtered_by_type", steps=_filtered),
    Scene("scope_picker", steps=_scope_picker),
    Scene("picker_counting", email=SUPERVISOR.email, steps=_picker_counting),
    Scene("range_refused", steps=_range_refused),
    Scene("search", steps=_search),
    Scene("no_match", steps=_no_match),
    Scene("empty_database", seeded=False),
    Scene("database_error", broken=True),
    Scene("download_running", steps=_download_running),
    Scene("download_dialog", steps=_download_dialog),
    Scene("verified", steps=_verified),
    Scene("verify_refused", email=SUPERVISOR.email, steps=_verified),
    Scene("wide_light", size=(160, 40), steps=_open_update, theme="textual-light"),
)
