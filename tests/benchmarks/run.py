"""The benchmark of issue 5: auditlog at 100k, 1M (and 10M) events, beside lnav, jq and raw SQL.

One command prints one Markdown table: the machine, the date, the versions and the load, then
for every size and backend the seven tasks of the issue (ingest, start, changes, search, deep
paging, export, the JSON pane), each with its target and, at 1M, pass or MISS:

    .venv/bin/python tests/benchmarks/run.py --sizes 100k,1m --backends sqlite,postgresql
    .venv/bin/python tests/benchmarks/run.py --quick          # 100k, 3 runs, SQLite: minutes

How each task is measured:

1. ingest — ``auditlog ingest FILE`` as a subprocess into a database made for the run (a new
   SQLite file; a new PostgreSQL database ``auditlog_bench_<size>``), wall time and peak RSS
   (``/usr/bin/time``). The last run's database is the one the other tasks read; on
   PostgreSQL it is then ``VACUUM ANALYZE``d, as autovacuum would do shortly after a load.
2. start — ``auditlog --db … --as …`` spawned in an 80x24 tmux pane (``terminal.py``), until
   the header is on screen (the frame) and until event rows are (first rows); peak RSS is the
   process's VmHWM once rows and count are shown. One warm-up start is not counted.
3. changes — at the repository (``probes.py change``: ``AuditReader.page`` of 14 realistic
   scope, range and filter changes, each 4 × runs times) and in the viewer (keystrokes in
   tmux: ``d``, ``s``, ``t``, ``x``; until the new query's first rows are on screen).
4. search — the same two ways, for a rare (``revoking``) and a common (``updated``) word.
5. paging — 100 pages by keyset at the repository, and in the viewer (End, then Down until
   the next page is under the cursor); RSS at the end.
6. export — ``auditlog export --last 7d|180d --format ndjson|csv --output FILE``: events/s and
   peak RSS.
7. JSON pane — ``AuditReader.get`` + the pane's text, and Enter → JSON on screen in tmux.

Peers on the same NDJSON file: lnav (first screen, search), jq (a two-field filter), and the
floor: the same queries by hand through the ``sqlite3`` command (and ``psql``).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shlex
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import generate
import peers
import report
import viewer
from report import Column, Results
from terminal import Terminal

from tui.domain.timerange import RangePreset, TimeRange, retention_cutoff

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
AUDITLOG = str(Path(sys.executable).with_name("auditlog"))
ADMIN = generate.ADMIN_EMAIL
WORDS = {"rare": "revoking", "common": "updated"}
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def log(text: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


class LoadSampler(threading.Thread):
    """The 1-minute load average every few seconds: others share this machine."""

    def __init__(self, every: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.samples: list[float] = []
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()


# -- databases ---------------------------------------------------------------------------


def psql(url: str, sql: str, timeout: float = 3600) -> str:
    done = subprocess.run(
        ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql, url],
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"psql: {done.stderr.decode().strip()}")
    return done.stdout.decode().strip()


def existing_database(backend: str, label: str, workdir: Path, pg_server: str) -> str:
    """The database a previous run left for ``label`` (for ``--only`` without ingest)."""
    if backend == "sqlite":
        path = workdir / "db" / f"{label}.sqlite3"
        if not path.exists():
            raise SystemExit(f"no {path}: run with ingest first")
        return str(path)
    return f"{pg_server}/auditlog_bench_{label}"


def fresh_database(backend: str, label: str, workdir: Path, pg_server: str) -> str:
    if backend == "sqlite":
        path = workdir / "db" / f"{label}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return str(path)
    name = f"auditlog_bench_{label}"
    psql(f"{pg_server}/postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"{pg_server}/postgres", f"CREATE DATABASE {name}")
    return f"{pg_server}/{name}"


# -- the tasks ---------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, results: Results) -> None:
        self.args = args
        self.results = results
        self.workdir: Path = args.workdir
        self.runs: int = args.runs

    def step(self, name: str, column: Column, action: Callable[[], None]) -> None:
        """Run one task; a failure is noted in the table and the rest goes on."""
        log(f"{column[0]} {column[1]}: {name}")
        started = time.perf_counter()
        failed = f"{name} failed at {column[0]} {column[1]}: "
        try:
            action()
            # A task measured again (--merge) no longer counts as failed.
            self.results.notes[:] = [n for n in self.results.notes if not n.startswith(failed)]
        except Exception as error:  # the benchmark must finish and say what failed
            message = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
            self.results.note(f"{failed}{type(error).__name__}: {message}")
            log(traceback.format_exc())
        log(f"{column[0]} {column[1]}: {name} done in {time.perf_counter() - started:.0f} s")

    # 1 ---------------------------------------------------------------------------------

    def ingest(self, dataset: generate.Dataset, column: Column) -> str:
        runs = 1 if dataset.label == "10m" else self.runs
        rejects = self.workdir / "out" / "ingest.rejects"
        rejects.parent.mkdir(parents=True, exist_ok=True)
        rates, rss, seconds = [], [], []
        url = ""
        for run in range(runs):
            url = fresh_database(column[1], dataset.label, self.workdir, self.args.pg)
            timed, stderr = peers.timed_process(
                [AUDITLOG, "--db", url, "ingest", str(dataset.ndjson), "--rejects", str(rejects)],
                timeout=300 + dataset.events / 1000,
            )
            if f"{dataset.events:,} events added" not in stderr:
                raise RuntimeError(f"ingest did not add every event: {stderr.strip()[-300:]}")
            rates.append(dataset.events / timed.seconds)
            rss.append(timed.peak_kib)
            seconds.append(timed.seconds)
            log(f"  ingest run {run + 1}/{runs}: {rates[-1]:,.0f} events/s")
        self.results.put("ingest", column, rates, rss_kib=rss, seconds=seconds)
        if runs < self.runs:
            self.results.note(f"ingest at {dataset.label}: {runs} run (it takes long)")
        generate.load_accounts(url, dataset)
        if column[1] == "postgresql":
            psql(url, "VACUUM ANALYZE")
        return url

    # 3, 4, 5, 7 at the repository --------------------------------------------------------

    def probe(self, task: str, url: str) -> dict:
        done = subprocess.run(
            [
                PYTHON,
                str(HERE / "probes.py"),
                task,
                "--db",
                url,
                "--as",
                ADMIN,
                "--runs",
                str(self.runs),
            ],
            capture_output=True,
            timeout=3600,
            check=False,
            cwd=HERE,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode().strip().splitlines()[-1])
        return json.loads(done.stdout)

    def repository(self, url: str, column: Column) -> dict:
        put = self.results.put
        found: dict = {}

        def change() -> None:
            data = self.probe("change", url)
            samples = data["samples"]
            pages = {k.split(" | ", 1)[1]: v for k, v in samples.items() if k.startswith("page")}
            pooled = [s for v in pages.values() for s in v]
            worst = max(pages, key=lambda k: report.p95(pages[k]))
            put(
                "change.repo",
                column,
                pooled,
                worst=f"{worst} {report.seconds_text(report.p95(pages[worst]))}",
            )
            for kind in ("scope", "range", "filter"):
                mine = {k: v for k, v in pages.items() if k.startswith(kind)}
                slowest = max(mine, key=lambda k: report.p95(mine[k]))
                put(
                    f"change.repo.{kind}",
                    column,
                    [s for v in mine.values() for s in v],
                    worst=f"{slowest.split(': ', 1)[1]} "
                    f"{report.seconds_text(report.p95(mine[slowest]))}",
                )
            counts = [s for k, v in samples.items() if k.startswith("count") for s in v]
            put("count.repo", column, counts)
            put("facets.7d", column, samples["facets | 7d"])
            put("facets.180d", column, samples["facets | 180d"])

        def search() -> None:
            data = self.probe("search", url)
            matches = data["info"]["matches"]
            for label, word in WORDS.items():
                for span in ("7d", "180d"):
                    key = f"{word} {span}"
                    put(
                        f"search.repo.{label}.{span}",
                        column,
                        data["samples"][key],
                        count=f"'{word}': {matches[key]} matches",
                    )

        def paging() -> None:
            data = self.probe("paging", url)
            put("page.repo", column, data["samples"]["per page"])
            put("page.repo.100", column, data["samples"]["page 100"])
            put("page.repo.rss", column, [data["info"]["rss_after"]["VmHWM"]])
            found["cursor"] = data["info"]["cursor_100"]
            self.results.meta[f"cursor {column[0]} {column[1]}"] = found["cursor"]

        def pane() -> None:
            data = self.probe("json", url)
            put("json.repo", column, data["samples"]["get + render"])

        for name, action in (
            ("change", change),
            ("search", search),
            ("paging", paging),
            ("json", pane),
        ):
            self.step(f"repository {name}", column, action)
        return found

    # 2, 3, 4, 5, 7 in the viewer ---------------------------------------------------------

    def viewer(self, url: str, column: Column) -> None:
        put = self.results.put
        expect = viewer.Expect(url, ADMIN)
        try:
            with Terminal() as term:
                timings = viewer.measure(
                    term, viewer.viewer_argv(AUDITLOG, url, ADMIN), expect, self.runs, WORDS, log
                )
        finally:
            expect.close()
        put("start.frame", column, timings.frame)
        put("start.rows", column, timings.rows)
        put("start.rss", column, timings.rss_settled_kib)
        for kind, values in timings.changes.items():
            put(f"change.view.{kind}", column, values)
        for label, values in timings.search.items():
            put(f"search.view.{label}", column, values)
        if timings.json_first:
            put("json.view.first", column, timings.json_first)
            put("json.view", column, timings.json_later)
        if timings.page_steps:
            put("page.view", column, timings.page_steps, n=len(timings.page_steps))
            before = timings.rss_before_paging_kib.get("VmHWM", 0)
            after = timings.rss_paged_kib.get("VmHWM", 0)
            put("page.view.rss", column, [after],
                text=f"{report.mib(before)} → {report.mib(after)}")  # fmt: skip
        if timings.rss_session_kib:
            put("session.view.rss", column, [timings.rss_session_kib.get("VmHWM", 0)])
        for note in timings.notes:
            self.results.note(f"{column[0]} {column[1]}: {note}")

    # 6 ---------------------------------------------------------------------------------

    def export(self, url: str, dataset: generate.Dataset, column: Column) -> None:
        output_dir = self.workdir / "out"
        output_dir.mkdir(parents=True, exist_ok=True)
        peaks: dict[str, list[int]] = {}
        counts: dict[str, int] = {}
        for span in ("7d", "180d"):
            for fmt in ("ndjson", "csv"):
                output = output_dir / f"export.{fmt}"
                rates, rss, seconds = [], [], []
                for _ in range(self.runs):
                    timed, stderr = peers.timed_process(
                        [
                            AUDITLOG,
                            "--db",
                            url,
                            "--as",
                            ADMIN,
                            "--tz",
                            "UTC",
                            "export",
                            "--last",
                            span,
                            "--format",
                            fmt,
                            "--output",
                            str(output),
                        ],
                        timeout=300 + dataset.events / 2000,
                    )
                    written = _number_after("export: ", stderr)
                    output.unlink(missing_ok=True)
                    rates.append(written / timed.seconds)
                    rss.append(timed.peak_kib)
                    seconds.append(timed.seconds)
                self.results.put(
                    f"export.{span}.{fmt}",
                    column,
                    rates,
                    rss_kib=rss,
                    seconds=seconds,
                    count=f"{written:,} events",
                )
                peaks[f"{span}.{fmt}"] = rss
                counts[span] = written
                log(f"  export {span} {fmt}: {report.p50(rates):,.0f} events/s")
        ratio = report.p50(peaks["180d.ndjson"]) / report.p50(peaks["7d.ndjson"])
        self.results.put("export.rss_ratio", column, [ratio])
        # Without the process start and first query: the extra events over the extra time.
        week, half_year = (self.results.get(f"export.{s}.ndjson", column) for s in ("7d", "180d"))
        assert week is not None and half_year is not None
        extra_events = counts["180d"] - counts["7d"]
        extra_seconds = report.p50(half_year["extra"]["seconds"]) - report.p50(
            week["extra"]["seconds"]
        )
        if extra_seconds > 0:
            self.results.put("export.marginal", column, [extra_events / extra_seconds])

    # the floor -------------------------------------------------------------------------

    def floor(self, url: str, column: Column, cursor: str | None) -> None:
        now = datetime.now(UTC)

        def span(preset: RangePreset) -> tuple[int, int]:
            chosen = TimeRange.last(preset, now)
            start = max(chosen.start, retention_cutoff(now))
            return int(start.timestamp() * 1000), int(chosen.end.timestamp() * 1000)

        parsed = None
        event_id = "evt_7_000000001"
        if cursor:
            ms, _, event_id = cursor.partition(":")
            parsed = (int(ms), event_id)
        queries = peers.floor_queries(
            column[1],
            span(RangePreset.LAST_7D),
            span(RangePreset.LAST_180D),
            parsed,
            event_id,
            WORDS,
        )
        if column[1] == "sqlite":
            found = peers.sqlite_floor(Path(url), queries, self.runs, timeout=1800)
        else:
            found = peers.psql_floor(url, queries, self.runs, timeout=1800)
        scan_rows = int(
            _scalar(
                column[1],
                url,
                queries[-1].sql.replace("SELECT body", "SELECT count(*)", 1).split(" ORDER BY")[0],
            )
        )
        for name, values in found.items():
            if name.startswith("scan"):
                self.results.put(
                    f"floor.{name}",
                    column,
                    [scan_rows / v for v in values if v],
                    seconds=values,
                    count=f"{scan_rows:,} rows",
                )
            else:
                self.results.put(f"floor.{name}", column, values)

    # per size, per backend -------------------------------------------------------------

    def wanted(self, task: str) -> bool:
        return self.args.only is None or task in self.args.only

    def backend(self, dataset: generate.Dataset, backend: str) -> None:
        column = (dataset.label, backend)
        found: dict = {"url": None, "cursor": None}

        def ingest() -> None:
            found["url"] = self.ingest(dataset, column)

        if self.wanted("ingest"):
            self.step("1. ingest", column, ingest)
        else:  # the database the last full run left
            found["url"] = existing_database(backend, dataset.label, self.workdir, self.args.pg)
        url = found["url"]
        if url is None:
            return
        if self.wanted("repository"):
            found.update(self.repository(url, column))
        if self.wanted("viewer"):
            self.step("2-7. viewer in tmux", column, lambda: self.viewer(url, column))
        if self.wanted("export"):
            self.step("6. export", column, lambda: self.export(url, dataset, column))
        tool = "sqlite3" if backend == "sqlite" else "psql"
        if self.wanted("floor"):
            cursor = found["cursor"] or self.results.meta.get(f"cursor {column[0]} {column[1]}")
            self.step(f"floor ({tool})", column, lambda: self.floor(url, column, cursor))

    def peers_on_file(self, dataset: generate.Dataset) -> None:
        column = (dataset.label, "file")
        runs = 1 if dataset.label == "10m" else self.runs

        def lnav() -> None:
            if not peers.lnav_available():
                self.results.note("lnav is not installed (apt-get install -y lnav): not measured")
                return
            with Terminal() as term:
                found = peers.lnav(term, dataset.ndjson, runs, WORDS, log)
            self.results.put("lnav.start", column, found["start"], rss_kib=found["rss_start_kib"])
            for label in WORDS:
                self.results.put(
                    f"lnav.search.{label}",
                    column,
                    found[f"search {label}"],
                    rss_kib=found["rss_searched_kib"],
                )

        def jq() -> None:
            found = peers.jq(
                dataset.ndjson, runs, self.workdir / "out", timeout=120 + dataset.events / 5000
            )
            self.results.put(
                "jq.filter",
                column,
                [t.seconds for t in found],
                rss_kib=[t.peak_kib for t in found],
                count=f"{found[0].output_lines:,} events",
            )

        if self.wanted("lnav"):
            self.step("lnav", column, lnav)
        if self.wanted("jq"):
            self.step("jq", column, jq)


def _number_after(prefix: str, text: str) -> int:
    for line in text.splitlines():
        if line.startswith(prefix):
            return int(line[len(prefix) :].split()[0].replace(",", ""))
    raise RuntimeError(f"no {prefix!r} line in: {text.strip()[-300:]}")


def _scalar(backend: str, url: str, sql: str) -> str:
    if backend == "sqlite":
        done = subprocess.run(["sqlite3", url, sql], capture_output=True, timeout=600, check=True)
        return done.stdout.decode().strip()
    return psql(url, sql)


def memory_growth(results: Results) -> None:
    """Peak RSS at start of each size against the 100k run of the same backend."""
    for size, backend in list(results.columns):
        base = results.get("start.rss", ("100k", backend))
        cell = results.get("start.rss", (size, backend))
        if size == "100k" or not base or not cell or not base["values"] or not cell["values"]:
            continue
        growth = report.p50(cell["values"]) / report.p50(base["values"]) - 1
        results.put("start.rss_growth", (size, backend), [growth], text=f"{growth:+.0%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100k,1m", help="comma-separated: 100k, 1m")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (default 5)")
    parser.add_argument("--with-10m", action="store_true", help="also 10M events (hours)")
    parser.add_argument("--quick", action="store_true", help="100k, 3 runs, SQLite only")
    parser.add_argument("--workdir", type=Path, default=generate.DEFAULT_WORKDIR)
    parser.add_argument(
        "--day",
        default=datetime.now(UTC).strftime("%Y-%m-%d"),
        help="the data's day, YYYY-MM-DD (default today, UTC; fixed for the whole run)",
    )
    parser.add_argument("--pg", default=PG_SERVER, help=f"PostgreSQL server URL ({PG_SERVER})")
    parser.add_argument("--save", type=Path, help="also write the table (Markdown) here")
    parser.add_argument("--from-json", type=Path, help="only print the table of a saved run")
    parser.add_argument(
        "--merge", type=Path, help="add to a saved run (its raw JSON) instead of starting anew"
    )
    parser.add_argument(
        "--only",
        type=lambda text: set(text.split(",")),
        help="only these tasks (comma-separated): ingest, repository, viewer, export, floor, "
        "lnav, jq; without ingest the databases of the previous run are read",
    )
    args = parser.parse_args(argv)
    if args.from_json:
        print(report.render(Results.load(args.from_json)))
        return 0
    if args.quick:
        args.sizes, args.runs, args.backends = "100k", 3, "sqlite"
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    if args.with_10m and "10m" not in sizes:
        sizes.append("10m")
    backends = [b.strip().lower() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in backends if b not in report.BACKEND_NAMES]
    if unknown:
        parser.error(f"unknown backend {unknown[0]!r}; use sqlite, postgresql")
    if args.runs < 3 or (args.runs < 5 and not args.quick):
        log(f"note: {args.runs} runs; the issue asks for medians of at least 5")
    args.workdir.mkdir(parents=True, exist_ok=True)
    compile_package()
    if args.merge:
        results = Results.load(args.merge)
        results.note(
            f"Added on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by "
            + shlex.join(["run.py", *(argv if argv is not None else sys.argv[1:])])
        )
        return _merge(args, results, sizes, backends)
    results = Results()
    results.meta = report.machine(f"{args.pg}/postgres" if "postgresql" in backends else None)
    results.meta.update(
        command=shlex.join(
            [
                ".venv/bin/python",
                "tests/benchmarks/run.py",
                *(argv if argv is not None else sys.argv[1:]),
            ]
        ),
        runs=args.runs,
        load_start=f"{os.getloadavg()[0]:.2f}",
        samples_note=f"{4 * args.runs} times each, interleaved",
    )
    sampler = LoadSampler()
    sampler.start()
    raw = args.workdir / f"results-{datetime.now():%Y%m%d-%H%M%S}.json"
    bench = Bench(args, results)
    try:
        for label in sizes:
            dataset = generate.ensure(args.workdir, label, day=args.day, log=log)
            for backend in backends:
                bench.backend(dataset, backend)
                results.save(raw)
            bench.peers_on_file(dataset)
            results.save(raw)
    finally:
        sampler.stop()
        samples = sampler.samples or [os.getloadavg()[0]]
        results.meta["load_end"] = f"{os.getloadavg()[0]:.2f}"
        results.meta["load_mean"] = f"{sum(samples) / len(samples):.2f}"
        memory_growth(results)
        _standard_notes(results)
        results.save(raw)
        log(f"raw results: {raw}")
    table = report.render(results)
    print(table)
    if args.save:
        _save(args.save, results, table)
    return 0


def compile_package() -> None:
    """Write the package's bytecode once, as an installed copy has it.

    ``pip install`` compiles what it installs, and an editable install writes each module's
    ``.pyc`` on its first import, unless ``PYTHONDONTWRITEBYTECODE`` is set (as on this
    project's CI machines): every timed start would then compile ``tui`` anew (about 40 ms
    of CPU here) and measure the compiler, not the start a user sees.
    """
    package = Path(__file__).resolve().parents[2] / "tui"
    if not compileall.compile_dir(str(package), quiet=1):
        raise SystemExit(f"could not compile {package}")


def _merge(args: argparse.Namespace, results: Results, sizes: list[str], backends: list) -> int:
    """Measure again into a saved run (the raw JSON is updated in place), then print it."""
    bench = Bench(args, results)
    for label in sizes:
        dataset = generate.ensure(args.workdir, label, day=args.day, log=log)
        for backend in backends:
            bench.backend(dataset, backend)
            results.save(args.merge)
        bench.peers_on_file(dataset)
        results.save(args.merge)
    table = report.render(results)
    print(table)
    if args.save:
        _save(args.save, results, table)
    return 0


def _save(path: Path, results: Results, table: str) -> None:
    path.write_text(
        "# auditlog benchmark (issue 5)\n\nReproduce (from the repository root):\n\n"
        f"```sh\n{results.meta['command']}\n```\n\n{table}"
    )


def _standard_notes(results: Results) -> None:
    for text in (
        "Viewer timings are taken in tmux (80x24, TERM tmux-256color) through a control-mode "
        "client polling the screen every 2 ms: each is the first capture showing the "
        "awaited state, so the resolution is about 2-3 ms. A change counts as shown when the "
        "header or filter bar names it, nothing says Loading…, and the first three rows are "
        "the new query's first events (as the repository returns them).",
        "Repository timings are `AuditReader` calls in a separate Python process "
        "(`probes.py`), each a full call (account re-read, SQL, decoding 100 events).",
        "Peak RSS is VmHWM from /proc (viewer, lnav) or `/usr/bin/time` %M (subprocesses).",
        "Bytecode: `tui` is compiled once before the runs (as `pip install` or a first run "
        "leaves it), so no timed start compiles the package.",
        "Warm cache: the NDJSON file and the database are read once before the timed runs.",
        "The floor: the viewer's statements written by hand, run by the `sqlite3` command "
        "(mean of many in one process, start-up subtracted) and by `psql` with \\timing.",
        "Words searched: rare 'revoking', common 'updated'; two-field filter: type "
        "'Collector Updated' and tenant 'harbor-point' (jq: over the whole file; auditlog "
        "and SQL: first page of 180 days).",
    ):
        results.note(text)


if __name__ == "__main__":
    sys.exit(main())
