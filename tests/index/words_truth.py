"""What an index's words must be, found independently of the build: every field of every
record version tokenized afresh (``token_list_sql``, one row per token a field holds)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import duckdb

from holotype.engine import ident
from holotype.index.layout import index_path, rows_path
from holotype.index.rows import RowStore
from holotype.query.tokens import token_list_sql


def truth(index: duckdb.DuckDBPyConnection, columns: Sequence[str]) -> dict[str, list[int]]:
    """Every token of the index's records, with the ``_rid`` of each field holding it."""
    parts = [f"SELECT unnest({token_list_sql(ident(c))}) AS token, _rid FROM records"
             for c in columns]
    return {str(token): sorted(rids) for token, rids in index.execute(
        f"SELECT token, list(_rid) FROM ({' UNION ALL '.join(parts)}) GROUP BY token").fetchall()}


def check(index: duckdb.DuckDBPyConnection, store: RowStore, columns: Sequence[str],
          limit: int) -> tuple[int, int]:
    """The index's common words (ids and rows) and the row file's postings hold exactly what
    the records hold; (listed words, unlisted words)."""
    want = truth(index, columns)
    words = dict(index.execute("SELECT token, tid FROM words").fetchall())
    rows = dict(index.execute("SELECT tid, list(_rid) FROM tokens GROUP BY tid").fetchall())
    common = {token for token, rids in want.items() if len(rids) > limit}
    assert words.keys() == common
    assert len(set(words.values())) == len(words)  # one id a word
    assert {tid: sorted(rids) for tid, rids in rows.items()} == {
        words[token]: want[token] for token in common}
    found = store.postings([*want, "notatokenanywhere"])
    got = {token: (p.n, sorted(p.rids) if p.rids is not None else None)
           for token, p in found.items()}
    expected = {token: (len(rids), rids if len(rids) <= limit else None)
                for token, rids in want.items()}
    wrong = {t: (got.get(t), expected.get(t)) for t in got.keys() | expected.keys()
             if got.get(t) != expected.get(t)}
    assert not wrong, sorted(wrong.items())[:5]
    return len(want) - len(common), len(common)


def check_words(root: Path, version: int, limit: int) -> tuple[int, int]:
    """:func:`check` for a resource's index and row files of ``version``."""
    with duckdb.connect(str(index_path(root, version)), read_only=True) as index:
        found = index.execute("SELECT value FROM meta WHERE key = 'columns'").fetchone()
        assert found is not None
        store = RowStore(rows_path(root, version))
        try:
            return check(index, store, json.loads(found[0]), limit)
        finally:
            store.close()
