"""Out of disk, or a database that may not be written, during ingest and export.

"Disk full" is a child process whose files may not grow past a few kilobytes (RLIMIT_FSIZE,
SIGXFSZ ignored: writes fail with EFBIG, down the same path as ENOSPC). "Read-only" is the
immutable attribute (``chattr +i``; file permissions do not bind root, which runs these
tests) on the SQLite file and its folder, or, on PostgreSQL, sessions that are read-only
(``default_transaction_read_only`` in the URL's options, as a read-only replica would be).

Each time: one clear line on stderr and the documented exit code, no traceback, no file
under the final name, no partial file left beside it; and once the fault is gone the same
command does the whole job.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.adversarial.conftest import drive, make_viewer, render, settle
from tests.adversarial.faults import processes, sqlite_faults
from tests.adversarial.faults.viewer import notes, open_seeded
from tests.conftest import FakeClock, raw_event
from tui.cli import exit_codes

EVENTS = 2_000
LIMIT = 64 * 1024


def _events_file(tmp_path: Path, count: int = EVENTS) -> Path:
    source = tmp_path / "events.ndjson"
    lines = [orjson.dumps(raw_event(n, id=f"evt_disk_{n:05d}")) for n in range(count)]
    source.write_bytes(b"\n".join(lines) + b"\n")
    return source


def _one_clear_line(result: Any) -> None:
    """One error line; besides it at most the warning that the reading (an export) could
    not be recorded either, since the same disk holds the database."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("auditlog: ")]
    warnings = [line for line in lines if line.startswith("auditlog: warning: ")]
    assert all("reading was not recorded" in line for line in warnings), result.stderr
    assert len(lines) - len(warnings) == 1, result.stderr


@pytest.fixture
def filled(db_url: str, tmp_path: Path) -> str:
    """``db_url`` holding an admin (the default account) and EVENTS events."""
    assert processes.run(db_url, "accounts", "add", "ada@example.com", "--name", "Ada",
                         "--role", "Admin").returncode == 0  # fmt: skip
    loaded = processes.run(db_url, "ingest", str(_events_file(tmp_path)))
    assert loaded.returncode == 0, loaded.stderr
    return db_url


def test_an_export_that_runs_out_of_disk_says_so_and_leaves_no_file(
    filled: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "all.ndjson"
    argv = ("export", "--as", "ada@example.com", "--last", "30d", "--output", str(target))
    full = processes.run(filled, *argv, preexec_fn=processes.file_size_limit(LIMIT))
    processes.record("fault:disk-full-export")
    assert list(out.iterdir()) == [], "a partial file was left behind"
    _one_clear_line(full)
    assert full.returncode not in (exit_codes.OK, exit_codes.UNEXPECTED), full.stderr
    assert "File too large" in full.stderr or "No space" in full.stderr
    again = processes.run(filled, *argv)
    assert again.returncode == exit_codes.OK, again.stderr
    exported = [json.loads(line) for line in target.read_bytes().splitlines()]
    readings = [e for e in exported if e["area"] == "Audit Log Access"]
    assert len(exported) - len(readings) == EVENTS
    # the export that failed was recorded as such, unless the full disk refused that too
    assert [r["details"]["completed"] for r in readings] in ([], [False])


def test_an_export_into_a_folder_that_may_not_be_written_says_so(
    filled: str, tmp_path: Path
) -> None:
    out = tmp_path / "frozen"
    out.mkdir()
    target = out / "all.csv"
    with sqlite_faults.immutable(out):
        refused = processes.run(
            filled, "export", "--as", "ada@example.com", "--format", "csv", "-o", str(target)
        )
    assert list(out.iterdir()) == []
    _one_clear_line(refused)
    assert refused.returncode not in (exit_codes.OK, exit_codes.UNEXPECTED), refused.stderr


@pytest.mark.parametrize("backend", ["sqlite"])  # a full disk on the shared server: no
def test_an_ingest_into_a_full_disk_fails_clearly_and_can_be_run_again(
    db_url: str, tmp_path: Path
) -> None:
    source = _events_file(tmp_path)
    assert processes.run(db_url, "accounts", "list").returncode == 0
    full = processes.run(db_url, "ingest", str(source), "--batch-size", "100",
                         preexec_fn=processes.file_size_limit(LIMIT * 4))  # fmt: skip
    processes.record("fault:disk-full-ingest")
    _one_clear_line(full)
    assert full.returncode == exit_codes.UNAVAILABLE, full.stderr
    # SQLite reports EFBIG as an I/O error, ENOSPC as "database or disk is full"
    assert "disk I/O error" in full.stderr or "disk is full" in full.stderr
    again = processes.run(db_url, "ingest", str(source))
    assert again.returncode == exit_codes.OK, again.stderr
    assert ", 0 rejected" in again.stderr and f"{EVENTS:,} lines read" in again.stderr
    added = int(again.stderr.split(" events added")[0].rsplit(" ", 1)[1].replace(",", ""))
    present = int(again.stderr.split(" already present")[0].rsplit(" ", 1)[1].replace(",", ""))
    assert added + present == EVENTS and present > 0


def _read_only(db_url: str, backend: str) -> str:
    return db_url.replace("options=", "options=-cdefault_transaction_read_only%3Don%20", 1)


def test_an_ingest_into_a_read_only_database_fails_clearly_and_can_be_run_again(
    db_url: str, backend: str, tmp_path: Path
) -> None:
    source = _events_file(tmp_path, 300)
    assert processes.run(db_url, "accounts", "list").returncode == 0
    if backend == "sqlite":
        path = Path(db_url)
        with sqlite_faults.immutable(path, path.parent):
            refused = processes.run(db_url, "ingest", str(source))
    else:
        refused = processes.run(_read_only(db_url, backend), "ingest", str(source))
        processes.record("fault:postgres-read-only-session")
    _one_clear_line(refused)
    assert refused.returncode == exit_codes.UNAVAILABLE, refused.stderr
    assert "read" in refused.stderr.lower()  # "readonly database", "read-only transaction"
    again = processes.run(db_url, "ingest", str(source))
    assert again.returncode == exit_codes.OK, again.stderr
    assert "300 events added, 0 already present" in again.stderr


def test_a_download_into_a_folder_that_may_not_be_written_fails_in_the_viewer(
    db_url: str, tmp_path: Path
) -> None:
    clock = FakeClock()
    store = open_seeded(db_url, clock)
    app = make_viewer(store, clock=clock)
    out = tmp_path / "frozen"
    out.mkdir()
    target = out / "all.ndjson"

    async def scenario(pilot: Any) -> None:
        screen = app.screen
        with sqlite_faults.immutable(out):
            await pilot.press("w")
            await pilot.pause()
            app.screen.query_one("#path").value = str(target)
            await pilot.press("enter")
            await settle(pilot)
            # refused in the dialog, before anything runs (or, failing that, by the export)
            said = render(app).text + "\n".join(notes(app))
            assert "cannot write in" in said or "Download failed" in said, said
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen and app.is_running
        assert list(out.iterdir()) == []

    try:
        drive(app, scenario)
    finally:
        store.close()
