"""Counting what the fault suites did: faults injected, events written under load.

The counts go to the file named by ``AUDITLOG_FAULT_TALLY`` (one ``kind<TAB>n`` line per
injection, appended, so parallel workers add up); without it nothing is written.
"""

from __future__ import annotations

import os

TALLY_ENV = "AUDITLOG_FAULT_TALLY"


def record(kind: str, amount: int = 1) -> None:
    """Note ``amount`` of ``kind`` ("fault:sqlite-moved", "written-under-load", ...)."""
    path = os.environ.get(TALLY_ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as tally:
        tally.write(f"{kind}\t{amount}\n")


def summary(path: str) -> dict[str, int]:
    """The totals of a tally file, by kind."""
    totals: dict[str, int] = {}
    with open(path, encoding="utf-8") as tally:
        for line in tally:
            kind, amount = line.rstrip("\n").split("\t")
            totals[kind] = totals.get(kind, 0) + int(amount)
    return totals


if __name__ == "__main__":
    import sys

    for kind, amount in sorted(summary(sys.argv[1]).items()):
        print(f"{amount:>8,}  {kind}")
