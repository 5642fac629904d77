"""How an event reads: the old → new change list, cut values, and the whole JSON below."""

from __future__ import annotations

import json

from tests.app.conftest import drive, make_app, raw
from tui.app.event_text import CHANGE_VALUE_LIMIT, change_value, changes_text, event_json
from tui.domain.display import cell_width
from tui.domain.validation import parse_event


def _updated(changes: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    n = next(n for n in range(200) if parse_event(raw(n)).type.is_update)
    return parse_event(raw(n, details={"changes": changes}))


def test_a_change_reads_old_space_arrow_space_new_as_json_literals() -> None:
    audit_event = _updated(
        [
            {"field": "name", "old": "Old name 4", "new": "New name 4"},
            {"field": "enabled", "old": True, "new": False},
            {"field": "retries", "old": 3, "new": None},
            {"field": "tags", "old": ["a"], "new": {"b": 1}},
        ]
    )
    text = changes_text(audit_event)
    assert text is not None
    assert text.plain.split("\n") == [
        "What changed (4)",
        'name: "Old name 4" → "New name 4"',
        "enabled: true → false",
        "retries: 3 → null",
        'tags: ["a"] → {"b": 1}',
    ]


def test_no_span_of_the_change_list_starts_with_a_space() -> None:
    """librsvg drops a span's leading space: " → " as one span drew `"Old"→  "New"` in the
    screenshots. Spaces end spans instead, so every renderer shows one space either side."""
    text = changes_text(_updated([{"field": "name", "old": "Old name 4", "new": "New name 4"}]))
    assert text is not None
    for span in text.spans:
        assert not text.plain[span.start : span.end].startswith(" ")
    plain_runs = [text.plain[a:b] for a, b in _unstyled(text)]
    assert all(not run.startswith(" ") or run.strip() == "" for run in plain_runs)


def _unstyled(text) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    covered = sorted((span.start, span.end) for span in text.spans)
    runs, at = [], 0
    for start, end in covered:
        if start > at:
            runs.append((at, start))
        at = max(at, end)
    if at < len(text.plain):
        runs.append((at, len(text.plain)))
    return runs


def test_long_values_are_cut_but_stay_literals_and_the_json_stays_whole() -> None:
    long_old = "a description " * 20
    long_new = {"items": list(range(100))}
    audit_event = _updated([{"field": "description", "old": long_old, "new": long_new}])
    old = change_value(long_old)
    new = change_value(long_new)
    assert cell_width(old) <= CHANGE_VALUE_LIMIT and cell_width(new) <= CHANGE_VALUE_LIMIT
    assert old.startswith('"a description') and old.endswith('…"')  # still a string
    assert new.startswith('{"items": [0, 1, 2') and new.endswith("…")
    text = changes_text(audit_event)
    assert text is not None and f"description: {old} → {new}" in text.plain
    whole = json.loads(event_json(audit_event))["details"]["changes"][0]
    assert whole == {"field": "description", "old": long_old, "new": long_new}


def test_hostile_change_values_are_inert() -> None:
    audit_event = _updated([{"field": "name\x1b[2J", "old": "\x1b[31mred", "new": "\u202etxt.exe"}])
    text = changes_text(audit_event)
    assert text is not None
    assert "\x1b" not in text.plain and "\u202e" not in text.plain
    assert 'name\\x1b[2J: "\\u001b[31mred" → "\\u202etxt.exe"' in text.plain


def test_the_pane_shows_the_diff_with_spaced_arrows(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        row = next(
            r for r in range(screen.table.row_count) if screen.window.event_at(r).type.is_update
        )
        screen.table.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        n = int(screen.pane.event.id.removeprefix("evt_"))
        lines = str(screen.pane.query_one("#changes-text").render()).split("\n")
        assert f'name: "Old name {n}" → "New name {n}"' in lines
        assert "enabled: true → false" in lines

    drive(app, scenario)
