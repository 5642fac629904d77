"""A verb of the ``auditlog`` program starts without the cyclic collector, and works with it.

Importing SQLAlchemy and opening the store make objects that live as long as the command; the
collector walked them some 80 times on the way (``tui.cli.fewer_collections``). The program
(``run_command``, here ``main(quiet_start=True)``) keeps it off until the store is open, or
until a verb that needs no store starts its work, then freezes what the start made and turns
it back on, so a long ingest or verify still frees its cycles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

import tui.cli.commands.verify as verify_command
from tests.cli.conftest import Run
from tests.conftest import ADMIN
from tui.cli import fewer_collections
from tui.cli.main import main
from tui.store.repository import AuditStore


@pytest.fixture
def collector_noted(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, tuple[bool, int]]]:
    """The collector's state (on, objects frozen) when the store opens and when it is read;
    the test process's collector put back afterwards."""
    seen: dict[str, tuple[bool, int]] = {}
    opened, reader = AuditStore.open.__func__, AuditStore.reader  # type: ignore[attr-defined]

    def noted_open(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen["opening"] = (gc.isenabled(), gc.get_freeze_count())
        return opened(cls, *args, **kwargs)

    def noted_reader(self, email):  # type: ignore[no-untyped-def]
        seen["reading"] = (gc.isenabled(), gc.get_freeze_count())
        return reader(self, email)

    monkeypatch.setattr(AuditStore, "open", classmethod(noted_open))
    monkeypatch.setattr(AuditStore, "reader", noted_reader)
    gc.collect()
    try:
        yield seen
    finally:
        fewer_collections._started_quietly = False
        gc.unfreeze()
        gc.enable()


def test_a_verb_opens_its_store_without_the_collector_then_turns_it_on(
    seeded: Run, collector_noted: dict[str, tuple[bool, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "--last", "30d", "--as", ADMIN.email], quiet_start=True) == 0
    assert "Collector 6" in capsys.readouterr().out
    assert collector_noted["opening"][0] is False
    enabled, frozen = collector_noted["reading"]
    assert enabled and frozen > 10_000  # what the start made is out of the collector's walks


def test_called_as_a_library_the_collector_is_left_alone(
    seeded: Run, collector_noted: dict[str, tuple[bool, int]]
) -> None:
    assert main(["query", "--last", "30d", "--as", ADMIN.email]) == 0
    assert collector_noted["opening"] == (True, 0)
    assert collector_noted["reading"] == (True, 0)


def test_verify_of_a_file_turns_the_collector_on_before_reading_it(
    seeded: Run,
    collector_noted: dict[str, tuple[bool, int]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    exported = tmp_path / "week.ndjson"
    assert seeded("export", "--last", "30d", "--as", ADMIN.email, "-o", str(exported)).code == 0
    checked = verify_command.verify_sealed_lines

    def noted(lines):  # type: ignore[no-untyped-def]
        collector_noted["checking"] = (gc.isenabled(), gc.get_freeze_count())
        return checked(lines)

    monkeypatch.setattr(verify_command, "verify_sealed_lines", noted)
    assert main(["verify", "--file", str(exported)], quiet_start=True) == 0
    enabled, frozen = collector_noted["checking"]
    assert enabled and frozen > 0
