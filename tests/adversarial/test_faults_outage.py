"""The database goes away while the viewer is open, then comes back.

SQLite: the file is moved away (a cleanup job, a user tidying up) or overwritten in place.
PostgreSQL: the server ends the viewer's sessions (what a restart or an administrator's
``pg_terminate_backend`` looks like to a client), idle or in the middle of a query; and a
throw-away cluster of our own is stopped and started again, a real restart.

Each time the viewer must say what is wrong in plain words (status line and notification),
keep running, and recover on ``r`` once the database is back, with the right rows and count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.adversarial.conftest import drive, make_viewer, settle
from tests.adversarial.faults import postgres_faults, sqlite_faults
from tests.adversarial.faults.pg_cluster import ThrowawayCluster
from tests.adversarial.faults.viewer import (
    SEEDED,
    notes,
    on_screen,
    open_seeded,
    row_ids,
    seeded_viewer,
    status,
    unavailable,
    until,
)
from tests.conftest import FakeClock


def healthy(app: Any) -> bool:
    """Every seeded event counted, rows shown, no problem on the status line."""
    line = status(app)
    return line.startswith(f"{SEEDED} events · page ") and len(row_ids(app)) >= 100


async def refresh(pilot: Any) -> None:
    await pilot.press("r")
    await settle(pilot)


# -- SQLite -----------------------------------------------------------------------------------


@pytest.fixture
def sqlite_viewer(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "audit.sqlite3"
    with seeded_viewer(str(path)) as app:
        yield app, path


def test_a_sqlite_file_moved_away_is_reported_and_recovers_when_put_back(sqlite_viewer) -> None:
    app, path = sqlite_viewer

    async def scenario(pilot: Any) -> None:
        assert healthy(app)
        with sqlite_faults.moved_away(path):
            for _ in range(2):  # the first refresh, and a second one: both must say it
                await refresh(pilot)
                assert unavailable(app), on_screen(app)
                assert not path.exists(), "the viewer created an empty database in its place"
            assert len(row_ids(app)) == 100, "the rows already shown stay"
        await refresh(pilot)
        assert healthy(app), on_screen(app)

    drive(app, scenario)


def test_a_sqlite_file_replaced_by_another_is_reported_and_recovers(sqlite_viewer) -> None:
    app, path = sqlite_viewer

    async def scenario(pilot: Any) -> None:
        assert healthy(app)
        with sqlite_faults.moved_away(path, replacement=sqlite_faults.NOT_A_DATABASE):
            await refresh(pilot)
            assert unavailable(app), on_screen(app)
            assert any("file is not a database" in note for note in notes(app)), notes(app)
            assert not any(note.startswith("Refreshed") for note in notes(app)), notes(app)
            await pilot.press("end")  # paging on a broken database
            await settle(pilot)
            await pilot.press("s")  # so is opening a picker
            await settle(pilot)
            assert any("Could not load the tenants" in note for note in notes(app)), notes(app)
            assert app.is_running and app.screen.table.row_count == 100
        await refresh(pilot)
        assert healthy(app), on_screen(app)

    drive(app, scenario)


# -- PostgreSQL: the shared server, only our own sessions ------------------------------------


@pytest.fixture
def pg_viewer(pg_schema_url: str):  # type: ignore[no-untyped-def]
    from tests.conftest import _empty_postgres

    _empty_postgres(pg_schema_url)
    clock = FakeClock()
    store = open_seeded(pg_schema_url, clock)
    yield make_viewer(store, clock=clock), pg_schema_url
    store.close()


@pytest.mark.postgres
def test_postgresql_ending_the_viewers_idle_sessions_goes_unnoticed(pg_viewer) -> None:
    """A restart between two refreshes: the next refresh reconnects, no error is shown."""
    app, url = pg_viewer

    async def scenario(pilot: Any) -> None:
        assert healthy(app)
        assert postgres_faults.end_my_sessions(url) >= 1
        await refresh(pilot)
        assert healthy(app), on_screen(app)
        assert not any("unavailable" in note for note in notes(app)), notes(app)

    drive(app, scenario)


@pytest.mark.postgres
def test_postgresql_ending_a_session_mid_query_is_reported_and_recovers(pg_viewer) -> None:
    app, url = pg_viewer

    async def scenario(pilot: Any) -> None:
        assert healthy(app)
        with postgres_faults.events_locked(url) as observer:
            await pilot.press("r")  # the refresh's query waits for the lock...
            waiter = postgres_faults.wait_for_lock_waiter(observer)
            observer.execute("SELECT pg_terminate_backend(%s, 5000)", (waiter,))
            postgres_faults.record("fault:postgres-session-terminated-mid-query")
            await until(pilot, lambda: unavailable(app))  # ...and is cut off
        await settle(pilot)
        assert any("terminat" in note for note in notes(app)), notes(app)
        assert app.screen.table.row_count == 100, "the rows already shown stay"
        await refresh(pilot)
        assert healthy(app), on_screen(app)

    drive(app, scenario)


# -- PostgreSQL: a real restart of a cluster of our own ---------------------------------------


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    started = ThrowawayCluster()
    yield started
    started.destroy()


@pytest.mark.postgres
def test_postgresql_stopped_and_started_again_is_reported_and_recovers(cluster) -> None:
    clock = FakeClock()
    store = open_seeded(cluster.url, clock)
    app = make_viewer(store, clock=clock)

    async def scenario(pilot: Any) -> None:
        assert healthy(app)
        cluster.stop()
        try:
            await refresh(pilot)
            assert unavailable(app), on_screen(app)
            assert any("refused" in note or "server" in note for note in notes(app)), notes(app)
            await pilot.press("pagedown", "pagedown", "end")  # paging while it is down
            await settle(pilot)
            assert app.is_running and app.screen.table.row_count >= 100
        finally:
            cluster.start()
        await refresh(pilot)
        assert healthy(app), on_screen(app)
        cluster.stop()  # a restart the viewer does not witness: the next refresh just works
        cluster.start()
        await refresh(pilot)
        assert healthy(app), on_screen(app)

    try:
        drive(app, scenario)
    finally:
        store.close()
