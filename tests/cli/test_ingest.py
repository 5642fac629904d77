"""``auditlog ingest``: bad lines reported and set aside, good ones land, re-runs add nothing."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import orjson
import pytest

from tests.cli.conftest import Run
from tests.conftest import ADMIN, raw_event
from tui.cli import exit_codes
from tui.cli.ingest_lines import LongLine, blocks


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


def _mixed_lines() -> list[bytes]:
    bad_mail = raw_event(2)
    bad_mail["performer"]["mail"] = "not-an-address"
    good = [orjson.dumps(raw_event(n, tenant=f"t_{n % 3}")) for n in range(10, 60)]
    return [
        orjson.dumps(raw_event(1)),
        orjson.dumps(bad_mail),
        b'{"id": "evt_x", "type": ',
        *good[:25],
        b"",
        b"\xff\xfe not utf-8",
        *good[25:],
        orjson.dumps(raw_event(7)),
    ]


@pytest.fixture(params=["one block", "tiny blocks"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Ingest as it reads a small file (in one block), and in blocks of a line or two."""
    if request.param == "tiny blocks":
        monkeypatch.setattr("tui.cli.ingest_lines.BLOCK_BYTES", 300)
    return request.param


def test_blocks_and_the_writer_thread_change_nothing_a_user_sees(
    run: Run, tmp_path: Path, mode: str
) -> None:
    lines = _mixed_lines()
    source = _write(tmp_path / "in.ndjson", lines)
    result = run("ingest", str(source), "--batch-size", "9")
    assert result.code == exit_codes.BAD_INPUT
    reported = [line for line in result.err.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in reported] == ["line 2", "line 3", "line 30"]
    assert "56 lines read, 52 events added, 0 already present, 3 rejected" in result.err
    rejects = (tmp_path / "in.ndjson.rejects").read_bytes()
    assert rejects == lines[1] + b"\n" + lines[2] + b"\n" + lines[29] + b"\n"
    run("accounts", "add", ADMIN.email, "--name", "Ada", "--role", "Admin")
    shown = run("query", "--as", ADMIN.email, "--format", "ndjson", "--limit", "100")
    assert len(shown.lines()) == 52
    assert "0 events added, 52 already present" in run("ingest", str(source)).err


def test_an_interrupted_ingest_keeps_whole_batches_and_a_rerun_completes_it(
    run: Run, tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _write(tmp_path / "in.ndjson", [orjson.dumps(raw_event(n)) for n in range(40)])

    def interrupted(stream, size=None):  # type: ignore[no-untyped-def]
        for count, block in enumerate(blocks(stream, 1500)):
            if count == 4:
                raise KeyboardInterrupt  # Ctrl-C, part way through the file
            yield block

    with monkeypatch.context() as patch:
        patch.setattr("tui.cli.commands.ingest.blocks", interrupted)
        stopped = run("ingest", str(source), "--batch-size", "6")
    assert stopped.code == 130 and "interrupted" in stopped.err
    assert "ingest-writer" not in [thread.name for thread in threading.enumerate()]
    again = run("ingest", str(source))
    added = int(again.err.split(" events added")[0].rsplit(" ", 1)[1].replace(",", ""))
    stored_before = 40 - added
    assert stored_before % 6 == 0 and stored_before < 40  # only whole batches landed before
    assert f"{stored_before} already present" in again.err


def test_an_exported_line_with_its_seal_is_ingested(run: Run, tmp_path: Path) -> None:
    sealed = raw_event(1) | {"_seal": {"segment": 3, "hash": "ab" * 32}}
    broken = raw_event(2) | {"_seal": "ab" * 32}
    source = _write(tmp_path / "in.ndjson", [orjson.dumps(sealed), orjson.dumps(broken)])
    result = run("ingest", str(source))
    assert "1 events added" in result.err
    assert "line 2: _seal: the export's seal must be an object, not a string" in result.err


def test_a_line_too_long_to_hold_is_refused_as_it_streams_past(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.cli.ingest_lines.MAX_LINE_BYTES", 2_000)
    monkeypatch.setattr("tui.cli.ingest_lines.BLOCK_BYTES", 300)
    long_event = orjson.dumps(raw_event(2, summary="x" * 5_000))
    lines = [
        orjson.dumps(raw_event(1)),
        long_event,
        b" \t" * 3_000,  # a blank line, however long, is skipped like any blank line
        orjson.dumps(raw_event(4)) + b"\n" + orjson.dumps(raw_event(5)),
        b"\r" + long_event,  # the last line, without a newline
    ]
    source = tmp_path / "in.ndjson"
    source.write_bytes(b"\n".join(lines))
    result = run("ingest", str(source))
    reported = [line for line in result.err.splitlines() if line.startswith("line ")]
    assert reported == ["line 2: line longer than 32 MiB", "line 6: line longer than 32 MiB"]
    assert "6 lines read, 3 events added, 0 already present, 2 rejected" in result.err
    rejects = (tmp_path / "in.ndjson.rejects").read_bytes()
    assert rejects == long_event + b"\n" + b"\r" + long_event + b"\n"


def test_no_block_holds_much_more_than_the_longest_line_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("tui.cli.ingest_lines.MAX_LINE_BYTES", 1_000)
    data = b"{}\n" + b"y" * 50_000 + b"\n{}\n{}" + b"z" * 20_000
    seen = []
    for first, lines in blocks(io.BytesIO(data), 100):
        if isinstance(lines, LongLine):
            taken = list(lines.pieces())
            assert max(len(piece) for piece in taken) <= 1_100
            seen.append((first, b"".join(taken)))
        else:
            assert len(lines) <= 1_100
            seen.append((first, lines))
    assert seen[0] == (1, b"{}\n")
    assert (2, b"y" * 50_000 + b"\n") in seen
    assert seen[-1] == (4, b"{}" + b"z" * 20_000)
    assert b"".join(lines for _, lines in seen) == data
