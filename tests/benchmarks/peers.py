"""What a user would otherwise do, on the same events: lnav, jq, and raw SQL as the floor.

* ``lnav`` (Debian package) opens the NDJSON file in the same 80x24 tmux pane: time to the
  first screen of events, peak RSS, and a search (``/word`` Enter) until its hit count stops
  changing — the time of the first capture that showed the final count.
* ``jq`` runs a two-field filter (type and tenant) over the whole file.
* The floor: the viewer's queries written by hand and run by the ``sqlite3`` command on the
  SQLite database (mean of many runs in one process, its start-up subtracted), and by
  ``psql`` with ``\\timing`` on the PostgreSQL one.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from terminal import Terminal, TerminalError, rss_kib

#: lnav's status: "185 hits for “word”", or with many: "Hit 27204⋯272040 for “upda⋯".
HITS = re.compile(r"(\d[\d,]* hits?|Hit \S+(?: of \S+)?) for\s+“")
EVENT_LINE = '{"id":"evt_'
JQ_FILTER = 'select(.type == "Collector Updated" and .context.tenant.id == "harbor-point")'


@dataclass(frozen=True, slots=True)
class Timed:
    seconds: float
    peak_kib: int
    output_lines: int = 0


def timed_process(
    argv: list[str], timeout: float, stdout: Path | None = None, env: dict | None = None
) -> tuple[Timed, str]:
    """Run under ``/usr/bin/time``: wall seconds (ours) and peak RSS (its %M); stderr text."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        out = stdout.open("wb") if stdout else subprocess.DEVNULL
        try:
            started = time.perf_counter()
            done = subprocess.run(
                ["/usr/bin/time", "-o", report.name, "-f", "%M", *argv],
                stdout=out,
                stderr=subprocess.PIPE,
                timeout=timeout,
                env=env,
                check=False,
            )
            seconds = time.perf_counter() - started
        finally:
            if stdout:
                out.close()  # type: ignore[union-attr]
        lines = report.read().split()
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {done.returncode}: {stderr.strip()[-500:]}")
    peak = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    return Timed(seconds, peak), stderr


# -- lnav --------------------------------------------------------------------------------


def lnav_available() -> bool:
    return shutil.which("lnav") is not None


def lnav(
    term: Terminal, ndjson: Path, runs: int, words: dict[str, str], log: Callable = print
) -> dict:
    """First screen, peak RSS and search, ``runs`` times each (after one warm-up start)."""
    result: dict[str, list[float] | list[int]] = {"start": [], "rss_start_kib": []}
    for label in words:
        result[f"search {label}"] = []
    result["rss_searched_kib"] = []
    for run in range(runs + 1):
        home = Path(tempfile.mkdtemp(prefix="lnav-home-"))
        try:
            started = term.spawn(["lnav", str(ndjson)], env={"HOME": str(home)})
            seconds, _ = term.wait_for(
                lambda s: any(EVENT_LINE in line for line in s), started, 300, "lnav's events"
            )
            pid = term.pid()
            peak = rss_kib(pid).get("VmHWM", 0)
            if run == 0:
                term.stop(("q",))
                continue  # warm-up: the file into the page cache
            result["start"].append(seconds)  # type: ignore[arg-type]
            result["rss_start_kib"].append(peak)  # type: ignore[arg-type]
            for label, word in words.items():
                result[f"search {label}"].append(_lnav_search(term, word))  # type: ignore[arg-type]
            result["rss_searched_kib"].append(rss_kib(pid).get("VmHWM", 0))  # type: ignore[arg-type]
            log(f"  lnav run {run}/{runs}: first screen {seconds:.2f} s")
            term.stop(("q",))
        finally:
            shutil.rmtree(home, ignore_errors=True)
    return result


def _lnav_search(term: Terminal, word: str, quiet: float = 2.0, timeout: float = 300) -> float:
    """``/word`` Enter; seconds until the hit count reached its final value."""
    term.keys("/")
    time.sleep(0.2)
    started = term.type(word)
    term.keys("Enter")
    final, first_seen = None, 0.0
    deadline = started + timeout
    marker = f"“{word[:5]}"  # the word may be cut short at 80 columns
    while time.perf_counter() < deadline:
        asked = time.perf_counter()
        text = "\n".join(term.screen())
        found = HITS.search(text) if marker in text else None
        value = found.group(1) if found else None  # the whole count text, elided or not
        if value != final:
            final, first_seen = value, asked
        elif value is not None and asked - first_seen > quiet:
            break
        time.sleep(0.005)
    else:
        raise TerminalError(f"lnav's search for {word!r} never settled")
    term.keys("Escape")
    time.sleep(0.3)
    return first_seen - started


# -- jq ----------------------------------------------------------------------------------


def jq(ndjson: Path, runs: int, workdir: Path, timeout: float) -> list[Timed]:
    out = workdir / "jq.out"
    timings = []
    for _ in range(runs):
        timed, _ = timed_process(["jq", "-c", JQ_FILTER, str(ndjson)], timeout, stdout=out)
        with out.open("rb") as lines:
            count = sum(1 for _ in lines)
        timings.append(Timed(timed.seconds, timed.peak_kib, count))
    out.unlink(missing_ok=True)
    return timings


