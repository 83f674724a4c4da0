"""Shared by the draft tests: write a CSV, start a draft of it and let a worker read it."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from holotype.search.results import SearchRequest
from holotype.services import drafts, portal_search
from holotype.services.context import Portal
from holotype.services.drafts.worker import make_worker
from holotype.services.identity import Identity


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run_workers(portal: Portal) -> None:
    worker = make_worker(portal, 0.01)
    while worker.run_once():
        pass


def reviewed(portal: Portal, identity: Identity, dataset: str, resource: str, path: Path,
             *, new: bool = True, **kwargs: object) -> drafts.DraftInfo:
    """A draft of ``path``, read by a worker: its review (or its failure)."""
    started = drafts.start(portal, identity, dataset, resource, path, path.name,
                           new_resource=new, **kwargs)  # type: ignore[arg-type]
    assert started.status == "queued"
    run_workers(portal)
    return drafts.show(portal, identity, started.id)


def found(portal: Portal, identity: Identity, word: str) -> int:
    """Records a search for ``word`` over everything ``identity`` may see finds."""
    resources = portal_search.scope(portal, identity, "everything", None)
    answer = portal_search.run(portal, resources, {"search": word}, None,
                               SearchRequest({"search": word}))
    return answer.total
