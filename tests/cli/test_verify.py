"""``auditlog verify``: the database (Admin only) and a sealed NDJSON export offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.cli.conftest import Run
from tests.conftest import ADMIN, SUPERVISOR
from tui.cli import exit_codes
from tui.domain.sealed_export import ExportSealer
from tui.store.engine import connect, resolve_url


@pytest.fixture(autouse=True)
def _no_earlier_chain(backend: str, db_url: str) -> None:
    """This process's PostgreSQL schema may hold an earlier test's chain records (the shared
    fixture empties the events, not the chain tables): start from none."""
    if backend != "postgresql":
        return
    from sqlalchemy import create_engine, inspect

    engine = create_engine(db_url)
    with engine.begin() as connection:
        if inspect(connection).has_table("chain_segments"):
            for table in ("chain_checkpoints", "chain_segments", "events"):
                connection.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


@pytest.fixture
def sealed(seeded: Run, db_url: str, tmp_path: Path) -> Path:
    """The seeded events as an export seals them (in time order, newest first)."""
    engine = connect(resolve_url(db_url))
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT body, chain_segment, chain_position, chain_prev, chain_hash FROM events "
                "ORDER BY occurred_at DESC, event_id DESC"
            )
        ).all()
    engine.dispose()
    sealer = ExportSealer()
    path = tmp_path / "export.ndjson"
    path.write_bytes(
        b"".join(sealer.seal(b.encode(), s, p, bytes(pv), bytes(h)) for b, s, p, pv, h in rows)
    )
    return path


def test_the_seeded_log_verifies_for_an_admin(seeded: Run) -> None:
    result = seeded("verify", "--as", ADMIN.email)
    assert (result.code, result.out) == (exit_codes.OK, "VALID\n")


def test_a_verification_is_recorded_as_the_admins_event_and_chained(seeded: Run) -> None:
    assert seeded("verify", "--as", ADMIN.email).code == exit_codes.OK
    shown = seeded("query", "--as", ADMIN.email, "--type", "Audit Log Verified", "--format", "json")
    assert shown.code == exit_codes.OK
    recorded = json.loads(shown.out)
    assert len(recorded) == 1
    assert recorded[0]["performer"]["mail"] == ADMIN.email
    assert recorded[0]["area"] == "Audit Log Access"
    assert recorded[0]["details"]["result"] == "VALID"
    assert recorded[0]["context"]["tenant"] is None
    # the recorded verification is part of the chain the next verification walks
    assert (seeded("verify", "--as", ADMIN.email).out) == "VALID\n"


def test_a_refused_verification_records_nothing(seeded: Run) -> None:
    assert seeded("verify", "--as", SUPERVISOR.email).code == exit_codes.REFUSED
    shown = seeded("query", "--as", ADMIN.email, "--area", "Audit Log Access", "--format", "json")
    assert json.loads(shown.out) == []


def test_a_supervisor_may_not_verify(seeded: Run) -> None:
    result = seeded("verify", "--as", SUPERVISOR.email)
    assert result.code == exit_codes.REFUSED and result.out == ""


def test_a_sealed_export_verifies_offline(seeded: Run, sealed: Path) -> None:
    result = seeded("verify", "--file", str(sealed))
    assert (result.code, result.out) == (exit_codes.OK, "VALID\n")


def _edit(path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(change(lines)))
    return path


def test_an_edited_line_is_named(seeded: Run, sealed: Path) -> None:
    def alter(lines: list[bytes]) -> list[bytes]:
        lines[2] = lines[2].replace(b'"summary":"', b'"summary":"Not ', 1)
        return lines

    result = seeded("verify", "--file", str(_edit(sealed, alter)))
    assert result.code == exit_codes.TAMPERED
    assert result.lines()[1:] == [f"altered (line 3, event {_id(sealed, 3)}, {_place(result)}"]


def test_a_removed_line_is_found(seeded: Run, sealed: Path) -> None:
    result = seeded("verify", "--file", str(_edit(sealed, lambda lines: lines[:1] + lines[2:])))
    assert result.code == exit_codes.TAMPERED
    assert result.lines()[1:] == ["removed: 1 line of the export missing (export line 2)"]


def test_swapped_lines_are_reordered(seeded: Run, sealed: Path) -> None:
    def swap(lines: list[bytes]) -> list[bytes]:
        lines[1], lines[4] = lines[4], lines[1]
        return lines

    result = seeded("verify", "--file", str(_edit(sealed, swap)))
    assert result.code == exit_codes.TAMPERED
    found = result.lines()[1:]
    assert [line.split(",")[0] for line in found] == ["reordered (line 2", "reordered (line 5"]
    assert found[0].endswith("wrote it as line 5") and found[1].endswith("wrote it as line 2")


def test_inserted_lines_are_found(seeded: Run, sealed: Path) -> None:
    def insert(lines: list[bytes]) -> list[bytes]:
        return [lines[0], b'{"id": "evt_forged"}\n', *lines[1:], lines[3]]

    result = seeded("verify", "--file", str(_edit(sealed, insert)))
    assert result.code == exit_codes.TAMPERED
    found = result.lines()[1:]
    assert found[0] == "inserted (line 2, event evt_forged): a line without a valid seal"
    assert found[1].startswith("inserted (line 8") and "a second line numbered 4" in found[1]


def _id(path: Path, line: int) -> str:
    import orjson

    original = path.read_bytes().splitlines()[line - 1]
    return orjson.loads(original)["id"]


def _place(result) -> str:  # type: ignore[no-untyped-def]
    return result.lines()[1].split(", ", 2)[2]
