"""The viewer leaves full cyclic collections for quiet moments (issue 5's p95 tail)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from textual.cache import LRUCache

from tui.app.app import QuietCollector
from tui.app.widgets.event_table import unlink


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
