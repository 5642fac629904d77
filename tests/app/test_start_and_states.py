"""Start-up, the header and status lines, and the empty, denied and error states."""

from __future__ import annotations

from tests.app.conftest import (
    ANALYST,
    ERASED,
    HOSTILE_ID,
    SEEDED,
    SUPERVISOR,
    cells,
    drive,
    make_app,
    settle,
)
from tests.conftest import ADMIN
from tui.app.messages import WindowLoaded
from tui.app.paging import PageWindow


def _text(widget) -> str:  # type: ignore[no-untyped-def]
    return str(widget.render())


def test_opens_on_the_newest_events_of_the_last_7_days(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        header = _text(screen.query_one("#header"))
        assert "ada.admin@example.com (Admin)" in header
        assert "Scope: All" in header and "Last 7 days" in header
        assert audit_store.label in header or "sqlite:" in header
        assert screen.table.row_count == 100
        assert screen.table.selected_id == "evt_0000"
        assert _text(screen.status).startswith(f"{SEEDED + 1} events · page 1 of 3")
        assert "† erased account" in _text(screen.status)
        assert screen.table.has_focus

    drive(app, scenario)


def test_erased_performers_are_marked(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        table = app.screen.table
        performers = cells(table, "performer")[:6]
        assert performers[2] == f"† {ERASED.email}"
        assert performers[0] == ADMIN.email

    drive(app, scenario)


def test_an_empty_database_says_so_and_what_to_try(empty_store) -> None:
    app = make_app(empty_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        assert screen.notice.shown and not screen.table.display
        text = _text(screen.notice)
        assert "The audit log is empty for you" in text
        assert "auditlog demo" in text
        assert _text(screen.status).startswith("0 events")

    drive(app, scenario)


def test_an_analyst_is_refused_with_the_reason(audit_store) -> None:
    app = make_app(audit_store, ANALYST.email)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        text = _text(screen.notice)
        assert "No access" in text
        assert "only Admin and Supervisor accounts may read the audit log" in text
        assert screen.notice.kind == "denied"
        assert screen.reader is None
        await pilot.press("s")  # pickers need a reader: a warning, no crash
        await settle(pilot)
        assert screen is app.screen

    drive(app, scenario)


def test_an_erased_account_cannot_read(audit_store) -> None:
    app = make_app(audit_store, ERASED.email)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        assert "has been erased" in _text(app.screen.notice)

    drive(app, scenario)


def test_the_supervisor_sees_the_portal_and_their_tenant_only(audit_store) -> None:
    app = make_app(audit_store, SUPERVISOR.email)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        assert "sam.super@example.com (Supervisor)" in _text(screen.query_one("#header"))
        places = set(cells(screen.table, "where"))
        assert places == {"Portal", "Acme Corp"}
        # 251 events in four places, round-robin: half are portal or t_acme.
        assert _text(screen.status).startswith("126 events")
        await pilot.press("s")
        await settle(pilot)
        picker = app.screen
        assert [t.id for t in picker.tenants] == ["t_acme"]
        await pilot.press("escape")

    drive(app, scenario)


def test_hostile_text_is_shown_literally(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("/")
        await pilot.press(*"pwned", "enter")
        await settle(pilot)
        assert screen.table.row_count == 1
        summary = cells(screen.table, "summary")[0]
        assert "\x1b" not in summary and "\x07" not in summary and "\x9b" not in summary
        assert "[bold red]pwned[/]" in summary  # markup shown, not applied
        assert len(summary) < 520  # cut in the table
        screen.table.focus()
        await pilot.press("enter")
        await settle(pilot)
        json_text = screen.pane.json_text
        assert "\\u001b[2J" in json_text and "\\u009b6n" in json_text
        assert "x" * 400 in json_text  # whole in the JSON pane
        assert screen.pane.event.id == HOSTILE_ID
        # Nothing on screen carries a raw control character.
        picture = app.export_screenshot()
        assert "pwned" in picture
        assert not any(ch in picture for ch in "\x1b\x07\x9b")

    drive(app, scenario)


def test_results_of_a_superseded_query_are_dropped(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        stale = WindowLoaded(screen.generation - 1, PageWindow())
        screen.post_message(stale)
        await pilot.pause()
        assert screen.table.row_count == 100
        assert not screen.notice.shown

    drive(app, scenario)


def test_notifications_are_literal_and_inert(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        app.screen.notify("[bold]x[/] \x1b[2J", title="\x1b]0;t\x07")
        await pilot.pause()
        note = list(app._notifications)[-1]
        assert note.message == "[bold]x[/] \\x1b[2J" and not note.markup
        assert note.title == "\\x1b]0;t\\x07"

    drive(app, scenario)
