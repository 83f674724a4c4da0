"""Peer: PostgreSQL full text with a GIN index, as CKAN's DataStore uses it.

A throwaway cluster (as ``tests/fixtures/postgres.py`` starts one, without pytest: as the
``postgres`` system user under root, on a free loopback port, in a temporary directory that is
removed afterwards), tuned for this 2-core, 24 GB machine. The table holds every CSV column as
text, ``_year`` (the year parsed at load time, as Holotype pre-parses numbers) and CKAN's
``_full_text``: ``to_tsvector`` over every column's value joined by spaces (CKAN's trigger does
``to_tsvector(string_agg(value, ' '))`` over the row's non-underscore columns, with the default
text search configuration, ``english``), with a GIN index. Free text is CKAN's
``_full_text @@ plainto_tsquery('english', q)``; count, facets and page are separate statements.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from tests.fixtures import pgcluster

from benchmarks.peers_common import ID, SqlPeer
from benchmarks.peers_common import quote as _q

FTS_CONFIG = "english"  # ckan.datastore.default_fts_lang's default
#: A fair operator's settings for a 2-core, 24 GB machine serving searches.
SETTINGS = {
    "shared_buffers": "2GB",
    "work_mem": "64MB",
    "maintenance_work_mem": "1GB",
    "effective_cache_size": "16GB",
    "max_parallel_workers_per_gather": "2",
    "max_parallel_maintenance_workers": "2",
    "random_page_cost": "1.1",
    "default_text_search_config": f"pg_catalog.{FTS_CONFIG}",
    # a throwaway cluster: durability off for the load (reads are unaffected)
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_wal_size": "4GB",
}


class Cluster(pgcluster.Cluster):
    """The benchmark's cluster: tuned like a fair operator would."""

    def __init__(self) -> None:
        super().__init__(SETTINGS, "run `make bench`, which installs it")


def load(url: str, csv_path: Path, derived: dict[str, str] | None = None,
         after_table: Callable[[psycopg.Connection[Any]], dict[str, float]] | None = None,
         ) -> dict[str, Any]:
    """COPY the CSV in, derive ``_year`` and ``_full_text``, index, VACUUM ANALYZE.

    ``derived``: more columns (name: SQL expression over the CSV's text columns) made in the
    same pass; ``after_table``: run on the new table before the GIN and id indexes are made
    (so a CLUSTER there rebuilds no other index), given the connection, returning its timings.
    """
    with csv_path.open(encoding="utf-8") as handle:
        columns = next(iter(handle)).strip().replace('"', "").split(",")
    names = ", ".join(_q(c) for c in columns)
    times: dict[str, float] = {}
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as con:
        fields = ", ".join(f"{_q(c)} text" for c in columns)
        con.execute(f"CREATE UNLOGGED TABLE staging ({fields})")
        with con.cursor().copy(
            f"COPY staging ({names}) FROM STDIN WITH (FORMAT csv, HEADER true)"
        ) as copy, csv_path.open("rb") as source:
            while block := source.read(1 << 20):
                copy.write(block)
        times["copy_s"] = time.perf_counter() - started
        mark = time.perf_counter()
        text = "concat_ws(' ', " + names + ")"  # like string_agg over the row's values
        year = _q("year")
        con.execute(
            f"CREATE TABLE records AS SELECT {names}, "
            f"CASE WHEN {year} ~ '^\\s*[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*$' "
            f"THEN {year}::double precision END AS _year, "
            f"to_tsvector('{FTS_CONFIG}', {text}) AS _full_text"
            + "".join(f", {expr} AS {_q(name)}" for name, expr in (derived or {}).items())
            + " FROM staging"
        )
        con.execute("DROP TABLE staging")
        times["full_text_s"] = time.perf_counter() - mark
        if after_table is not None:
            times.update(after_table(con))
        mark = time.perf_counter()
        con.execute("CREATE INDEX records_full_text ON records USING gin (_full_text)")
        times["gin_index_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        con.execute(f"CREATE UNIQUE INDEX records_id ON records ({_q(ID)})")
        times["id_index_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        con.execute("VACUUM ANALYZE records")
        times["vacuum_analyze_s"] = time.perf_counter() - mark
        row = con.execute("SELECT pg_total_relation_size('records'), version()").fetchone()
        assert row is not None
        times["total_s"] = time.perf_counter() - started
        return {**times, "bytes": int(row[0]), "server_version": str(row[1])}


class PostgresPeer(SqlPeer):
    """Runs benchmark queries as CKAN's DataStore would: count, page (and facets) in SQL."""

    name = "postgres"
    mark = "%s"
    no_versions = "CKAN's DataStore keeps no versions"

    def __init__(self, url: str) -> None:
        # CKAN sends each statement as SQL text; server-side prepared statements (psycopg's
        # default after five runs) would let PostgreSQL switch to a generic plan that pages a
        # rare word by walking the id index: 3 ms becomes 280 ms.
        self.con = psycopg.connect(url, autocommit=True, prepare_threshold=None)
        found = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'records' "
            "AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position"
        ).fetchall()
        self.select = ", ".join(_q(str(r[0])) for r in found)  # what datastore_search returns

    def close(self) -> None:
        self.con.close()

    def text_condition(self, word: str) -> tuple[str, Any]:
        return f"_full_text @@ plainto_tsquery('{FTS_CONFIG}', %s)", word

