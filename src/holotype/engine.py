"""The embedded DuckDB engine: connections and SQL quoting helpers.

Connections are made by callers and passed down (never global), each with the memory and thread
limits from the settings, so that a worker never takes the whole machine.
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def connect(
    *, memory_limit: str = "2GB", threads: int = 0, temp_dir: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB connection configured for Holotype's work."""
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = {literal(memory_limit)}")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if temp_dir is not None:
        temp_dir.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = {literal(str(temp_dir))}")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    return con


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str | Path) -> str:
    """A quoted SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def path_list(paths: list[Path]) -> str:
    """A DuckDB list literal of file paths, for read_parquet([...])."""
    return "[" + ", ".join(literal(p) for p in paths) + "]"
