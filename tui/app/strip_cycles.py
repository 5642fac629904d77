"""Textual's strips freed as soon as they are dropped, not by the cyclic garbage collector.

Textual 8.2's ``Strip`` caches what its methods return on the strip itself, and two of them
can return the strip itself: ``divide`` with one cut at its end (the compositor's most
common call: a line no other widget cuts) and ``crop_extend`` over the whole strip. The
cache then holds the strip that holds the cache, a reference cycle that only Python's
cyclic collector frees, together with the strip's seven caches and its segments. Drawing
makes such strips all the time; those that outlive two young collections wait for a full
collection, which then freed them by the tens of thousands in the middle of a key's work
(issue 5's p95 tail).

``install`` answers those two calls with the strip itself without caching it (there is
nothing to compute) and leaves every other call to Textual's own method and cache, so every
result is what Textual returns. Measured on a Pilot session at 1M events (scope dialog, JSON
pane, paging, search; twice), with the collector off until one full collection at the end:
72,500 objects freed in 62-113 ms before, 56,500 in 31-66 ms after (three runs each); a
paging session's garbage went from 2,985 objects to 192 (no strips).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.style import Style
from textual.strip import Strip

#: Textual's own methods, which ``install`` wraps.
textual_divide = Strip.divide
textual_crop_extend = Strip.crop_extend


def _divide(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    cuts = [cut for cut in cuts if cut <= self.cell_length]
    if cuts == [self.cell_length]:
        return [self]
    return textual_divide(self, cuts)


def _crop_extend(self: Strip, start: int, end: int, style: Style | None) -> Strip:
    if start <= 0 and end == self.cell_length:
        return self
    return textual_crop_extend(self, start, end, style)


def install() -> None:
    """Make ``Strip.divide`` and ``Strip.crop_extend`` cache no strip on itself (idempotent)."""
    Strip.divide = _divide  # type: ignore[method-assign]
    Strip.crop_extend = _crop_extend  # type: ignore[method-assign]
