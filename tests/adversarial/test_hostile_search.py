"""Search input and filter values are text: never an operator, never an error, never a
different result set than their literal meaning.

``--text`` must find exactly the events that contain every term (ignoring case), as a plain
Python oracle over the same events says; ``--performer`` exactly the events by that address
(ignoring case); ``--scope`` exactly the events of the tenants so named; ``--type`` either a
catalog type (in any case or spacing) or a refusal naming the option. Quotes, ``%``, ``_``,
backslashes, FTS5 and tsquery operators, SQL fragments, escapes, NUL and invalid bytes alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.adversarial.conftest import Run, ndjson_ids, newest_first, text_matches
from tests.adversarial.corpus import HOSTILE, HOSTILE_MAILS, base_event, ndjson_line
from tests.conftest import ADMIN, SUPERVISOR
from tui.cli import exit_codes

#: Summaries that hold the characters every search syntax gives a meaning to.
SUMMARIES = [
    "quota at 100% now",
    "a100b units",
    "renamed snake_case key",
    "renamed snakeXcase key",
    "path C:\\temp\\new",
    'size 5"x7" panel',
    "O'Brien approved",
    "alpha and beta both",
    "alpha or beta",
    "alpha is NOT here",
    "NEAR(alpha beta) literal",
    "wild* card",
    "^anchor text",
    "search_text:secret",
    "a & b | !c :* done <-> x",
    "'; DROP TABLE events; -- attempt",
    "-minus +plus (paren) {brace}",
    "İzmir office, Kadıköy branch",
    "Jürgen Müller changed settings, Straße",
    "東京オフィス opened 🚀",
    "ＦＵＬＬＷＩＤＴＨ text",
    "cafe\u0301 opened",
    "%_%",
    "\\%\\_",
    "[@click=app.quit]PWNCLICK[/]",
    "evil\x1b]0;title\x07done",
    "nul\x00byte",
    "bidi\u202eexe.txt",
    "two  spaces\tand\ttabs\nnewline",
]
TENANTS = [("t_01", "Acme Corp"), ("t_02", "Globex 100%"), ("t_03", "O'Hara & Sons"), None]

#: What people (and attackers) type into a search box.
SEARCHES = [
    "%",
    "_",
    "%%",
    "__",
    "%_%",
    "\\",
    "\\%",
    "\\_",
    "100%",
    "0%",
    "snake_case",
    "e_c",
    "C:\\temp",
    "\\temp\\",
    "'",
    "''",
    '"',
    '""',
    '"unclosed phrase',
    '"alpha beta"',
    '"alpha and"',
    '5"x7',
    "O'Brien",
    "'; DROP TABLE events; --",
    "' OR '1'='1",
    "%' OR 1=1 --",
    "1=1",
    "*",
    "wild*",
    "alpha*",
    "NEAR(alpha beta)",
    "NEAR",
    "alpha AND beta",
    "alpha OR beta",
    "NOT here",
    "-minus",
    "+plus",
    "^anchor",
    "search_text:secret",
    "summary:quota",
    "a & b",
    "!c",
    ":*",
    "<->",
    "(paren)",
    "{brace}",
    "[@click=app.quit]",
    "[/]",
    "\x1b]0;",
    "\x1b",
    "\u202e",
    "exe.txt",
    "nul\x00byte",
    "\x00",
    "\udcff",
    "izmir",
    "KADIKÖY",
    "strasse",
    "müller",
    "东京",
    "東京",
    "full",
    "café",
    "🚀",
    "two spaces and tabs",
    '"two spaces"',
    "portal",
    "acme corp",
    '"acme corp"',
    "globex 100%",
    "o'hara &",
    "203.0.113",
    "collector created",
    "evil.example",
    "x" * 300,
    " ",
    "",
]


def _events() -> list[dict[str, Any]]:
    raws = []
    mails = ["ada.admin@example.com", "Bob.Builder@Example.com", *HOSTILE_MAILS.values()]
    for n, summary in enumerate(SUMMARIES):
        tenant = TENANTS[n % len(TENANTS)]
        raw = base_event(f"q_{n:02d}", n, tenant=tenant)
        raw["summary"] = summary
        raw["performer"]["mail"] = mails[n % len(mails)]
        raw["performer"]["name"] = list(HOSTILE.values())[n % len(HOSTILE)]
        if n % 3 == 0:
            raw["type"], raw["area"] = "User Login", "User Management"
        raws.append(raw)
    return raws


EVENTS = _events()


@pytest.fixture
def searchable_log(run: Run, tmp_path: Path) -> Run:
    for account in (ADMIN, SUPERVISOR):
        argv = ["accounts", "add", account.email, "--name", "x", "--role", account.role]
        assert run(*argv, *(f"--tenant={t}" for t in account.tenants)).code == 0
    source = tmp_path / "search.ndjson"
    source.write_bytes(b"".join(ndjson_line(raw) + b"\n" for raw in EVENTS))
    assert run("ingest", str(source)).code == exit_codes.OK
    return run


def _query(run: Run, *options: str) -> list[str]:
    result = run("query", "--as", ADMIN.email, "--format", "ndjson", "--limit", "1000", *options)
    assert (result.code, result.err) == (exit_codes.OK, ""), options
    return ndjson_ids(result.out)


def test_search_text_is_literal_text(searchable_log: Run) -> None:
    wrong = {}
    for text in SEARCHES:
        expected = newest_first(raw for raw in EVENTS if text_matches(raw, text))
        found = _query(searchable_log, f"--text={text}")
        if found != expected:
            wrong[text] = (found, expected)
    assert wrong == {}
    # The oracle is not vacuous: operators and wildcards found exactly their own text.
    assert _query(searchable_log, "--text=%_%") == ["q_22"]
    assert _query(searchable_log, "--text=snake_case") == ["q_02"]
    assert _query(searchable_log, "--text=NEAR(alpha beta)") == ["q_10"]
    # (A value that starts with "-" is written --text=-minus, as for any option.)
    assert _query(searchable_log, "--text=-minus") == ["q_16"]


def test_performer_filter_is_the_literal_address(searchable_log: Run) -> None:
    mails = sorted({raw["performer"]["mail"] for raw in EVENTS})
    inputs = [
        *mails,
        *(mail.upper() for mail in mails),
        *(f"  {mail}  " for mail in mails),
        "%",
        "_",
        "%@%",
        "%example.com",
        "ada.admin@example.com' --",
        "' OR 1=1 --",
        "*",
        "\\",
        '"',
        "\x00",
        "ada\x00@example.com",
        "\udcff@x.io",
        "[@click=app.quit]",
    ]
    wrong = {}
    for value in inputs:
        wanted = value.strip().casefold()
        expected = newest_first(r for r in EVENTS if r["performer"]["mail"].casefold() == wanted)
        found = _query(searchable_log, f"--performer={value}")
        if found != expected:
            wrong[value] = (found, expected)
    assert wrong == {}


def test_scope_values_are_tenant_ids_nothing_more(searchable_log: Run) -> None:
    inputs = [
        ["t_01"],
        ["portal"],
        ["portal", "t_02"],
        ["t_%"],
        ["%"],
        ["_"],
        ["t__1"],
        ["t\\_01"],
        ["T_01"],
        ["t_01 "],
        ["t_01 t_02"],
        ["t_01' OR '1'='1"],
        ["' OR 1=1 --"],
        ["*"],
        ["\x00"],
        ["t_01\x00"],
        ["\udcff"],
        ["Acme Corp"],
        ["ALL"],
        ["Portal"],
    ]
    wrong = {}
    for words in inputs:
        named = {w.strip() for w in words if w.strip()}
        portal, tenants = "portal" in named, named - {"portal"}

        def visible(raw: dict[str, Any], portal: bool = portal, tenants: set = tenants) -> bool:
            tenant = raw["context"]["tenant"]
            return portal if tenant is None else tenant["id"] in tenants

        expected = newest_first(raw for raw in EVENTS if visible(raw))
        found = _query(searchable_log, "--scope", *words)
        if found != expected:
            wrong[tuple(words)] = (found, expected)
    assert wrong == {}
    # A supervisor naming anything but their own tenants is refused, and told nothing.
    for words in inputs[2:]:
        refused = searchable_log("query", "--as", SUPERVISOR.email, "--scope", *words)
        if {w.strip() for w in words} <= {"portal", "t_01"}:
            continue
        assert (refused.code, refused.out) == (exit_codes.REFUSED, ""), words


def test_type_values_are_catalog_names_or_a_clear_refusal(searchable_log: Run) -> None:
    logins = newest_first(raw for raw in EVENTS if raw["type"] == "User Login")
    for spelled in ("User Login", "user login", "  USER   LOGIN ", "User\tLogin"):
        assert _query(searchable_log, "--type", spelled) == logins
    for hostile in (
        "User Login' OR '1'='1",
        "User Login%",
        "User_Login",
        "%",
        "' OR 1=1 --",
        "User Login\x00",
        "User Login\u202e",
        "\udcff",
        "[@click=app.quit]",
    ):
        result = searchable_log("query", "--as", ADMIN.email, "--type", hostile)
        assert (result.code, result.out) == (exit_codes.BAD_INPUT, ""), hostile
        assert "is not an event type; `auditlog types` lists them" in result.err
