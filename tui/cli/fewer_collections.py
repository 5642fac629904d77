"""Run Python's cyclic garbage collector less often: while a verb starts, and while it
streams millions of rows.

A verb's start imports SQLAlchemy and opens the store: some 100,000 objects that live as
long as the command, and almost no garbage. The collector walked them about 80 times as
they piled up (17-30 ms of a 7-day export's 0.4-0.5 s on a slow machine). ``start_quietly``
turns it off for that, and ``collect_again`` (when the store is open, or when a verb that
needs none starts its work) freezes what the start made and turns it back on.

Ingest and export make millions of short-lived containers (decoded bodies, rows, lines) and
no cycles of their own. At the default threshold (700 allocations) the collector keeps
walking the batch being built: about a fifth of ingest's decoding time, 5-8% of a CSV
export. ``fewer_collections`` raises the threshold and puts it back afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Allocations between two young-generation collections while streaming (default 700).
STREAMING_THRESHOLD = 50_000

_started_quietly = False


def start_quietly() -> None:
    """The collector off until ``collect_again`` (the ``auditlog`` program's verbs only:
    the viewer keeps its own policy, ``tui.app.collector``)."""
    global _started_quietly
    _started_quietly = True
    gc.disable()


def collect_again() -> None:
    """After ``start_quietly``: freeze what the start made, and turn the collector on."""
    global _started_quietly
    if _started_quietly:
        _started_quietly = False
        gc.freeze()
        gc.enable()


@contextmanager
def fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(STREAMING_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
