"""A session: one person's run of events, as the timeline planned it."""

from __future__ import annotations

from typing import Any

from tui.demo.activity import POLICIES
from tui.demo.inventory import Item
from tui.demo.world import Person
from tui.domain.event import Context


class Session:
    """One actor's run of events; ``times`` are absolute milliseconds, non-decreasing."""

    __slots__ = (
        "contexts",
        "focus",
        "idle",
        "index",
        "ip",
        "place",
        "policy",
        "steps",
        "times",
        "user",
        "user_agent",
    )

    def __init__(
        self,
        user: Person,
        times: list[int],
        place: str,
        ip: str,
        user_agent: str,
        steps: tuple[tuple[Any, ...], ...] | None = None,
    ) -> None:
        self.user = user
        self.times = times
        self.index = 0
        self.place = place  # the tenant being worked on ("" for none)
        self.ip = ip
        self.user_agent = user_agent
        self.steps = steps  # None: login, random actions, logout
        self.policy = POLICIES[user.principal.role]
        self.contexts: dict[str, Context] = {}
        self.focus: Item | None = None
        self.idle = False
