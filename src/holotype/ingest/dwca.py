"""Darwin Core Archives: a zip of delimited text files described by meta.xml.

Steps: check the zip is safe (:mod:`dwca_zip`), parse meta.xml (:mod:`dwca_meta`), extract only
the files it names, stage each with the delimited reader, then build the staged table in DuckDB:
one field per core term (legacy terms renamed, :mod:`dwca_terms`), defaults applied, and one JSON
field per extension holding that core record's extension rows.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import duckdb

from holotype.ingest.delimited import Dialect, stage_delimited
from holotype.ingest.dwca_join import Part, Plan, build_staged_table, plan_fields
from holotype.ingest.dwca_media import store_archive_media
from holotype.ingest.dwca_meta import META_NAME, ArchiveMeta, FileSpec, parse_meta
from holotype.ingest.dwca_simple import no_archive_error, simple_member, stage_simple
from holotype.ingest.dwca_terms import short_name
from holotype.ingest.dwca_text import check_encoding, column_names, row_width
from holotype.ingest.dwca_zip import (
    ExtractBudget,
    check_members,
    data_members,
    extract_member,
    member_path,
    open_zip,
    read_member,
)
from holotype.ingest.encoding import detect_encoding, read_text_head
from holotype.ingest.errors import IngestError
from holotype.ingest.names import check_field_names
from holotype.ingest.readers import Reader, Staging, register
from holotype.ingest.source import Limits
from holotype.store import StagedSource

MAX_META_BYTES = 16 * 1024 * 1024


def find_meta(
    archive: zipfile.ZipFile, display_name: str
) -> tuple[zipfile.ZipInfo, PurePosixPath] | None:
    """meta.xml at the root or in the one top-level folder, and the folder it is in (None when
    there is none)."""
    candidates: list[tuple[int, zipfile.ZipInfo, PurePosixPath]] = []
    for info in data_members(archive):
        path = member_path(info.filename, display_name)
        if path.name.lower() == META_NAME and len(path.parts) <= 2 and path.parts[0] != "__MACOSX":
            candidates.append((len(path.parts), info, path.parent))
    if not candidates:
        return None
    candidates.sort(key=lambda candidate: candidate[0])
    if len(candidates) > 1 and candidates[0][0] == candidates[1][0] == 2:
        raise IngestError(
            "the archive holds several folders with a meta.xml; upload one archive at a time",
            file=display_name,
        )
    return candidates[0][1], candidates[0][2]


def is_dwca(archive: zipfile.ZipFile, display_name: str) -> bool:
    """Whether the zip is a Darwin Core Archive: a meta.xml where an archive keeps it, or one
    data file whose header names Darwin Core terms (a "simple" archive)."""
    try:
        found = find_meta(archive, display_name)
    except IngestError:
        return True  # several archives: staging says so
    return found is not None or simple_member(archive, display_name) is not None


@dataclass
class _Archive:
    """An open archive being staged: where things go and what has been said about it."""

    con: duckdb.DuckDBPyConnection
    zip: zipfile.ZipFile
    base: PurePosixPath
    work_dir: Path
    display_name: str
    budget: ExtractBudget
    warnings: list[str]
    members: dict[str, zipfile.ZipInfo]
    max_fields: int
    strict: bool
    data_dir: Path | None = None  # where media inside the archive are stored (None: not)

    def member(self, location: str) -> zipfile.ZipInfo | None:
        """The member at ``location`` (relative to meta.xml), matched exactly or ignoring case."""
        wanted = str(member_path(str(self.base / location), self.display_name))
        if wanted in self.members:
            return self.members[wanted]
        matches = [name for name in self.members if name.lower() == wanted.lower()]
        if len(matches) > 1:
            raise IngestError(
                f"meta.xml names the data file {location!r}, and several members match it "
                f"when letter case is ignored ({', '.join(sorted(matches)[:5])}); rename them",
                file=self.display_name,
            )
        return self.members[matches[0]] if matches else None

    def inner_name(self, location: str) -> str:
        return f"{location} in {self.display_name}"


def stage_dwca(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    work_dir: Path,
    out: Path,
    *,
    display_name: str,
    limits: Limits,
    data_dir: Path | None = None,
) -> StagedSource:
    """Read a Darwin Core Archive into the staging Parquet file ``out``; media files its
    multimedia extension names inside it are stored under ``data_dir`` (see
    :mod:`holotype.ingest.dwca_media`)."""
    scratch = work_dir / "dwca"
    with open_zip(path, display_name) as archive:
        check_members(archive, limits, display_name)
        found = find_meta(archive, display_name)
        if found is None:
            simple = simple_member(archive, display_name)
            if simple is None:
                raise no_archive_error(archive, display_name)
            return stage_simple(
                con, archive, simple, work_dir, out, display_name=display_name, limits=limits
            )
        meta_info, base = found
        meta_xml = read_member(archive, meta_info, MAX_META_BYTES, display_name)
        meta = parse_meta(meta_xml, display_name)
        members = {
            str(member_path(info.filename, display_name)): info for info in data_members(archive)
        }
        budget = ExtractBudget(limits.max_uncompressed_bytes)
        state = _Archive(
            con, archive, base, scratch, display_name, budget, [], members, limits.max_fields,
            limits.strict_archives, data_dir,
        )
        try:
            return _stage(state, meta, out)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _stage(state: _Archive, meta: ArchiveMeta, out: Path) -> StagedSource:
    kept = _readable_extensions(state, meta)
    meta = ArchiveMeta(core=meta.core, extensions=kept)
    plan = _plan(state, meta)
    core = _stage_part(state, meta.core, "core", allow_empty=False)
    extensions = [
        _stage_part(state, spec, f"extension{number}", allow_empty=True)
        for number, spec in enumerate(meta.extensions, start=1)
    ]
    if state.data_dir is not None:
        for extension in extensions:
            state.warnings.extend(store_archive_media(
                state.con, extension, state.zip, state.member, state.data_dir, state.work_dir,
                state.budget, state.display_name))
    result = build_staged_table(state.con, plan, core, extensions, out, state.display_name)
    state.warnings.extend(result.warnings)
    return StagedSource(
        path=out,
        fields=result.fields,
        rows=result.rows,
        format="dwca",
        first_row=meta.core.ignore_header_lines + 1,
        default_id_field=result.id_field,
        declared_id=True,
        warnings=state.warnings,
    )


def _readable_extensions(state: _Archive, meta: ArchiveMeta) -> list[FileSpec]:
    """The extensions that can be linked to the core and read; the others are skipped with a
    warning, as GBIF's readers do, or refused in strict mode (setting ``strict_archives``)."""
    kept: list[FileSpec] = []
    for spec in meta.extensions:
        name = short_name(spec.row_type)
        if meta.core.id_index is None:
            problem = (
                f"the core has no <id index=...>, so the {name} extension cannot be linked to it"
            )
        elif spec.id_index is None:
            problem = f"the {name} extension has no <coreid index=...> linking it to the core"
        else:
            absent = [location for location in spec.locations if state.member(location) is None]
            if not absent:
                kept.append(spec)
                continue
            problem = (
                f"the {name} extension's data file {absent[0]!r} is not in the archive"
            )
        if state.strict:
            raise IngestError(
                f"meta.xml: {problem} (the setting strict_archives refuses such archives)",
                file=state.display_name,
            )
        state.warnings.append(
            f"{state.display_name}: {problem}; the extension was skipped and the core ingested"
        )
    return kept


