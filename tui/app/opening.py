"""How the viewer reaches the log when the command line starts it: after the first frame.

Connecting costs more than the whole start-up budget allows before the first frame (SQLAlchemy
alone imports in a tenth of a second or more, then the schema check and the account), so
``auditlog`` paints the header, the filters and a loading table first, and a worker opens
the store through ``Opening.open``. A refusal or an unreachable database found then ends the
viewer: ``run_viewer`` raises it again, and the command line prints it and exits non-zero,
exactly as when it checked before starting.

The first page is read ahead (``ReadAhead``): on a terminal with a second core (POSIX, one
thread; ``read_ahead_wanted``), ``run_viewer`` forks before it imports Textual, and the
child opens the store, checks the account and reads the newest page of the default query on
the other core while this process imports Textual and paints; this process then shows that
page (``EarlyReader``) and opens the store itself behind it, for the count and all after.
Threads cannot do this: importing and painting are Python code, which one interpreter runs
one thread at a time. The child only reads what this process would read with the same
account, through the same ``AuditStore.reader``; if it fails in any way, this process opens
the store as before and meets (and reports) the same error itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui.domain.query import PAGE_SIZE

if TYPE_CHECKING:
    from tui.domain.access import Principal
    from tui.domain.query import Cursor, EventQuery, Page
    from tui.store.repository import AuditReader, AuditStore


@dataclass
class Opening:
    """``open`` returns the opened store and the account to read as (it runs in a worker).

    ``label`` names the database and ``email`` the account in the first frame, when the
    command line knows them without connecting (a file path; ``--as``); else they appear once
    the store is open. ``ahead`` is the first page being read by a child process, for the
    query of ``started`` (the moment the command started: the viewer's clock until the
    store is open, so that its first query is the one read ahead).
    """

    open: Callable[[], tuple[AuditStore, str]]
    label: str | None = None
    email: str | None = None
    ahead: ReadAhead | None = None
    started: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _opened: tuple[AuditStore, str] | None = field(default=None, repr=False)
    _early: EarlyReader | None = field(default=None, repr=False)

    def opened(self) -> tuple[AuditStore, str]:
        """Open once, however many workers ask (a newer query may start before it is done)."""
        with self._lock:
            if self._opened is None:
                if self.ahead is not None:
                    self.ahead.wait()  # never two openings (nor migrations) at once
                self._opened = self.open()
            return self._opened

    def early_reader(
        self, who: str | None, on_open: Callable[[AuditStore], None]
    ) -> EarlyReader | None:
        """The reader that shows the page read ahead, or None (then open as usual).

        Waits for the child (a worker calls this). ``on_open`` is told the store when the
        early reader opens it for anything but that page.
        """
        if self.ahead is None:
            return None
        with self._lock:
            if self._early is not None:
                return self._early
        answer = self.ahead.wait()
        if answer is None or (who is not None and who != answer.email):
            return None
        with self._lock:
            if self._early is None:
                if self.label is None:
                    self.label = answer.label
                self._early = EarlyReader(self, answer, on_open)
            return self._early


@dataclass(frozen=True)
class Answer:
    """What the child read: the account (as checked) and the newest page of ``query``."""

    email: str
    principal: Principal
    label: str
    query: EventQuery
    page: Page


class ReadAhead:
    """The first page, read by a child process while this one imports Textual and paints."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid: int | None = pid
        self._fd: int | None = fd
        self._answer: Answer | None = None
        #: One thread reads the pipe; the others then get what it read.
        self._read_lock = threading.Lock()
        #: The child is signalled only while it is not reaped (its pid not reused).
        self._pid_lock = threading.Lock()

    @classmethod
    def start(
        cls, connect: Callable[[], tuple[AuditStore, str]], query: EventQuery
    ) -> ReadAhead | None:
        """Fork a child that reads ``query``'s newest page; None where that is not possible.

        Only from a single-threaded process (forking one with threads can deadlock the
        child) on a system with ``fork``.
        """
        if not hasattr(os, "fork") or threading.active_count() != 1:
            return None
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # the child: never returns
            os.close(read_end)
            _read_ahead(connect, query, write_end)
        os.close(write_end)
        return cls(pid, read_end)

    def wait(self) -> Answer | None:
        """The child's answer once it has exited; None if it failed or was stopped."""
        with self._read_lock:
            if self._fd is None:
                return self._answer
            chunks = []
            try:
                while chunk := os.read(self._fd, 1 << 16):
                    chunks.append(chunk)
            except OSError:
                chunks = []
            os.close(self._fd)
            self._fd = None
            self._reap()
            try:
                answer = pickle.loads(b"".join(chunks)) if chunks else None
            except Exception:  # a child stopped half-way: no answer
                answer = None
            self._answer = answer if isinstance(answer, Answer) else None
            return self._answer

    def close(self) -> None:
        """Stop the child if it is still reading (the viewer ended first) and reap it."""
        with self._pid_lock:
            if self._pid is not None:
                with contextlib.suppress(OSError):
                    os.kill(self._pid, 15)  # SIGTERM
        with self._read_lock:  # a worker still reading sees the pipe end once it is dead
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
        self._reap()

    def _reap(self) -> None:
        with self._pid_lock:
            if self._pid is not None:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(self._pid, 0)
                self._pid = None


