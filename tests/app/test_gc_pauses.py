"""The viewer leaves full cyclic collections for quiet moments (issue 5's p95 tail)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from textual.cache import LRUCache
from textual.widget import Widget
from textual.widgets import DataTable

from tui.app.app import QuietCollector
from tui.app.widgets.table_drawing import unlink


class Held:
    """Something a cache holds (a stand-in for a drawn line)."""


@pytest.fixture
def no_automatic_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
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
