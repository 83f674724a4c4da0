"""Search indexes derived from the record store: built per resource version, attached read-only.

Other packages use the names below; the modules behind them are the index's inside (the search
engine, :mod:`holotype.search`, also reads an attached index's tables and row file).
"""

from __future__ import annotations

from holotype.index.build import BuildResult, build_index
from holotype.index.engine import Attached, IndexEngine, Superseded
from holotype.index.layout import FORMAT, OPEN, index_path, indexed_versions, prune_indexes
from holotype.index.leftovers import LOCK, sweep_all_leftovers, sweep_leftovers

__all__ = [
    "FORMAT",
    "LOCK",
    "OPEN",
    "Attached",
    "BuildResult",
    "IndexEngine",
    "Superseded",
    "build_index",
    "index_path",
    "indexed_versions",
    "prune_indexes",
    "sweep_all_leftovers",
    "sweep_leftovers",
]
