"""The benchmark's data: the demo generator grown to N events, as NDJSON, cached on disk.

The events are ``build_demo(now, N, seed).iter_events()`` encoded exactly as
``auditlog export --format ndjson`` writes them, so ``auditlog ingest`` reads them back as
they are and every peer (lnav, jq) sees the very same lines. ``now`` is midnight UTC of the
day the data is made: the newest event is at most a day old, so the viewer's default "last 7
days" opens on the busiest week, and a file is reused only on the day it was made (the name
carries the date; files of earlier days are removed).

The accounts (200, of every role, a few erased) go beside the events as JSON and are added
to a database through the store API (``load_accounts``), as ``auditlog demo`` does.

Example::

    .venv/bin/python tests/benchmarks/generate.py --sizes 100k,1m
    .venv/bin/python tests/benchmarks/generate.py --sizes 100k --db /tmp/bench.sqlite3
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tui.demo.generator import ADMIN_EMAIL, SCENARIO_TENANT, build_demo
from tui.domain.access import Principal
from tui.domain.formats import encode

DEFAULT_WORKDIR = Path("/tmp/auditlog-bench")
SEED = 7
#: The sizes the benchmark knows; 10m only behind --with-10m (about 7 GB of NDJSON).
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}

__all__ = ["ADMIN_EMAIL", "SCENARIO_TENANT", "SIZES", "Dataset", "ensure", "load_accounts"]


@dataclass(frozen=True, slots=True)
class Dataset:
    """One generated data set: ``events`` events ending at ``now``, and their accounts."""

    label: str
    events: int
    seed: int
    now: datetime
    ndjson: Path
    accounts: Path

    @property
    def bytes(self) -> int:
        return self.ndjson.stat().st_size


def anchor(day: str | None = None) -> datetime:
    """Midnight UTC of ``day`` (YYYY-MM-DD), default today: the data's ``now``."""
    moment = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC) if day else datetime.now(UTC)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def parse_size(label: str) -> tuple[str, int]:
    """``"1m"`` → ``("1m", 1_000_000)``; also plain numbers (``"25000"``)."""
    key = label.strip().lower()
    if key in SIZES:
        return key, SIZES[key]
    if key.isdigit() and int(key) > 0:
        return key, int(key)
    raise ValueError(f"unknown size {label!r}; use {', '.join(SIZES)} or a number")


def ensure(
    workdir: Path, label: str, *, seed: int = SEED, day: str | None = None, log=print
) -> Dataset:
    """The data set ``label`` (a key of SIZES or a number), generated unless already cached."""
    label, count = parse_size(label)
    now = anchor(day)
    data = workdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    stamp = f"s{seed}-{now:%Y%m%d}"
    ndjson = data / f"events-{label}-{stamp}.ndjson"
    accounts = data / f"accounts-{stamp}.json"
    _remove_stale(data, label, seed, ndjson)
    demo = build_demo(now, events=count, seed=seed)
    if not accounts.exists():
        _write_atomically(accounts, [_account_json(p) for p in demo.accounts])
    if not ndjson.exists():
        started = time.perf_counter()
        log(f"generate: {count:,} events (seed {seed}, now {now:%Y-%m-%d}) -> {ndjson}")
        partial = ndjson.with_suffix(".partial")
        with partial.open("wb") as out:
            for chunk in encode("ndjson", demo.iter_events()):
                out.write(chunk)
        partial.replace(ndjson)
        seconds = time.perf_counter() - started
        log(f"generate: done in {seconds:.1f} s ({ndjson.stat().st_size / 2**20:,.0f} MiB)")
    return Dataset(label, count, seed, now, ndjson, accounts)


def load_accounts(db: str, dataset: Dataset) -> int:
    """Add the data set's accounts to the database ``db`` (URL or path); returns how many."""
    from tui.store.repository import AuditStore

    rows = json.loads(dataset.accounts.read_text())
    store = AuditStore.open(db)
    try:
        known = {account.email for account in store.accounts()}
        fresh = [
            Principal(r["email"], r["name"], r["role"], frozenset(r["tenants"]), r["erased"])
            for r in rows
            if r["email"].casefold() not in known
        ]
        store.add_accounts(fresh)
    finally:
        store.close()
    return len(fresh)


def _account_json(principal: Principal) -> dict[str, object]:
    return {
        "email": principal.email,
        "name": principal.name,
        "role": str(principal.role),
        "tenants": sorted(principal.tenants),
        "erased": principal.erased,
    }


def _write_atomically(path: Path, value: object) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(value, indent=1))
    partial.replace(path)


def _remove_stale(data: Path, label: str, seed: int, keep: Path) -> None:
    """Files of this size and seed made on another day: their week is not this week."""
    for path in data.glob(f"events-{label}-s{seed}-*"):
        if path != keep:
            path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--sizes", default="100k", help="comma-separated: 100k, 1m (default 100k)")
    parser.add_argument("--with-10m", action="store_true", help="also 10m (about 7 GB)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--day", help="the data's day (YYYY-MM-DD, default today, UTC)")
    parser.add_argument("--db", help="also add the accounts to this database (URL or path)")
    args = parser.parse_args(argv)
    labels = [s for s in args.sizes.split(",") if s.strip()]
    if args.with_10m and "10m" not in labels:
        labels.append("10m")
    if "10m" in labels and not args.with_10m:
        parser.error("10m takes a while and about 7 GB: add --with-10m")
    for label in labels:
        dataset = ensure(args.workdir, label, seed=args.seed, day=args.day)
        print(f"{dataset.label}: {dataset.events:,} events in {dataset.ndjson}")
        print(f"{dataset.label}: accounts in {dataset.accounts}")
        if args.db:
            added = load_accounts(args.db, dataset)
            print(f"{dataset.label}: {added} accounts added to {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
