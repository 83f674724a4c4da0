"""A site with one dataset of two record resources (``ds/res-a``, ``ds/res-b``), for the
tests of search results, and the CSV writer they feed it with."""

from __future__ import annotations

import csv
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any
from unittest import mock

from holotype.config import load_settings
from holotype.services import catalogue, context
from holotype.services.context import Portal

BOTH = ["ds/res-a", "ds/res-b"]


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def open_site(directory: Path) -> Portal:
    """The portal at ``directory``, with the dataset and its two empty resources."""
    opened = Portal.open(load_settings(data_dir=directory))
    with opened.session() as session:
        catalogue.create_dataset(session, slug="ds", title="Data", licence="CC-BY-4.0")
        catalogue.create_resource(session, "ds", slug="res-a", name="A")
        catalogue.create_resource(session, "ds", slug="res-b", name="B")
    return opened


def keep_every_index() -> AbstractContextManager[Any]:
    """Builds inside keep every index file (a build keeps only the newest), for tests that
    compare a resource's first index with the ones updates built from it."""
    return mock.patch.object(context, "prune_indexes", lambda _root: None)
