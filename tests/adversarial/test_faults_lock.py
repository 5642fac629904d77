"""Another program holds the database: the viewer says so, keeps running and recovers.

SQLite runs in WAL mode, so a writer in the middle of a long transaction never blocks the
viewer (it reads on), and an ingest waits for the busy timeout before it gives up with a
clear message. Only a program that takes the file exclusively (``locking_mode=EXCLUSIVE``)
stops readers; the viewer must then say "locked" once the busy timeout has passed, and read
again on ``r`` when the lock is gone. The busy timeout is shortened for these tests (it is a
constant of the store); what is tested is what happens beyond it, whatever its length.

PostgreSQL: another session holds ACCESS EXCLUSIVE on ``events`` (a long migration, a
``VACUUM FULL``). Nothing may wait for it for ever: the store must bound its waits itself,
as SQLite's busy timeout does, and a lock timeout set by the deployment (in the URL's
``options``) must surface as a message, not a frozen screen.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.adversarial.conftest import drive, make_viewer, settle
from tests.adversarial.faults import postgres_faults, sqlite_faults
from tests.adversarial.faults.viewer import (
    SEEDED,
    notes,
    notice,
    on_screen,
    open_seeded,
    row_ids,
    seeded_viewer,
    status,
    unavailable,
    until,
)
from tests.conftest import FakeClock, raw_event
from tui.cli import exit_codes

#: The busy timeout for these tests (milliseconds): short, so waiting beyond it is quick.
SHORT_BUSY_TIMEOUT_MS = 300


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.store.engine.SQLITE_BUSY_TIMEOUT_MS", SHORT_BUSY_TIMEOUT_MS)


def healthy(app: Any, count: int = SEEDED) -> bool:
    return status(app).startswith(f"{count} events · page ") and len(row_ids(app)) >= 100


async def refresh(pilot: Any) -> None:
    await pilot.press("r")
    await settle(pilot)


def locked_notes(app: Any) -> list[str]:
    return [note for note in notes(app) if "locked" in note or "lock timeout" in note]


# -- SQLite -----------------------------------------------------------------------------------


@pytest.fixture
def sqlite_viewer(tmp_path: Path, short_busy_timeout: None):  # type: ignore[no-untyped-def]
    path = tmp_path / "audit.sqlite3"
    with seeded_viewer(str(path)) as app:
        yield app, path


def test_a_sqlite_writer_in_a_long_transaction_does_not_stop_the_viewer(sqlite_viewer) -> None:
    app, path = sqlite_viewer

    async def scenario(pilot: Any) -> None:
        with sqlite_faults.write_transaction_open(path):
            for key in ("r", "end", "home", "r"):
                await pilot.press(key)
                await settle(pilot)
                assert healthy(app), on_screen(app)
        assert not locked_notes(app)

    drive(app, scenario)


def test_a_sqlite_file_held_exclusively_at_start_is_reported_then_read(
    tmp_path: Path, short_busy_timeout: None
) -> None:
    """The viewer starts while another program has the file to itself (it took the file
    while nobody else had it open: WAL readers keep a shared lock that would stop it)."""
    path = tmp_path / "audit.sqlite3"
    clock = FakeClock()
    store = open_seeded(str(path), clock)
    store.close()  # no connection of ours is open when the other program takes the file
    app = make_viewer(store, clock=clock)

    async def scenario(pilot: Any) -> None:
        await until(pilot, lambda: "locked" in notice(app))  # after the busy timeout
        assert "The database is unavailable" in notice(app)
        await refresh(pilot)  # still held: said again, nothing breaks
        assert "locked" in notice(app) and app.is_running
        held.close()
        await refresh(pilot)
        assert healthy(app), on_screen(app)
        assert not notice(app)

    try:
        with contextlib.ExitStack() as held:
            held.enter_context(sqlite_faults.held_exclusively(path))
            drive(app, scenario)
    finally:
        store.close()


def _events_file(tmp_path: Path, count: int) -> Path:
    source = tmp_path / "events.ndjson"
    lines = [orjson.dumps(raw_event(n, id=f"evt_lock_{n:05d}")) for n in range(count)]
    source.write_bytes(b"\n".join(lines) + b"\n")
    return source


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL: see below
def test_an_ingest_beyond_the_busy_timeout_fails_clearly_and_can_be_run_again(
    run, backend: str, tmp_path: Path, db_url: str, short_busy_timeout: None
) -> None:
    source = _events_file(tmp_path, 300)
    assert run("accounts", "list").code == 0  # creates the database
    with sqlite_faults.write_transaction_open(Path(db_url)):
        refused = run("ingest", str(source))
    assert refused.code == exit_codes.UNAVAILABLE, refused.err
    assert refused.err.startswith("auditlog: database ") and "database is locked" in refused.err
    assert "Traceback" not in refused.err and refused.out == ""
    again = run("ingest", str(source))
    assert again.code == exit_codes.OK, again.err
    assert "300 events added, 0 already present, 0 rejected" in again.err


# -- PostgreSQL --------------------------------------------------------------------------------


def _with_lock_timeout(url: str, milliseconds: int) -> str:
    """``url`` with a lock timeout in its libpq options, as a deployment would set it."""
    return url.replace("options=", f"options=-clock_timeout%3D{milliseconds}%20", 1)


@pytest.fixture
def pg_url(pg_schema_url: str) -> str:
    from tests.conftest import _empty_postgres

    _empty_postgres(pg_schema_url)
    return pg_schema_url


@pytest.mark.postgres
def test_a_postgresql_lock_timeout_of_the_deployment_is_reported_then_read_again(
    pg_url: str,
) -> None:
    clock = FakeClock()
    store = open_seeded(_with_lock_timeout(pg_url, 300), clock)
    app = make_viewer(store, clock=clock)

    async def scenario(pilot: Any) -> None:
        assert healthy(app)
        with postgres_faults.events_locked(pg_url):
            await refresh(pilot)
            assert unavailable(app), on_screen(app)
            assert locked_notes(app), notes(app)
        await refresh(pilot)
        assert healthy(app), on_screen(app)

    try:
        drive(app, scenario)
    finally:
        store.close()


@pytest.mark.postgres
def test_the_store_bounds_its_own_wait_for_a_postgresql_lock(
    pg_url: str, short_busy_timeout: None
) -> None:
    clock = FakeClock()
    store = open_seeded(pg_url, clock)
    app = make_viewer(store, clock=clock)

    async def scenario(pilot: Any) -> None:
        assert healthy(app)
        with postgres_faults.events_locked(pg_url):
            await pilot.press("r")
            # the busy timeout and then some: the viewer must have said why nothing comes
            await until(pilot, lambda: unavailable(app), seconds=SHORT_BUSY_TIMEOUT_MS / 1000 + 4)
            assert locked_notes(app), notes(app)
        await refresh(pilot)
        assert healthy(app), on_screen(app)

    try:
        drive(app, scenario)
    finally:
        store.close()
