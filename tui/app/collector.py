"""When the viewer's cyclic garbage collector runs: not in the middle of a key's work.

The command line's viewer is one process: ``run_viewer`` turns the collector off for the
start-up, ``collect_again`` turns it on once the first screen is complete, freezing what
start-up made, and ``QuietCollector`` leaves full collections for quiet moments.
"""

from __future__ import annotations

import gc

#: How often the viewer looks for a quiet moment to collect cyclic garbage, in seconds.
QUIET_SECONDS = 0.5
#: Young (gen 1) collections between full ones when the viewer is never quiet (default 10).
FULL_EVERY = 40
#: The longest the command line's viewer runs without the cyclic collector at start-up
#: (``run_viewer`` turns it off) when its first screen is slow to complete.
START_SECONDS = 3.0


def collect_again() -> None:
    """The command line's viewer is past its start-up: what that made (modules, widgets,
    the store) lives as long as the process, so it is frozen out of the cyclic collector's
    sight, and the collector, off since ``run_viewer`` began, is on again. Full collections
    then look only at what came since (issue 5's p95); ``gc.freeze`` costs nothing.

    Start-up's own garbage, some 11,000 objects at 1M events (one full collection found
    them at the first screen), is frozen with the rest: once, and less than collecting it
    cost the first frame.
    """
    gc.freeze()
    gc.enable()


def collect_if_still_off() -> None:
    """``collect_again`` unless it ran: for a first screen that is late (a slow database),
    ``START_SECONDS`` after the viewer mounted."""
    if not gc.isenabled():
        collect_again()


class QuietCollector:
    """Full cyclic collections when the viewer is quiet, not in the middle of a key's work.

    Every dialog closed, page moved or query changed leaves thousands of objects in
    reference cycles (widgets and their parents, caches); a full collection that found them
    in the middle of a change or a page took 40-250 ms (issue 5's p95). Young collections
    run as before; full ones run when half a second passed without a young collection (no
    work under way), and otherwise only every ``FULL_EVERY`` young ones (not every 10).
    """

    def __init__(self) -> None:
        self.busy = 0
        self.pending = 0

    def start(self) -> None:
        gc.callbacks.append(self._counted)
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_EVERY)

    def _counted(self, phase: str, info: dict[str, int]) -> None:
        if phase != "stop":
            return
        if info["generation"] == 2:
            self.pending = 0
        else:
            self.busy += 1
            self.pending += info["generation"]

    def tick(self) -> None:
        busy, self.busy = self.busy, 0
        if not busy and self.pending:
            gc.collect()
