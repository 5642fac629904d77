"""``auditlog accounts``, ``demo`` and ``types``; and the command as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson

from tests.cli.conftest import Run
from tui.cli import exit_codes


def test_accounts_add_list_erase(run: Run) -> None:
    assert (
        run(
            "accounts",
            "add",
            "Sam@Example.com",
            "--name",
            "Sam",
            "--role",
            "supervisor",
            "--tenant",
            "t_01",
            "--tenant",
            "t_02",
        ).code
        == exit_codes.OK
    )
    listing = run("accounts", "list").out
    assert "sam@example.com" in listing and "Supervisor" in listing and "t_01, t_02" in listing
    assert run("accounts", "erase", "sam@example.com").code == exit_codes.OK
    assert "erased" in run("accounts", "list").out


def test_accounts_refuse_bad_values(run: Run) -> None:
    role = run("accounts", "add", "x@example.com", "--name", "X", "--role", "Wizard")
    assert role.code == exit_codes.BAD_INPUT and "unknown role 'Wizard'" in role.err
    mail = run("accounts", "add", "nope", "--name", "X", "--role", "Admin")
    assert mail.code == exit_codes.BAD_INPUT and "is not an e-mail address" in mail.err
    tenants = run(
        "accounts", "add", "a@example.com", "--name", "A", "--role", "Admin", "--tenant", "t_01"
    )
    assert tenants.code == exit_codes.BAD_INPUT and "only Supervisor" in tenants.err
    run("accounts", "add", "b@example.com", "--name", "B", "--role", "Admin")
    twice = run("accounts", "add", "B@example.com", "--name", "B", "--role", "Admin")
    assert twice.code == exit_codes.BAD_INPUT and "exists already" in twice.err
    missing = run("accounts", "erase", "ghost@example.com")
    assert missing.code == exit_codes.NOT_FOUND


def test_demo_builds_a_database_that_opens_as_its_admin(run: Run) -> None:
    result = run("demo", "--events", "600", "--no-open")
    assert result.code == exit_codes.OK, result.err
    accounts = run("accounts", "list").out
    for role in ("Admin", "Supervisor", "Analyst", "Viewer", "erased"):
        assert role in accounts
    newest = run("query", "--last", "180d", "--format", "ndjson", "--limit", "1000")
    assert newest.code == exit_codes.OK, newest.err
    events = [orjson.loads(line) for line in newest.lines()]
    assert 400 < len(events) <= 600  # 200 days generated, 180 visible
    assert {e["area"] for e in events} == {
        "User Management",
        "Infrastructure & Agents",
        "Integrations & Gateways",
        "Reporting & Rules",
    }


def test_types_lists_the_catalog(run: Run) -> None:
    out = run("types").out
    assert "User Management (12)" in out and "Reporting & Rules (7)" in out
    assert "Audit Log Access (3)" in out  # auditlog's own reading events
    assert out.count("\n  ") == 53 + 3


def test_python_dash_m_and_console_script_run(tmp_path: Path) -> None:
    env = {**os.environ, "AUDITLOG_DB": str(tmp_path / "x.sqlite3")}
    module = subprocess.run(
        [sys.executable, "-m", "tui", "types"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert module.returncode == 0 and "Reporting & Rules" in module.stdout
    script = Path(sys.executable).with_name("auditlog")
    refused = subprocess.run(
        [str(script), "query", "--as", "nobody@example.com"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert refused.returncode == exit_codes.REFUSED
    assert refused.stdout == "" and "there is no account" in refused.stderr
