"""The versioned record store: a library with no web code (see docs/storage-model.md).

Other packages use the names below. The file readers produce a :class:`StagedSource`;
:meth:`ResourceStore.commit` commits it as one new version, or refuses it with a
:class:`CommitError`; the manifest's :class:`Version` entries describe every version.
"""

from __future__ import annotations

from holotype.store.commit import MODES, CommitResult, Progress, check_mode
from holotype.store.errors import CommitError
from holotype.store.field_loss import FieldLoss, FieldLossError
from holotype.store.history import RecordVersion
from holotype.store.history import build as build_history
from holotype.store.manifest import CorruptManifest, Manifest, Source, Version
from holotype.store.originals import open_original
from holotype.store.reader import ends_paths, segment_paths
from holotype.store.record_ids import check_id_field
from holotype.store.staged import MAX_FIELD_NAME, RESERVED, RESERVED_PREFIXES, StagedSource
from holotype.store.stats import field_type
from holotype.store.store import RecordStore, ResourceStore

__all__ = [
    "MAX_FIELD_NAME",
    "MODES",
    "RESERVED",
    "RESERVED_PREFIXES",
    "CommitError",
    "CommitResult",
    "CorruptManifest",
    "FieldLoss",
    "FieldLossError",
    "Manifest",
    "Progress",
    "RecordStore",
    "RecordVersion",
    "ResourceStore",
    "Source",
    "StagedSource",
    "Version",
    "build_history",
    "check_id_field",
    "check_mode",
    "ends_paths",
    "field_type",
    "open_original",
    "segment_paths",
]
