"""Free-text search: a case-insensitive substring match of every term, nothing an operator.

The corpus gives every event the same bland performer, target, tenant, IP and type, so a
search can only tell them apart by their summaries; the expected results are written by hand
and also checked against the oracle. Both backends must give the same answers: each runs the
same table, and one test runs both side by side with hypothesis-generated input.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ADMIN, FakeClock, _empty_postgres, make_event
from tests.store.conftest import ids, text_matches, window
from tui.domain.event import AuditEvent

SUMMARIES = {
    "mueller": "Jürgen Müller changed settings",
    "strasse": "moved to Hauptstraße 5",
    "greek": "Νίκος Παπαδόπουλος signed in",
    "turkish": "İzmir office, Kadıköy branch",
    "emoji": "deploy 🚀🚀🚀 finished ✅",
    "cjk": "東京オフィス opened",
    "fullwidth": "ＦＵＬＬＷＩＤＴＨ text",
    "decomposed": "cafe\u0301 opened",
    "percent": "quota at 100% now",
    "digits": "a100b units",
    "underscore": "renamed snake_case key",
    "underscore_lookalike": "renamed snakeXcase key",
    "backslash": "path C:\\temp\\new",
    "quote": 'size 5"x7" panel',
    "apostrophe": "O'Brien approved",
    "alpha": "alpha one",
    "beta": "beta two",
    "and_literal": "alpha and beta both",
    "or_literal": "alpha or beta",
    "not_literal": "alpha is NOT here",
    "near": "NEAR(alpha beta) literal",
    "star": "wild* card",
    "caret": "^anchor text",
    "column": "search_text:secret",
    "tsquery": "a & b | !c :* done",
    "sql": "'; DROP TABLE events; -- attempt",
    "signs": "-minus +plus (paren)",
}
LABELS = list(SUMMARIES)


def _corpus() -> list[AuditEvent]:
    return [
        make_event(
            n,
            id=f"doc_{label}",
            age=timedelta(minutes=n + 1),
            type="User Login",
            summary=SUMMARIES[label],
            performer={"id": "u1", "mail": "q@x.io", "name": "Q", "role": "Admin"},
            context={
                "tenant": {"id": "tx9", "name": "Qz"},
                "source_ip": "10.9.9.9",
                "user_agent": "ua",
            },
            target={"kind": "label", "id": "", "name": "zz"},
        )
        for n, label in enumerate(LABELS)
    ]


CORPUS = _corpus()

CASES: list[tuple[str, list[str]]] = [
    # Case and Unicode: NFKC and full case folding on both sides.
    ("müller", ["mueller"]),
    ("MÜLLER", ["mueller"]),
    ("Müller", ["mueller"]),
    ("ü", ["mueller"]),
    ("STRASSE", ["strasse"]),
    ("straße", ["strasse"]),
    ("HAUPTSTRASSE", ["strasse"]),
    ("ß", ["strasse"]),
    ("ΝΊΚΟΣ", ["greek"]),
    ("νίκοσ", ["greek"]),
    ("ΠΑΠΑΔΌΠΟΥΛΟΣ", ["greek"]),
    ("İzmir", ["turkish"]),
    ("İZMİR", ["turkish"]),
    ("IZMIR", ["turkish"]),
    ("izmir", ["turkish"]),
    ("kadıköy", ["turkish"]),
    ("KADIKÖY", ["turkish"]),
    ("Kadıköy İzmir", ["turkish"]),
    ("🚀", ["emoji"]),
    ("🚀🚀🚀", ["emoji"]),
    ("🚀🚀🚀🚀", []),
    ("✅ 🚀", ["emoji"]),
    ("東京", ["cjk"]),
    ("オフィス", ["cjk"]),
    ("fullwidth", ["fullwidth"]),
    ("ＦＵＬＬ", ["fullwidth"]),
    ("café", ["decomposed"]),
    ("CAFE\u0301", ["decomposed"]),
    # LIKE wildcards are plain characters.
    ("%", ["percent"]),
    ("0%", ["percent"]),
    ("100%", ["percent"]),
    ("a%b", []),
    ("100", ["percent", "digits"]),
    ("a100b", ["digits"]),
    ("%%", []),
    ("_", ["underscore", "column"]),
    ("e_c", ["underscore"]),
    ("snake_case", ["underscore"]),
    ("\\", ["backslash"]),
    ("c:\\temp", ["backslash"]),
    ("\\t", ["backslash"]),
    ("\\%", []),
    ("\\_", []),
    # Quotes: a quoted phrase, a quote inside a word, an unclosed phrase.
    ('5"x7', ["quote"]),
    ('"size 5"', ["quote"]),
    ('"size 5', ["quote"]),
    ('"5" "x7"', ["quote"]),
    ('""', LABELS),
    ("o'brien", ["apostrophe"]),
    ("'", ["apostrophe", "sql"]),
    ("'; DROP TABLE events; --", ["sql"]),
    ('" OR 1=1 --', []),
    ("' OR '1'='1", []),
    ("%' OR '1'='1", []),
    # FTS5 syntax is text.
    ("alpha AND beta", ["and_literal"]),
    ("alpha OR beta", ["or_literal"]),
    ("NOT alpha", ["not_literal"]),
    ("alpha NOT beta", []),
    ("NEAR(alpha beta)", ["near"]),
    ("NEAR(alpha", ["near"]),
    ("alph*", []),
    ("wild*", ["star"]),
    ("wil*", []),
    ("^anchor", ["caret"]),
    ("^alpha", []),
    ("search_text:secret", ["column"]),
    ("search_text:alpha", []),
    ("{search_text}:alpha", []),
    ("-minus", ["signs"]),
    ("+plus", ["signs"]),
    ("(paren)", ["signs"]),
    ("(", ["signs", "near"]),
    ("-alpha", []),
    # tsquery syntax is text.
    ("a & b", ["tsquery"]),
    ("| !c", ["tsquery"]),
    (":*", ["tsquery"]),
    ("alpha & beta", []),
    ("alpha | beta", []),
    ("!alpha", []),
    ("alph:*", []),
    ("alpha <-> beta", []),
    # Terms combine with AND, in any field; short terms work.
    ("alpha beta", ["and_literal", "or_literal", "near"]),
    ("beta alpha", ["and_literal", "or_literal", "near"]),
    ("x7", ["quote"]),
    ("5", ["strasse", "quote"]),
    ("snakexcase", ["underscore_lookalike"]),
    ("settings q@x.io", ["mueller"]),
    ("zz", LABELS),
    ("QZ tx9 10.9.9.9 user", LABELS),
    ("", LABELS),
    ("   ", LABELS),
    # A phrase never spans two fields.
    ('"settings q@x.io"', []),
    ('"q zz"', []),
    ('"zz qz"', []),
    ('"signed in q"', []),
]


@pytest.fixture
def corpus(store):  # type: ignore[no-untyped-def]
    store.add_account(ADMIN)
    store.append(CORPUS)
    return store.reader(ADMIN.email)


def test_search_means_every_term_is_contained(corpus, clock) -> None:
    """Every case of the table, reported together: (input, found, expected, oracle)."""
    wrong = []
    for text, expected in CASES:
        query = window(clock, text=text)
        found = sorted(e.id.removeprefix("doc_") for e in corpus.stream(query))
        oracle = sorted(e.id.removeprefix("doc_") for e in CORPUS if text_matches(e, query.terms))
        counted = corpus.count(query).value
        if not found == sorted(expected) == oracle or counted != len(expected):
            wrong.append((text, found, sorted(expected), oracle, counted))
    assert wrong == []


def test_the_table_is_not_trivial() -> None:
    matched = {label for _, expected in CASES for label in expected if expected != LABELS}
    assert matched == set(LABELS) - {"alpha", "beta"}  # every summary is found by some case
    assert sum(1 for _, expected in CASES if not expected) >= 20  # and many find nothing


def test_a_hostile_search_leaves_the_table_intact(store, corpus, clock) -> None:
    for text, _ in CASES:
        corpus.page(window(clock, text=text))
    assert corpus.count(window(clock)).value == len(CORPUS)
    assert store.append(CORPUS).duplicates == len(CORPUS)


def test_search_combines_with_other_filters(store, corpus, clock) -> None:
    store.append([make_event(900, summary="alpha elsewhere", tenant="t_01")])
    from tui.domain.access import Scope

    query = window(clock, text="alpha", scope=Scope.of_tenants({"t_01"}))
    assert ids(corpus.stream(query)) == ["evt_000900"]
    query = window(clock, text="alpha", performer="Q@X.IO")
    assert "evt_000900" not in ids(corpus.stream(query))
    assert len(ids(corpus.stream(query))) == 5


def test_facets_ignore_the_search_text(corpus, clock) -> None:
    facets = corpus.facets(window(clock, text="no such words at all"))
    assert [(f.value, f.count) for f in facets.types] == [("User Login", len(CORPUS))]


# -- both backends side by side ------------------------------------------------------------------


@pytest.fixture
def both(tmp_path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """The corpus in a SQLite store and a PostgreSQL store at once."""
    from tui.store.repository import AuditStore

    pg_url = request.getfixturevalue("pg_schema_url")
    _empty_postgres(pg_url)
    clock = FakeClock()
    stores = [AuditStore.open(str(tmp_path / "side.sqlite3"), clock=clock)]
    try:
        stores.append(AuditStore.open(pg_url, clock=clock))
        for store in stores:
            store.add_account(ADMIN)
            store.append(CORPUS)
        yield clock, [store.reader(ADMIN.email) for store in stores]
    finally:
        for store in stores:
            store.close()
    _empty_postgres(pg_url)


def _found(reader, clock, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return ids(reader.stream(window(clock, text=text)))


@pytest.mark.postgres
def test_both_backends_give_identical_results_for_the_whole_table(both) -> None:
    clock, (sqlite, postgres) = both
    for text, _ in CASES:
        assert _found(sqlite, clock, text) == _found(postgres, clock, text), text


fragments = st.sampled_from(
    [*(s for s in SUMMARIES.values()), *"%_\\\"'*^:&|!()-+{}", "AND", "OR", "NOT", "NEAR"]
).flatmap(lambda s: st.integers(0, len(s)).flatmap(lambda i: st.just(s[i : i + 4])))


@pytest.mark.postgres
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.lists(fragments | st.text(max_size=5), max_size=3).map(" ".join))
def test_both_backends_agree_with_the_oracle_on_any_input(both, text) -> None:
    clock, (sqlite, postgres) = both
    query = window(clock, text=text)
    newest_first = sorted(CORPUS, key=lambda e: e.occurred_at, reverse=True)
    expected = [e.id for e in newest_first if text_matches(e, query.terms)]
    assert _found(sqlite, clock, text) == expected
    assert _found(postgres, clock, text) == expected
