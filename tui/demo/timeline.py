"""When things happen: the event budget spread over days, sessions placed in the day.

The timeline splits the requested number of events over the 200 days (weekdays busier than
weekends, office hours busier than nights, a slow growth), fills each day with sessions of
people active that day plus the day's scripted stories, and merges the sessions by time with
a heap. A day is planned only when the clock reaches it, so memory holds one day of sessions
however many events are asked for.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections.abc import Iterator
from typing import Any

from tui.demo import vocabulary as words
from tui.demo.activity import session_actions
from tui.demo.dice import Dice
from tui.demo.recorder import Recorder
from tui.demo.session import Session
from tui.demo.world import DAY_MS, HOUR_MS, Person, Script, World
from tui.domain.access import Role
from tui.domain.event import AuditEvent

#: Relative activity per UTC hour: European office hours, then the American afternoon.
_HOUR_WEIGHTS = (
    0.10, 0.06, 0.05, 0.05, 0.06, 0.15, 0.35, 0.70, 1.00, 1.10, 1.10, 1.00,
    0.85, 1.00, 1.10, 1.05, 0.95, 0.75, 0.50, 0.35, 0.28, 0.22, 0.18, 0.14,
)  # fmt: skip
#: Relative activity per weekday, Monday first.
_WEEKDAY_WEIGHTS = (1.0, 1.08, 1.04, 1.0, 0.85, 0.22, 0.14)


class Timeline:
    """Exactly ``count`` events of ``world``, oldest first (``run``)."""

    def __init__(self, world: World, count: int) -> None:
        self.world = world
        self.count = count
        self.rng = Dice(f"auditlog-demo-events:{world.seed}")
        self.recorder = Recorder(world, self.rng)
        self.bounds = [world.day_bounds(day) for day in range(world.days)]

    def run(self) -> Iterator[AuditEvent]:
        """Plan day by day, emit in time order: a day is planned when the clock reaches it."""
        world = self.world
        scripts_by_day: dict[int, list[Script]] = {}
        budget = self.count
        for script in sorted(world.scripts, key=lambda s: (s.priority, s.start_ms)):
            if len(script.steps) <= budget:
                budget -= len(script.steps)
                day = (script.start_ms - world.first_day_ms) // DAY_MS
                scripts_by_day.setdefault(day, []).append(script)
        budgets = self._day_budgets(budget)

        emit = self.recorder.emit
        heap: list[tuple[int, int, Session]] = []
        sequence = itertools.count()
        day_starts = [low for low, _ in self.bounds]
        day = 0
        while True:
            while day < world.days and (not heap or heap[0][0] >= day_starts[day]):
                for session in self._plan_day(day, budgets[day], scripts_by_day.get(day, ())):
                    heapq.heappush(heap, (session.times[0], next(sequence), session))
                day += 1
            if not heap:
                return
            _, order, session = heapq.heappop(heap)
            yield emit(session)
            if session.index < len(session.times):
                heapq.heappush(heap, (session.times[session.index], order, session))

    def _day_budgets(self, total: int) -> list[int]:
        """Split ``total`` over the days by weekday, hour coverage, a slow trend and noise."""
        world, rng = self.world, self.rng
        weights = []
        for day in range(world.days):
            low, high = world.day_bounds(day)
            begin = world.first_day_ms + day * DAY_MS
            covered = 0.0
            for hour, weight in enumerate(_HOUR_WEIGHTS):
                start, end = begin + hour * HOUR_MS, begin + (hour + 1) * HOUR_MS
                overlap = min(end, high + 1) - max(start, low)
                if overlap > 0:
                    covered += weight * overlap / HOUR_MS
            weekday = (begin // DAY_MS + 3) % 7  # 1970-01-01 was a Thursday
            trend = 0.75 + 0.35 * day / world.days
            weights.append(covered * _WEEKDAY_WEIGHTS[weekday] * trend * rng.uniform(0.8, 1.2))
        whole = sum(weights) or 1.0
        budgets, running, given = [], 0.0, 0
        for weight in weights:
            running += weight
            share = round(total * running / whole)
            budgets.append(share - given)
            given = share
        return budgets

    def _plan_day(self, day: int, budget: int, scripts: Any) -> list[Session]:
        """The sessions of one day: its scripts, then random sessions filling ``budget``."""
        rng = self.rng
        sessions = [self._scripted(script) for script in scripts]
        if budget <= 0:
            return sessions
        people = self.world.people_on(day)
        cumulative = list(itertools.accumulate(u.weight for u in people))
        owners = [u for u in people if u.role in (Role.ADMIN, Role.SUPERVISOR)]
        open_list = [t.ref.id for t in self.world.tenants if t.active_on(day)]
        open_set = set(open_list)
        hours = self._hours(day)
        while budget > 0:
            user = people[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]
            kind = rng.random()
            if budget == 1 or kind < 0.06:
                owner = owners[int(rng.random() * len(owners))]
                sessions.append(self._scheduled_report(day, owner, open_list, open_set))
                budget -= 1
                continue
            worked = [t for t in user.work if t in open_set]
            if not worked and user.role == Role.ADMIN:
                worked = open_list
            place = worked[int(rng.random() * len(worked))] if worked else ""
            if kind < 0.10 and user.role in (Role.ADMIN, Role.SUPERVISOR):
                session = self._api_session(user, place, min(budget, rng.randint(2, 8)))
            else:
                actions = session_actions(rng, user.role)
                session = self._browser_session(user, place, min(budget, actions + 2))
            times = session.times
            start = self._start(day, hours, times[-1])
            session.times = self._place_times(day, start, times)
            sessions.append(session)
            budget -= len(times)
        return sessions

    def _browser_session(self, user: Person, place: str, length: int) -> Session:
        """Sign in, act ``length - 2`` times, sign out; times relative to the start."""
        random = self.rng.random
        offsets = [0]
        if length > 2:
            offsets.append(5_000 + int(random() * 85_000))
        at = offsets[-1]
        for _ in range(length - 3):
            # Think time between actions: mostly a minute or two, now and then a long pause.
            at += 3_000 + min(int(-math.log(1.0 - random()) * 80_000), 900_000)
            offsets.append(at)
        idle = random() < 0.12
        at += 1_800_000 + int(random() * 60_000) if idle else 20_000 + int(random() * 1_180_000)
        offsets.append(at)
        ip = user.ips[0] if random() < 0.7 else user.ips[1]
        session = Session(user, offsets, place, ip, user.user_agent)
        session.idle = idle
        return session

    def _api_session(self, user: Person, place: str, length: int) -> Session:
        """A script calling the API: no sign-in, actions in quick succession."""
        rng = self.rng
        offsets = [0]
        for _ in range(length - 1):
            offsets.append(offsets[-1] + 150 + int(rng.random() * 2_850))
        ip, agent = rng.choice(words.CI_RUNNER_IPS), rng.choice(words.API_CLIENTS)
        steps = ((0, "act_random"),) * length
        return Session(user, offsets, place, ip, agent, steps)

    def _hours(self, day: int) -> tuple[list[tuple[int, int]], list[float]]:
        """The parts of each hour of ``day`` inside the window, with cumulative weights."""
        low, high = self.world.day_bounds(day)
        begin = self.world.first_day_ms + day * DAY_MS
        spans, weights = [], []
        for hour, weight in enumerate(_HOUR_WEIGHTS):
            start = max(begin + hour * HOUR_MS, low)
            end = min(begin + (hour + 1) * HOUR_MS - 1, high)
            if start <= end:
                spans.append((start, end))
                weights.append(weight * (end - start + 1) / HOUR_MS)
        return spans, list(itertools.accumulate(weights))

    def _start(
        self, day: int, hours: tuple[list[tuple[int, int]], list[float]], duration: int
    ) -> int:
        """A session start in a likely hour, leaving room for the session before ``now``."""
        spans, cumulative = hours
        rng = self.rng
        first, last = spans[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]
        low, high = self.bounds[day]
        return max(low, min(first + int(rng.random() * (last - first + 1)), high - duration))

    def _place_times(self, day: int, start: int, offsets: list[int]) -> list[int]:
        high = self.bounds[day][1]
        if start + offsets[-1] <= high:
            return [start + offset for offset in offsets]
        # A sliver of a day (the window's edges): squeeze the session into what is left.
        room = max(high - start, 0)
        return [start + offset * room // offsets[-1] for offset in offsets]

    def _scheduled_report(
        self, day: int, owner: Person, open_list: list[str], open_set: set[str]
    ) -> Session:
        rng = self.rng
        low, high = self.world.day_bounds(day)
        begin = self.world.first_day_ms + day * DAY_MS
        start = begin + 6 * HOUR_MS + rng.randrange(HOUR_MS)
        if not low <= start <= high:
            start = rng.randint(low, high)
        worked = [t for t in owner.work if t in open_set] or open_list
        place = rng.choice(worked) if worked else ""
        steps = ((0, "scheduled_report"),)
        return Session(owner, [start], place, words.SCHEDULER_IP, words.SCHEDULER_AGENT, steps)

    def _scripted(self, script: Script) -> Session:
        user = self.world.users[script.actor]
        times = [min(script.start_ms + step[0], self.world.now_ms) for step in script.steps]
        # Scripted steps name their place themselves.
        return Session(user, times, "", user.ips[0], user.user_agent, script.steps)