def _plan(state: _Archive, meta: ArchiveMeta) -> Plan:
    """The staged fields, checked against the rules for field names before anything is read."""
    plan = plan_fields(meta.core, meta.extensions)
    try:
        check_field_names(
            plan.fields, file=state.display_name, max_fields=state.max_fields, row=None
        )
    except IngestError as exc:
        raise IngestError(
            f"meta.xml: {exc.message}", file=state.display_name, column=exc.column
        ) from exc
    return plan


def _stage_part(state: _Archive, spec: FileSpec, tag: str, *, allow_empty: bool) -> Part:
    """Extract and stage every file of a core or extension; columns are named by term."""
    staged: list[Path] = []
    names: list[str] = []
    for number, location in enumerate(spec.locations):
        data = _extract(state, location, f"{tag}-{number}")
        inner = state.inner_name(location)
        if allow_empty and not read_text_head(data, "utf-8-sig", 4096).strip():
            continue
        encoding = _encoding(state, spec, data, location)
        width = row_width(data, spec, encoding, inner)
        if names and len(names) != width:
            raise IngestError(
                f"{location} has {width} columns but {spec.locations[0]} has {len(names)}; the "
                f"files of one {short_name(spec.row_type)} must have the same columns",
                file=state.display_name,
            )
        names = column_names(spec, width, inner)
        target = state.work_dir / f"{tag}-{number}.parquet"
        try:
            stage_delimited(
                state.con,
                data,
                target,
                display_name=inner,
                fmt="dwca",
                dialect=Dialect(spec.delimiter, spec.quote),
                encoding=encoding,
                skip_lines=spec.ignore_header_lines,
                names=names,
                max_fields=state.max_fields,
            )
        except UnicodeError as exc:
            raise IngestError(
                f"the file is not {spec.declared_encoding} text as meta.xml says ({exc})",
                file=inner,
            ) from exc
        data.unlink()
        staged.append(target)
    return Part(spec=spec, files=staged, columns=names, name=short_name(spec.row_type))


def _extract(state: _Archive, location: str, stem: str) -> Path:
    if "://" in location:
        raise IngestError(
            f"meta.xml names a remote file ({location}); only files inside the archive are read",
            file=state.display_name,
        )
    info = state.member(location)
    if info is None:
        raise IngestError(
            f"meta.xml names the data file {location!r}, which is not in the archive",
            file=state.display_name,
        )
    return extract_member(
        state.zip, info, state.work_dir / f"{stem}.txt", state.budget, state.display_name
    )


def _encoding(state: _Archive, spec: FileSpec, data: Path, location: str) -> str:
    """The declared encoding (checked against the content); a file declared UTF-8 that is not is
    read as detected."""
    inner = state.inner_name(location)
    if spec.encoding not in ("utf-8", "utf-8-sig"):
        return check_encoding(data, spec.encoding, spec.declared_encoding, inner)
    detected = detect_encoding(data, inner)
    if detected not in ("utf-8", "utf-8-sig", "ascii"):
        state.warnings.append(
            f"{location}: meta.xml says UTF-8 but the file is not; it was read as {detected}"
        )
    return detected


def _stage_file(staging: Staging) -> StagedSource:
    return stage_dwca(staging.con, staging.path, staging.work_dir, staging.out,
                      display_name=staging.display_name, limits=staging.limits,
                      data_dir=staging.data_dir)


# Its files are zips: which a zip holds (a workbook or an archive) is sniffed by ``read``.
register(Reader(
    "dwca", ("dwca",), extensions={}, aliases={"dwc-a": "dwca"},
    described=("Darwin Core Archives (.zip)",), stage=_stage_file,
))
