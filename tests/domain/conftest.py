"""Domain fixtures: the demo data set at the fixed clock, built once per test session."""

from __future__ import annotations

import pytest

from tests.conftest import FIXED_NOW
from tui.demo.generator import DemoData, build_demo
from tui.domain.event import AuditEvent

DEMO_EVENTS = 20_000


@pytest.fixture(scope="session")
def demo() -> DemoData:
    return build_demo(FIXED_NOW, events=DEMO_EVENTS)


@pytest.fixture(scope="session")
def demo_events(demo: DemoData) -> tuple[AuditEvent, ...]:
    return tuple(demo.iter_events())
