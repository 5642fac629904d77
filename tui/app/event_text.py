"""How an event reads on screen: table cells, the JSON pane's text and the change list.

Event text is hostile until proven otherwise: every field passes through
``tui.domain.display`` (control characters and escape sequences made visible, long values
cut) and becomes a ``rich.text.Text`` — never a ``str``, which Textual would read as markup.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import tzinfo
from typing import Any

from rich.text import Text

from tui.domain.catalog import Area
from tui.domain.display import inert, one_line
from tui.domain.event import AuditEvent

#: Short area names for the table's narrow area column (the full name is in the JSON pane).
AREA_SHORT = {
    Area.USER_MANAGEMENT: "Users",
    Area.INFRASTRUCTURE: "Infra",
    Area.INTEGRATIONS: "Integr",
    Area.REPORTING: "Report",
}
ERASED_MARK = "†"
#: Longest value shown per side in the change list; the JSON pane below has it whole.
CHANGE_VALUE_LIMIT = 300


def cell(text: str, limit: int = 200) -> Text:
    """A table cell: one line, inert, cut at ``limit`` characters."""
    return Text(one_line(text, limit), no_wrap=True, overflow="ellipsis")


def row_cells(audit_event: AuditEvent, zone: tzinfo, erased: bool) -> tuple[Text, ...]:
    """The table row: time, type, area, performer, scope, target, summary."""
    performer = audit_event.performer.mail
    performer_cell = cell(f"{ERASED_MARK} {performer}" if erased else performer)
    if erased:
        performer_cell.stylize("italic")
    tenant = audit_event.tenant
    return (
        Text(audit_event.occurred_at.astimezone(zone).strftime("%b %d %H:%M"), no_wrap=True),
        cell(audit_event.type.name),
        Text(AREA_SHORT[audit_event.area], no_wrap=True),
        performer_cell,
        cell(tenant.name if tenant else "Portal"),
        cell(audit_event.target.name),
        cell(audit_event.summary, 500),
    )


_UNSAFE_IN_JSON = re.compile(r"[^\t\n\x20-\x7e]")


def _escape_unsafe(match: re.Match[str]) -> str:
    char = match.group()
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
        return "".join(f"\\u{unit:04x}" for unit in _utf16_units(char))
    return char


def _utf16_units(char: str) -> list[int]:
    code = ord(char)
    if code < 0x10000:
        return [code]
    code -= 0x10000
    return [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]


def event_json(audit_event: AuditEvent) -> str:
    """Pretty JSON of the whole event, every value whole.

    Characters that could act on a terminal (C0/C1 controls, format characters such as
    bidi overrides, line separators, lone surrogates) are written as ``\\uXXXX`` escapes:
    still valid JSON for exactly the same data, but inert on screen and in a paste.
    """
    text = json.dumps(audit_event.to_dict(), indent=2, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(_escape_unsafe, text)


def _value(value: Any) -> str:
    if isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
    else:
        shown = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return inert(shown, CHANGE_VALUE_LIMIT)


def changes_text(audit_event: AuditEvent) -> Text | None:
    """The old → new list of an ``... Updated`` event, or None for other events."""
    changes = audit_event.changes
    if not changes:
        return None
    text = Text()
    text.append(f"What changed ({len(changes)})", style="bold")
    for change in changes:
        text.append("\n")
        text.append(one_line(change.field, 60), style="bold")
        text.append(": ")
        text.append(_value(change.old), style="red")
        text.append(" → ")
        text.append(_value(change.new), style="green")
    return text


def title_text(audit_event: AuditEvent, zone: tzinfo) -> Text:
    """The JSON pane's title: type and local time."""
    moment = audit_event.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")
    return Text(f"{audit_event.type.name} · {moment}", no_wrap=True, overflow="ellipsis")
