"""``holotype media add``: image files from a folder, attached to the records their names give,
as one new version of the resource.

Each image is stored by its content (:mod:`holotype.media.stored`) and added as a row of the
record's ``Multimedia`` field (``identifier`` = ``stored:<sha256>.<ext>``, ``format``,
``title`` = the file name, and ``creator``, ``rightsHolder``, ``license`` when given), after the
rows it has; an image the record already has is not added twice, so adding a folder again
changes nothing. The change is a patch of the ``Multimedia`` field through the ordinary ingest,
so it is one version, with the post-commit hooks (the media registry among them).

Everything is checked before anything is stored: a file that is not a readable image, or that
fits several records, refuses the whole folder, naming the files, and nothing changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from holotype.errors import Invalid
from holotype.images import ImageError, probe
from holotype.media.files import candidates as value_candidates
from holotype.media.files import image_files, image_format, image_problem, record_value
from holotype.media.refs import record_media
from holotype.media.stored import store_file
from holotype.services import catalogue, guard
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.records import IngestOutcome, ingest
from holotype.services.workdirs import work_dir
from holotype.store import Progress

NAMED = 10  # files named in a refusal


@dataclass(frozen=True)
class Credits:
    creator: str | None = None
    rights_holder: str | None = None
    licence: str | None = None


@dataclass
class AddOutcome:
    matched: dict[str, list[str]] = field(default_factory=dict)  # record value -> file names
    record_ids: dict[str, str] = field(default_factory=dict)  # record value -> record id
    unmatched_files: list[str] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)  # not image files by their extension
    records_without_images: int = 0  # records of the resource that got no file
    added: int = 0  # images new to their records
    ingest: IngestOutcome | None = None  # None when nothing changed


def add_images(
    portal: Portal, identity: Identity, resource: str, folder: Path, *, match: str,
    credits: Credits | None = None, progress: Progress | None = None,
) -> AddOutcome:
    """Attach the image files in ``folder`` to the records of ``resource`` whose ``match``
    field their names give (see :mod:`holotype.media.files`)."""
    guard.require_change(portal, identity, resource, resource=True, field="resource")
    say = progress or (lambda _step: None)
    with portal.session() as session:
        found = catalogue.get_resource(session, resource)
    if found.kind != "records":
        raise Invalid(f"resource {resource!r} holds a plain file, not records", field="resource")
    if not folder.is_dir():
        raise Invalid(f"{folder} is not a folder", field="folder")
    store = portal.store.resource(found.id)
    id_field = store.manifest().id_field
    if store.resolve() is None:
        raise Invalid(f"resource {resource!r} has no records yet", field="resource")
    if id_field is None:
        raise Invalid(f"the records of {resource!r} have ids generated from their content, so "
                      "images cannot be attached to them (they would change every id)",
                      field="resource")
    if match.casefold() not in {column.casefold() for column in store.manifest().columns}:
        raise Invalid(f"the records of {resource!r} have no field {match!r} to match file "
                      "names with", field="match")
    images, others = image_files(folder)
    outcome = AddOutcome(other_files=[p.name for p in others])
    say("checking the images")
    _check(portal, images)
    wanted = sorted({value for path in images for value in value_candidates(path.stem)})
    rows = store.matching_records(match, wanted, [id_field, "Multimedia"])
    by_value: dict[str, list[tuple[str | None, ...]]] = {}
    for row in rows:
        by_value.setdefault(str(row[0]), []).append(row)
    files: dict[str, list[Path]] = {}
    for path in images:
        value = record_value(path.stem, by_value)
        if value is None:
            outcome.unmatched_files.append(path.name)
        else:
            files.setdefault(value, []).append(path)
    shared = [f"{paths[0].name} ({match} {value!r} is in {len(by_value[value])} records)"
              for value, paths in files.items() if len(by_value[value]) > 1]
    if shared:
        raise Invalid("these files fit several records, so which one is meant is unclear: "
                      + "; ".join(shared[:NAMED]), field="folder")
    outcome.matched = {value: [p.name for p in paths] for value, paths in files.items()}
    outcome.record_ids = {value: str(by_value[value][0][1]) for value in files}
    total = store.resolve()
    outcome.records_without_images = (total.total if total else 0) - len(files)
    existing = {value: _rows(by_value[value][0][2], match, value) for value in files}
    say("storing the images")
    patch = []
    for value, paths in files.items():
        record_id = by_value[value][0][1]
        rows_now = existing[value]
        have = {ref.source for ref in record_media({"Multimedia": rows_now})}
        for path in paths:
            source = store_file(portal.settings.data_dir, path)
            if source not in have:
                have.add(source)
                rows_now.append(_row(source, path, credits or Credits()))
                outcome.added += 1
        patch.append({id_field: record_id, "Multimedia": json.dumps(rows_now,
                                                                     ensure_ascii=False)})
    if outcome.added:
        with work_dir(portal.work_dir) as work:
            path = work / "media.jsonl"
            path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in patch),
                            encoding="utf-8")
            outcome.ingest = ingest(portal, identity, found.id, path, mode="patch",
                                    display_name=f"images from {folder.name}", fmt="jsonl",
                                    progress=progress)
    return outcome


def _unservable(path: Path, max_pixels: int) -> str | None:
    """Why the image server could not serve the file (None when it can): the same check as
    it makes (:func:`holotype.images.probe`), so no file is added that it would refuse."""
    problem = image_problem(path)
    if problem is None:
        try:
            probe(path, max_pixels)
        except ImageError as exc:
            return exc.message
    return problem


def _check(portal: Portal, images: list[Path]) -> None:
    limit = portal.settings.media_max_mb * 1024 * 1024
    problems: list[str] = []
    for path in images:
        size = path.stat().st_size
        problem = (f"{size:,} bytes, over the limit of {limit:,} (media_max_mb)"
                   if size > limit else _unservable(path, portal.settings.image_max_pixels))
        if problem:
            problems.append(f"{path.name}: {problem}")
    if problems:
        more = f" (and {len(problems) - NAMED} more)" if len(problems) > NAMED else ""
        raise Invalid(f"{len(problems)} file(s) refused, so nothing was added: "
                      + "; ".join(problems[:NAMED]) + more, field="folder")


def _rows(multimedia: str | None, match: str, value: str) -> list[Any]:
    """The record's extension rows as they are (kept whole, whatever their terms)."""
    if not multimedia:
        return []
    try:
        rows = json.loads(multimedia)
    except ValueError:
        rows = None
    if not isinstance(rows, list):
        raise Invalid(f"the record with {match} {value!r} has a Multimedia field that is not a "
                      "JSON array of rows; correct it before adding images", field="Multimedia")
    return rows


def _row(source: str, path: Path, credits: Credits) -> dict[str, str]:
    row = {"identifier": source, "format": image_format(path), "title": path.name,
           "type": "StillImage"}
    for key, value in (("creator", credits.creator), ("rightsHolder", credits.rights_holder),
                       ("license", credits.licence)):
        if value:
            row[key] = value
    return row
