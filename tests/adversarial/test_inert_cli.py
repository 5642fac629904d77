"""Hostile text on the command line's outputs for people: inert, fitted, never a formula.

The table ``query`` prints holds no control, format or separator character, fits the
terminal's width and prints one line per event whatever the event holds; CSV cells never
start like a formula and otherwise hold the text exactly; every error message quotes hostile
input inertly and leaves stdout empty.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.adversarial.conftest import Run, newest_first, unsafe_characters
from tests.adversarial.corpus import (
    HOSTILE,
    everywhere_events,
    field_events,
    kitchen_sink,
    mail_events,
    ndjson_line,
)
from tests.conftest import ADMIN, SUPERVISOR
from tui.cli import exit_codes
from tui.domain.display import cell_width
from tui.domain.formats import CSV_COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def readers(run: Run) -> None:
    """An admin, and a supervisor of t_01."""
    for account in (ADMIN, SUPERVISOR):
        argv = ["accounts", "add", account.email, "--name", "x", "--role", account.role]
        assert run(*argv, *(f"--tenant={t}" for t in account.tenants)).code == 0


@pytest.fixture
def hostile_log(run: Run, readers: None, tmp_path: Path) -> dict[str, dict[str, Any]]:
    """Every corpus event, ingested."""
    raws = field_events("i") + everywhere_events("e", 1000) + mail_events("m", 1100)
    raws.append(kitchen_sink("sink", 1200))
    source = tmp_path / "hostile.ndjson"
    source.write_bytes(b"".join(ndjson_line(raw) + b"\n" for raw in raws))
    assert run("ingest", str(source)).code == exit_codes.OK
    return {raw["id"]: raw for raw in raws}


@pytest.mark.parametrize("columns", [200, 80])
def test_the_table_holds_no_terminal_controls_and_one_line_per_event(
    run: Run, hostile_log: dict[str, Any], monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run("query", "--as", ADMIN.email, "--last", "24h", "--limit", "100000")
    assert result.code == exit_codes.OK
    assert unsafe_characters(result.out) == []
    assert unsafe_characters(result.err) == []
    lines = result.out.split("\n")
    assert lines[-1] == "" and len(lines) - 2 == len(hostile_log)  # header, one per event
    # Wide, zero-width and combining characters never push a row past the header's columns.
    width = cell_width(lines[0])
    assert width == max(columns, 139)  # fixed columns and a summary of at least 20 cells
    assert [line for line in lines if cell_width(line) > width] == []
    # Markup is text, escapes are visible: what the cell shows is what the event says.
    assert "[bold red]pwned[/]" in result.out
    assert "\\x1b]52;c;" in result.out
    assert "invoice\\u202eexe.txt" in result.out


def test_csv_cells_never_start_like_a_formula_and_keep_the_text(
    run: Run, hostile_log: dict[str, Any]
) -> None:
    result = run("export", "--as", ADMIN.email, "--last", "24h", "--format", "csv")
    assert result.code == exit_codes.OK
    header, *rows = list(csv.reader(io.StringIO(result.out, newline="")))
    assert tuple(header) == CSV_COLUMNS
    assert [row[0] for row in rows] == newest_first(hostile_log.values())
    formulas = [(row[0], cell[:20]) for row in rows for cell in row if cell[:1] in FORMULA_STARTS]
    assert formulas == []
    for row in rows:
        raw = hostile_log[row[0]]
        expected = _csv_values(raw)
        cells = dict(zip(CSV_COLUMNS, row, strict=True))
        assert json.loads(cells.pop("details")) == raw["details"]
        for column, value in expected.items():
            shown = "'" + value if value.startswith(FORMULA_STARTS) else value
            assert cells[column] == shown, (row[0], column)


def _csv_values(raw: dict[str, Any]) -> dict[str, str]:
    tenant = raw["context"]["tenant"]
    performer, target = raw["performer"], raw["target"]
    return {
        "id": raw["id"],
        "timestamp": raw["timestamp"],
        "type": raw["type"],
        "area": raw["area"],
        "performer_id": performer["id"],
        "performer_mail": performer["mail"],
        "performer_name": performer["name"],
        "performer_role": performer["role"],
        "tenant_id": tenant["id"] if tenant else "",
        "tenant_name": tenant["name"] if tenant else "",
        "scope": "tenant" if tenant else "portal",
        "source_ip": raw["context"]["source_ip"],
        "user_agent": raw["context"]["user_agent"],
        "target_kind": target["kind"],
        "target_id": target["id"],
        "target_name": target["name"],
        "summary": raw["summary"],
    }


def test_json_export_and_ndjson_query_give_the_events_back(
    run: Run, hostile_log: dict[str, Any]
) -> None:
    order = newest_first(hostile_log.values())
    exported = run("export", "--as", ADMIN.email, "--last", "24h", "--format", "json")
    assert json.loads(exported.out) == [hostile_log[i] for i in order]
    queried = run("query", "--as", ADMIN.email, "--limit", "100000", "--format", "ndjson")
    lines = queried.out.split("\n")  # U+2028, U+2029 and NEL must not split a line
    recorded, *events = [json.loads(line) for line in lines if line]
    assert recorded["type"] == "Audit Log Exported"  # the export just made, newest
    assert events == [hostile_log[i] for i in order]


_HOSTILE_ARGUMENTS = [
    HOSTILE["osc0_title"],
    HOSTILE["osc52_clipboard"],
    HOSTILE["c1_csi"],
    HOSTILE["bidi_override"],
    HOSTILE["markup_click"],
    HOSTILE["separators"],
    "\x00nul",
    "\udcff\udcfe invalid bytes",  # how Python reads `$'\xff\xfe'` in argv
]


def test_messages_quote_hostile_input_inertly_and_print_nothing(
    run: Run, readers: None, tmp_path: Path
) -> None:
    for value in _HOSTILE_ARGUMENTS:
        _quoted_inertly(run, tmp_path, value)


def _quoted_inertly(run: Run, tmp_path: Path, value: str) -> None:
    attempts = [
        (("query", "--as", f"{value}@x.io"), exit_codes.REFUSED),
        (("query", "--as", value), exit_codes.REFUSED),
        (("export", "--as", SUPERVISOR.email, "--scope", value), exit_codes.REFUSED),
        (("query", "--as", ADMIN.email, "--type", value), exit_codes.BAD_INPUT),
        (("query", "--as", ADMIN.email, "--area", value), exit_codes.BAD_INPUT),
        (("query", "--as", ADMIN.email, "--since", value), exit_codes.BAD_INPUT),
        (("query", "--as", ADMIN.email, "--last", value), exit_codes.BAD_INPUT),
        (("query", "--as", ADMIN.email, "--tz", value), exit_codes.BAD_INPUT),
        (("query", "--as", ADMIN.email, "--after", value), exit_codes.BAD_INPUT),
        (("show", value, "--as", ADMIN.email), exit_codes.NOT_FOUND),
        (("show", f"evt_{value}", "--as", SUPERVISOR.email), exit_codes.NOT_FOUND),
        (("accounts", "erase", value), exit_codes.NOT_FOUND),
        (("accounts", "add", "x@x.io", "--name", "x", "--role", value), exit_codes.BAD_INPUT),
    ]
    if "\x00" not in value:  # a real command line cannot hold NUL; a file name neither
        attempts.append((("ingest", str(tmp_path / f"{value}.ndjson")), exit_codes.BAD_INPUT))
    for argv, code in attempts:
        result = run(*argv)
        assert (result.code, result.out) == (code, ""), (argv, result.err)
        assert result.err.startswith("auditlog: "), argv
        assert unsafe_characters(result.err) == [], argv
    # An address is printable text (markup is printable: such an account may exist).
    added = run("accounts", "add", f"{value}@x.io", "--name", value, "--role", "Admin")
    assert added.code in (exit_codes.OK, exit_codes.BAD_INPUT)
    assert unsafe_characters(added.out + added.err) == []
    assert unsafe_characters(run("accounts", "list").out) == []
    # A cursor naming a hostile id is simply a place in the order (or one no id can take).
    result = run("query", "--as", ADMIN.email, "--after", f"1:{value}")
    assert result.code in (exit_codes.OK, exit_codes.BAD_INPUT)
    assert len(result.lines()) <= 1 and unsafe_characters(result.err) == []


def test_an_invalid_account_name_or_tenant_is_refused_not_a_crash(run: Run) -> None:
    for argv in (
        ("accounts", "add", "x@x.io", "--name", "\udcff", "--role", "Admin"),
        ("accounts", "add", "y@x.io", "--name", "y", "--role", "Supervisor", "--tenant=\udcff"),
        ("accounts", "add", "\udcff@x.io", "--name", "z", "--role", "Admin"),
    ):
        result = run(*argv)
        assert (result.code, result.out) == (exit_codes.BAD_INPUT, ""), argv
        assert unsafe_characters(result.err) == []
    assert "x@x.io" not in run("accounts", "list").out
