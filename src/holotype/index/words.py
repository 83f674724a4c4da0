"""The index's words: common ones by number in DuckDB, rare ones in the row file's postings only.

Full-text search needs, for each word (token), the record versions holding it. The row file's
postings (``postings``) hold every word's count and, for a word at most ``POSTED`` versions
hold (a *rare* word: most words are, being catalogue numbers, coordinates, dates...), the list
of those versions; a search finds them in microseconds. So only *common* words (held by more)
are kept in DuckDB: ``words`` gives each an integer id (``tid``) and ``tokens`` holds a
``(tid, _rid)`` row per version holding it, sorted by ``tid`` and ``_rid``. A word query
compiles to a scan of one ``tid`` for a common word and to its listed ``_rid``s for a rare one
(``target``). Keeping every word's rows in DuckDB as ``(token, _rid)`` took 650 MB for the
6,070,800 specimens of the scale benchmark; this takes 226 MB (the rare words' strings, most of
them unique, were most of it) and leaves their lists to the postings, which held them anyway.

A build computes the complete entry (count, list when rare) of every word the rows it adds
hold, into the temporary table ``entries`` that the row file's postings are then written from.
On a resource's first build that is every word. On an update, a word's entry is its entry in
the previous row file's postings merged with the new rows; a word the update makes common gets
an id, and its earlier versions (listed, being rare until now) go to ``tokens`` with the new.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from holotype.engine import ident
from holotype.index import postings
from holotype.query.tokens import token_list_sql

CHUNK = 100_000  # words an update merges at a time


def _token_rows_sql(con: duckdb.DuckDBPyConnection, first: int, columns: Sequence[str]) -> str:
    """(token, _rid) of the rows after ``first``, one per token a field holds (a token met in
    two fields gives two rows: counts are per field, as lookups do not mind).

    Fields with few distinct values (country, genus, ...) are tokenized once per distinct value
    and joined back to the rows; fields that are nearly unique per row (ids, coordinates) are
    tokenized row by row."""
    new = f"(SELECT * FROM records WHERE _rid > {int(first)})"
    counts = con.execute(
        "SELECT count(*), " + ", ".join(f"approx_count_distinct({ident(c)})" for c in columns)
        + f" FROM {new}"
    ).fetchone()
    assert counts is not None
    rows = max(int(counts[0]), 1)
    many = [c for c, n in zip(columns, counts[1:], strict=True) if int(n or 0) > rows // 10]
    few = [c for c in columns if c not in many]
    parts = []
    if many:
        text = "concat_ws(' ', " + ", ".join(ident(c) for c in many) + ")"
        parts.append(f"SELECT unnest({token_list_sql(text)}) AS token, _rid FROM {new}")
    for c in few:
        values = f"SELECT DISTINCT {ident(c)} AS v FROM {new} WHERE {ident(c)} IS NOT NULL"
        parts.append(
            f"SELECT t.token, r._rid FROM {new} AS r JOIN (SELECT v, unnest({token_list_sql('v')})"
            f" AS token FROM ({values})) AS t ON r.{ident(c)} = t.v"
        )
    return " UNION ALL ".join(parts)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE words (token VARCHAR, tid INTEGER)")
    con.execute("CREATE TABLE tokens (tid INTEGER, _rid BIGINT)")


def add_tokens(
    con: duckdb.DuckDBPyConnection, first: int, columns: Sequence[str], base: Path | None
) -> None:
    """Add the words of the rows after ``first``; ``base``: the row file of the index these
    rows extend (None on a first build). Leaves the temporary table ``entries`` (token, n,
    rids) for the postings: see the module docstring."""
    con.execute("CREATE OR REPLACE TEMP TABLE entries (token VARCHAR, n BIGINT, rids VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE fresh (token VARCHAR, _rid BIGINT)")
    if columns:
        con.execute(f"INSERT INTO fresh {_token_rows_sql(con, first, columns)}")
    grouped = (f"SELECT token, count(*) AS n, CASE WHEN count(*) <= {postings.POSTED} THEN "
               "string_agg(_rid::VARCHAR, ',') END AS rids FROM fresh GROUP BY token")
    if base is None:
        con.execute(f"INSERT INTO entries {grouped}")
        earlier = _pairs([], [])
    else:
        earlier = _merge(con, grouped, base)
    # every word now held by more than POSTED versions has an id; the new ones get the next
    con.execute(
        "INSERT INTO words SELECT token, (SELECT coalesce(max(tid), 0) FROM words) + "
        "row_number() OVER (ORDER BY token) FROM entries WHERE n > "
        f"{postings.POSTED} AND token NOT IN (SELECT token FROM words)"
    )
    con.register("earlier", earlier)
    try:
        con.execute(
            "INSERT INTO tokens SELECT w.tid, t._rid FROM (SELECT token, _rid FROM fresh "
            "UNION ALL SELECT token, _rid FROM earlier) AS t JOIN words AS w USING (token) "
            "ORDER BY w.tid, t._rid"
        )
    finally:
        con.unregister("earlier")
    con.execute("DROP TABLE fresh")


def _pairs(tokens: list[str], rids: list[int]) -> pa.Table:
    return pa.table({"token": pa.array(tokens, pa.string()), "_rid": pa.array(rids, pa.int64())})


def _merge(con: duckdb.DuckDBPyConnection, grouped: str, base: Path) -> pa.Table:
    """Fill ``entries`` with the new rows' words merged with their entries in ``base``'s
    postings; the earlier versions of the words this update makes common, as (token, _rid).

    ``CHUNK`` words at a time, in token order, so that memory stays bounded however many words
    an update holds (replacing a resource whole touches all of them)."""
    con.execute("CREATE OR REPLACE TEMP TABLE touched AS SELECT row_number() OVER "
                f"(ORDER BY token) AS k, token, n, rids FROM ({grouped})")
    found = con.execute("SELECT count(*) FROM touched").fetchone()
    total_words = int(found[0]) if found else 0
    promoted_tokens: list[str] = []
    promoted_rids: list[int] = []
    old = sqlite3.connect(f"file:{base}?mode=ro&immutable=1", uri=True)
    try:
        for low in range(0, total_words, CHUNK):
            added = con.execute("SELECT token, n, rids FROM touched WHERE k > ? AND k <= ? "
                                "ORDER BY k", [low, low + CHUNK]).fetchall()
            before = postings.read_many(old, [row[0] for row in added])
            tokens: list[str] = []
            counts: list[int] = []
            lists: list[str | None] = []
            for token, n, rids in added:
                n0, rids0 = before.get(token, (0, ""))
                total = n0 + int(n)
                tokens.append(token)
                counts.append(total)
                if total <= postings.POSTED:  # rare before and still: both lists complete
                    lists.append(rids if not rids0 else f"{rids0},{rids}")
                    continue
                lists.append(None)
                if n0 <= postings.POSTED and rids0:  # common now: its earlier versions too
                    promoted_tokens += [token] * (rids0.count(",") + 1)
                    promoted_rids += map(int, rids0.split(","))
            con.register("merged", pa.table({"token": pa.array(tokens, pa.string()),
                                             "n": pa.array(counts, pa.int64()),
                                             "rids": pa.array(lists, pa.string())}))
            try:
                con.execute("INSERT INTO entries SELECT token, n, rids FROM merged")
            finally:
                con.unregister("merged")
    finally:
        old.close()
    con.execute("DROP TABLE touched")
    return _pairs(promoted_tokens, promoted_rids)
