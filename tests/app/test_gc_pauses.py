"""The viewer leaves full cyclic collections for quiet moments (issue 5's p95 tail)."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from textual.cache import LRUCache
from textual.widget import Widget
from textual.widgets import DataTable

from tui.app.collector import QuietCollector
from tui.app.widgets.table_drawing import unlink


class Held:
    """Something a cache holds (a stand-in for a drawn line)."""


@pytest.fixture
def no_automatic_gc() -> Iterator[None]:
    """The collector off, as ``run_viewer`` starts; put back on, and nothing left frozen."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


def filled() -> tuple[LRUCache[int, Held], list[weakref.ref[Held]]]:
    cache: LRUCache[int, Held] = LRUCache(10)
    refs = []
    for key in range(5):
        held = Held()
        refs.append(weakref.ref(held))
        cache.set(key, held)
    return cache, refs


def test_a_cleared_table_cache_frees_what_it_held_at_once(no_automatic_gc: None) -> None:
    cache, refs = filled()
    unlink(cache)
    cache.clear()
    assert all(ref() is None for ref in refs)
    assert cache.get(0) is None
    cache.set(1, Held())  # still usable afterwards
    assert isinstance(cache.get(1), Held)


def test_a_plain_clear_waits_for_the_collector(no_automatic_gc: None) -> None:
    """Why ``unlink`` exists: Textual's ring of entries outlives ``clear``."""
    cache, refs = filled()
    cache.clear()
    assert any(ref() is not None for ref in refs)
    gc.collect()
    assert all(ref() is None for ref in refs)


def cycle() -> weakref.ref[Held]:
    held = Held()
    held.me = held  # type: ignore[attr-defined]
    return weakref.ref(held)


def test_a_full_collection_runs_when_quiet_and_not_while_busy(no_automatic_gc: None) -> None:
    collector = QuietCollector()
    collector.pending = 1
    collector.busy = 2  # young collections since the last look: work under way
    garbage = cycle()
    collector.tick()
    assert garbage() is not None
    collector.tick()  # nothing collected since: quiet
    assert garbage() is None


def test_nothing_is_collected_when_nothing_reached_the_middle_generation(
    no_automatic_gc: None,
) -> None:
    collector = QuietCollector()
    garbage = cycle()
    collector.tick()
    assert garbage() is not None
    gc.collect()


def test_the_table_clears_every_render_cache_datatable_has(audit_store) -> None:
    """The table clears DataTable's caches itself (to free them at once): one Textual adds
    would otherwise keep stale lines. Every ``*_cache`` DataTable adds to a widget is emptied."""
    from tests.app.conftest import drive, make_app

    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        table = app.screen.table
        await pilot.press("down", "down")
        await pilot.pause()
        own = _cache_names(DataTable()) - _cache_names(Widget())  # DataTable's, not a widget's
        assert "_line_cache" in own
        caches = {name: getattr(table, name) for name in own}
        assert any(len(cache) for cache in caches.values())  # drawing filled some
        table._clear_caches()
        assert {name: len(cache) for name, cache in caches.items()} == dict.fromkeys(caches, 0)

    drive(app, scenario)


def _cache_names(widget: object) -> set[str]:
    return {
        name
        for name, value in vars(widget).items()
        if name.endswith("_cache") and hasattr(value, "__len__")
    }


def _opening_viewer(store, held: threading.Event | None = None):  # type: ignore[no-untyped-def]
    """The command line's kind of viewer (``AuditLogApp.opening``) on ``store``."""
    from tests.conftest import ADMIN
    from tui.app.app import AuditLogApp
    from tui.app.opening import Opening

    def open_store():  # type: ignore[no-untyped-def]
        if held is not None:
            held.wait(10)
        return store, ADMIN.email

    return AuditLogApp.opening(Opening(open_store, label="audit", email=ADMIN.email))


def test_the_command_lines_viewer_collects_again_once_its_first_screen_is_complete(
    audit_store, no_automatic_gc: None
) -> None:
    from tests.app.conftest import drive

    app = _opening_viewer(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        assert app.screen.table.row_count > 0
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # what start-up made is out of the collector's sight

    drive(app, scenario)


def test_a_late_first_screen_has_the_collector_on_after_start_seconds(
    audit_store, no_automatic_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.app import app as app_module

    monkeypatch.setattr(app_module, "START_SECONDS", 1.5)
    held = threading.Event()
    app = _opening_viewer(audit_store, held)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause(1.6)
        assert not held.is_set()  # the store is still opening: no first screen yet
        assert gc.isenabled() and gc.get_freeze_count() > 0
        held.set()

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await scenario(pilot)

    asyncio.run(main())
