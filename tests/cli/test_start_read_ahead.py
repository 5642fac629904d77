"""The viewer's first page, read ahead by a child process while Textual loads and paints.

``ReadAhead`` forks only from a single-threaded process, so its own tests run in a fresh
interpreter; the last ones start the real ``auditlog`` on a pseudo-terminal, where the
read-ahead is on, and read what the user sees.
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import ADMIN, ANALYST, FIXED_NOW, SUPERVISOR, make_event
from tui.app.opening import READ_AHEAD_ENV, Answer, EarlyReader, Opening, read_ahead_wanted
from tui.domain.query import PAGE_SIZE, EventQuery, Page
from tui.store.repository import AuditStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    """A SQLite log with the three accounts and 150 events of the last hours (two pages)."""
    path = tmp_path / "log.sqlite3"
    store = AuditStore.open(str(path))
    try:
        store.add_accounts([ADMIN, SUPERVISOR, ANALYST])
        now = datetime.now(UTC)
        store.append(
            [
                make_event(
                    n,
                    tenant=("t_01", "t_02", None)[n % 3],
                    age=FIXED_NOW - (now - timedelta(minutes=2 * n + 1)),
                )
                for n in range(150)
            ]
        )
    finally:
        store.close()
    return path


def _in_fresh_python(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


READ_AHEAD = """
import json, os, sys
from datetime import UTC, datetime
from tui.app.opening import ReadAhead
from tui.domain.query import EventQuery

path, email = {path!r}, {email!r}
query = EventQuery.default(datetime.now(UTC))

def connect():
    from tui.store.repository import AuditStore  # in the child only
    return AuditStore.open(path), email

ahead = ReadAhead.start(connect, query)
answer = ahead.wait()
assert 'sqlalchemy' not in sys.modules  # the parent has not paid for it
try:
    os.waitpid(-1, os.WNOHANG)
    reaped = False
except ChildProcessError:
    reaped = True
result = {{'reaped': reaped, 'answer': answer is not None}}
if answer is not None:
    from tui.store.repository import AuditStore
    store = AuditStore.open(path)
    own = store.reader(email).page(query)
    result.update(
        same_page=answer.page == own,
        ids=[e.id for e in answer.page.events],
        more=answer.page.next_cursor is not None,
        role=answer.principal.role,
        label=answer.label,
        same_query=answer.query == query,
    )
    store.close()