# -- the floor: raw SQL ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FloorQuery:
    name: str
    sql: str
    repeat: int  # how many times in one process (many for the fast ones)


def floor_queries(
    dialect: str,
    week: tuple[int, int],
    half_year: tuple[int, int],
    cursor: tuple[int, str] | None,
    event_id: str,
    words: dict[str, str],
) -> list[FloorQuery]:
    """The viewer's statements by hand: same columns, order, limit and indexes."""
    columns = "SELECT occurred_at, event_id, body FROM events"
    order = "ORDER BY occurred_at DESC, event_id DESC LIMIT 101"

    def within(span: tuple[int, int]) -> str:
        return f"occurred_at >= {span[0]} AND occurred_at < {span[1]}"

    def scanned(word: str) -> str:
        """No text index: walk the time index newest first and test each row's text."""
        function = "instr" if dialect == "sqlite" else "strpos"
        return f"{function}(search_text, '{word}') > 0"

    def contains(word: str) -> str:
        if dialect == "sqlite":
            # The index holds no positions (migration 0004): every trigram, then the exact test,
            # as the store asks it.
            trigrams = dict.fromkeys(f'"{word[i : i + 3]}"' for i in range(len(word) - 2))
            grams = " AND ".join(trigrams)
            return (
                f"seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH '{grams}') "
                f"AND instr(search_text, '{word}') > 0"
            )
        return f"search_text LIKE '%{word}%'"

    queries = [
        FloorQuery("first page 7d", f"{columns} WHERE {within(week)} {order}", 50),
        FloorQuery(
            "two-field filter, first page 180d",
            f"{columns} WHERE {within(half_year)} AND event_type = 'Collector Updated' "
            f"AND tenant_id = 'harbor-point' {order}",
            50,
        ),
    ]
    for label, word in words.items():
        queries.append(
            FloorQuery(
                f"search {label} 7d",
                f"{columns} WHERE {within(week)} AND {contains(word)} {order}",
                10,
            )
        )
        queries.append(
            FloorQuery(
                f"search {label} 180d",
                f"{columns} WHERE {within(half_year)} AND {contains(word)} {order}",
                5,
            )
        )
        queries.append(
            FloorQuery(
                f"search {label} 180d, scan",
                f"{columns} WHERE {within(half_year)} AND {scanned(word)} {order}",
                5,
            )
        )
    if cursor is not None:
        queries.append(
            FloorQuery(
                "page 100 by keyset, 180d",
                f"{columns} WHERE {within(half_year)} AND (occurred_at, event_id) < "
                f"({cursor[0]}, '{cursor[1]}') {order}",
                50,
            )
        )
    queries.append(
        FloorQuery("get by id", f"SELECT body FROM events WHERE event_id = '{event_id}'", 200)
    )
    queries.append(
        FloorQuery(
            "scan 180d bodies (export)",
            f"SELECT body FROM events WHERE {within(half_year)} "
            "ORDER BY occurred_at DESC, event_id DESC",
            1,
        )
    )
    return queries


def sqlite_floor(db: Path, queries: list[FloorQuery], runs: int, timeout: float) -> dict:
    """Mean seconds per statement: (time of N statements - time of none) / N, ``runs`` times."""

    def script_time(body: str) -> float:
        started = time.perf_counter()
        subprocess.run(
            ["sqlite3", "-batch", str(db)],
            input=f".output /dev/null\n{body}".encode(),
            capture_output=True,
            timeout=timeout,
            check=True,
        )
        return time.perf_counter() - started

    base = statistics.median(script_time("") for _ in range(5))
    result: dict[str, list[float]] = {}
    for query in queries:
        for _ in range(runs):
            seconds = script_time((query.sql + ";\n") * query.repeat)
            result.setdefault(query.name, []).append(max(0.0, seconds - base) / query.repeat)
    return result


TIMING = re.compile(r"^Time: ([\d.]+) ms", re.MULTILINE)


def psql_floor(url: str, queries: list[FloorQuery], runs: int, timeout: float) -> dict:
    """Server round trips timed by psql's ``\\timing`` (every run of every statement)."""
    result: dict[str, list[float]] = {}
    for query in queries:
        repeat = max(runs, min(query.repeat, 20)) if query.repeat > 1 else runs
        script = "\\o /dev/null\n\\timing on\n" + (query.sql + ";\n") * repeat
        done = subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url],
            input=script.encode(),
            capture_output=True,
            timeout=timeout,
            check=True,
        )
        times = [float(ms) / 1000 for ms in TIMING.findall(done.stdout.decode())]
        result[query.name] = times[1:] if len(times) > 2 else times  # the first plans
    return result


__all__ = [
    "FloorQuery",
    "Timed",
    "floor_queries",
    "jq",
    "lnav",
    "lnav_available",
    "psql_floor",
    "sqlite_floor",
    "timed_process",
]
