"""A real pseudo-terminal for timing what a user sees: tmux, driven over its control mode.

Each ``Terminal`` starts a tmux server of its own (a private socket, no user config, no
status line) with one pane of exactly 80x24 and ``remain-on-exit`` on, and talks to it
through one control-mode client (``tmux -C``): a key press or a screen capture is one line on
a pipe (about 0.1 ms), not a new ``tmux`` process (about 4 ms), so polling the screen every
couple of milliseconds costs the measured program almost nothing.

Example::

    with Terminal() as term:
        started = term.spawn(["lnav", "events.ndjson"])
        seconds, screen = term.wait_for(lambda s: any("evt_" in line for line in s), started)
"""

from __future__ import annotations

import contextlib
import os
import queue
import shlex
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence

Screen = list[str]

WIDTH, HEIGHT = 80, 24
#: Sleep between two screen captures while waiting: the resolution of every timing here.
POLL_SECONDS = 0.002
_SESSION = "bench"


class TerminalError(RuntimeError):
    """tmux did not answer, or what was awaited never appeared on screen."""


class Terminal:
    def __init__(self, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.width, self.height = width, height
        self.socket = f"auditlog-bench-{os.getpid()}-{id(self):x}"
        self._client: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._server_pid: int | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> Terminal:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        base = ["tmux", "-L", self.socket, "-f", "/dev/null"]
        subprocess.run(
            [
                *base,
                "new-session",
                "-d",
                "-s",
                _SESSION,
                "-x",
                str(self.width),
                "-y",
                str(self.height),
                "sleep 100000",
            ],
            check=True,
            timeout=10,
            capture_output=True,
        )
        for option in (
            ["status", "off"],
            ["remain-on-exit", "on"],
            ["window-size", "manual"],
            ["escape-time", "0"],
            ["default-terminal", "tmux-256color"],
        ):
            subprocess.run([*base, "set-option", "-g", *option], timeout=10, capture_output=True)
        subprocess.run(
            [*base, "resize-window", "-t", _SESSION, "-x", str(self.width), "-y", str(self.height)],
            timeout=10,
            capture_output=True,
        )
        self._client = subprocess.Popen(
            [*base, "-C", "attach-session", "-t", _SESSION],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self._server_pid = int(self.command("display-message -p '#{pid}'")[0])
        for _ in range(50):  # the client may not be attached yet ("no current client")
            try:
                self.command("refresh-client -f no-output")
                break
            except TerminalError:
                time.sleep(0.02)

    def close(self) -> None:
        """Stop the client and the server; nothing of ours is left running."""
        client, self._client = self._client, None
        if client is not None:
            try:
                client.stdin.close()  # type: ignore[union-attr]
                client.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                client.kill()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], timeout=10, capture_output=True)
        if self._server_pid:
            _kill(self._server_pid)
            self._server_pid = None
        tmpdir = os.environ.get("TMUX_TMPDIR", "/tmp")
        with contextlib.suppress(OSError):
            os.unlink(f"{tmpdir}/tmux-{os.getuid()}/{self.socket}")

    # -- the protocol ---------------------------------------------------------------------

    def _read(self) -> None:
        assert self._client is not None and self._client.stdout is not None
        for raw in self._client.stdout:
            self._lines.put(raw.decode("utf-8", "replace").rstrip("\n"))
        self._lines.put(None)

    def _send(self, command: str) -> None:
        if self._client is None or self._client.stdin is None:
            raise TerminalError("the terminal is closed")
        self._client.stdin.write(command.encode() + b"\n")

    def command(self, command: str, timeout: float = 10.0) -> list[str]:
        """Run one tmux command; its output lines (a %error answer raises)."""
        self._send(command)
        deadline = time.monotonic() + timeout
        block: list[str] | None = None
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TerminalError(f"tmux did not answer {command!r}") from None
            if line is None:
                raise TerminalError("tmux went away")
            if block is None:
                # Answers to our commands carry flag 1; the attach's own block carries 0.
                if line.startswith("%begin ") and line.endswith(" 1"):
                    block = []
                continue
            if line.startswith(("%end ", "%error ")):
                if line.startswith("%error"):
                    raise TerminalError(f"tmux refused {command!r}: {' '.join(block)}")
                return block
            block.append(line)

    # -- what a test does -----------------------------------------------------------------

    def spawn(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> float:
        """Start ``argv`` in the pane (killing what ran there); the perf_counter at start."""
        line = "exec " + shlex.join(argv)
        settings = " ".join(f"-e {_quoted(f'{k}={v}')}" for k, v in (env or {}).items())
        started = time.perf_counter()
        self.command(f"respawn-pane -k -t {_SESSION} {settings} {_quoted(line)}")
        return started

    def pid(self) -> int:
        return int(self.command(f"display-message -p -t {_SESSION} '#{{pane_pid}}'")[0])

    def dead(self) -> bool:
        return self.command(f"display-message -p -t {_SESSION} '#{{pane_dead}}'")[0] == "1"

    def keys(self, *keys: str) -> float:
        """Press keys by tmux name (``Enter``, ``Down``, ``C-o``, ``q``); perf_counter before."""
        pressed = time.perf_counter()
        self.command(f"send-keys -t {_SESSION} " + " ".join(_quoted(k) for k in keys))
        return pressed

    def type(self, text: str) -> float:
        typed = time.perf_counter()
        self.command(f"send-keys -t {_SESSION} -l {_quoted(text)}")
        return typed

    def screen(self) -> Screen:
        return self.command(f"capture-pane -p -t {_SESSION}")

    def wait_for(
        self,
        done: Callable[[Screen], bool],
        since: float,
        timeout: float = 30.0,
        what: str = "the screen",
    ) -> tuple[float, Screen]:
        """Poll until ``done(screen)``; seconds from ``since`` to the capture that showed it."""
        deadline = time.perf_counter() + timeout
        while True:
            asked = time.perf_counter()
            screen = self.screen()
            if done(screen):
                return asked - since, screen
            if asked > deadline:
                tail = "\n".join(screen)
                raise TerminalError(f"{what} did not appear within {timeout:.0f} s:\n{tail}")
            time.sleep(POLL_SECONDS)

    def stop(self, quit_keys: Sequence[str] = ("q",), timeout: float = 5.0) -> None:
        """Ask the program to quit; kill it if it does not within ``timeout``."""
        if self.dead():
            return
        pid = self.pid()
        for key in quit_keys:
            self.keys(key)
            time.sleep(0.25)  # an ESC followed at once by a key would read as Alt+key
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.dead():
                return
            time.sleep(0.02)
        _kill(pid)


def rss_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of ``pid`` in KiB, from /proc (empty if it is gone)."""
    values: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, 9)


def _quoted(value: str) -> str:
    """A tmux command-language single-quoted string (no escapes exist inside '...')."""
    if "'" in value:
        # Close, add a double-quoted quote, reopen: 'it'"'"'s'.
        return "'" + value.replace("'", "'\"'\"'") + "'"
    return "'" + value + "'"


__all__ = ["HEIGHT", "POLL_SECONDS", "WIDTH", "Terminal", "TerminalError", "rss_kib"]