def _read_ahead(
    connect: Callable[[], tuple[AuditStore, str]], query: EventQuery, write_end: int
) -> None:
    """In the child: open, check the account, read the page, write it, exit (no cleanup of
    the parent's state: ``os._exit``). Its output goes nowhere; the terminal is the
    parent's."""
    status = 1
    try:
        # A session of its own: the scheduler then shares the CPU between it and the viewer
        # as two programs, not as one (Linux groups a terminal session's processes), and
        # the terminal's signals are the viewer's alone.
        with contextlib.suppress(OSError):
            os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        store, email = connect()
        try:
            reader = store.reader(email)
            page = reader.page(query)
            answer = Answer(reader.email, reader.principal, store.label, query, page)
            data = memoryview(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
            while data:
                data = data[os.write(write_end, data) :]
        finally:
            store.close()
        status = 0
    except BaseException:
        status = 1  # the parent opens the store itself, and says why
    finally:
        os._exit(status)  # whatever happened: the child never returns into the viewer


class EarlyReader:
    """The account's reader until the store is open in this process.

    It answers the page read ahead, once, for exactly its query (the viewer's first); for
    anything else it opens the store (once) and hands the call to the ``AuditReader``.
    """

    def __init__(
        self, opening: Opening, answer: Answer, on_open: Callable[[AuditStore], None]
    ) -> None:
        self.email = answer.email
        self._opening = opening
        self._answer: Answer | None = answer
        self._principal = answer.principal
        self._on_open = on_open
        self._lock = threading.Lock()
        self._reader: AuditReader | None = None

    @property
    def principal(self) -> Principal:
        return self._reader.principal if self._reader is not None else self._principal

    @property
    def reader(self) -> AuditReader:
        """The real reader (opening the store in this process the first time)."""
        with self._lock:
            if self._reader is None:
                store, _ = self._opening.opened()
                self._on_open(store)
                self._reader = store.reader(self.email)
            return self._reader

    def page(self, query: EventQuery, after: Cursor | None = None, limit: int = PAGE_SIZE) -> Page:
        with self._lock:
            answer = self._answer
            if answer is not None and (query, after, limit) == (answer.query, None, PAGE_SIZE):
                self._answer = None
                return answer.page
        return self.reader.page(query, after, limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.reader, name)


#: ``0`` never reads the first page ahead, ``1`` always does (where it can); unset: it does
#: on a terminal, when the machine has a second core for the child.
READ_AHEAD_ENV = "AUDITLOG_READ_AHEAD"


def read_ahead_wanted() -> bool:
    """On a terminal with a second core.

    Elsewhere (tests, pipes) nobody waits for a first frame; on one core the child could
    only take its CPU from the viewer's own start-up. A busy machine is no reason to skip
    it: in its own session the child gets its own share of the CPU (at a load of 6 on two
    cores the first rows still came 0.3 s sooner, the frame 0.1 s later).
    """
    setting = os.environ.get(READ_AHEAD_ENV, "").strip()
    if setting in ("0", "1"):
        return setting == "1"
    try:
        if not (os.isatty(sys.stdin.fileno()) and os.isatty(sys.stdout.fileno())):
            return False
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        return (cores or os.cpu_count() or 1) >= 2
    except (AttributeError, OSError, ValueError):
        return False
