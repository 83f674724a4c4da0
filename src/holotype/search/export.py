"""The engine connection that writes a download's files, separate from the search engine.

A download reads the record set's rows from the search indexes by row id; it needs no query
compiler, so it gets its own in-memory DuckDB with the index files attached read-only under the
same names as in the search engine (the SQL is the same). Its own connection means its own
limits: ``download_memory_limit`` bounds it, and it does not preserve insertion order, which
lets the engine stream rows out as its threads produce them instead of holding them back to
keep their order (writing 200,000 records to CSV took 0.23 s and 105 MB instead of 0.52 s
and 334 MB, and the memory held back grows with the download). Rows therefore come in no
particular order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from holotype.engine import connect, ident, literal
from holotype.index import IndexEngine, Superseded, index_path
from holotype.search.views import View


@contextmanager
def export_connection(
    indexes: IndexEngine, views: Sequence[View], *, memory_limit: str, threads: int,
    temp_dir: Path,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection of its own with the views' index files attached under their search
    engine names, for writing a record set's rows (:meth:`rowsets.RecordSet.rows`)."""
    con = connect(memory_limit=memory_limit, threads=threads, temp_dir=temp_dir)
    try:
        con.execute("SET preserve_insertion_order = false")
        attached: set[str] = set()
        for view in views:
            alias = view.attached.alias
            if alias in attached:
                continue
            path = index_path(indexes.resource_dir(view.rid), view.attached.version)
            try:
                con.execute(f"ATTACH {literal(path)} AS {ident(alias)} (READ_ONLY)")
            except duckdb.IOException as exc:
                if path.exists():
                    raise
                raise Superseded(str(path)) from exc  # the caller finds its views again
            attached.add(alias)
        yield con
    finally:
        con.close()
