"""The retention purge at scale: 30 days removed out of N events, on SQLite and PostgreSQL.

Issue 5 ("Beyond one machine") asks that the purge drop whole expired partitions instead of
deleting millions of rows. This fills a database of its own with N events spread evenly over
the last 210 days (180 of retention + the 30 to purge), ordered by time in appends of 5,000
(one chain segment each, with valid chain fields, so ``verify`` can run afterwards), then
times ``AuditStore.purge()`` at "now" and prints one table with the machine and the date.

The fill does not go through ingest (that is ``run.py``'s measure): rows are generated here
and written with the store's own driver-level insert (``appending.insert``: multi-row
INSERTs on SQLite, ``COPY`` on PostgreSQL) into a database migrated by auditlog, every index
and search index in place. PostgreSQL's weeks are made as they would have been while the
events arrived (each one while it was fresh), so the oldest 30 days sit in weekly partitions.

``--existing URL`` purges a database filled elsewhere instead (``run.py``'s, through
``auditlog ingest``), as if ``--later`` days (30) had passed: its oldest 30 days expire.

``--schema 0002`` stops the migrations before partitioning (one plain table): the purge is
then one DELETE, as it was before, for the comparison. The database is filled once and each
of ``--runs`` purges works on a fresh copy of it (a file copy; ``CREATE DATABASE ...
TEMPLATE``), so the copy is warm in the page cache; the table gives the median.

Examples::

    .venv/bin/python tests/benchmarks/purge.py --events 1m
    .venv/bin/python tests/benchmarks/purge.py --events 1m --backends postgresql --schema 0002
    .venv/bin/python tests/benchmarks/purge.py --events 10m      # hours on a small machine
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import report
from sqlalchemy import create_engine, text

from tui.domain.access import Principal
from tui.domain.event import format_timestamp, to_epoch_ms
from tui.domain.timerange import RETENTION
from tui.store import appending, migrate, partitions
from tui.store.engine import connect, resolve_url
from tui.store.repository import AuditStore

SPAN = RETENTION + timedelta(days=30)
SEGMENT = 5_000
ADMIN = Principal("bench.admin@example.com", "Bench Admin", "Admin")
PG_SERVER = os.environ.get(
    "AUDITLOG_BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432"
)
WORKDIR = Path("/tmp/auditlog-bench-purge")
TYPES = (
    ("Collector Updated", "Infrastructure & Agents", "collector"),
    ("User Created", "User Management", "user"),
    ("Integration Deleted", "Integrations & Gateways", "integration"),
    ("Report Scheduled", "Reporting & Rules", "report"),
)


def log(line: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {line}", file=sys.stderr, flush=True)


def parse_count(label: str) -> int:
    label = label.strip().lower()
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if label.endswith(suffix):
            return int(float(label[:-1]) * factor)
    return int(label)


def rows(count: int, now: datetime):  # type: ignore[no-untyped-def]
    """``count`` event rows (``appending.COLUMNS`` order, without the chain), oldest first."""
    start_ms = to_epoch_ms(now - SPAN)
    step = SPAN / timedelta(milliseconds=1) / count
    for n in range(count):
        at_ms = start_ms + int(n * step)
        kind, area, target = TYPES[n % len(TYPES)]
        tenant = None if n % 10 == 0 else f"t_{n % 997:04d}"
        performer = n % 211
        mail = f"user{performer}@example.com"
        summary = f"{kind.split()[1]} {target} {target.title()} {n % 5003}"
        body = {
            "id": f"evt_{n:010d}",
            "type": kind,
            "area": area,
            "timestamp": format_timestamp(datetime.fromtimestamp(at_ms / 1000, UTC)),
            "performer": {"id": f"usr_{performer}", "mail": mail, "name": f"User {performer}"},
            "context": {
                "tenant": None if tenant is None else {"id": tenant, "name": f"Tenant {tenant}"},
                "source_ip": f"203.0.113.{n % 250}",
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
            },
            "target": {"kind": target, "id": f"{target}_{n % 5003}", "name": summary},
            "summary": summary,
            "details": {},
        }
        search = f"{summary} {mail} user {performer} {tenant or 'portal'} {kind}".lower()
        yield (
            body["id"],
            at_ms,
            kind,
            area,
            mail,
            f"User {performer}",
            tenant,
            search,
            orjson.dumps(body).decode(),
        )


def fill(url: str, count: int, now: datetime, schema: str) -> None:
    engine = connect(resolve_url(url))
    try:
        migrate.upgrade(engine, schema)
        postgresql = engine.dialect.name == "postgresql"
        weeks = partitions.WeeklyPartitions() if postgresql and schema != "0002" else None
        batch: list[tuple] = []  # type: ignore[type-arg]
        started = time.perf_counter()
        for n, row in enumerate(rows(count, now), start=1):
            batch.append(row)
            if len(batch) == SEGMENT or n == count:
                if weeks is not None:  # as it was made when these events were fresh
                    times = [r[1] for r in batch]
                    weeks.ensure(engine, times, times[-1], times[0])
                with engine.begin() as connection:
                    appending.lock(connection)
                    segment, prev = appending.head(connection)
                    chained, head = appending.chain_rows(batch, segment + 1, prev)
                    appending.insert(connection, chained)
                    appending.record_segment(connection, segment + 1, prev, head, len(batch), 0)
                batch = []
                if n % 200_000 == 0 or n == count:
                    rate = n / (time.perf_counter() - started)
                    log(f"  filled {n:,} of {count:,} ({rate:,.0f}/s)")
        if postgresql:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()


def size(url: str) -> int:
    """Bytes the events (with indexes and search index) take."""
    engine = connect(resolve_url(url))
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
                free = connection.exec_driver_sql("PRAGMA freelist_count").scalar_one()
                page = connection.exec_driver_sql("PRAGMA page_size").scalar_one()
                return (pages - free) * page
            return connection.exec_driver_sql(
                "SELECT pg_total_relation_size('events'::regclass) + coalesce(("
                "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
                "WHERE inhparent = 'events'::regclass), 0)"
            ).scalar_one()
    finally:
        engine.dispose()


def purge(url: str, now: datetime, schema: str) -> tuple[int, float]:
    """Rows removed and seconds, by ``AuditStore.purge`` (or, on a 0002 schema, which the
    store would first migrate, by ``purge_0002``)."""
    if schema == "0002":
        engine = connect(resolve_url(url))
        try:
            started = time.perf_counter()
            with engine.begin() as connection:
                removed = purge_0002(connection, to_epoch_ms(now - RETENTION), to_epoch_ms(now))
            return removed, time.perf_counter() - started
        finally:
            engine.dispose()
    store = AuditStore.open(url, clock=lambda: now)
    try:
        started = time.perf_counter()
        removed = store.purge()
        return removed, time.perf_counter() - started
    finally:
        store.close()


def purge_0002(connection, cutoff_ms: int, now_ms: int) -> int:  # type: ignore[no-untyped-def]
    """The PostgreSQL purge as it was before partitioning (before commit 5e6db00): the same
    checkpoints from one ordered read of the expired rows, then one DELETE."""
    connection.exec_driver_sql("LOCK TABLE chain_segments IN EXCLUSIVE MODE")
    rows = connection.exec_driver_sql(
        "SELECT chain_segment, chain_position, chain_hash FROM events "
        "WHERE occurred_at < %(cutoff)s AND chain_segment IS NOT NULL "
        "ORDER BY chain_segment, chain_position",
        {"cutoff": cutoff_ms},
        execution_options={"stream_results": True, "yield_per": 2_000},
    )
    runs: list[list] = []  # type: ignore[type-arg]
    for segment, position, digest in rows:
        if runs and runs[-1][0] == segment and runs[-1][2] + 1 == position:
            runs[-1][2], runs[-1][3] = position, digest
        else:
            runs.append([segment, position, position, digest])
    with appending.driver_errors(connection) as driver, driver.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO chain_checkpoints (segment, first_position, last_position, anchor, "
            "purged_at) VALUES (%s, %s, %s, %s, %s)",
            [(s, f, la, bytes(d), now_ms) for s, f, la, d in runs],
        )
        cursor.execute("SET LOCAL auditlog.purging = 'on'")
        cursor.execute("DELETE FROM events WHERE occurred_at < %s", (cutoff_ms,))
        return cursor.rowcount


def vacuum(url: str) -> float:
    """Seconds of the VACUUM that reclaims what the purge deleted (PostgreSQL; SQLite reuses
    freed pages without one): the deferred half of a DELETE's cost, which a DROP has not."""
    engine = connect(resolve_url(url))
    try:
        if engine.dialect.name == "sqlite":
            return 0.0
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            started = time.perf_counter()
            connection.exec_driver_sql(
                "VACUUM events, event_ids" if _has_ids(connection) else "VACUUM events"
            )
            return time.perf_counter() - started
    finally:
        engine.dispose()


