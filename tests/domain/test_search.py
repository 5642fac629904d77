"""Search terms: words and "phrases", nothing an operator, compared case- and form-blind."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_event
from tui.domain.search import normalise, search_terms


def test_words_and_quoted_phrases() -> None:
    assert search_terms('deleted "Acme Corp" 10.0.') == ("deleted", "acme corp", "10.0.")


def test_an_unclosed_quote_runs_to_the_end() -> None:
    assert search_terms('integration "harbor point') == ("integration", "harbor point")


def test_empty_input_and_empty_quotes_give_no_terms() -> None:
    assert search_terms("") == ()
    assert search_terms('   ""  ') == ()


def test_repeated_terms_count_once() -> None:
    assert search_terms("Okta okta OKTA") == ("okta",)


def test_spacing_inside_a_phrase_is_collapsed() -> None:
    assert search_terms('"  Harbor \t  Point  "') == ("harbor point",)


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("100%", ("100%",)),
        ("user_agent", ("user_agent",)),
        ("a_c%", ("a_c%",)),
        ("coll*", ("coll*",)),
        ("okta AND slack", ("okta", "and", "slack")),
        ("NEAR(a b)", ("near(a", "b)")),
        ("-deleted", ("-deleted",)),
        ("C:\\Windows\\", ("c:\\windows\\",)),
        ("it's", ("it's",)),
        ('say"hi"', ('say"hi"',)),
        ("col:value", ("col:value",)),
        ("^start", ("^start",)),
    ],
)
def test_nothing_in_a_term_is_an_operator(typed: str, terms: tuple[str, ...]) -> None:
    assert search_terms(typed) == terms


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("Straße", ("strasse",)),
        ("ZÜRICH", ("zürich",)),
        ("ＡＣＭＥ", ("acme",)),  # fullwidth letters
        ("ﬁrewall", ("firewall",)),  # the fi ligature
        ("Ⅻ", ("xii",)),
        ("東京", ("東京",)),
        ("ΣΊΣΥΦΟΣ", ("σίσυφοσ",)),
    ],
)
def test_non_ascii_is_compared_case_and_form_blind(typed: str, terms: tuple[str, ...]) -> None:
    assert search_terms(typed) == terms


def test_control_characters_read_as_spaces_inside_a_term() -> None:
    # Stored text gets the same treatment, so the event named "evil\x1bname" is found.
    assert search_terms("evil\x1bname\x00x") == ("evil name x",)
    assert _found("evil\x1bname\x00x", "evil\x1bname\x00x")


def test_at_most_16_terms_are_used() -> None:
    assert len(search_terms(" ".join(f"w{n}" for n in range(30)))) == 16


def test_normalise_folds_case_and_form_and_blanks_controls() -> None:
    assert normalise("ＡＢＣ\x1b\x85") == "abc  "
    assert normalise("line\nbreak\ttab") == "line\nbreak\ttab"


def _found(event_text: str, query: str) -> bool:
    event = make_event(summary=event_text)
    return all(term in event.search_text() for term in search_terms(query))


def test_a_phrase_finds_text_with_other_spacing() -> None:
    # Regression: stored text kept double spaces and tabs that the typed phrase lost.
    assert _found("Deleted integration at Acme  Corp", '"acme corp"')
    assert _found("Deleted integration at Acme\tCorp", '"acme corp"')
    assert _found("Deleted integration at Acme\nCorp", '"acme corp"')


def test_a_phrase_does_not_span_two_fields() -> None:
    event = make_event(summary="Created collector Collector 0")
    text = event.search_text()
    assert "collector 0" in text
    assert "collector 0 ada.admin" not in text  # summary, then performer mail


def test_search_text_covers_the_fields_users_search_by() -> None:
    event = make_event(summary="Rotated keys", tenant="t_42")
    text = event.search_text()
    for wanted in ("rotated keys", "ada.admin@example.com", "ada admin", "collector 0", "col_0"):
        assert wanted in text
    for wanted in ("tenant t_42", "t_42", "203.0.113.7", "collector created"):
        assert wanted in text
    assert "portal" in make_event(tenant=None).search_text()


_typed = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(' "\t\n'),
    max_size=40,
)


@given(_typed)
def test_terms_are_normalised_single_spaced_and_not_empty(typed: str) -> None:
    for term in search_terms(typed):
        assert term
        assert term == term.strip()
        assert "  " not in term
        assert "\n" not in term and "\t" not in term


@given(st.text(st.sampled_from('abcXYZ "\t\nßﬁ'), max_size=30))
def test_an_event_is_found_by_every_term_of_its_own_summary(summary: str) -> None:
    if not summary.strip():
        return
    assert _found(summary, summary)


def _full_normalise(text: str) -> str:
    """The normalisation spelt out in full, as for any Unicode text."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", " ", folded.replace("i\u0307", "i"))


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_is_normalised_as_any_text_is(text: str) -> None:
    # normalise takes a shortcut for ASCII; stored text and terms must not tell the difference.
    assert normalise(text) == _full_normalise(text)
    assert normalise(text + "é") == _full_normalise(text + "é")
