"""What a download zip is made of: the rows of each output file (:class:`Part`) and the files
of the zip (:class:`Member`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from holotype.search import View


@dataclass(frozen=True)
class Member:
    """A file of the zip: a finished file (``path``), or rows the engine writes (``sql``)."""

    arcname: str
    path: Path | None = None
    sql: str | None = None
    options: str = ""  # COPY options for ``sql``
    compress: bool = True
    records: int = 0


@dataclass(frozen=True)
class Part:
    """The rows of one output file or sheet: one resource, or several."""

    name: str  # file stem or sheet name
    views: tuple[View, ...]
    fields: tuple[str, ...]
    count: int
    with_resource: bool = False  # add a _resource column (several resources in one file)
