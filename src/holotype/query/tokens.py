"""The one definition of a token, shared by the search index and by queries.

A text's tokens are found in three steps:

1. lowercase, code point by code point (Unicode simple case mapping: "ΑΣ" → "ασ", "İ" → "i");
2. remove accents: canonical decomposition (NFD), drop every combining mark (general categories
   Mn, Mc and Me), recompose (NFC): "Hélène" → "helene", "Ёлка" → "елка";
3. split on anything that is not a letter or a digit (general categories L* and N*); the
   maximal runs of letters and digits are the tokens, in order, repeats kept.

``token_list_sql`` does this in DuckDB (``lower``, ``strip_accents``, ``regexp_extract_all`` with
RE2's ``\\p{L}\\p{N}``); ``tokenize`` does it in Python and gives exactly the same lists. Both
engines carry their own Unicode tables: DuckDB 2.0 has Unicode 15.0, Python 3.11 has 14.0, so the
code points Unicode 15.0 assigned are classified below as DuckDB classifies them (a test compares
the two on every code point). ß, æ, ø and ligatures such as ﬁ have no canonical decomposition and
stay as they are.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Final

from holotype.engine import literal

#: Code points that are unassigned in Python 3.11's Unicode 14.0 tables but combining marks in
#: DuckDB's Unicode 15.0 tables (removed with the accents).
UNICODE_15_MARKS: Final = (
    (0x0CF3, 0x0CF3), (0x0ECE, 0x0ECE), (0x10EFD, 0x10EFF), (0x11241, 0x11241),
    (0x11F00, 0x11F01), (0x11F03, 0x11F03), (0x11F34, 0x11F3A), (0x11F3E, 0x11F42),
    (0x13440, 0x13440), (0x13447, 0x13455), (0x1E08F, 0x1E08F), (0x1E4EC, 0x1E4EF),
)  # fmt: skip
#: Code points unassigned in Unicode 14.0 but letters or digits in Unicode 15.0.
UNICODE_15_WORD: Final = (
    (0x1123F, 0x11240), (0x11F02, 0x11F02), (0x11F04, 0x11F10), (0x11F12, 0x11F33),
    (0x11F50, 0x11F59), (0x1342F, 0x1342F), (0x13441, 0x13446), (0x1B132, 0x1B132),
    (0x1B155, 0x1B155), (0x1D2C0, 0x1D2D3), (0x1DF25, 0x1DF2A), (0x1E030, 0x1E06D),
    (0x1E4D0, 0x1E4EB), (0x1E4F0, 0x1E4F9), (0x2B739, 0x2B739), (0x31350, 0x323AF),
)  # fmt: skip

_TOKEN_PATTERN: Final = r"[\p{L}\p{N}]+"
_MARK_CATEGORIES: Final = frozenset({"Mn", "Mc", "Me"})


def token_list_sql(expr: str) -> str:
    """A DuckDB expression for the tokens (VARCHAR[]) of the VARCHAR expression ``expr``.

    NULL gives NULL; text without letters or digits gives an empty list. NUL characters are
    turned into spaces first, because DuckDB's accent removal stops at a NUL.
    """
    return (
        f"regexp_extract_all(strip_accents(lower(replace({expr}, chr(0), ' '))), "
        f"{literal(_TOKEN_PATTERN)})"
    )


def tokenize(text: str) -> list[str]:
    """The tokens of ``text``, exactly as ``token_list_sql`` gives them."""
    # str.lower() is the full case mapping; make it the simple one DuckDB uses: no final-sigma
    # rule, and "İ" becomes "i" (its full mapping adds a dot above, removed with the accents).
    lowered = text.replace("Σ", "σ").replace("İ", "i").lower()
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFD", lowered)
        kept = "".join(c for c in decomposed if not _is_mark(c))
        lowered = unicodedata.normalize("NFC", kept)
    return _word_runs().findall(lowered)


def _is_mark(char: str) -> bool:
    category = unicodedata.category(char)
    if category in _MARK_CATEGORIES:
        return True
    return category == "Cn" and _in(ord(char), UNICODE_15_MARKS)


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


@cache
def _word_runs() -> re.Pattern[str]:
    # [^\W_] is exactly Python's letters and digits (general categories L* and N*)
    extra = "".join(f"{chr(low)}-{chr(high)}" for low, high in UNICODE_15_WORD)
    return re.compile(rf"(?:[^\W_]|[{extra}])+")
