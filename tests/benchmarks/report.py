"""The one table: rows are the measures of issue 5, columns the (size, backend) runs.

``Results`` holds raw samples (seconds, events per second, KiB) keyed by measure and column;
``render`` turns them into Markdown with medians (p50 / p95 where the issue asks), the
target beside each measure and, for the target size (1M, or the largest run), pass or MISS.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

Column = tuple[str, str]  # (size label, backend)
BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SIZE_NAMES = {"100k": "100k", "1m": "1M", "10m": "10M"}


@dataclass
class Results:
    meta: dict = field(default_factory=dict)
    #: measure key -> "size/backend" -> {"values": [...], "extra": {...}}
    data: dict[str, dict[str, dict]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)

    def put(self, key: str, column: Column, values: list[float], **extra: object) -> None:
        if column not in self.columns:
            self.columns.append(column)
        self.data.setdefault(key, {})[_name(column)] = {"values": list(values), "extra": extra}

    def get(self, key: str, column: Column) -> dict | None:
        return self.data.get(key, {}).get(_name(column))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps(
                {
                    "meta": self.meta,
                    "data": self.data,
                    "notes": self.notes,
                    "columns": self.columns,
                },
                indent=1,
            )
        )

    @classmethod
    def load(cls, path: Path) -> Results:
        raw = json.loads(path.read_text())
        return cls(raw["meta"], raw["data"], raw["notes"], [tuple(c) for c in raw["columns"]])


def _name(column: Column) -> str:
    return f"{column[0]}/{column[1]}"


# -- statistics and formatting -----------------------------------------------------------


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def seconds_text(value: float) -> str:
    if value < 0.001:
        return f"{value * 1000:.3f} ms"
    if value < 1:
        return f"{value * 1000:.3g} ms" if value * 1000 >= 10 else f"{value * 1000:.2f} ms"
    return f"{value:.2f} s"


def pair_text(values: list[float]) -> str:
    """``p50 / p95`` in one unit."""
    low, high = p50(values), p95(values)
    if high < 1:
        return f"{_ms(low)} / {_ms(high)} ms"
    return f"{low:.2f} / {high:.2f} s"


def _ms(value: float) -> str:
    ms = value * 1000
    return f"{ms:.3g}" if ms >= 10 else f"{ms:.2f}"


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MiB"


def rate_text(value: float) -> str:
    return f"{value:,.0f}/s"


# -- rows --------------------------------------------------------------------------------

Verdict = Callable[[dict, str], bool | None]


@dataclass(frozen=True)
class Row:
    task: str
    label: str
    key: str
    show: Callable[[dict], str]
    target: str = "—"
    verdict: Verdict | None = None
    per_file: bool = False  # same for every backend (a peer on the NDJSON file)


def show_pair(cell: dict) -> str:
    text = pair_text(cell["values"])
    return text + _suffix(cell)


def show_median_s(cell: dict) -> str:
    values = cell["values"]
    text = seconds_text(p50(values))
    if len(values) > 1:
        text += f" (p95 {seconds_text(p95(values))})"
    return text + _suffix(cell)


def show_kib(cell: dict) -> str:
    return mib(p50(cell["values"])) + _suffix(cell)


def show_rate(cell: dict) -> str:
    text = rate_text(p50(cell["values"]))
    extra = cell["extra"]
    if extra.get("rss_kib"):
        text += f" · {mib(p50(extra['rss_kib']))}"
    if extra.get("seconds"):
        text += f" · {seconds_text(p50(extra['seconds']))}"
    return text + _suffix(cell, rss=False)


def show_text(cell: dict) -> str:
    return str(cell["extra"].get("text", ""))


def _suffix(cell: dict, rss: bool = True) -> str:
    """Extras in brackets: how many matched, peak memory, the slowest query, samples."""
    extra = cell["extra"]
    bits = []
    if extra.get("count") is not None:
        bits.append(f"{extra['count']}")
    if rss and extra.get("rss_kib"):
        bits.append(mib(p50(extra["rss_kib"])))
    if extra.get("worst"):
        bits.append(f"worst: {extra['worst']}")
    if extra.get("n"):
        bits.append(f"n={extra['n']}")
    return f" ({'; '.join(bits)})" if bits else ""


def at_most(limit: float, stat: Callable[[list[float]], float] = p95) -> Verdict:
    return lambda cell, backend: stat(cell["values"]) <= limit


def at_least(sqlite: float, postgresql: float | None = None) -> Verdict:
    def check(cell: dict, backend: str) -> bool:
        floor = sqlite if backend == "sqlite" or postgresql is None else postgresql
        return p50(cell["values"]) >= floor

    return check


def ratio_at_most(limit: float) -> Verdict:
    return lambda cell, backend: p50(cell["values"]) <= limit


MIB = 1024


def rows() -> list[Row]:
    r = Row
    return [
        r(
            "1",
            "ingest, events/s (`auditlog ingest`, fresh DB, end to end) · peak RSS",
            "ingest",
            show_rate,
            "≥ 50,000/s SQLite · ≥ 20,000/s PG",
            at_least(50_000, 20_000),
        ),
        r(
            "2",
            "start → frame visible (header, filters, table), median",
            "start.frame",
            show_median_s,
            "≤ 0.25 s",
            at_most(0.25, p50),
        ),
        r(
            "2",
            "start → first event rows visible, median",
            "start.rows",
            show_median_s,
            "≤ 0.45 s",
            at_most(0.45, p50),
        ),
        r(
            "2",
            "peak RSS once the first screen is complete (VmHWM)",
            "start.rss",
            show_kib,
            "≤ 80 MiB",
            at_most(80 * MIB, p50),
        ),
        r(
            "3",
            "change → first page, repository, all 14 changes, p50 / p95",
            "change.repo",
            show_pair,
            "p95 ≤ 50 ms",
            at_most(0.050),
        ),
        r(
            "3",
            "… scope changes only (repository)",
            "change.repo.scope",
            show_pair,
            "p95 ≤ 50 ms",
            at_most(0.050),
        ),
        r(
            "3",
            "… range changes only (repository)",
            "change.repo.range",
            show_pair,
            "p95 ≤ 50 ms",
            at_most(0.050),
        ),
        r(
            "3",
            "… filter changes only (repository)",
            "change.repo.filter",
            show_pair,
            "p95 ≤ 50 ms",
            at_most(0.050),
        ),
        r(
            "3",
            "scope change, viewer: key → new rows on screen",
            "change.view.scope",
            show_pair,
            "p95 ≤ 50 ms",
            at_most(0.050),
        ),
        r(
            "3",
            "range change, viewer: key → new rows on screen",
            "change.view.range",
            show_pair,
            "p95 ≤ 50 ms",
            at_most(0.050),
        ),
        r(
            "3",
            "filter change (type, clear), viewer: key → new rows",
            "change.view.filter",
            show_pair,
            "p95 ≤ 50 ms",
            at_most(0.050),
        ),
        r(
            "3",
            "count for the status line (capped at 10,000), repository",
            "count.repo",
            show_pair,
            "never delays rows (own worker)",
        ),
        r("3", "filter picker's choices (facets), 7 days, repository", "facets.7d", show_pair, "—"),
        r(
            "3",
            "filter picker's choices (facets), 180 days, repository",
            "facets.180d",
            show_pair,
            "—",
        ),
        r(
            "4",
            "search rare word, 7 days, repository first page",
            "search.repo.rare.7d",
            show_pair,
            "p95 ≤ 100 ms",
            at_most(0.100),
        ),
        r(
            "4",
            "search common word, 7 days, repository first page",
            "search.repo.common.7d",
            show_pair,
            "p95 ≤ 100 ms",
            at_most(0.100),
        ),
        r(
            "4",
            "search rare word, 180 days, repository first page",
            "search.repo.rare.180d",
            show_pair,
            "p95 ≤ 100 ms",
            at_most(0.100),
        ),
        r(
            "4",
            "search common word, 180 days, repository first page",
            "search.repo.common.180d",
            show_pair,
            "p95 ≤ 100 ms",
            at_most(0.100),
        ),
        r(
            "4",
            "search rare word, viewer: Enter → first page on screen",
            "search.view.rare",
            show_pair,
            "p95 ≤ 100 ms",
            at_most(0.100),
        ),
        r(
            "4",
            "search common word, viewer: Enter → first page on screen",
            "search.view.common",
            show_pair,
            "p95 ≤ 100 ms",
            at_most(0.100),
        ),
        r(
            "5",
            "100 pages down by keyset (180 d), repository: per page",
            "page.repo",
            show_pair,
            "p95 ≤ 30 ms",
            at_most(0.030),
        ),
        r(
            "5",
            "… page 100 itself (repository)",
            "page.repo.100",
            show_pair,
            "≤ 30 ms",
            at_most(0.030),
        ),
        r(
            "5",
            "… RSS of the repository process after 100 pages × runs",
            "page.repo.rss",
            show_kib,
            "bounded",
        ),
        r(
            "5",
            "100 pages down, viewer (End, then Down until the next page): per page",
            "page.view",
            show_pair,
            "p95 ≤ 30 ms",
            at_most(0.030),
        ),
        r(
            "5",
            "… viewer peak RSS: fresh start → after 100 pages",
            "page.view.rss",
            show_text,
            "bounded (≤ 80 MiB)",
            at_most(80 * MIB, p50),
        ),
        r(
            "5",
            "… viewer peak RSS of the session before (changes, searches, JSON panes)",
            "session.view.rss",
            show_kib,
        ),
        r(
            "6",
            "export 7 days → NDJSON: events/s · peak RSS · wall",
            "export.7d.ndjson",
            show_rate,
            "≥ 150,000/s",
            at_least(150_000),
        ),
        r("6", "export 7 days → CSV", "export.7d.csv", show_rate),
        r(
            "6",
            "export 180 days → NDJSON",
            "export.180d.ndjson",
            show_rate,
            "≥ 150,000/s",
            at_least(150_000),
        ),
        r("6", "export 180 days → CSV", "export.180d.csv", show_rate),
        r(
            "6",
            "… NDJSON, marginal events/s: (180 d − 7 d events) ÷ (180 d − 7 d time)",
            "export.marginal",
            show_rate,
            "(without start-up)",
        ),
        r(
            "6",
            "export peak RSS, 180 days ÷ 7 days (NDJSON)",
            "export.rss_ratio",
            lambda c: f"× {p50(c['values']):.2f}",
            "constant (≤ × 1.10)",
            ratio_at_most(1.10),
        ),
        r("7", "JSON pane, repository: get + JSON text + change list", "json.repo", show_pair, "—"),
        r(
            "7",
            "JSON pane, viewer: Enter → JSON on screen, first time",
            "json.view.first",
            show_median_s,
            "—",
        ),
        r("7", "JSON pane, viewer: Enter → JSON on screen, later", "json.view", show_pair, "—"),
        r(
            "mem",
            "peak RSS at start vs the 100k run (same backend)",
            "start.rss_growth",
            show_text,
            "≤ +10 % (10M vs 100k)",
        ),
        r(
            "lnav",
            "lnav: start → first screen of events · peak RSS",
            "lnav.start",
            show_median_s,
            "(auditlog ≤ 0.45 s)",
            per_file=True,
        ),
        r(
            "lnav",
            "lnav: search rare word, `/word` → final hit count",
            "lnav.search.rare",
            show_median_s,
            "(auditlog ≤ 100 ms)",
            per_file=True,
        ),
        r(
            "lnav",
            "lnav: search common word",
            "lnav.search.common",
            show_median_s,
            "(auditlog ≤ 100 ms)",
            per_file=True,
        ),
        r(
            "jq",
            "jq: two-field filter (type, tenant) over the whole file",
            "jq.filter",
            show_median_s,
            "(auditlog ≤ 50 ms)",
            per_file=True,
        ),
        r("floor", "raw SQL: first page, 7 days", "floor.first page 7d", show_median_s),
        r(
            "floor",
            "raw SQL: two-field filter, first page, 180 days",
            "floor.two-field filter, first page 180d",
            show_median_s,
        ),
        r(
            "floor",
            "raw SQL: search rare, FTS/trigram, 7 days",
            "floor.search rare 7d",
            show_median_s,
        ),
        r(
            "floor",
            "raw SQL: search common, FTS/trigram, 7 days",
            "floor.search common 7d",
            show_median_s,
        ),
        r(
            "floor",
            "raw SQL: search rare, FTS/trigram, 180 days",
            "floor.search rare 180d",
            show_median_s,
        ),
        r(
            "floor",
            "raw SQL: search common, FTS/trigram, 180 days",
            "floor.search common 180d",
            show_median_s,
        ),
        r(
            "floor",
            "raw SQL: search rare, no text index (newest-first scan), 180 days",
            "floor.search rare 180d, scan",
            show_median_s,
        ),
        r(
            "floor",
            "raw SQL: search common, no text index (newest-first scan), 180 days",
            "floor.search common 180d, scan",
            show_median_s,
        ),
        r(
            "floor",
            "raw SQL: page 100 by keyset, 180 days",
            "floor.page 100 by keyset, 180d",
            show_median_s,
        ),
        r("floor", "raw SQL: event by id", "floor.get by id", show_median_s),
        r(
            "floor",
            "raw SQL: all bodies of 180 days, newest first (events/s)",
            "floor.scan 180d bodies (export)",
            show_rate,
        ),
    ]


# -- the machine -------------------------------------------------------------------------


def _first(pattern: str, text: str) -> str:
    found = re.search(pattern, text, re.MULTILINE)
    return found.group(1).strip() if found else "?"


def _version(argv: list[str]) -> str:
    if shutil.which(argv[0]) is None:
        return "not installed"
    try:
        done = subprocess.run(argv, capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (done.stdout or done.stderr).decode("utf-8", "replace").strip().splitlines()
    return text[0] if text else "?"


MEMTOTAL = r"^MemTotal:\s*(\d+)"


def python_speed_ms() -> float:
    """Best of 5 ``sum(range(10**6))``, in ms: how fast this machine runs Python.

    Machines of the same name differ: the machine of 2026-11-26's later runs took ~34 ms
    and imported Textual in ~0.4 s, three times its predecessor's figures. Every table
    carries this figure so that tables from different machines are compared with it.
    """
    import timeit

    return min(timeit.repeat("sum(range(10**6))", number=1, repeat=5)) * 1000


def machine(pg_url: str | None) -> dict:
    from importlib.metadata import version
    from sqlite3 import sqlite_version

    cpuinfo = Path("/proc/cpuinfo").read_text()
    meminfo = Path("/proc/meminfo").read_text()
    release = Path("/etc/os-release").read_text() if Path("/etc/os-release").exists() else ""
    repo = Path(__file__).resolve().parents[2]
    git = ["git", "-C", str(repo)]
    commit = _version([*git, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "tui"], capture_output=True, timeout=10, check=False
    ).stdout.decode()
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _first(r"^model name\s*:\s*(.*)$", cpuinfo),
        "cpu_mhz": _first(r"^cpu MHz\s*:\s*(.*)$", cpuinfo),
        "python_speed": f"{python_speed_ms():.1f} ms",
        "cores": os.cpu_count(),
        "ram": f"{int(_first(MEMTOTAL, meminfo)) / 2**20:.1f} GiB",
        "os": f"{_first(r'^PRETTY_NAME=(.*)$', release).strip(chr(34))}, "
        f"Linux {platform.release()}",
        "python": platform.python_version(),
        "auditlog": f"{version('auditlog')} at {commit}"
        + (f" + {len(dirty.splitlines())} uncommitted files under tui/" if dirty else ""),
        "textual": version("textual"),
        "sqlalchemy": version("sqlalchemy"),
        "psycopg": version("psycopg"),
        "orjson": version("orjson"),
        "sqlite library": sqlite_version,
        "sqlite3 CLI": _version(["sqlite3", "--version"]).split(" ")[0],
        "postgresql": "not used",
        "lnav": _version(["lnav", "-V"]),
        "jq": _version(["jq", "--version"]),
        "tmux": _version(["tmux", "-V"]),
    }
    if pg_url:
        info["postgresql"] = _version(["psql", "-X", "-Atc", "SHOW server_version", pg_url])
        info["postgresql"] += (
            " (shared_buffers "
            + _version(["psql", "-X", "-Atc", "SHOW shared_buffers", pg_url])
            + ")"
        )
    return info


# -- the table ---------------------------------------------------------------------------


def target_column(results: Results, backend: str) -> Column | None:
    sizes = [c[0] for c in results.columns if c[1] == backend]
    for preferred in ("1m", "10m", "100k"):
        if preferred in sizes:
            return (preferred, backend)
    return (sizes[-1], backend) if sizes else None


def render(results: Results) -> str:
    columns = [c for c in results.columns if c[1] in BACKEND_NAMES]
    backends = [b for b in BACKEND_NAMES if any(c[1] == b for c in columns)]
    targets = {b: target_column(results, b) for b in backends}
    target_sizes = sorted({SIZE_NAMES.get(t[0], t[0]) for t in targets.values() if t})
    meta = results.meta
    lines = [
        f"**Machine**: {meta.get('cpu')}, {meta.get('cores')} cores"
        + (f" at {meta['cpu_mhz']} MHz" if meta.get("cpu_mhz") else "")
        + f", {meta.get('ram')} RAM, {meta.get('os')}"
        + (
            f"; Python speed (best of 5 `sum(range(10**6))`) {meta['python_speed']}"
            if meta.get("python_speed")
            else ""
        )
        + "  ",
        f"**Date**: {meta.get('date')}; load average (1 min) at start {meta.get('load_start')}, "
        f"mean during the run {meta.get('load_mean')}, at end {meta.get('load_end')}  ",
        "**Versions**: "
        + ", ".join(
            f"{k} {meta.get(k)}"
            for k in (
                "auditlog",
                "python",
                "textual",
                "sqlalchemy",
                "psycopg",
                "orjson",
                "sqlite library",
                "sqlite3 CLI",
                "postgresql",
                "lnav",
                "jq",
                "tmux",
            )
        )
        + "  ",
        f"**Runs**: medians of {meta.get('runs')} runs (p50 / p95 over every sample where "
        f"shown; repository changes and searches are sampled {meta.get('samples_note')})  ",
        f"**Command**: `{meta.get('command')}`",
        "",
    ]
    header = ["#", "measure", f"target ({', '.join(target_sizes)})"]
    header += [f"{SIZE_NAMES.get(s, s)} {BACKEND_NAMES[b]}" for s, b in columns]
    header += [f"{', '.join(target_sizes)}: " + " · ".join(BACKEND_NAMES[b] for b in backends)]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join(["---"] * len(header)) + "|")
    for row in rows():
        cells = []
        for column in columns:
            source = (column[0], "file") if row.per_file else column
            cell = results.get(row.key, source)
            if row.per_file and column[1] != backends[0]:
                cells.append("″" if cell else "")
                continue
            cells.append(_cell(row, cell))
        verdicts = []
        for backend in backends:
            column = targets[backend]
            cell = results.get(row.key, column) if column and not row.per_file else None
            if row.verdict is None or cell is None or not cell["values"]:
                verdicts.append("—")
                continue
            try:
                verdicts.append("pass" if row.verdict(cell, backend) else "**MISS**")
            except (ValueError, statistics.StatisticsError):
                verdicts.append("?")
        if not any(cells) and all(v == "—" for v in verdicts):
            continue
        verdict = " · ".join(verdicts) if any(v != "—" for v in verdicts) else "—"
        lines.append("| " + " | ".join([row.task, row.label, row.target, *cells, verdict]) + " |")
    if results.notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {note}" for note in results.notes]
    return "\n".join(lines) + "\n"


def _cell(row: Row, cell: dict | None) -> str:
    if cell is None:
        return ""
    if cell["extra"].get("error"):
        return f"error: {cell['extra']['error']}"
    if not cell["values"] and row.show is not show_text:
        return cell["extra"].get("text", "")
    try:
        return row.show(cell).replace("|", "\\|")
    except (ValueError, statistics.StatisticsError, KeyError) as error:
        return f"? ({error})"