def _has_ids(connection) -> bool:  # type: ignore[no-untyped-def]
    return connection.exec_driver_sql("SELECT to_regclass('event_ids') IS NOT NULL").scalar_one()


def verify(url: str, now: datetime) -> tuple[str, float]:
    store = AuditStore.open(url, clock=lambda: now)
    try:
        if store.account(ADMIN.email) is None:
            store.add_account(ADMIN)
        started = time.perf_counter()
        result = store.verify(ADMIN.email)
        seconds = time.perf_counter() - started
        return ("VALID" if result.valid else f"{result.findings_total} findings"), seconds
    finally:
        store.close()


def database(backend: str, label: str, schema: str) -> str:
    name = f"auditlog_bench_purge_{label}_{schema}"
    if backend == "sqlite":
        WORKDIR.mkdir(parents=True, exist_ok=True)
        path = WORKDIR / f"{name}.sqlite3"
        for stale in WORKDIR.glob(f"{name}.sqlite3*"):
            stale.unlink()
        return str(path)
    server = create_engine(PG_SERVER + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()
    with create_engine(f"{PG_SERVER}/{name}").begin() as connection:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    return f"{PG_SERVER}/{name}"


def clone(backend: str, template: str, run: int) -> str:
    """A copy of the filled database for one purge (the purge is destructive)."""
    if backend == "sqlite":
        size(template)  # checkpoints the WAL into the file
        copy = template.replace(".sqlite3", f"_run{run}.sqlite3")
        shutil.copyfile(template, copy)
        return copy
    name = template.rsplit("/", 1)[1]
    server = create_engine(PG_SERVER + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}_run{run}"'))
            connection.execute(text(f'CREATE DATABASE "{name}_run{run}" TEMPLATE "{name}"'))
    finally:
        server.dispose()
    return f"{template}_run{run}"


def drop(backend: str, url: str) -> None:
    if backend == "sqlite":
        for path in Path(url).parent.glob(Path(url).name + "*"):
            path.unlink()
        return
    name = url.rsplit("/", 1)[1]
    server = create_engine(PG_SERVER + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        server.dispose()


def measure(backend: str, args: argparse.Namespace, count: int, now: datetime) -> str:
    """Fill once, then purge a fresh copy ``--runs`` times; one table line (medians)."""
    template = database(backend, args.events.lower(), args.schema)
    try:
        log(f"{backend}: filling {count:,} events over {SPAN.days} days (schema {args.schema})")
        started = time.perf_counter()
        fill(template, count, now, args.schema)
        filled = time.perf_counter() - started
        before = size(template)
        seconds: list[float] = []
        vacuums: list[float] = []
        verdict, verify_s = "not run", 0.0
        for run in range(args.runs):
            # One purge needs no pristine original: it works on the filled database itself,
            # which halves the disk a 10M run takes (about 17 GB on SQLite, 21 GB on PG).
            url = template if args.runs == 1 else clone(backend, template, run)
            try:
                removed, took = purge(url, now, args.schema)
                seconds.append(took)
                vacuums.append(vacuum(url))
                after = size(url)
                log(f"{backend}: run {run + 1}: {removed:,} removed in {took:.2f} s")
                if run == args.runs - 1 and not args.no_verify:
                    verdict, verify_s = verify(url, now)
            finally:
                if url != template and (not args.keep or run < args.runs - 1):
                    drop(backend, url)
    finally:
        if not args.keep:
            drop(backend, template)
    median = statistics.median(seconds)
    return (
        f"| {backend} | {args.schema} | {count:,} | {removed:,} | "
        f"{median:,.2f} ({min(seconds):,.2f}–{max(seconds):,.2f}) | {removed / median:,.0f} | "
        f"{statistics.median(vacuums):,.2f} | "
        f"{before / 2**20:,.0f} → {after / 2**20:,.0f} MiB | {verdict} ({verify_s:,.0f} s) | "
        f"{filled:,.0f} s |"
    )


def backend_of(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def measure_existing(url: str, later_days: int, verify_after: bool) -> str:
    """Purge a database filled elsewhere (``run.py``'s, by ``auditlog ingest``) as if
    ``later_days`` had passed: its oldest ``later_days`` of events expire. Destructive."""
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(days=later_days)
    engine = connect(resolve_url(url))
    try:
        with engine.connect() as connection:
            count = connection.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
            schema = migrate.current_revision(connection)
    finally:
        engine.dispose()
    before = size(url)
    log(f"{url}: {count:,} events; purging as of {format_timestamp(now)}")
    removed, took = purge(url, now, migrate.HEAD)
    vacuumed = vacuum(url)
    after = size(url)
    log(f"{url}: {removed:,} removed in {took:.2f} s (VACUUM {vacuumed:.2f} s)")
    verdict, verify_s = verify(url, now) if verify_after else ("not run", 0.0)
    return (
        f"| {backend_of(url)} (ingested) | {schema} | {count:,} | {removed:,} | {took:,.2f} | "
        f"{removed / took:,.0f} | {vacuumed:,.2f} | "
        f"{before / 2**20:,.0f} → {after / 2**20:,.0f} MiB | {verdict} ({verify_s:,.0f} s) | "
        f"— |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="1m", help="events in the database: 100k, 1m, 10m")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--schema", default=migrate.HEAD, help="0002: unpartitioned, to compare")
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="purges, each of a fresh copy (1: of the filled database itself)",
    )
    parser.add_argument("--no-verify", action="store_true", help="skip verify after the purge")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument(
        "--existing",
        metavar="URL",
        help="purge this database instead of filling one (destructive): e.g. run.py's 10M",
    )
    parser.add_argument(
        "--later",
        type=int,
        default=30,
        metavar="DAYS",
        help="with --existing: purge as if DAYS had passed (default 30)",
    )
    args = parser.parse_args(argv)
    count = parse_count(args.events)
    now = datetime.now(UTC).replace(microsecond=0)
    lines = []
    if args.existing:
        args.runs, args.backends = 1, backend_of(args.existing)
        lines.append(measure_existing(args.existing, args.later, not args.no_verify))
    else:
        for backend in args.backends.split(","):
            lines.append(measure(backend, args, count, now))
            log(lines[-1])
    pg = PG_SERVER.replace("+psycopg", "") + "/postgres"
    info = report.machine(pg if "postgresql" in args.backends else None)
    print(
        f"Purge of 30 of {SPAN.days} days, measured {info['date']}; "
        f"median of {args.runs} purges, each of a fresh copy (min–max)"
        if args.runs > 1
        else "one purge, of the database itself"
    )
    print(f"{info['cpu']} at {info['cpu_mhz']} MHz, {info['cores']} cores, {info['ram']}, ", end="")
    print(f"{info['os']}; Python speed {info['python_speed']}; load ", end="")
    print(f"{os.getloadavg()[0]:.1f}; SQLite {info['sqlite library']}, {info['postgresql']}")
    print()
    print(
        "| backend | schema | events | removed | purge s | rows/s | then VACUUM s "
        "| size before → after | verify after | fill |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
