"""Fixtures and checks shared by the adversarial suites.

``run`` is the in-process command line of ``tests/cli`` (on the parametrised backend); the
viewer helpers are kept here rather than borrowed from ``tests/app``, so that these suites
depend on nothing but the viewer's public behaviour: what it puts on the screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import unicodedata
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import pytest

from tests.cli.conftest import Result, Run, run  # the ``run`` fixture, for this folder too
from tests.conftest import ADMIN, FakeClock
from tui.domain.search import normalise, search_terms

__all__ = ["Result", "Run", "run"]

#: Characters that must never reach a terminal raw: controls (C0 but the newline, DEL, C1),
#: format characters (bidi, zero-width, ...), line and paragraph separators, surrogates.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def unsafe_characters(text: str, allowed: str = "\n") -> list[str]:
    """The characters of ``text`` (outside ``allowed``) that could act on a terminal."""
    return sorted(
        {c for c in set(text) if c not in allowed and unicodedata.category(c) in _UNSAFE_CATEGORIES}
    )


# -- the search oracle ------------------------------------------------------------------------


def searchable(raw: dict[str, Any]) -> list[str]:
    """The fields ``--text`` looks through, per the README: summary, performer, target, tenant
    (or "portal"), source IP and type."""
    tenant = raw["context"]["tenant"]
    return [
        raw["summary"],
        raw["performer"]["mail"],
        raw["performer"]["name"],
        raw["target"]["name"],
        raw["target"]["id"],
        tenant["name"] if tenant else "portal",
        tenant["id"] if tenant else "",
        raw["context"]["source_ip"],
        raw["type"],
    ]


def text_matches(raw: dict[str, Any], text: str) -> bool:
    """Every term of ``text`` is a case-insensitive substring of one searchable field."""
    fields = [" ".join(normalise(field).split()) for field in searchable(raw)]
    return all(any(term in field for field in fields) for term in search_terms(text))


def newest_first(raws: Iterable[dict[str, Any]]) -> list[str]:
    """Ids in the order every listing promises: time descending, then id (byte order)."""
    ordered = sorted(raws, key=lambda r: (r["timestamp"], r["id"].encode()), reverse=True)
    return [r["id"] for r in ordered]


def ndjson_ids(out: str) -> list[str]:
    import orjson

    return [orjson.loads(line)["id"] for line in out.splitlines() if line]


# -- the viewer -------------------------------------------------------------------------------


def make_viewer(store: Any, email: str = ADMIN.email, clock: FakeClock | None = None) -> Any:
    from tui.app.app import AuditLogApp

    # Recording the viewer's own reading would add rows these tests do not expect; it is
    # proven in tests/app/test_reading_recorded.py.
    return AuditLogApp(store, email, clock=clock or FakeClock(), zone=UTC, record_reading=False)


async def settle(pilot: Any) -> None:
    """Wait until every worker has ended and every message is handled (the handlers of a
    worker's results may start more workers)."""
    from textual.worker import WorkerCancelled

    for _ in range(5):
        pending = [worker for worker in pilot.app.workers if not worker.is_finished]
        for worker in pending:
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()
        if not pending:
            return


def drive(app: Any, scenario: Callable[[Any], Awaitable[None]], size=(80, 24)) -> None:  # type: ignore[no-untyped-def]
    """Run ``scenario(pilot)`` once the viewer's first load has settled.

    Notifications are shown (``run_test`` hides them by default): they are on the screen a
    hostile text can reach.
    """

    async def main() -> None:
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(main())


@dataclass
class Rendered:
    """One full frame of the viewer: what a terminal would receive and what it would show."""

    output: str  # the bytes Textual writes for a full repaint (escape sequences included)
    text: str  # the visible characters, line by line
    segments: list[Any]  # rich Segments with their styles (links, click actions)

    def foreign_sequences(self) -> list[str]:
        """Escape sequences in the output other than Textual's own cursor moves and colours.

        A hostile OSC (title, clipboard, hyperlink), DCS or report request would show here;
        so would a raw BEL, C1 control or bidi character.
        """
        rest = re.sub(r"\x1b\[[0-9;]*[mH]", "", self.output)
        return [*re.findall(r"\x1b.{0,8}", rest), *unsafe_characters(rest.replace("\x1b", ""))]

    def actions(self) -> list[tuple[str, str]]:
        """(text, action) of every segment that would run an action or open a link."""
        found = []
        for segment in self.segments:
            style = segment.style
            if style is None:
                continue
            if style.link:
                found.append((segment.text, f"link {style.link}"))
            meta = style.meta or {}
            if "@click" in meta:
                found.append((segment.text, str(meta["@click"])))
        return found

    def locate(self, needle: str) -> list[tuple[int, int]]:
        """(x, y) of every ``needle`` on the screen, top to bottom."""
        from tui.domain.display import cell_width

        found = []
        for y, line in enumerate(self.text.splitlines()):
            x = line.find(needle)
            while x >= 0:
                found.append((cell_width(line[:x]), y))
                x = line.find(needle, x + 1)
        return found


def render(app: Any) -> Rendered:
    """A full frame of ``app``'s current screen (dialogs included), as ``export_screenshot``
    builds it, but kept as terminal output, text and segments."""
    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    output = update.render_segments(console)
    console.print(update)
    segments = [seg for strip in app.screen._compositor.render_strips() for seg in strip]
    return Rendered(output, console.export_text(), segments)


@pytest.fixture
def viewer_clock() -> FakeClock:
    return FakeClock()
