"""``auditlog ingest`` killed with SIGKILL mid-file, then run again, on both backends.

A file of events with bad lines scattered through it is ingested by a child process that is
killed (SIGKILL: no clean-up of any kind) once the database holds a given number of events,
at several points; then the same command runs to the end. Every valid event must then be
stored exactly once, with the content of its line, and the bad lines must be reported again
(with their line numbers, in the reject file, exit code 4).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from tests.adversarial.faults import postgres_faults, processes
from tests.conftest import raw_event
from tui.cli import exit_codes
from tui.domain.validation import parse_event

EVENTS = 6_000
BATCH = 250
#: Kill the ingest once the database holds this many events (each run starts over).
KILL_AT = (300, 2_000, 4_600)
#: Bad lines: not JSON, not UTF-8, an incident (not an audit event), not an object.
BAD = (b"{not json", b'{"id": "\xff\xfe"}', b'{"type": "Incident Opened"}', b"[1, 2, 3]")


def _file(tmp_path: Path) -> tuple[Path, dict[str, bytes], dict[int, bytes]]:
    """The NDJSON file, its valid lines by id and its bad lines by line number."""
    valid: dict[str, bytes] = {}
    bad: dict[int, bytes] = {}
    lines = []
    for n in range(EVENTS):
        if n % 200 == 7:
            bad[len(lines) + 1] = BAD[n % len(BAD)]
            lines.append(BAD[n % len(BAD)])
        line = orjson.dumps(raw_event(n, id=f"evt_kill_{n:06d}"))
        valid[f"evt_kill_{n:06d}"] = line
        lines.append(line)
    source = tmp_path / "events.ndjson"
    source.write_bytes(b"\n".join(lines) + b"\n")
    return source, valid, bad


def _counter(db_url: str, backend: str) -> Callable[[], int]:
    if backend == "sqlite":

        def count() -> int:
            with sqlite3.connect(db_url, timeout=10) as connection:
                return connection.execute("SELECT count(*) FROM events").fetchone()[0]

        return count

    session = postgres_faults.admin_session(db_url)

    def count_pg() -> int:
        return session.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]

    return count_pg


def _stored(db_url: str, backend: str) -> list[tuple[str, str]]:
    sql = "SELECT event_id, body FROM events"
    if backend == "sqlite":
        with sqlite3.connect(db_url) as connection:
            return connection.execute(sql).fetchall()
    with postgres_faults.admin_session(db_url) as session:
        return session.execute(sql).fetchall()  # type: ignore[return-value]


def test_an_ingest_killed_mid_file_and_run_again_stores_every_event_once(
    db_url: str, backend: str, tmp_path: Path
) -> None:
    source, valid, bad = _file(tmp_path)
    command = ("ingest", str(source), "--batch-size", str(BATCH))
    assert processes.run(db_url, "accounts", "list").returncode == 0  # creates the schema
    count = _counter(db_url, backend)
    for threshold in KILL_AT:
        process = processes.start(db_url, *command)
        assert processes.kill_when(process, lambda t=threshold: count() >= t), "ended first"
        assert process.returncode == -9
    killed_with = count()
    assert KILL_AT[-1] <= killed_with < len(valid)

    final = processes.run(db_url, *command)
    assert final.returncode == exit_codes.BAD_INPUT, final.stderr
    assert f"{len(valid) - killed_with:,} events added, {killed_with:,} already present" in (
        final.stderr
    )
    assert "Traceback" not in final.stderr
    reported = [line for line in final.stderr.splitlines() if line.startswith("line ")]
    assert [int(line.split(":")[0].removeprefix("line ")) for line in reported] == sorted(bad)
    rejects = Path(f"{source}.rejects").read_bytes()
    assert rejects == b"".join(line + b"\n" for _, line in sorted(bad.items()))

    stored = _stored(db_url, backend)
    ids = [event_id for event_id, _body in stored]
    assert len(ids) == len(set(ids)) == len(valid), "every valid event exactly once"
    assert set(ids) == set(valid)
    for event_id, body in stored:  # the stored form: the line's event, canonical
        assert orjson.loads(body) == parse_event(orjson.loads(valid[event_id])).to_dict()


@pytest.fixture(autouse=True)
def _real_clock_is_after_the_events() -> None:
    """The child processes use the real clock; the file's events must not lie ahead of it."""
    from datetime import UTC, datetime

    from tests.conftest import FIXED_NOW

    assert datetime.now(UTC) > FIXED_NOW
