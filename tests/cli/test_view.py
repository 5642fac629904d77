"""``auditlog`` with no verb: the viewer paints first and connects behind it, yet a refusal
or an unusable database still ends the command with its message and exit code.

The viewer runs headless here (no terminal in a test); everything else is the real path:
the fast argument reading, the worker that opens the store, the exit and the message.
"""

from __future__ import annotations

import pytest

from tests.cli.conftest import Run
from tests.conftest import ADMIN, ANALYST
from tui.cli import exit_codes


@pytest.fixture
def headless(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Run the viewer without a terminal; record each app, and quit one that did open."""
    from textual.app import App

    from tui.app.app import AuditLogApp

    apps: list[object] = []

    def run(self, **_kwargs):  # type: ignore[no-untyped-def]
        apps.append(self)

        async def quit_when_shown(pilot) -> None:  # type: ignore[no-untyped-def]
            for _ in range(400):
                if self.screen.reader is not None or self.failed_to_open is not None:
                    break
                await pilot.pause(0.01)
            if self.failed_to_open is None:
                self.reader_seen = self.screen.reader
            self.exit()

        return App.run(self, headless=True, auto_pilot=quit_when_shown)

    monkeypatch.setattr(AuditLogApp, "run", run)
    return apps


def test_a_refused_account_ends_the_viewer_with_exit_3(seeded: Run, headless: list) -> None:
    result = seeded("--as", ANALYST.email)
    assert result.code == exit_codes.REFUSED
    assert "Admin and Supervisor" in result.err and result.out == ""
    assert len(headless) == 1  # the viewer was started (its frame first), then ended


def test_an_unknown_account_and_a_database_without_accounts_say_so(
    seeded: Run, run: Run, headless: list
) -> None:
    result = seeded("--as", "nobody@example.com")
    assert (result.code, "no account 'nobody@example.com'" in result.err) == (
        exit_codes.REFUSED,
        True,
    )
    assert "--as EMAIL" in seeded().err


def test_an_unusable_database_exits_5(run: Run, headless: list, tmp_path) -> None:  # type: ignore[no-untyped-def]
    garbage = tmp_path / "not-a-database.sqlite3"
    garbage.write_bytes(b"this is not a database" * 512)
    result = run("--db", str(garbage), "--as", ADMIN.email)
    assert result.code == exit_codes.UNAVAILABLE
    assert "not-a-database.sqlite3" in result.err


def test_an_admin_gets_the_viewer_and_exit_0(seeded: Run, headless: list) -> None:
    result = seeded("--as", ADMIN.email)
    assert (result.code, result.err) == (exit_codes.OK, "")
    app = headless[0]
    assert app.failed_to_open is None  # type: ignore[attr-defined]
    assert app.reader_seen.email == ADMIN.email  # type: ignore[attr-defined]


def test_the_viewer_reads_its_options_without_loading_the_verbs() -> None:
    """A bare ``auditlog`` must not import every verb (and SQLAlchemy) before its frame."""
    import subprocess
    import sys

    code = (
        "import sys; from tui.cli.main import viewer_args; "
        "args = viewer_args(['--db', 'x.sqlite3', '--as', 'a@b.c']); "
        "import tui.cli.commands.view; "
        "print(args.db, args.as_user, 'sqlalchemy' in sys.modules, "
        "'tui.cli.commands.query' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["x.sqlite3", "a@b.c", "False", "False"]
    from tui.cli.main import viewer_args

    for argv in (["query"], ["--help"], ["--version"], ["--db"], ["--db", "x", "show", "e"]):
        assert viewer_args(argv) is None, argv
