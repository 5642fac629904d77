"""Making hostile event text inert for a terminal, and fitting it into a number of cells.

Event text is evidence and is stored exactly as received (see ``tui.domain.validation``); it
may hold anything an attacker typed into a name or a summary. Shown raw, an ESC could drive
the terminal (move the cursor, retitle the window, fake a line of output), a newline could
fake a row, and a right-to-left override (U+202E) could make ``exe.txt`` read ``txt.exe``.
``inert`` turns every such character into a visible escape, so the text means what it shows:

* C0 and C1 control characters and DEL: ``\\n``, ``\\r``, ``\\t``, else ``\\x1b``-style;
* format characters (Unicode category Cf): the bidi embeddings, overrides and isolates
  U+202A–U+202E and U+2066–U+2069, the marks U+200E/U+200F/U+061C, zero-width characters
  (U+200B–U+200D, U+2060, U+FEFF), the soft hyphen, tag characters, ...: ``\\u202e``-style;
* line and paragraph separators (U+2028, U+2029) and lone surrogates (which a terminal
  could not even encode).

``inert_json`` does the same to JSON text, with JSON's own ``\\uXXXX`` escapes, so
``auditlog show`` prints the same data, inert.

A backslash in the text is left alone, so ``\\n`` typed literally looks like an escaped
newline; the detail view's JSON shows the difference. Rich markup is not escaped here: the
interfaces render with ``rich.text.Text`` objects, which are literal (``[bold]`` stays text);
anything that builds markup strings must escape with ``rich.markup.escape`` itself.

Widths follow the terminal's rules closely enough for tables (``wcwidth``-like): East Asian
wide and fullwidth characters take two cells, combining marks none, everything else one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

ELLIPSIS = "…"

# Unicode categories Cc, Cf, Cs, Zl and Zp (Unicode 15; a test checks the running Python's
# tables against it). A literal class is much faster than asking ``unicodedata`` per char.
_UNSAFE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f\xad"
    "\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# In JSON text the newline is pretty printing (inside strings the encoder escaped it).
_UNSAFE_IN_JSON = re.compile("(?!\n)" + _UNSAFE.pattern)
_WHITESPACE = re.compile(r"\s+")


def inert(text: str, limit: int | None = None) -> str:
    """``text`` with every control, format and separator character as a visible escape.

    With ``limit``, the result fits in that many terminal cells, cut with "…" when longer.

    >>> inert("evil\\x1b[2Jname\\u202etxt.exe")
    'evil\\\\x1b[2Jname\\\\u202etxt.exe'
    >>> inert("Harbor Point Logistics", 10)
    'Harbor Po…'
    """
    if limit is not None:
        return _fitted(inert, text, limit)
    if not text.isprintable():  # printable text holds none of them: the common, quick case
        text = _UNSAFE.sub(_escape, text)
    return text


def inert_json(text: str) -> str:
    """JSON text (as an encoder wrote it) with every character ``inert`` would escape written
    as a JSON ``\\uXXXX`` escape: the same data for any JSON reader, inert on a terminal.

    JSON encoders escape C0 controls but leave C1 controls, DEL, bidi overrides, zero-width
    characters and U+2028/U+2029 raw, and each of those can act on a terminal or hide text.

    >>> inert_json('{"name": "\u202egpj.exe\x9b"}')
    '{"name": "\\\\u202egpj.exe\\\\u009b"}'
    """
    return _UNSAFE_IN_JSON.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def one_line(text: str, limit: int) -> str:
    """``text`` for a table cell: whitespace runs (newlines too) as one space, then ``inert``.

    Collapsing is for reading; the detail view shows the exact text with ``inert``.
    """
    return _fitted(_collapsed, text, limit)


def _collapsed(text: str) -> str:
    return inert(_WHITESPACE.sub(" ", text).strip())


def _fitted(show: Callable[[str], str], text: str, limit: int) -> str:
    """``show(text)`` cut to ``limit`` cells, without showing all of a long text.

    Both ``inert`` and ``_collapsed`` map a prefix of the text to a prefix of the result, and
    nearly every character takes at least a cell, so a long text (a 5 MB summary) is shown
    from a slice a little longer than the room. Only if that slice turns out too narrow
    (long runs of spaces or combining marks) is the whole text shown and cut.
    """
    room = 2 * max(limit, 0) + 64
    if len(text) > room:
        shown = show(text[:room])
        if cell_width(shown) > limit:
            return truncate(shown, limit)
    return truncate(show(text), limit)


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` (already inert) occupies."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` cells, the last of them "…" when anything was cut."""
    if limit <= 0:
        return ""
    if text.isascii():
        return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
    if cell_width(text) <= limit:
        return text
    room, used = limit - 1, 0
    for index, char in enumerate(text):
        used += _char_width(char)
        if used > room:
            return text[:index] + ELLIPSIS
    return text  # not reached: the text is wider than limit


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


@lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
