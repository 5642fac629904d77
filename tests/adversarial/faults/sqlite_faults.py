"""SQLite faults: the file moved away or replaced, another writer holding it, immutable.

As root, file permissions do not stop a write, so "read-only" is made with ``chattr +i``
(the immutable attribute binds root too; it needs CAP_LINUX_IMMUTABLE and ext4, xfs, btrfs
or tmpfs — the test machines' /tmp is ext4).
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.adversarial.faults.tally import record

SIDE_FILES = ("-wal", "-shm")


def database_files(path: Path) -> list[Path]:
    """The database and whichever of its WAL and shared-memory files exist."""
    return [p for p in (path, *(Path(f"{path}{s}") for s in SIDE_FILES)) if p.exists()]


@contextlib.contextmanager
def moved_away(path: Path, replacement: bytes | None = None) -> Iterator[Path]:
    """The database file (and its WAL files) renamed away, as a user or a cleanup job
    would; with ``replacement``, another file put in its place (a bad restore). The original
    is put back on leaving, over whatever appeared at the path meanwhile."""
    hidden = path.with_name(path.name + ".away")
    moved = []
    for file in database_files(path):
        target = Path(str(file).replace(str(path), str(hidden), 1))
        file.rename(target)
        moved.append((target, file))
    if replacement is None:
        record("fault:sqlite-file-moved-away")
    else:
        path.write_bytes(replacement)
        record("fault:sqlite-file-replaced")
    try:
        yield hidden
    finally:
        for file in database_files(path):  # whatever a reader may have created meanwhile
            file.unlink()
        for target, file in moved:
            target.rename(file)


NOT_A_DATABASE = b"this is not a database" * 512


@contextlib.contextmanager
def held_exclusively(path: Path) -> Iterator[sqlite3.Connection]:
    """Another program holding the database exclusively: ``locking_mode=EXCLUSIVE`` and an
    open write transaction, so even WAL readers get SQLITE_BUSY until it lets go. (It can
    take the file only while no other connection has it open: WAL readers keep a shared
    lock.)"""
    holder = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE settings SET value = value")  # a write: the lock is taken
        record("fault:sqlite-exclusive-lock")
        yield holder
        holder.execute("ROLLBACK")
        holder.execute("PRAGMA locking_mode=NORMAL")
        holder.execute("SELECT count(*) FROM settings").fetchall()  # releases the lock
    finally:
        holder.close()


@contextlib.contextmanager
def write_transaction_open(path: Path) -> Iterator[sqlite3.Connection]:
    """Another writer in the middle of a long write transaction (``BEGIN IMMEDIATE``): WAL
    readers go on, other writers wait for the busy timeout."""
    holder = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        record("fault:sqlite-write-transaction-held")
        yield holder
        holder.execute("ROLLBACK")
    finally:
        holder.close()


def set_immutable(paths: list[Path], on: bool) -> None:
    flag = "+i" if on else "-i"
    subprocess.run(["chattr", flag, *map(str, paths)], check=True, capture_output=True)


@contextlib.contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """``paths`` (files or folders) made immutable: no write, create, rename or delete, even
    as root. Always undone, or pytest could not clean the temporary folder."""
    set_immutable(list(paths), True)
    record("fault:immutable-file-or-folder")
    try:
        yield
    finally:
        set_immutable(list(paths), False)
