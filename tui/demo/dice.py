"""The demo's source of randomness: ``random.Random`` with quicker small-range draws.

The standard ``choice``, ``randrange`` and ``sample`` draw rejection-sampled bits, which is
exact but several times slower than scaling one ``random()`` float; the generator makes
millions of such draws for a large demo, and the tiny bias of scaling (ranges here are far
below 2**53) is irrelevant for invented data. Everything still derives from the seeded
Mersenne Twister, so a seed gives the same data on every platform and Python version that
keeps ``random()`` stable (all of CPython 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from random import Random
from typing import TypeVar

T = TypeVar("T")


class Dice(Random):
    """``Random`` whose ``choice``/``randrange``/``randint``/``sample`` scale ``random()``."""

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            start, stop = 0, start
        if stop <= start or step != 1:
            raise ValueError(f"empty or stepped range ({start}, {stop}, {step})")
        return start + int(self.random() * (stop - start))

    def randint(self, a: int, b: int) -> int:
        return self.randrange(a, b + 1)

    def sample(self, population: Sequence[T], k: int, *, counts: None = None) -> list[T]:  # type: ignore[override]
        """``k`` distinct elements, in the order drawn."""
        if not 0 <= k <= len(population):
            raise ValueError("sample larger than population or negative")
        rest = list(population)
        chosen = []
        for _ in range(k):
            index = int(self.random() * len(rest))
            chosen.append(rest[index])
            rest[index] = rest[-1]
            rest.pop()
        return chosen
