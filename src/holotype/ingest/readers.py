"""The registry of ingest readers: which formats exist, how a file names them, who stages them.

A reader module declares a :class:`Reader` (the formats it stages, the file extensions and the
other names that mean them, how the supported-formats message names each, and its stage
function) and registers it with :func:`register` when it is imported. The built-in readers
are listed in :data:`BUILTIN`; the registry imports their modules itself on first use.
:mod:`holotype.ingest.read` dispatches through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from holotype.ingest.source import Limits
from holotype.registry import Registry
from holotype.store import StagedSource


@dataclass(frozen=True)
class Staging:
    """One file to stage, in a format its reader stages."""

    con: duckdb.DuckDBPyConnection
    path: Path  # the uploaded file
    work_dir: Path  # scratch space the reader may use
    out: Path  # the staging Parquet file to write
    format: str
    display_name: str  # the name the user knows the file by (errors use it)
    limits: Limits
    data_dir: Path | None = None  # the site's data directory, for media files a file carries


Stage = Callable[[Staging], StagedSource]


@dataclass(frozen=True)
class Reader:
    name: str
    formats: tuple[str, ...]  # the formats it stages
    extensions: Mapping[str, str]  # file extension (".csv") -> format
    aliases: Mapping[str, str]  # other names a caller may give -> format
    described: tuple[str, ...]  # each format as the supported-formats message names it
    stage: Stage


_HERE = "holotype.ingest"
#: The built-in readers, in the order their formats are listed, and the modules that register them.
BUILTIN = {
    "delimited": f"{_HERE}.delimited",
    "excel": f"{_HERE}.excel",
    "json": f"{_HERE}.jsonfile",
    "dwca": f"{_HERE}.dwca",
}
READERS: Registry[Reader] = Registry("ingest reader", BUILTIN)


def register(reader: Reader) -> Reader:
    """Add ``reader`` to :data:`READERS` under its name; returns it."""
    return READERS.register(reader.name, reader)


def formats() -> tuple[str, ...]:
    """Every format a reader stages."""
    return tuple(fmt for reader in READERS for fmt in reader.formats)


def extensions() -> dict[str, str]:
    """File extension -> format, for every reader."""
    return {ext: fmt for reader in READERS for ext, fmt in reader.extensions.items()}


def aliases() -> dict[str, str]:
    """Other name -> format, for every reader."""
    return {alias: fmt for reader in READERS for alias, fmt in reader.aliases.items()}


def reader_for(fmt: str) -> Reader:
    """The reader that stages ``fmt`` (one of :func:`formats`)."""
    for reader in READERS:
        if fmt in reader.formats:
            return reader
    raise LookupError(f"no ingest reader stages {fmt!r}; formats: {', '.join(formats())}")


def supported() -> str:
    """"supported formats: CSV (.csv, .txt), ... and Darwin Core Archives (.zip)"."""
    named = [text for reader in READERS for text in reader.described] or ["none"]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    return f"supported formats: {listed}"
