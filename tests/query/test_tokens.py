"""The Python tokenizer and the DuckDB token expression give exactly the same tokens."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holotype.query import token_list_sql, tokenize

ALL_CODE_POINTS = [c for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF]
ALPHABET = (
    "aAzZ09 ,.;-_'\"\\/%\t\n\x00éÉèàÀçÇñÑöÖüÜßẞæÆøØåÅœŒ"
    "ΣσςΑΐΰİıǅǆﬁﬀ½²٣४一東京都한국어МоскваЁёЙй"
    "\u0301\u0308\u0327\u200b\u00a0"
)


def sql_tokens(con: duckdb.DuckDBPyConnection, texts: list[str]) -> list[list[str]]:
    table = pa.table({"i": list(range(len(texts))), "s": pa.array(texts, pa.string())})
    con.register("texts", table)
    rows = con.execute(f"SELECT i, {token_list_sql('s')} FROM texts ORDER BY i").fetchall()
    con.unregister("texts")
    return [r[1] for r in rows]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Hélène  O'Brien-Smith", ["helene", "o", "brien", "smith"]),
        ("STRASSE Straße", ["strasse", "straße"]),
        ("Ærø, Ørsted", ["ærø", "ørsted"]),
        ("ΟΔΥΣΣΕΥΣ ὈΔΥΣΣΕΎΣ", ["οδυσσευσ", "οδυσσευσ"]),
        ("İstanbul ıstanbul", ["istanbul", "ıstanbul"]),
        ("Москва, Ёлка", ["москва", "елка"]),
        ("東京都 2023-10-20", ["東京都", "2023", "10", "20"]),
        ("snake_case a.b 1,5", ["snake", "case", "a", "b", "1", "5"]),
        ("é\x00x", ["e", "x"]),
        ("!!! ...", []),
        ("", []),
    ],
)
def test_examples(con: duckdb.DuckDBPyConnection, text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens
    assert sql_tokens(con, [text]) == [tokens]


def test_sql_null_has_no_token_list(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute(f"SELECT {token_list_sql('NULL::VARCHAR')}").fetchone() == (None,)


def test_every_code_point_agrees(con: duckdb.DuckDBPyConnection) -> None:
    """Each code point alone, and between two letters (marks join, separators split)."""
    texts = [f"a{chr(c)}b" for c in ALL_CODE_POINTS]
    got = sql_tokens(con, texts)
    wrong = [
        (hex(c), t, g)
        for c, t, g in zip(ALL_CODE_POINTS, texts, got, strict=True)
        if tokenize(t) != g
    ]
    assert wrong == []


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.text(alphabet=ALPHABET, max_size=30) | st.text(max_size=30), min_size=1, max_size=40
    )
)
def test_random_text_agrees(con: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    assert sql_tokens(con, texts) == [tokenize(t) for t in texts]
