"""Access, proven through the viewer: what a supervisor can reach with the keyboard.

A supervisor of one tenant opens the viewer on a log that also holds two tenants that are
not theirs. Every event of those carries a marker (``LEAK``, the tenants' names and ids, a
performer, a source IP and an event type found nowhere else), so a leak shows as text.
Walking every page of the table (down to the end and back up, which drops and re-fetches
pages by cursor), opening the JSON pane, the scope picker, the area, type and performer
pickers, the status line's count, a search for the hidden tenant's name and a download to a
file: no rendered frame and no byte of the file holds a marker, and what is shown is
exactly the supervisor's events, none missing.

While the viewer is open, the account is erased (the next refresh shows the refusal and no
event; copy, pickers and download then give nothing) or loses its tenant (the next refresh
refuses the scope naming it; the scope picker then offers only what is left).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.adversarial.conftest import drive, make_viewer, render, settle
from tests.conftest import ADMIN, FIXED_NOW, FakeClock
from tests.store.conftest import reassign
from tui.domain.access import Principal
from tui.domain.event import AuditEvent, format_timestamp
from tui.domain.validation import parse_event
from tui.store.repository import AuditStore

SUPER = Principal("sam.super@example.com", "Sam Super", "Supervisor", frozenset({"t_acme"}))
ASSIGNED = ("t_acme", "Acme Corp")
HIDDEN = (("t_secret", "Secretco LEAK"), ("t_other", "Othermark LEAK"))
#: Text that only events of the hidden tenants hold (matched case-sensitively).
MARKERS = (
    "LEAK",
    "Secretco",
    "Othermark",
    "t_secret",
    "t_other",
    "spy@",
    "Integration Del",  # the hidden tenants' type, however a column cuts it
    "198.51.100",
)
VISIBLE_TYPES = ["User Login", "Collector Created", "Label Created", "Scheduled Report Sent"]
#: Visible events: 4 pages, one more than the table's window keeps.
VISIBLE = 330
HIDDEN_COUNT = 200


def visible_event(n: int) -> AuditEvent:
    tenant = None if n % 3 == 0 else ASSIGNED
    mail, name = [("ada.admin@example.com", "Ada"), ("bob.ops@example.com", "Bob")][n % 2]
    return parse_event(
        {
            "id": f"vis_{n:04d}",
            "type": VISIBLE_TYPES[n % len(VISIBLE_TYPES)],
            "timestamp": format_timestamp(FIXED_NOW - timedelta(minutes=7 * n + 1)),
            "performer": {"id": f"usr_{n % 2}", "mail": mail, "name": name, "role": "Admin"},
            "context": {
                "tenant": None if tenant is None else {"id": tenant[0], "name": tenant[1]},
                "source_ip": "203.0.113.7",
                "user_agent": "Mozilla/5.0",
            },
            "target": {"kind": "collector", "id": f"col_{n}", "name": f"Visible target {n}"},
            "summary": f"Visible change number {n}",
            "details": {},
        }
    )


def hidden_event(n: int) -> AuditEvent:
    tenant = HIDDEN[n % 2]
    return parse_event(
        {
            "id": f"LEAK_{tenant[0]}_{n:04d}",
            "type": "Integration Deletion Failed",
            "timestamp": format_timestamp(FIXED_NOW - timedelta(minutes=11 * n + 3)),
            "performer": {
                "id": "usr_spy",
                "mail": "spy@secretco.example",
                "name": "Spy LEAK",
                "role": "Admin",
            },
            "context": {
                "tenant": {"id": tenant[0], "name": tenant[1]},
                "source_ip": f"198.51.100.{n % 250}",
                "user_agent": "LEAK agent",
            },
            "target": {"kind": "integration", "id": f"LEAK_int_{n}", "name": "LEAK target"},
            "summary": f"LEAK secret change {n}",
            "details": {"reason": "LEAK reason"},
        }
    )


def _row_ids(screen: Any) -> list[str]:
    table = screen.table
    if not table.display:
        return []
    return [table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(table.row_count)]


def _at_last_row(screen: Any) -> bool:
    return screen.table.cursor_row == screen.table.row_count - 1


def _cells(screen: Any) -> str:
    """The text of every cell of every row the table holds."""
    table = screen.table
    return "\n".join(str(cell) for r in range(table.row_count) for cell in table.get_row_at(r))


def _leaks(text: str, typed: str = "") -> list[str]:
    """The markers in ``text``, except those the user typed in (a search shows its text)."""
    return [marker for marker in MARKERS if marker in text and marker not in typed]


def _no_leak_on_screen(app: Any, where: str) -> str:
    text = render(app).text
    assert _leaks(text) == [], f"{where}:\n{text}"
    return text


async def _until(pilot: Any, condition: Any, seconds: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await pilot.pause(0.02)


@pytest.fixture
def shared_store(db_url: str):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    store = AuditStore.open(db_url, clock=clock)
    store.add_accounts([ADMIN, SUPER])
    visible = [visible_event(n) for n in range(VISIBLE)]
    hidden = [hidden_event(n) for n in range(HIDDEN_COUNT)]
    store.append(visible + hidden)
    yield store, clock, visible
    store.close()


def test_a_supervisor_reaches_nothing_of_another_tenant(shared_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, clock, visible = shared_store
    expected = [e.id for e in visible]  # newest first already
    app = make_viewer(store, SUPER.email, clock=clock)
    target = tmp_path / "supervisor.ndjson"

    async def scenario(pilot: Any) -> None:
        screen = app.screen
        first = _no_leak_on_screen(app, "first screen")
        assert "Yours (portal + 1 tenant)" in first and "Acme Corp" in first
        assert f"{VISIBLE} events" in str(screen.status.render())

        # Every page, down to the end and back to the top, by the last / first loaded row
        # (End, Home), which loads the next page each time: every cell of the table at each
        # step (the frame shows only some), and the frame.
        seen: list[str] = []
        for key, done in (
            ("end", lambda: screen.window.at_end and _at_last_row(screen)),
            ("home", lambda: screen.window.first == 0 and screen.table.cursor_row == 0),
        ):
            for _ in range(20):
                seen.extend(_row_ids(screen))
                assert _leaks(_cells(screen)) == []
                _no_leak_on_screen(app, f"table at row {screen.table.cursor_row}")
                if done():
                    break
                await pilot.press(key)
                await settle(pilot)
            else:
                raise AssertionError(f"{key} never reached the end of the result")
            if key == "end":
                assert screen.window.first > 0  # pages were dropped on the way down...
        assert set(seen) == set(expected)  # ...and re-fetched: nothing missing, nothing more

        # The JSON pane, following the cursor.
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(3):
            assert screen.pane.is_open and _leaks(screen.pane.json_text) == []
            _no_leak_on_screen(app, f"pane of {screen.pane.event.id}")
            await pilot.press("down", "down", "down")
            await settle(pilot)
        await pilot.press("escape")

        # The scope picker: the portal and the own tenant, nothing else.
        await pilot.press("s")
        await settle(pilot)
        picker = app.screen
        choices = picker.query_one("#choices")
        values = {choices.get_option_at_index(i).value for i in range(choices.option_count)}
        assert values == {"\x00portal", ASSIGNED[0]}
        assert [t.id for t in picker.tenants] == [ASSIGNED[0]]
        _no_leak_on_screen(app, "scope picker")
        picker.query_one("#filter").value = "secret"  # typing the hidden tenant's name
        await settle(pilot)
        assert choices.option_count == 0
        await pilot.press("escape")
        await settle(pilot)

        # The filter pickers offer only what the supervisor's events hold.
        offered = {}
        for key in ("a", "t", "p"):
            await pilot.press(key)
            await settle(pilot)
            offered[key] = {facet.value for facet in app.screen.facets}
            _no_leak_on_screen(app, f"picker {key}")
            await pilot.press("escape")
            await settle(pilot)
        assert offered["t"] == set(VISIBLE_TYPES)
        assert offered["p"] == {"ada.admin@example.com", "bob.ops@example.com"}
        assert "Integrations & Gateways" not in offered["a"]

        # Searching for the hidden tenant by name, id, performer or type finds nothing.
        box = screen.query_one("#search")
        for text in ("secretco", "t_secret", "spy@secretco", "deletion failed", "198.51.100"):
            await pilot.press("slash")
            box.value = text
            await pilot.press("enter")
            await settle(pilot)
            assert _row_ids(screen) == [], text
            assert str(screen.status.render()).startswith("0 events"), text
            assert _leaks(render(app).text, typed=text) == [], text
        await pilot.press("escape", "x")
        await settle(pilot)
        assert f"{VISIBLE} events" in str(screen.status.render())

        # The download: the supervisor's events, all of them, and nothing else.
        await pilot.press("w")
        await settle(pilot)
        _no_leak_on_screen(app, "download dialog")
        app.screen.query_one("#path").value = str(target)
        await pilot.press("enter")
        await _until(pilot, lambda: screen.download is None and target.exists())
        await settle(pilot)
        text = _no_leak_on_screen(app, "after the download")
        assert f"Saved {VISIBLE} events" in text or any(
            f"Saved {VISIBLE} events" in n.message for n in app._notifications
        )

    drive(app, scenario, size=(140, 30))  # wide: the Target and Area columns show too
    written = target.read_bytes()
    assert _leaks(written.decode()) == []
    assert [orjson.loads(line)["id"] for line in written.splitlines()] == expected


@pytest.fixture
def small_store(db_url: str):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    store = AuditStore.open(db_url, clock=clock)
    store.add_accounts([ADMIN, SUPER])
    visible = [visible_event(n) for n in range(30)]
    store.append(visible + [hidden_event(n) for n in range(20)])
    yield store, clock, visible
    store.close()


def test_an_account_erased_while_the_viewer_is_open_gets_the_refusal_and_nothing(
    small_store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import pyperclip

    store, clock, visible = small_store
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = make_viewer(store, SUPER.email, clock=clock)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    target = downloads / "after-erasure.ndjson"

    async def scenario(pilot: Any) -> None:
        screen = app.screen
        assert _row_ids(screen) == [e.id for e in visible]
        await pilot.press("enter")  # the pane open on an event: it must go too
        await settle(pilot)
        assert screen.pane.is_open
        store.erase_account(SUPER.email)
        await pilot.press("r")
        await settle(pilot)
        text = _no_leak_on_screen(app, "after erasure")
        assert screen.notice.shown and screen.notice.kind == "denied"
        assert "has been erased" in text and "No access" in text
        assert _row_ids(screen) == [] and not screen.pane.is_open
        assert not any(e.id in text or e.summary in text for e in visible)
        assert "No access" in str(screen.status.render())

        # Nothing else reaches the account either: copy, pickers, download.
        await pilot.press("c")
        await settle(pilot)
        assert copied == [] and app.clipboard == ""
        for key in ("s", "a", "t", "p"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen, key  # no picker opened
        notes = [n.message for n in app._notifications]
        assert sum("has been erased" in n for n in notes) >= 4
        await pilot.press("w")
        await settle(pilot)
        app.screen.query_one("#path").value = str(target)
        await pilot.press("enter")
        await _until(pilot, lambda: screen.download is None)
        await settle(pilot)
        assert any(n.title == "Download failed" for n in app._notifications)
        text = _no_leak_on_screen(app, "after the refused download")
        assert not any(e.id in text for e in visible)

    drive(app, scenario)
    assert list(downloads.iterdir()) == []  # no file, no partial file


def test_a_tenant_taken_away_while_the_viewer_is_open_is_gone_at_the_next_refresh(
    small_store, db_url: str
) -> None:  # type: ignore[no-untyped-def]
    store, clock, visible = small_store
    app = make_viewer(store, SUPER.email, clock=clock)
    portal = [e.id for e in visible if e.tenant is None]

    async def scenario(pilot: Any) -> None:
        screen = app.screen
        # Choose the own tenant as the scope (type its name, Enter).
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#filter").value = "acme"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        acme = [e.id for e in visible if e.tenant is not None]
        assert _row_ids(screen) == acme

        reassign(db_url, SUPER.email, [])
        await pilot.press("r")
        await settle(pilot)
        text = _no_leak_on_screen(app, "after losing the tenant")
        assert screen.notice.kind == "denied" and "not assigned the tenant t_acme" in text
        assert _row_ids(screen) == []
        assert not any(e.id in text for e in visible)

        await pilot.press("s")
        await settle(pilot)
        assert app.screen.tenants == ()  # only the portal is left to choose
        app.screen.query_one("#all").press()
        await settle(pilot)
        assert _row_ids(screen) == portal
        text = _no_leak_on_screen(app, "scope All after losing the tenant")
        assert "Acme Corp" not in text and "portal + 0 tenants" in text

    drive(app, scenario, size=(140, 30))
