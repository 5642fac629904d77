"""The ``auditlog`` command: parse, dispatch, and map the project's errors to exit codes.

Messages go to stderr, data to stdout; each kind of failure has its own exit code
(``tui.cli.exit_codes``). Verbs import what they need lazily so that ``auditlog query`` does
not pay for Textual.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from tui import __version__
from tui.cli import exit_codes
from tui.cli.fewer_collections import start_quietly
from tui.cli.options import add_connection_options
from tui.domain.display import inert
from tui.domain.errors import (
    AccessDenied,
    AuditLogError,
    InvalidInput,
    NotFound,
    StoreUnavailable,
)

_EXIT_CODES: tuple[tuple[type[AuditLogError], int], ...] = (
    (AccessDenied, exit_codes.REFUSED),
    (InvalidInput, exit_codes.BAD_INPUT),
    (NotFound, exit_codes.NOT_FOUND),
    (StoreUnavailable, exit_codes.UNAVAILABLE),
)

DESCRIPTION = """\
Review the MSP portal's audit log: who changed what, where, when.

With no verb, opens the viewer. Environment: AUDITLOG_DB (--db), AUDITLOG_USER (--as),
AUDITLOG_TZ (--tz).
"""

EPILOG = """\
exit codes:
  0  ok
  1  unexpected error (a bug: please report it with the message)
  2  usage: unknown option, missing argument
  3  access refused
  4  bad input (event, date, range), an output file that cannot be written,
     or an ingest that rejected lines
  5  database unavailable
  6  not found
  7  verify found the log (or an exported file) tampered with
"""


def build_parser() -> argparse.ArgumentParser:
    from importlib import import_module

    from tui.cli.commands import VERBS

    parser = argparse.ArgumentParser(
        prog="auditlog",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"auditlog {__version__}")
    add_connection_options(parser, top_level=True)
    shared = argparse.ArgumentParser(add_help=False)
    add_connection_options(shared, top_level=False)
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    for verb in VERBS:
        import_module(f"tui.cli.commands.{verb}").register(verbs, [shared])
    return parser


class _NotTheViewer(Exception):
    """The arguments are more than the viewer's options: the whole parser must read them."""


class _ViewerParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotTheViewer(message)


def viewer_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The options of a bare ``auditlog`` (the viewer), or None for anything else.

    The whole parser imports every verb's module (and with them SQLAlchemy) only to list
    them; the viewer's start-up budget cannot pay for that, so when the command line holds
    nothing but connection options they are read by a parser of their own. Anything else
    (a verb, --help, --version, a mistake) goes to the whole parser, which says the same
    things it always said.
    """
    parser = _ViewerParser(prog="auditlog", add_help=False)
    add_connection_options(parser, top_level=True)
    try:
        args, rest = parser.parse_known_args(list(argv))
    except _NotTheViewer:
        return None
    if rest:
        return None
    args.verb = None
    return args


def main(argv: Sequence[str] | None = None, *, quiet_start: bool = False) -> int:
    """Run the command ``argv``; ``quiet_start``: a verb starts without the cyclic collector
    (``fewer_collections.start_quietly``: for a process of its own, not a test's)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = viewer_args(argv)
    if args is None:
        if quiet_start:
            start_quietly()
        args = build_parser().parse_args(argv)
    try:
        if args.verb is None:
            from tui.cli.commands import view

            return view.run(args)
        return args.run(args)
    except AuditLogError as error:
        print(f"auditlog: {inert(str(error))}", file=sys.stderr)
        for kind, code in _EXIT_CODES:
            if isinstance(error, kind):
                return code
        return exit_codes.UNEXPECTED
    except BrokenPipeError:
        # `auditlog export | head`: the reader left; that is not an error worth a trace.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return exit_codes.OK
    except KeyboardInterrupt:
        print("auditlog: interrupted", file=sys.stderr)
        return 130


def run_command() -> NoReturn:
    """The ``auditlog`` program (and ``python -m tui``): ``main``, then exit at once.

    Everything still alive lives until the process ends, so it is frozen out of the
    collector first: the interpreter's last collection would otherwise walk every object of
    every module imported (SQLAlchemy's, Textual's), 30-45 ms of a week's export.
    """
    code = main(quiet_start=True)
    gc.freeze()
    raise SystemExit(code)


if __name__ == "__main__":
    run_command()
