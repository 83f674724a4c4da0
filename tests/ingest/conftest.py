"""Shared fixtures for the ingest tests: a DuckDB connection and a staged-file reader."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from holotype.engine import connect

SHARED = Path(__file__).resolve().parents[3] / "shared"


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(memory_limit="1GB", threads=2)
    yield connection
    connection.close()


@pytest.fixture
def read_rows() -> Callable[[Path], list[dict[str, Any]]]:
    """The staged Parquet file's rows as dicts, in order."""

    def read(path: Path) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
        return rows

    return read


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "staged.parquet"


ArchiveBuilder = Callable[..., Path]


@pytest.fixture
def make_zip(tmp_path: Path) -> ArchiveBuilder:
    """Write a zip from {member name: content}; returns its path."""

    def build(
        members: dict[str, str | bytes],
        name: str = "archive.zip",
        compression: int = zipfile.ZIP_DEFLATED,
    ) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", compression=compression) as archive:
            for member, content in members.items():
                archive.writestr(member, content)
        return path

    return build


def meta_xml(core: str, *extensions: str) -> str:
    """A meta.xml document around core and extension elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="eml.xml">\n'
        f"{core}\n{''.join(extensions)}</archive>\n"
    )
