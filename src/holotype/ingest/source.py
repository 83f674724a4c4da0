"""What every reader is given: the size limits that protect the server, and how strict to be.

Readers produce a :class:`holotype.store.staged.StagedSource`, the store's contract for what it
commits (see that module for the staged file's shape and the field-name rules).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Size limits that protect the server from oversized or malicious uploads."""

    max_upload_bytes: int = 4 * 1024**3
    max_uncompressed_bytes: int = 16 * 1024**3
    max_compression_ratio: int = 200
    max_fields: int = 1000
    # Refuse a Darwin Core Archive extension that cannot be read instead of skipping it.
    strict_archives: bool = False
