"""The viewer as a user meets it: ``auditlog`` in an 80x24 tmux pane, driven by keystrokes.

Every timing runs from the key press (or the process start) to the first screen capture that
shows the awaited state, polled every ``terminal.POLL_SECONDS``. "New rows shown" means all
of: the header or filter bar names the new query, nothing says "Loading…", and the first rows
on screen are the first events of the new query (time and type, as the repository returns
them), so neither a stale screen nor a half-drawn one counts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from terminal import Screen, Terminal, TerminalError, rss_kib

from tui.domain.access import Scope
from tui.domain.query import EventQuery
from tui.domain.reading import OPENED
from tui.domain.timerange import RangePreset, TimeRange

ROW = re.compile(r"^\s?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d\s+\S")
PAGE = re.compile(r"page (\d+)")
COUNTED = re.compile(r"\d[\d,]*\+? events?\b")
PANE_TITLE = re.compile(r" · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d ")
HEADER = " │ Scope: "
LOADING = "Loading…"
#: Down is pressed this often after End until the next page is in (see ``_paging``).
REPRESS_SECONDS = 0.01
SCENARIO_TENANT = "harbor-point"
#: A lone ESC byte is a key only once nothing follows it for a moment (else it is Alt+key).
ESCAPE_SECONDS = 0.25
#: Close a dialog or leave the search box, then quit.
QUIT_KEYS = ("Escape", "Escape", "q")


@dataclass
class ViewerTimings:
    frame: list[float] = field(default_factory=list)
    rows: list[float] = field(default_factory=list)
    rss_rows_kib: list[int] = field(default_factory=list)
    rss_settled_kib: list[int] = field(default_factory=list)
    changes: dict[str, list[float]] = field(default_factory=dict)
    search: dict[str, list[float]] = field(default_factory=dict)
    json_first: list[float] = field(default_factory=list)
    json_later: list[float] = field(default_factory=list)
    page_steps: list[float] = field(default_factory=list)
    page_seconds: float | None = None
    pages: int = 0
    rss_paged_kib: dict[str, int] = field(default_factory=dict)
    #: After the changes, searches and JSON panes of one session (tree-sitter loaded).
    rss_session_kib: dict[str, int] = field(default_factory=dict)
    rss_before_paging_kib: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Expect:
    """The first rows a query must show, from the repository (read before the keystroke)."""

    def __init__(self, store_url: str, email: str) -> None:
        from tui.store.repository import AuditStore

        self._store = AuditStore.open(store_url)
        self._reader = self._store.reader(email)

    def close(self) -> None:
        self._store.close()

    def opened_since(self, since: datetime) -> bool:
        """Whether the viewer started at ``since`` has recorded its opening (the newest event).

        Until it has, that event may appear at the top of the viewer's next query but not in
        rows read here before it, and a change would never look settled.
        """
        now = datetime.now(UTC)
        page = self._reader.page(EventQuery(TimeRange.last(RangePreset.LAST_7D, now)), limit=5)
        return any(
            e.type.name == OPENED and e.occurred_at >= since - timedelta(seconds=1)
            for e in page.events
        )

    def rows(self, query: EventQuery, count: int = 3) -> list[tuple[str, str]]:
        page = self._reader.page(query, limit=count)
        return [
            (e.occurred_at.astimezone(UTC).strftime("%b %d %H:%M"), e.type.name)
            for e in page.events
        ]


def shown_rows(screen: Screen) -> list[str]:
    return [line for line in screen if ROW.match(line)]


def rows_match(screen: Screen, expected: list[tuple[str, str]]) -> bool:
    """The first rows show ``expected`` (time, type); a type cut short with … matches its start."""
    rows = shown_rows(screen)
    if len(rows) < len(expected):
        return False
    for row, (moment, kind) in zip(rows, expected, strict=False):
        row = row.strip()
        if not row.startswith(moment):
            return False
        # The type cell ends at an ellipsis (cut short) or at the gap before the next cell.
        shown = re.split(r"…|  ", row[len(moment) :].strip())[0].strip()
        if len(shown) < 6 or not (kind.startswith(shown) or shown.startswith(kind)):
            return False
    return True


Marker = str | Callable[[Screen], bool]


def settled(screen: Screen, marker: Marker, expected: list[tuple[str, str]]) -> bool:
    """The new query is named (``marker``), nothing loads, and its first rows are shown."""
    text = "\n".join(screen)
    named = marker(screen) if callable(marker) else marker in text
    return named and LOADING not in text and rows_match(screen, expected)


def viewer_argv(auditlog: str, db: str, email: str) -> list[str]:
    return [auditlog, "--db", db, "--as", email, "--tz", "UTC"]


def start_once(
    term: Terminal,
    argv: Sequence[str],
    timings: ViewerTimings | None,
    expect: Expect | None = None,
) -> int:
    """Start the viewer; record frame, first rows and memory; return its pid.

    With ``expect``, return only once the viewer has recorded its opening (see
    ``Expect.opened_since``): the changes measured next then compare like with like.
    """
    since = datetime.now(UTC)
    started = term.spawn(argv)
    frame, _ = term.wait_for(lambda s: bool(s) and HEADER in s[0], started, what="the frame")
    rows, _screen = term.wait_for(
        lambda s: bool(shown_rows(s)) and LOADING not in "\n".join(s),
        started,
        what="the first rows",
    )
    pid = term.pid()
    at_rows = rss_kib(pid).get("VmHWM", 0)
    term.wait_for(lambda s: any(COUNTED.search(line) for line in s[-4:]), started, what="the count")
    time.sleep(0.3)  # let the count worker's memory settle into the peak
    if timings is not None:
        timings.frame.append(frame)
        timings.rows.append(rows)
        timings.rss_rows_kib.append(at_rows)
        timings.rss_settled_kib.append(rss_kib(pid).get("VmHWM", 0))
    if expect is not None:
        deadline = time.monotonic() + 30
        while not expect.opened_since(since):
            if time.monotonic() > deadline:
                raise TerminalError("the viewer did not record its opening within 30 s")
            time.sleep(0.05)
    return pid


def measure(
    term: Terminal,
    argv: Sequence[str],
    expect: Expect,
    runs: int,
    words: dict[str, str],
    log: Callable[[str], None] = print,
) -> ViewerTimings:
    """Tasks 2, 3, 4, 5 and 7 at the viewer level."""
    timings = ViewerTimings()
    start_once(term, argv, None)  # warm: page cache, bytecode
    term.stop(QUIT_KEYS)
    for run in range(runs):
        start_once(term, argv, timings)
        log(f"  viewer start {run + 1}/{runs}: rows in {timings.rows[-1]:.3f} s")
        term.stop(QUIT_KEYS)
    pid = start_once(term, argv, None, expect)
    now = datetime.now(UTC)
    week = EventQuery(TimeRange.last(RangePreset.LAST_7D, now))
    try:
        for _ in range(runs):
            _changes(term, expect, week, timings)
            _search(term, expect, week, words, timings)
        log(f"  viewer changes and searches: {sum(map(len, timings.changes.values()))} timed")
        _json_pane(term, runs, timings)
        timings.rss_session_kib = rss_kib(pid)
        # Paging in a fresh viewer, so its memory says what 100 pages cost and nothing else.
        term.stop(QUIT_KEYS)
        pid = start_once(term, argv, None, expect)
        timings.rss_before_paging_kib = rss_kib(pid)
        _paging(term, expect, pid, timings)
    except TerminalError as error:
        timings.notes.append(f"viewer session stopped early: {str(error).splitlines()[0]}")
        log(f"  viewer: {error}")
    finally:
        term.stop(QUIT_KEYS)
    return timings


def _timed_change(
    term: Terminal,
    timings: ViewerTimings,
    kind: str,
    apply: Callable[[], float],
    marker: Marker,
    expected: list[tuple[str, str]],
) -> None:
    started = apply()
    seconds, _ = term.wait_for(
        lambda s: settled(s, marker, expected), started, timeout=60, what=f"the {kind} change"
    )
    timings.changes.setdefault(kind, []).append(seconds)


#: A dialog's title, and a line it shows once filled (and focused, in the same handler).
DIALOGS = {
    "d": ("Date range (events are kept", "Last 180 days"),
    "s": ("Scope: which events", "Portal (the MSP portal itself)"),
    "t": ("Filter by event type", "User Login  ·"),
}


def _open_dialog(term: Terminal, key: str) -> None:
    title, filled = DIALOGS[key]
    asked = term.keys(key)
    term.wait_for(
        lambda s: title in "\n".join(s) and filled in "\n".join(s),
        asked,
        timeout=60,
        what=f"the {title!r} dialog",
    )
    time.sleep(0.05)  # not timed: the dialog's on_mount has focused its first field


def _changes(term: Terminal, expect: Expect, week: EventQuery, timings: ViewerTimings) -> None:
    month = week.with_changes(time_range=TimeRange.last(RangePreset.LAST_30D, datetime.now(UTC)))
    # range: 7 → 30 days and back
    _open_dialog(term, "d")
    term.keys("Down")
    _timed_change(
        term, timings, "range", lambda: term.keys("Enter"), "Last 30 days", expect.rows(month)
    )
    _open_dialog(term, "d")
    term.keys("Up")
    _timed_change(
        term, timings, "range", lambda: term.keys("Enter"), "Last 7 days", expect.rows(week)
    )
    # scope: portal only, and back to all
    portal = week.with_changes(scope=Scope.portal_only())
    _open_dialog(term, "s")
    _timed_change(
        term, timings, "scope", lambda: term.keys("C-o"), "Scope: Portal only", expect.rows(portal)
    )
    _scope_all(term, expect, week, timings)
    harbor = week.with_changes(scope=Scope.of_tenants([SCENARIO_TENANT]))
    _open_dialog(term, "s")
    term.type("harb")
    term.wait_for(
        lambda s: "harbor-point" in "\n".join(s) and "alder-finch" not in "\n".join(s),
        time.perf_counter(),
        what="the narrowed tenant list",
    )
    _timed_change(
        term, timings, "scope", lambda: term.keys("Enter"), "Scope: Harbor", expect.rows(harbor)
    )
    _scope_all(term, expect, week, timings)
    # filter: one event type, then clear
    logins = week.with_changes(types=frozenset({"User Login"}))
    _open_dialog(term, "t")
    typed = term.type("User Login")
    term.wait_for(
        lambda s: "User Login  ·" in "\n".join(s) and "User Logged Out  ·" not in "\n".join(s),
        typed,
        what="the narrowed type list",
    )
    _timed_change(
        term, timings, "filter", lambda: term.keys("Enter"), "Type: User Login", expect.rows(logins)
    )
    _timed_change(
        term,
        timings,
        "filter",
        lambda: term.keys("x"),
        lambda s: "Type:" not in "\n".join(s[:3]),
        expect.rows(week),
    )


def _scope_all(term: Terminal, expect: Expect, week: EventQuery, timings: ViewerTimings) -> None:
    """Back to all: ctrl+a, from the tenant list as in earlier sessions (the filter box took
    ctrl+a as "home" until session 6), so the timings stay comparable."""
    _open_dialog(term, "s")
    term.keys("Down")
    _timed_change(term, timings, "scope", lambda: term.keys("C-a"), "Scope: All", expect.rows(week))


def _search(
    term: Terminal,
    expect: Expect,
    week: EventQuery,
    words: dict[str, str],
    timings: ViewerTimings,
) -> None:
    for label, word in words.items():
        query = week.with_changes(text=word)
        expected = expect.rows(query)
        asked = term.keys("/")
        # Keys typed before the search box has the focus would act as commands (d, t, p…).
        term.wait_for(
            lambda s: "esc Close" in "\n".join(s[-3:]), asked, what="the focused search box"
        )
        term.type(word)
        started = term.keys("Enter")
        seconds, _ = term.wait_for(
            lambda s, e=expected, w=word: settled(s, w, e) if e else _no_rows(s),
            started,
            timeout=60,
            what=f"the search for {word!r}",
        )
        timings.search.setdefault(label, []).append(seconds)
        term.keys("Escape")
        time.sleep(ESCAPE_SECONDS)
        _timed_change(
            term, timings, "filter", lambda: term.keys("x"), "/ Search", expect.rows(week)
        )


def _no_rows(screen: Screen) -> bool:
    text = "\n".join(screen)
    return LOADING not in text and not shown_rows(screen) and "0 events" in text


def _json_pane(term: Terminal, runs: int, timings: ViewerTimings) -> None:
    for number in range(2 * runs + 1):
        started = term.keys("Enter")
        seconds, _ = term.wait_for(
            lambda s: any(PANE_TITLE.search(line) for line in s) and '"id": "' in "\n".join(s),
            started,
            what="the JSON pane",
        )
        (timings.json_first if number == 0 else timings.json_later).append(seconds)
        closed = term.keys("Escape")
        term.wait_for(
            lambda s: not any(PANE_TITLE.search(line) for line in s), closed, what="pane closed"
        )
        term.keys("Down")


def _page_number(screen: Screen) -> int | None:
    for line in reversed(screen[-4:]):
        found = PAGE.search(line)
        if found and ("event" in line or "Counting" in line):
            return int(found.group(1))
    return None


def _paging(term: Terminal, expect: Expect, pid: int, timings: ViewerTimings) -> None:
    """Switch to 180 days, then 100 times: End, and Down until the next page is under the cursor.

    End puts the cursor on the last row held, which asks for the next page; Down (pressed
    every ``REPRESS_SECONDS``, a no-op until the page is in) then steps onto its first row,
    and the status line names the page. One step is End → "page k+1" on screen.
    """
    # Now, not the session's start: this viewer's opening, recorded since, is its newest row.
    half_year = EventQuery(TimeRange.last(RangePreset.LAST_180D, datetime.now(UTC)))
    term.keys("Home")
    _open_dialog(term, "d")
    term.keys("Down", "Down", "Down")
    _timed_change(
        term, timings, "range", lambda: term.keys("Enter"), "Last 180 days", expect.rows(half_year)
    )
    started = time.perf_counter()
    deadline = started + 600
    while len(timings.page_steps) < 100 and time.perf_counter() < deadline:
        pressed = term.keys("End")
        _, screen = term.wait_for(lambda s: _page_number(s) is not None, pressed, what="a page")
        current = _page_number(screen)
        assert current is not None
        while time.perf_counter() < deadline:
            term.keys("Down")
            polled = time.perf_counter()
            number = None
            while time.perf_counter() - polled < REPRESS_SECONDS:
                number = _page_number(term.screen())
                if number is not None and number > current:
                    break
            if number is not None and number > current:
                timings.page_steps.append(time.perf_counter() - pressed)
                break
    timings.pages = len(timings.page_steps)
    timings.page_seconds = time.perf_counter() - started
    timings.rss_paged_kib = rss_kib(pid)
    if timings.pages < 100:
        timings.notes.append(f"viewer paging reached {timings.pages} pages, not 100")


__all__ = ["Expect", "ViewerTimings", "measure", "start_once", "viewer_argv"]
