"""Run the ``auditlog`` command in-process against a fresh database on either backend."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from tests.conftest import ADMIN, ANALYST, FIXED_NOW, SUPERVISOR, raw_event
from tui.cli.main import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    def lines(self) -> list[str]:
        return [line for line in self.out.splitlines() if line]


Run = Callable[..., Result]


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``run("query", "--last", "24h")`` → Result; AUDITLOG_DB points at the test database."""
    monkeypatch.setenv("AUDITLOG_DB", db_url)
    monkeypatch.setenv("AUDITLOG_TZ", "UTC")
    monkeypatch.delenv("AUDITLOG_USER", raising=False)
    monkeypatch.setattr("tui.store.repository.utc_now", lambda: FIXED_NOW)
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*argv: str) -> Result:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse usage errors
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def seeded(run: Run, tmp_path: Path) -> Run:
    """The test database with an admin, a supervisor of t_01, an analyst, and 6 events."""
    for account in (ADMIN, SUPERVISOR, ANALYST):
        argv = ["accounts", "add", account.email, "--name", account.name, "--role", account.role]
        for tenant in sorted(account.tenants):
            argv += ["--tenant", tenant]
        assert run(*argv).code == 0
    lines = [
        raw_event(1, tenant="t_01"),
        raw_event(2, tenant="t_02", type="Integration Deleted", summary="Deleted Splunk"),
        raw_event(3, tenant=None, type="User Login", summary="Signed in"),
        raw_event(
            4,
            tenant="t_01",
            type="Collector Updated",
            details={"changes": [{"field": "name", "old": "a", "new": "b"}]},
        ),
        raw_event(5, tenant="t_02", mail="gone@example.com"),
        raw_event(6, tenant=None, summary='=HYPERLINK("http://evil")'),
    ]
    source = tmp_path / "seed.ndjson"
    source.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    assert run("ingest", str(source)).code == 0
    return run
