"""How a demo summary words a change: ``enabled off → on and 2 more``."""

from __future__ import annotations

from typing import Any


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "none"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "none"
    return str(value)


def describe_changes(changes: list[dict[str, Any]]) -> str:
    first = changes[0]
    text = f"{first['field']} {_show(first['old'])} → {_show(first['new'])}"
    return text if len(changes) == 1 else f"{text} and {len(changes) - 1} more"
