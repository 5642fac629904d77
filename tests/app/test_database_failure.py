"""A database that is down or vanishes: a clear message on screen, the app keeps running,
and refresh (r) tries again."""

from __future__ import annotations

from tests.app.conftest import SEEDED, break_database, drive, make_app, repair_database, settle


def test_a_database_that_vanishes_mid_session_is_shown_and_recovers(audit_store, db_path) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        assert screen.table.row_count == 100
        original = break_database(audit_store, db_path)
        await pilot.press("r")
        await settle(pilot)
        status = str(screen.status.render())
        assert status == "⚠ The database is unavailable — r to retry"
        assert screen.table.row_count == 100, "the rows already shown stay"
        notes = [n.message for n in app._notifications]
        assert any("not a database" in m for m in notes)

        await pilot.press("s")  # pickers fail politely too
        await settle(pilot)
        assert app.screen is screen
        assert any("Could not load the tenants" in n.message for n in app._notifications)

        repair_database(audit_store, db_path, original)
        await pilot.press("r")
        await settle(pilot)
        assert str(screen.status.render()).startswith(f"{SEEDED + 1} events")
        assert not screen.notice.shown

    drive(app, scenario)


def test_a_database_that_is_down_at_start_shows_the_error_state(audit_store, db_path) -> None:
    original = break_database(audit_store, db_path)
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        text = str(screen.notice.render())
        assert screen.notice.kind == "error"
        assert "The database is unavailable" in text and "again: r (refresh)" in text
        assert screen.reader is None
        repair_database(audit_store, db_path, original)
        await pilot.press("r")
        await settle(pilot)
        assert screen.reader is not None
        assert not screen.notice.shown and screen.table.display
        assert screen.table.row_count == 100

    drive(app, scenario)


def test_a_failure_while_paging_keeps_the_app_running(audit_store, db_path) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        original = break_database(audit_store, db_path)
        await pilot.press("end")
        await settle(pilot)
        assert screen.table.row_count == 100
        assert "⚠" in str(screen.status.render())
        repair_database(audit_store, db_path, original)
        await pilot.press("r")
        await settle(pilot)
        assert screen.table.row_count >= 100
        assert "⚠" not in str(screen.status.render())

    drive(app, scenario)


def test_the_stores_own_message_is_shown_at_start(audit_store, monkeypatch) -> None:
    """A StoreUnavailable from opening the reader (here: a refused PostgreSQL) is shown as is."""
    from tui.domain.errors import StoreUnavailable

    def refused(email: str):  # type: ignore[no-untyped-def]
        raise StoreUnavailable(
            "database postgresql+psycopg://ops@127.0.0.1:1/audit: connection refused"
        )

    monkeypatch.setattr(audit_store, "reader", refused)
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        assert "connection refused" in str(app.screen.notice.render())

    drive(app, scenario)