print(json.dumps(result))
"""


def test_the_child_reads_the_page_this_process_would_read(log_file: Path) -> None:
    result = _in_fresh_python(READ_AHEAD.format(path=str(log_file), email=ADMIN.email))
    assert result["answer"] and result["same_page"] and result["same_query"]
    assert len(result["ids"]) == PAGE_SIZE and result["more"]  # the newest page of two
    assert result["role"] == "Admin"
    assert result["label"] == f"sqlite:{log_file}"
    assert result["reaped"]  # no zombie left behind


def test_a_supervisor_is_read_ahead_only_what_they_may_see(log_file: Path) -> None:
    result = _in_fresh_python(READ_AHEAD.format(path=str(log_file), email=SUPERVISOR.email))
    assert result["answer"] and result["same_page"]
    assert result["ids"] and "evt_000001" not in result["ids"]  # tenant t_02: not theirs


@pytest.mark.parametrize("email", [ANALYST.email, "nobody@example.com"])
def test_a_refused_account_gets_no_answer(log_file: Path, email: str) -> None:
    result = _in_fresh_python(READ_AHEAD.format(path=str(log_file), email=email))
    assert result == {"reaped": True, "answer": False}


def test_an_unusable_database_gets_no_answer(tmp_path: Path) -> None:
    garbage = tmp_path / "not-a-database.sqlite3"
    garbage.write_bytes(b"this is not a database" * 512)
    result = _in_fresh_python(READ_AHEAD.format(path=str(garbage), email=ADMIN.email))
    assert result == {"reaped": True, "answer": False}


def test_read_ahead_is_for_a_terminal_unless_the_environment_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(READ_AHEAD_ENV, raising=False)
    assert not read_ahead_wanted()  # pytest's output is no terminal
    monkeypatch.setenv(READ_AHEAD_ENV, "1")
    assert read_ahead_wanted()
    monkeypatch.setenv(READ_AHEAD_ENV, "0")
    assert not read_ahead_wanted()


# -- the early reader ------------------------------------------------------------------


def test_the_early_reader_serves_the_page_read_ahead_once_then_reads_itself(
    log_file: Path,
) -> None:
    now = datetime.now(UTC)
    query = EventQuery.default(now)
    opened: list[AuditStore] = []
    opening = Opening(lambda: (AuditStore.open(str(log_file)), ADMIN.email))
    sentinel = Page((), None, frozenset())
    early = EarlyReader(
        opening, Answer(ADMIN.email, ADMIN, "label", query, sentinel), opened.append
    )
    try:
        assert early.principal.role == "Admin" and not opened  # nothing opened yet
        assert early.page(query) is sentinel
        assert not opened  # the first page did not need the store
        again = early.page(query)
        assert again is not sentinel and len(again.events) == PAGE_SIZE  # read by this process
        assert len(opened) == 1
        assert early.count(query).value == 150  # anything else: the reader's own
        other = EventQuery.default(now - timedelta(hours=1))
        assert early.page(other).events[0].id != again.events[0].id
        assert len(opened) == 1  # opened once
    finally:
        for store in opened:
            store.close()


# -- the real command on a terminal ----------------------------------------------------


def _run_on_a_terminal(  # type: ignore[no-untyped-def]
    db: Path, email: str, quit_when: str, read_ahead: str = "1", timeout: float = 20.0
):
    """Start ``auditlog`` on a pseudo-terminal (80x24); press q once ``quit_when`` is shown.

    ``read_ahead`` is $AUDITLOG_READ_AHEAD: "1" reads ahead however busy this machine is.
    """
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "AUDITLOG_TZ": "UTC"}
    env[READ_AHEAD_ENV] = read_ahead
    env.pop("AUDITLOG_USER", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db), "--as", email],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + timeout
    quit_sent = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the terminal's other end closed: the command ended
                    break
                if not chunk:
                    break
                seen += chunk
            if not quit_sent and quit_when.encode() in seen:
                time.sleep(1.0)
                os.write(master, b"q")
                quit_sent = True
            if process.poll() is not None and not ready:
                break
        code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return code, seen.decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the read-ahead needs fork")
@pytest.mark.parametrize("read_ahead", ["1", "0"])
def test_on_a_terminal_the_first_rows_come_and_the_opening_is_recorded_once(
    log_file: Path, read_ahead: str
) -> None:
    store = AuditStore.open(str(log_file))
    try:
        newest = store.reader(ADMIN.email).page(EventQuery.default(datetime.now(UTC))).events[0]
    finally:
        store.close()
    shown = newest.occurred_at.astimezone(UTC).strftime("%b %d %H:%M")
    # Quit once the count is in too: the opening is recorded right after it (a quit before
    # that can end the app before its worker records it).
    code, screen = _run_on_a_terminal(log_file, ADMIN.email, "150 events", read_ahead)
    assert code == 0, screen[-2000:]
    assert shown in screen and "Collector" in screen
    store = AuditStore.open(str(log_file))
    try:
        page = store.reader(ADMIN.email).page(EventQuery.default(datetime.now(UTC)))
        openings = [e for e in page.events if e.type.name == "Audit Log Opened"]
    finally:
        store.close()
    text = re.sub(r"\x1b\[[0-9;?<>]*[a-zA-Z]", "", screen)
    assert len(openings) == 1 and openings[0].performer.mail == ADMIN.email, text[-3000:]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the read-ahead needs fork")
def test_on_a_terminal_a_refused_account_still_ends_with_its_reason(log_file: Path) -> None:
    code, screen = _run_on_a_terminal(log_file, ANALYST.email, quit_when="\x00never")
    assert code == 3
    assert "Admin and Supervisor" in screen
