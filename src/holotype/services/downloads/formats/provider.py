"""What a download format is: the contract every format module implements.

A format declares what varies from one format to another (its name and aliases, a title for
people, the extension of its data files, their media type, the ``format_args`` it takes, how
the records are split into files) and writes the rows of each :class:`Part` into zip members.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from holotype.search.rowsets import RecordSet
from holotype.services.downloads.members import Member, Part
from holotype.services.downloads.package import Credit

Progress = Callable[[int], None]  # records written so far


class Split(enum.Enum):
    """How a format splits the records into files."""

    AS_REQUESTED = "as requested"  # one file per resource, or one for all (separate_files)
    PER_RESOURCE = "per resource"  # always one per resource (the sheets of one workbook)
    WHOLE_SET = "whole set"  # always one, holding every resource


@dataclass(frozen=True)
class About:
    """The download being written, for formats that describe it (e.g. eml.xml)."""

    download_id: str
    site_name: str
    base_url: str
    status_url: str
    generated: datetime
    total: int
    citation: str
    credits: tuple[Credit, ...]


@dataclass(frozen=True)
class Output:
    """What a format writes from: the engine, the record set and its parts, a work folder."""

    cursor: duckdb.DuckDBPyConnection
    records: RecordSet
    parts: tuple[Part, ...]
    names: Mapping[str, str]  # resource id -> "dataset/resource"
    work: Path  # a folder for files written before they are zipped
    progress: Progress
    format_args: Mapping[str, Any]
    about: About


@dataclass(frozen=True)
class Written:
    """The zip members a format made, and any small text files to add (e.g. meta.xml)."""

    members: list[Member]
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DownloadFormat(ABC):
    """A download format; register an instance in :data:`holotype.services.downloads.formats
    .FORMATS` from its own module."""

    name: str  # what a request asks for (file.format)
    title: str  # what people read (the Download form, the status page)
    extension: str  # of its data files, without the dot
    media_type: str  # of its data files
    aliases: tuple[str, ...] = ()  # other names accepted in a request
    options: frozenset[str] = frozenset()  # the format_args it takes (each true or false)
    split: Split = Split.AS_REQUESTED

    def check(self, counts: Mapping[str, int]) -> None:
        """Refuse a request before it is queued (raise :class:`~holotype.errors
        .Invalid` naming ``file.format``); ``counts`` maps "dataset/resource" to records.
        Most formats refuse nothing."""
        return None

    @abstractmethod
    def write(self, out: Output) -> Written:
        """The zip members for ``out.parts`` (rows the engine streams, or finished files)."""
