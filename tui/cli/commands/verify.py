"""``auditlog verify``: check the hash chain of the whole log, or of an exported NDJSON file.

Prints VALID, or one line per finding — which events were altered, removed, inserted or
reordered, by event id, chain segment and position — and exits with 7 when anything is wrong.

Who may run it: an Admin account (--as or $AUDITLOG_USER). The report names events of every
tenant, so the store refuses Supervisors, Analysts, Viewers and erased accounts (exit 3).
A verification of the database is itself recorded as an "Audit Log Verified" event of the
account that ran it (its result and counts in the details).
``--file`` needs no database and no account: it checks the seals an NDJSON export carries.
A file check finds edited, removed, added and moved lines; it cannot see lines cut from the
end (compare the count with what the export reported), nor a forger who recomputed every
hash — verify against the database for that.

Example:
    auditlog verify --as ada@example.com
    auditlog verify --file audit-2026-11.ndjson
"""

from __future__ import annotations

import argparse
import sys
import time

from tui.cli import exit_codes
from tui.cli.fewer_collections import collect_again
from tui.cli.reading import record
from tui.cli.session import account_email, open_store
from tui.domain.chain import ChainReport
from tui.domain.display import inert
from tui.domain.errors import InvalidInput
from tui.domain.reading import VERIFIED, verified_details, verified_summary
from tui.domain.sealed_export import verify_sealed_lines


def register(subparsers: argparse._SubParsersAction, parents: list) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "verify",
        parents=parents,
        help="check the log's hash chain (Admin), or an exported NDJSON file offline",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--file",
        metavar="FILE.ndjson",
        help="verify this sealed NDJSON export instead of the database (- for stdin)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if args.file is not None:
        collect_again()  # no store to open: the start is over
        report = _verify_file(args.file)
        what = f"{args.file}: {report.events:,} sealed lines"
    else:
        store = open_store(args)
        try:
            email = account_email(args, store)
            report = store.verify(email, progress=None if args.quiet else _progress)
            record(store, email, VERIFIED, verified_summary(report), verified_details(report))
        finally:
            store.close()
        what = f"{report.events:,} events in {report.segments:,} segments"
        if report.purged:
            what += f", {report.purged:,} purged by retention"
    seconds = time.perf_counter() - started
    if not args.quiet:
        print(f"verify: {what} checked in {seconds:.1f} s", file=sys.stderr)
    return _print(report)


def _verify_file(path: str) -> ChainReport:
    if path == "-":
        return verify_sealed_lines(sys.stdin.buffer)
    try:
        with open(path, "rb") as source:
            return verify_sealed_lines(source)
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None


def _print(report: ChainReport) -> int:
    if report.valid:
        print("VALID")
        return exit_codes.OK
    print(f"TAMPERED: {report.findings_total:,} finding{'s' if report.findings_total > 1 else ''}")
    for finding in report.findings:
        # Event ids come from the data: escapes and markup must not act on the terminal.
        print(inert(finding.describe()))
    hidden = report.findings_total - len(report.findings)
    if hidden:
        print(f"... and {hidden:,} more")
    return exit_codes.TAMPERED


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty() and total:
        print(f"\rverify: {done:,} / {total:,} events", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)
