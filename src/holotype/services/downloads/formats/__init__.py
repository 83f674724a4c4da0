"""The file formats a download can be written in: a registry of providers, one module each.

A format module defines a :class:`DownloadFormat` and registers it with :func:`register` when
it is imported. The built-in formats are listed in :data:`BUILTIN`; the registry imports their
modules itself on first use.
"""

from __future__ import annotations

from holotype.registry import Registry
from holotype.services.downloads.formats.provider import (
    About,
    DownloadFormat,
    Output,
    Progress,
    Split,
    Written,
)

_HERE = "holotype.services.downloads.formats"
#: The built-in formats, in the order they are offered, and the modules that register them.
BUILTIN = {
    "csv": f"{_HERE}.copy",
    "tsv": f"{_HERE}.copy",
    "jsonl": f"{_HERE}.copy",
    "parquet": f"{_HERE}.copy",
    "xlsx": f"{_HERE}.xlsx",
    "dwca": f"{_HERE}.dwca",
}
FORMATS: Registry[DownloadFormat] = Registry("download format", BUILTIN)


def register(fmt: DownloadFormat) -> DownloadFormat:
    """Add ``fmt`` to :data:`FORMATS` under its name; returns it."""
    return FORMATS.register(fmt.name, fmt)


def canonical_name(name: str) -> str:
    """The format's own name for ``name`` (any letter case, or one of its aliases);
    ``name`` lower-cased when no format has it."""
    wanted = name.lower()
    for fmt in FORMATS:
        if wanted in fmt.aliases:
            return fmt.name
    return wanted


__all__ = [
    "BUILTIN",
    "FORMATS",
    "About",
    "DownloadFormat",
    "Output",
    "Progress",
    "Split",
    "Written",
    "canonical_name",
    "register",
]
