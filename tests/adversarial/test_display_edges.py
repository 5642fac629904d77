"""Display helpers under hostile input: fitting a huge text is quick and exact, and JSON
for a terminal is the same data with nothing that acts.

Regression tests: ``one_line``/``inert`` with a limit used to escape a whole 5 MB summary
before cutting it (a second per table cell); ``auditlog show`` used to print C1 controls,
bidi overrides and line separators raw.
"""

from __future__ import annotations

import json
import time

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.adversarial.conftest import unsafe_characters
from tests.adversarial.corpus import HOSTILE, big_summary
from tui.domain.display import cell_width, inert, inert_json, one_line, truncate

# Characters that stress fitting: whitespace runs collapse, combining marks take no cell,
# wide characters two, escapes several.
_TRICKY = st.sampled_from(
    ["a", " ", "\t", "\n", "\u3000", "\u0301", "\x1b", "\x9b", "\u202e", "東", "🚀", "\u200b"]
)


@settings(max_examples=300)
@given(text=st.lists(_TRICKY, max_size=400).map("".join), limit=st.integers(0, 60))
def test_fitting_a_slice_gives_what_fitting_the_whole_text_gives(text: str, limit: int) -> None:
    whole_inert = inert(text)
    assert inert(text, limit) == truncate(whole_inert, limit)
    collapsed = inert(" ".join(text.split()))
    assert one_line(text, limit) == truncate(collapsed, limit)
    assert cell_width(one_line(text, limit)) <= max(limit, 0)


def test_a_five_megabyte_cell_is_fitted_in_a_blink() -> None:
    summary = big_summary()
    started = time.perf_counter()
    for _ in range(10):
        cell = one_line(summary, 500)
        note = inert(summary, 600)
    assert time.perf_counter() - started < 0.5  # was about a second per call
    assert cell_width(cell) <= 500 and cell.endswith("…") and "\\x1b]52;c;" in cell
    assert note.startswith("\\x1b]52;c;")


@given(st.dictionaries(st.text(), st.text() | st.sampled_from(list(HOSTILE.values()))))
def test_json_for_a_terminal_is_the_same_data_and_inert(document: dict[str, str]) -> None:
    text = orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
    shown = inert_json(text)
    assert json.loads(shown) == document
    assert unsafe_characters(shown) == []
