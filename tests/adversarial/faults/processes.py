"""Running ``auditlog`` as a real process, to kill it or starve it of disk.

``start`` runs the command line in a child process (``python -m tui.cli.main``) with the
test database in ``AUDITLOG_DB``; ``file_size_limit`` makes it unable to write beyond a few
bytes (RLIMIT_FSIZE with SIGXFSZ ignored, so a write fails with EFBIG as it would with
ENOSPC on a full disk, instead of killing the process).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.adversarial.faults.tally import record

ROOT = Path(__file__).parents[3]


def environment(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"AUDITLOG_DB": db_url, "AUDITLOG_TZ": "UTC", "COLUMNS": "200"})
    env.pop("AUDITLOG_USER", None)
    return env


def file_size_limit(max_bytes: int) -> Callable[[], None]:
    """A ``preexec_fn``: writes past ``max_bytes`` fail with EFBIG ("disk full")."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return limit


def start(db_url: str, *argv: str, preexec_fn=None) -> subprocess.Popen[bytes]:  # type: ignore[no-untyped-def]
    return subprocess.Popen(
        [sys.executable, "-m", "tui.cli.main", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(db_url),
        cwd=ROOT,
        preexec_fn=preexec_fn,
    )


def run(db_url: str, *argv: str, preexec_fn=None) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    process = start(db_url, *argv, preexec_fn=preexec_fn)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out.decode(), err.decode())


def kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> bool:
    """SIGKILL ``process`` as soon as ``ready()``; False if it ended first."""
    while process.poll() is None:
        if ready():
            process.kill()
            process.communicate(timeout=60)
            record("fault:process-killed")
            return True
        time.sleep(0.005)
    process.communicate(timeout=60)
    return False
