"""``auditlog ingest``: bad lines reported and set aside, good ones land, re-runs add nothing."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.cli.conftest import Run
from tests.conftest import ADMIN, raw_event
from tui.cli import exit_codes


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def test_bad_lines_are_reported_set_aside_and_do_not_stop_good_ones(
    run: Run, tmp_path: Path
) -> None:
    bad_mail = raw_event(2)
    bad_mail["performer"]["mail"] = "not-an-address"
    incident = raw_event(4, type="Incident Closed")
    lines = [
        orjson.dumps(raw_event(1)),
        orjson.dumps(bad_mail),
        b'{"id": "evt_x", "type": ',
        orjson.dumps(incident),
        b"",
        b"\xff\xfe not utf-8",
        orjson.dumps(raw_event(7)),
    ]
    source = _write(tmp_path / "in.ndjson", lines)
    result = run("ingest", str(source))
    assert result.code == exit_codes.BAD_INPUT
    assert "line 2: performer.mail: 'not-an-address' is not an e-mail address" in result.err
    assert "line 3: not valid JSON" in result.err
    assert "line 4: type: 'Incident Closed' is an incident operation" in result.err
    assert "line 6: not UTF-8 text: byte 0xff at offset 0 (invalid start byte)" in result.err
    assert "2 events added" in result.err and "4 rejected" in result.err
    rejects = (tmp_path / "in.ndjson.rejects").read_bytes().splitlines()
    assert rejects == [lines[1], lines[2], lines[3], lines[5]]
    run("accounts", "add", ADMIN.email, "--name", "Ada", "--role", "Admin")
    shown = run("query", "--as", ADMIN.email, "--format", "ndjson")
    assert [orjson.loads(line)["id"] for line in shown.lines()] == ["evt_000001", "evt_000007"]


def test_running_the_same_file_again_adds_nothing(run: Run, tmp_path: Path) -> None:
    source = _write(tmp_path / "in.ndjson", [orjson.dumps(raw_event(n)) for n in range(30)])
    first = run("ingest", str(source), "--batch-size", "7")
    second = run("ingest", str(source))
    assert first.code == second.code == exit_codes.OK
    assert "30 events added" in first.err
    assert "0 events added, 30 already present" in second.err


def test_unknown_type_is_refused_by_name(run: Run, tmp_path: Path) -> None:
    source = _write(tmp_path / "in.ndjson", [orjson.dumps(raw_event(1, type="Coffee Brewed"))])
    result = run("ingest", str(source), "--rejects", str(tmp_path / "bad.ndjson"))
    assert "type: 'Coffee Brewed' is not in the audit event catalog" in result.err
    assert (tmp_path / "bad.ndjson").exists()


def test_missing_file_is_bad_input(run: Run, tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path / "nope.ndjson"))
    assert result.code == exit_codes.BAD_INPUT
    assert "cannot read" in result.err


def test_export_then_ingest_round_trip_loses_nothing(seeded: Run, tmp_path: Path) -> None:
    exported = tmp_path / "all.ndjson"
    assert seeded("export", "--as", ADMIN.email, "--output", str(exported)).code == 0
    other = tmp_path / "copy.sqlite3"
    result = seeded("ingest", str(exported), "--db", str(other))
    assert "6 events added" in result.err
    again = tmp_path / "again.ndjson"
    seeded("accounts", "add", ADMIN.email, "--name", "Ada", "--role", "Admin", "--db", str(other))
    seeded("export", "--as", ADMIN.email, "--db", str(other), "--output", str(again))
    assert again.read_bytes() == exported.read_bytes()
