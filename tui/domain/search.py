"""Free-text search semantics, identical on every backend.

A search is a list of terms: words separated by spaces, or "quoted phrases". An event matches
when every term occurs somewhere in its searchable text (summary, performer, target, tenant,
source IP, type) as a substring, ignoring case. Nothing in a term is an operator: quotes
inside a phrase, ``%``, ``_``, ``*``, ``AND``, ``NEAR``, backslashes are all plain text.

Both sides are normalised the same way here (Unicode NFKC, case-folded, the Turkish dotted and
dotless i folded to a plain i, control characters turned into spaces), so the store only has
to compare normalised strings; that is what makes SQLite and PostgreSQL give the same answers.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MAX_TERMS = 16
#: Terms shorter than this cannot use a trigram index; the store scans for them instead.
INDEXABLE_LENGTH = 3


def normalise(text: str) -> str:
    """The form in which searchable text is stored and terms are compared.

    Case folding alone is not enough for Turkish: "İ" folds to "i" plus a combining dot and
    "ı" (whose capital is "I") stays itself, so "İZMİR" would miss "İzmir" and "KADIKÖY"
    would miss "Kadıköy". Without knowing the language, every i counts as the same letter.
    """
    if text.isascii():
        # The same result, cheaper: ASCII is already NFKC, folds as it lowers, has no
        # Turkish i to merge, and the only controls are C0 and DEL.
        return _CONTROL.sub(" ", text.lower())
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _CONTROL.sub(" ", folded.replace("i\u0307", "i").replace("ı", "i"))


def search_terms(text: str) -> tuple[str, ...]:
    """Split user input into normalised terms; an unclosed quote runs to the end.

    >>> search_terms('deleted "Acme Corp" 10.0.')
    ('deleted', 'acme corp', '10.0.')
    """
    terms: list[str] = []
    for match in re.finditer(r'"([^"]*)"?|(\S+)', text):
        phrase = match.group(1) if match.group(1) is not None else match.group(2)
        term = " ".join(normalise(phrase).split())
        if term and term not in terms:
            terms.append(term)
    return tuple(terms[:_MAX_TERMS])
