"""A draft's own folder, under the data folder's ``drafts/``: the file as given (``original``
plus its extension), the staged Parquet file the job wrote, and ``draft.json`` (what the store
needs to commit the staged file, and the review). Nothing here is in the record store.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from holotype.services.context import Portal
from holotype.store import StagedSource

ORIGINAL = "original"
STATE = "draft.json"
RENAMED = "renamed.parquet"


def root(portal: Portal) -> Path:
    return portal.settings.data_dir / "drafts"


def folder(portal: Portal, draft_id: str) -> Path:
    return root(portal) / draft_id


def take(path: Path, target_folder: Path, display_name: str) -> Path:
    """Move the given file into the draft's folder (a rename on one file system), keeping the
    extension the readers tell its format by."""
    target_folder.mkdir(parents=True, exist_ok=True)
    suffix = "".join(PurePath(display_name).suffixes[-2:])[:20] or path.suffix
    target = target_folder / f"{ORIGINAL}{suffix}"
    shutil.move(os.fspath(path), target)
    return target


def original(draft_folder: Path) -> Path | None:
    return next(iter(sorted(draft_folder.glob(f"{ORIGINAL}*"))), None)


@dataclass(frozen=True)
class Saved:
    """What the job left: the staged file's description, the original's digest and size, and
    the review (a plain dict, :meth:`holotype.services.drafts.review.Review.as_dict`)."""

    staged: StagedSource
    sha256: str
    size: int
    review: dict[str, Any]


def save(draft_folder: Path, saved: Saved) -> None:
    staged = saved.staged
    data = {"staged": {"file": staged.path.name, "fields": staged.fields, "rows": staged.rows,
                       "format": staged.format, "first_row": staged.first_row,
                       "default_id_field": staged.default_id_field,
                       "declared_id": staged.declared_id, "warnings": staged.warnings},
            "sha256": saved.sha256, "size": saved.size, "review": saved.review}
    temporary = draft_folder / f"{STATE}.tmp"
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    temporary.replace(draft_folder / STATE)  # whole or not at all


def load(draft_folder: Path) -> Saved | None:
    try:
        data = json.loads((draft_folder / STATE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    s = data["staged"]
    staged = StagedSource(draft_folder / s["file"], list(s["fields"]), int(s["rows"]),
                          s["format"], int(s["first_row"]), s["default_id_field"],
                          bool(s["declared_id"]), list(s["warnings"]))
    return Saved(staged, data["sha256"], int(data["size"]), data["review"])


def remove(draft_folder: Path) -> None:
    shutil.rmtree(draft_folder, ignore_errors=True)
