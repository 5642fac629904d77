"""The viewer on both backends: the same screen from SQLite and from PostgreSQL."""

from __future__ import annotations

from tests.app.conftest import SEEDED, drive, make_app, open_store, seeded_events, settle


def test_the_viewer_reads_either_backend(db_url, clock, backend) -> None:  # type: ignore[no-untyped-def]
    store = open_store(db_url, clock, seeded_events())
    app = make_app(store, clock=clock)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        assert screen.table.row_count == 100
        assert str(screen.status.render()).startswith(f"{SEEDED + 1} events · page 1 of 3")
        await pilot.press("slash", *'"object 12"', "enter")
        await settle(pilot)
        assert screen.table.row_count == 11
        await pilot.press("escape", "x", "end")
        await settle(pilot)
        assert screen.table.row_count == 200
        await pilot.press("p")
        await settle(pilot)
        assert len(app.screen.facets) == 3
        await pilot.press("escape")

    try:
        drive(app, scenario)
    finally:
        store.close()
