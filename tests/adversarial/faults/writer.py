"""A writer that keeps appending while the tests read: hundreds of events a second.

``Appender`` runs a process with an ``AuditStore`` of its own and appends small batches through
``AuditStore.append``, the way the portal's feed or a tailing ingest would. It remembers
which ids were committed (``append`` returned) and in what order, so a test can take a
snapshot before it reads and demand that everything in it is there afterwards.

Event ``n`` is ``LOAD_PREFIX`` + n; timestamps rise with n, three events per millisecond
(ties broken by id), from two minutes before ``FIXED_NOW`` on, so each new event is newer than
every seeded one and lands at the top of the viewer.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from tests.adversarial.faults.tally import record
from tests.conftest import FakeClock, make_event
from tui.domain.event import AuditEvent

LOAD_PREFIX = "evt_load_"
BATCH = 5
#: Pause between batches (seconds): about 500 events a second on an idle machine.
PAUSE = 0.01
#: The writer stops on its own at this many events (the viewer's exact count goes to 10,000).
LIMIT = 8_000


def load_event(n: int) -> AuditEvent:
    age = timedelta(minutes=2) - timedelta(milliseconds=n // 3)
    return make_event(n, id=load_id(n), age=age, tenant=("t_01", "t_02")[n % 2])


class Appender:
    """A writing process: appends ``BATCH`` events every ``PAUSE`` seconds until stopped
    (or ``LIMIT``). A process, not a thread, so that it competes with the reader for the
    database only, not for the interpreter, as the portal's feed would.

    It reports on stdout, one line each: ``+n`` before appending events up to n (exclusive),
    ``=n`` once they are committed; a thread here keeps the tally.
    """

    def __init__(self, url: str, clock: FakeClock) -> None:
        self._url = url
        self._now = clock.now
        self._lock = threading.Lock()
        self._attempted = self._committed = 0
        self._process: subprocess.Popen[str] | None = None
        self._listener: threading.Thread | None = None
        self._stderr = ""
        self.started_at = self.stopped_at = 0.0

    def start(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.adversarial.faults.writer", self._url, str(self._now)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parents[3],
        )
        self.started_at = time.monotonic()
        self._listener = threading.Thread(target=self._listen, daemon=True)
        self._listener.start()

    def _listen(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            with self._lock:
                if line.startswith("+"):
                    self._attempted = int(line[1:])
                elif line.startswith("="):
                    self._committed = int(line[1:])

    def committed(self) -> list[str]:
        """The ids committed so far, in the order they were appended."""
        with self._lock:
            return [load_id(n) for n in range(self._committed)]

    def attempted(self) -> list[str]:
        """The ids handed to ``append`` so far, committed or not yet: an upper bound."""
        with self._lock:
            return [load_id(n) for n in range(self._attempted)]

    def wait_for(self, count: int, seconds: float = 60.0) -> None:
        """Block until at least ``count`` events are committed."""
        assert self._process is not None
        deadline = time.monotonic() + seconds
        while len(self.committed()) < count:
            if self._process.poll() is not None:
                raise AssertionError(f"the writer stopped: {self._process.stderr.read()}")  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                raise AssertionError(f"the writer committed only {len(self.committed())}")
            time.sleep(0.01)

    def stop(self) -> list[str]:
        """Stop, fail if the writer failed, return every committed id."""
        assert self._process is not None and self._listener is not None
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
        # Not ``communicate``: it would read stdout too, beside the listener, and take the
        # last "=n" (or half a line) from it; the tally then missed a committed batch (CI:
        # a count 5 above it, and once a line "+605=605" that the listener died on).
        self._process.wait(timeout=60)
        self._listener.join(10)
        err = self._process.stderr.read()  # type: ignore[union-attr]
        self.stopped_at = time.monotonic()
        if self._process.returncode != 0:
            raise AssertionError(f"the writer failed ({self._process.returncode}): {err}")
        committed = self.committed()
        record("written-under-load", len(committed))
        return committed

    def rate(self) -> float:
        seconds = (self.stopped_at or time.monotonic()) - self.started_at
        return len(self.committed()) / seconds if seconds > 0 else 0.0


def load_id(n: int) -> str:
    return f"{LOAD_PREFIX}{n:06d}"


def _write(url: str, now: datetime) -> None:
    """The writing process: append until SIGTERM (between two batches) or ``LIMIT``."""
    from tui.store.repository import AuditStore

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    store = AuditStore.open(url, clock=lambda: now)
    n = 0
    try:
        while not stopping.is_set() and n < LIMIT:
            batch = [load_event(k) for k in range(n, n + BATCH)]
            print(f"+{n + BATCH}", flush=True)
            result = store.append(batch)
            if result.added != BATCH:
                raise AssertionError(f"batch at {n}: {result}")
            n += BATCH
            print(f"={n}", flush=True)
            time.sleep(PAUSE)
    finally:
        store.close()


if __name__ == "__main__":
    _write(sys.argv[1], datetime.fromisoformat(sys.argv[2]))
