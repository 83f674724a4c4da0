from __future__ import annotations

from pathlib import Path

import pytest

from holotype.engine import connect
from holotype.store.store import RecordStore, ResourceStore


@pytest.fixture
def store(tmp_path: Path) -> RecordStore:
    return RecordStore(tmp_path / "store", lambda: connect(threads=2, memory_limit="1GB"))


@pytest.fixture
def resource(store: RecordStore) -> ResourceStore:
    return store.resource("r1")
