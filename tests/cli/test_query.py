"""``auditlog query``, ``show`` and ``export``: selection, formats, refusals, exit codes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
import pytest

from tests.cli.conftest import Run
from tests.conftest import ADMIN, ANALYST, SUPERVISOR
from tui.cli import exit_codes


def ids(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [orjson.loads(line)["id"] for line in result.lines()]


def test_admin_sees_every_event_newest_first(seeded: Run) -> None:
    result = seeded("query", "--as", ADMIN.email, "--format", "ndjson")
    assert result.code == exit_codes.OK
    assert ids(result) == [f"evt_00000{n}" for n in range(1, 7)]


def test_table_shows_times_in_the_viewers_zone_and_marks_portal(seeded: Run) -> None:
    result = seeded("query", "--as", ADMIN.email, "--tz", "Asia/Tokyo")
    header, *rows = result.lines()
    assert header.split()[:3] == ["TIME", "TYPE", "PERFORMER"]
    # evt 3 happened at 11:56 UTC = 20:56 in Tokyo, in the portal
    login = next(row for row in rows if "User Login" in row)
    assert login.startswith("2026-11-25 20:56:00") and "Portal" in login


def test_filters_combine(seeded: Run) -> None:
    def run_ids(*options: str) -> list[str]:
        return ids(seeded("query", "--as", ADMIN.email, "--format", "ndjson", *options))

    assert run_ids("--scope", "portal") == ["evt_000003", "evt_000006"]
    assert run_ids("--scope", "t_02") == ["evt_000002", "evt_000005"]
    assert run_ids("--scope", "portal", "t_01") == [
        "evt_000001",
        "evt_000003",
        "evt_000004",
        "evt_000006",
    ]
    assert run_ids("--type", "integration deleted") == ["evt_000002"]
    assert run_ids("--area", "user management") == ["evt_000003"]
    assert run_ids("--performer", "GONE@example.com") == ["evt_000005"]
    assert run_ids("--text", "splunk") == ["evt_000002"]
    assert run_ids("--text", "collector", "--scope", "t_01", "--type", "Collector Updated") == [
        "evt_000004"
    ]


def test_paging_with_cursor(seeded: Run) -> None:
    first = seeded("query", "--as", ADMIN.email, "--format", "ndjson", "--limit", "4")
    assert ids(first) == [f"evt_00000{n}" for n in range(1, 5)]
    token = first.err.split("--after ")[1].strip()
    rest = seeded("query", "--as", ADMIN.email, "--format", "ndjson", "--after", token)
    assert ids(rest) == ["evt_000005", "evt_000006"]
    assert "more:" not in rest.err


def test_supervisor_sees_portal_and_assigned_tenants_only(seeded: Run) -> None:
    result = seeded("query", "--as", SUPERVISOR.email, "--format", "ndjson")
    assert ids(result) == ["evt_000001", "evt_000003", "evt_000004", "evt_000006"]
    exported = seeded("export", "--as", SUPERVISOR.email, "--format", "json")
    assert [e["id"] for e in orjson.loads(exported.out)] == ids(result)


@pytest.mark.parametrize(
    ("who", "extra", "message"),
    [
        (SUPERVISOR.email, ["--scope", "t_02"], "is not assigned the tenant t_02"),
        (ANALYST.email, [], "only Admin and Supervisor accounts may read"),
        ("nobody@example.com", [], "there is no account"),
    ],
)
def test_refusals_exit_3_and_print_nothing(
    seeded: Run, who: str, extra: list[str], message: str
) -> None:
    for verb in ("query", "export"):
        result = seeded(verb, "--as", who, *extra)
        assert result.code == exit_codes.REFUSED
        assert result.out == ""
        assert message in result.err
    shown = seeded("show", "evt_000002", "--as", who)
    assert shown.code in (exit_codes.REFUSED, exit_codes.NOT_FOUND) and shown.out == ""


def test_a_database_without_accounts_says_how_to_start(run: Run) -> None:
    result = run("query")
    assert result.code == exit_codes.REFUSED
    assert "has no accounts yet" in result.err and "auditlog demo" in result.err


def test_without_an_account_the_command_says_how_to_choose_one(seeded: Run) -> None:
    result = seeded("query")
    assert result.code == exit_codes.REFUSED
    assert "--as EMAIL" in result.err


def test_erased_account_is_refused_but_its_events_stay(seeded: Run) -> None:
    seeded("accounts", "add", "gone@example.com", "--name", "Gone", "--role", "Admin")
    assert seeded("accounts", "erase", "gone@example.com").code == exit_codes.OK
    refused = seeded("query", "--as", "gone@example.com")
    assert refused.code == exit_codes.REFUSED and "erased" in refused.err
    table = seeded("query", "--as", ADMIN.email, "--performer", "gone@example.com")
    assert "gone@example.com (erased)" in table.out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--last", "200d"], "unknown range '200d'"),
        (["--since", "2026-01-01"], "events are kept for 180 days only"),
        (["--since", "2026-11-20", "--until", "2026-11-10"], "before it starts"),
        (["--since", "yesterday"], "'yesterday' is not a date"),
        (["--until", "2026-11-20"], "--until needs --since"),
        (["--type", "Incident Muted"], "is not an event type"),
        (["--tz", "Mars/Olympus"], "unknown time zone"),
        (["--limit", "0"], "--limit must be between"),
        (["--after", "garbage"], "is not a page cursor"),
    ],
)
def test_bad_input_exits_4_with_the_reason(seeded: Run, options: list[str], message: str) -> None:
    result = seeded("query", "--as", ADMIN.email, *options)
    assert result.code == exit_codes.BAD_INPUT
    assert message in result.err
    assert result.out == ""


def test_custom_range_includes_the_until_day(seeded: Run) -> None:
    result = seeded(
        "query",
        "--as",
        ADMIN.email,
        "--since",
        "2026-11-25",
        "--until",
        "2026-11-25",
        "--format",
        "ndjson",
    )
    assert len(ids(result)) == 6
    before = seeded(
        "query",
        "--as",
        ADMIN.email,
        "--since",
        "2026-11-20",
        "--until",
        "2026-11-24",
        "--format",
        "ndjson",
    )
    assert ids(before) == []


def test_show_prints_the_whole_event(seeded: Run) -> None:
    result = seeded("show", "evt_000004", "--as", ADMIN.email)
    assert result.code == exit_codes.OK
    event = orjson.loads(result.out)
    assert event["details"]["changes"] == [{"field": "name", "old": "a", "new": "b"}]
    missing = seeded("show", "evt_999999", "--as", ADMIN.email)
    assert missing.code == exit_codes.NOT_FOUND and missing.out == ""
    hidden = seeded("show", "evt_000002", "--as", SUPERVISOR.email)
    assert hidden.code == exit_codes.NOT_FOUND and "evt_000002" in hidden.err


def test_export_csv_neutralises_formulas(seeded: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = seeded("export", "--as", ADMIN.email, "--format", "csv", "-o", str(target))
    assert result.code == exit_codes.OK and "6 events written" in result.err
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert len(rows) == 6
    formula = next(row for row in rows if row["id"] == "evt_000006")
    assert not formula["summary"].startswith("=")
    assert formula["summary"].endswith('=HYPERLINK("http://evil")')


def test_export_leaves_no_partial_file_when_refused(seeded: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.ndjson"
    result = seeded("export", "--as", ANALYST.email, "-o", str(target))
    assert result.code == exit_codes.REFUSED
    assert list(tmp_path.glob("out.ndjson*")) == [] and list(tmp_path.glob(".out*")) == []


def test_purge_counts_then_removes_expired_events(seeded: Run, tmp_path: Path) -> None:
    from tests.conftest import raw_event

    old = tmp_path / "old.ndjson"
    from datetime import timedelta

    old.write_bytes(orjson.dumps(raw_event(90, age=timedelta(days=181))) + b"\n")
    seeded("ingest", str(old))
    dry = seeded("purge", "--dry-run")
    assert dry.code == 0 and "1 events from before 2026-05-29 12:00 UTC would be removed" in dry.out
    assert "1 events from before" in seeded("purge").out
    assert "0 events" in seeded("purge", "--dry-run").out
    assert len(ids(seeded("query", "--as", ADMIN.email, "--format", "ndjson"))) == 6


def test_unreachable_database_exits_5(run: Run) -> None:
    result = run("query", "--db", "postgresql://postgres@127.0.0.1:1/test", "--as", "a@b.c")
    assert result.code == exit_codes.UNAVAILABLE
    assert "database postgresql+psycopg://postgres@127.0.0.1:1/test" in result.err


def test_usage_errors_exit_2(run: Run) -> None:
    assert run("query", "--no-such-option").code == exit_codes.USAGE
    assert run("frobnicate").code == exit_codes.USAGE
