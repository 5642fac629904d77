"""inert(): hostile event text shown as visible escapes, fitted into a number of cells."""

from __future__ import annotations

import doctest
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tui.domain.display as display
from tui.domain.display import ELLIPSIS, cell_width, inert, one_line, truncate

UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),  # ESC: clear screen
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # OSC window title, ended by BEL
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("csi\x9b31m", "csi\\x9b31m"),  # the C1 form of ESC [
        ("line\nfake row", "line\\nfake row"),
        ("over\rwrite", "over\\rwrite"),
        ("tab\there", "tab\\there"),
        ("invoice\u202egpj.exe", "invoice\\u202egpj.exe"),  # right-to-left override
        ("\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"),
        ("\u2066x\u2067y\u2068z\u2069", "\\u2066x\\u2067y\\u2068z\\u2069"),  # isolates
        ("ada\u200b.admin", "ada\\u200b.admin"),  # zero-width space
        ("a\u200c\u200d\u2060\ufeffb", "a\\u200c\\u200d\\u2060\\ufeffb"),
        ("\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"),  # direction marks
        ("para\u2028graph\u2029", "para\\u2028graph\\u2029"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("lone\ud800", "lone\\ud800"),
    ],
)
def test_control_and_invisible_characters_become_visible_escapes(text: str, shown: str) -> None:
    assert inert(text) == shown


@pytest.mark.parametrize(
    "text",
    ["Harbor Point Logistics", "Zürich — Ørsted", "東京オフィス", "Ελληνικά", "emoji 🛡️ ok", ""],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert inert(text) == text


def test_rich_markup_is_not_this_modules_business() -> None:
    assert inert("[bold red]alarm[/]") == "[bold red]alarm[/]"


def test_a_limit_cuts_with_an_ellipsis() -> None:
    assert inert("Harbor Point Logistics", 10) == "Harbor Po" + ELLIPSIS
    assert inert("Harbor", 6) == "Harbor"
    assert inert("Harbor", 1) == ELLIPSIS
    assert inert("Harbor", 0) == ""


def test_escapes_count_toward_the_limit() -> None:
    assert inert("\x1b\x1b", 6) == "\\x1b\\" + ELLIPSIS


def test_wide_characters_take_two_cells() -> None:
    assert cell_width("東京") == 4
    assert inert("東京オフィス", 5) == "東京" + ELLIPSIS
    assert inert("東京オフィス", 6) == "東京" + ELLIPSIS  # オ would need cells 5 and 6
    assert cell_width(inert("東京オフィス", 7)) == 7


def test_combining_marks_take_no_cell() -> None:
    decomposed = "Zu\u0308rich"
    assert cell_width(decomposed) == 6
    assert truncate(decomposed, 6) == decomposed


def test_one_line_collapses_whitespace_and_stays_inert() -> None:
    assert (
        one_line("  Deleted\n\n integration\t\x1b[31mx  ", 40) == "Deleted integration \\x1b[31mx"
    )
    assert one_line("a\u2028b\x85c\r\nd", 20) == "a b c d"
    assert one_line("Harbor Point Logistics", 8) == "Harbor " + ELLIPSIS


def test_the_escape_table_covers_every_unsafe_character_of_this_python() -> None:
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in UNSAFE_CATEGORIES and inert(chr(code)) == chr(code)
    ]
    assert missed == []


def test_the_documented_examples_hold() -> None:
    assert doctest.testmod(display).failed == 0


@given(st.text())
def test_inert_text_holds_no_unsafe_character(text: str) -> None:
    shown = inert(text)
    assert not any(unicodedata.category(char) in UNSAFE_CATEGORIES for char in shown)
    assert shown.count("\n") == 0


@given(st.text(), st.integers(0, 80))
def test_a_limited_result_fits(text: str, limit: int) -> None:
    shown = inert(text, limit)
    assert cell_width(shown) <= limit
    if cell_width(inert(text)) <= limit:
        assert shown == inert(text)
    elif limit:
        assert shown.endswith(ELLIPSIS)


@given(st.text(st.characters(exclude_categories=tuple(UNSAFE_CATEGORIES))))
def test_safe_text_is_unchanged(text: str) -> None:
    assert inert(text) == text
