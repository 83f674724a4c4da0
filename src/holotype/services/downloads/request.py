"""What a download asks for: the NHM ``vds_download_queue`` shape, checked and normalised.

``query`` (the records), ``file`` (how they are written) and ``notifier`` (who is told when the
file is ready). Parsing names the field at fault (``file.format``, ``notifier.type_args.url``),
and nothing here touches the catalogue or the store. The formats are those registered in
:mod:`holotype.services.downloads.formats`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from holotype.errors import Invalid
from holotype.query.schema import QUERY_VERSION
from holotype.services.downloads.formats import FORMATS, canonical_name

NOTIFIERS = ("none", "email", "webhook")
_ADDRESS_PART = r"[^@\s<>,;\"'\x00-\x1f\x7f]+"
_EMAIL = re.compile(rf"{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_EMAILS = 10
MAX_RESOURCE_IDS = 1_000
MAX_VERSION = 2**63 - 1  # a version is a millisecond timestamp held in 64 bits


@dataclass(frozen=True)
class FileOptions:
    format: str
    format_args: dict[str, Any] = field(default_factory=dict)
    separate_files: bool = True
    ignore_empty_fields: bool = True
    transform: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"format": self.format, "format_args": self.format_args,
                "separate_files": self.separate_files,
                "ignore_empty_fields": self.ignore_empty_fields, "transform": self.transform}


@dataclass(frozen=True)
class Notifier:
    type: str = "none"
    emails: tuple[str, ...] = ()
    url: str | None = None

    def as_json(self) -> dict[str, Any]:
        if self.type == "email":
            return {"type": "email", "type_args": {"emails": list(self.emails)}}
        if self.type == "webhook":
            return {"type": "webhook", "type_args": {"url": self.url}}
        return {"type": "none", "type_args": {}}


@dataclass(frozen=True)
class QueryPart:
    query: Any = None  # an object or JSON text; validated by the service
    query_version: str = QUERY_VERSION
    version: int | None = None
    resource_ids: tuple[str, ...] | None = None
    slug_or_doi: str | None = None
    # Each resource's own version (a citation's pins), by id; not a request parameter.
    pins: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class DownloadRequest:
    query: QueryPart
    file: FileOptions
    notifier: Notifier = Notifier()


def _object(value: Any, name: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise Invalid("must be an object", field=name)
    return value


def _transform(value: Any) -> dict[str, Any]:
    """The NHM download transforms: only ``id_as_url`` ({"field": name}) exists."""
    transform = dict(_object(value, "file.transform"))
    unknown = sorted(set(transform) - {"id_as_url"})
    if unknown:
        raise Invalid(f"unknown transform(s) {', '.join(unknown)}; the one available is "
                      "id_as_url", field="file.transform")
    if "id_as_url" not in transform:
        return {}
    spec = dict(_object(transform["id_as_url"], "file.transform.id_as_url"))
    extra = sorted(set(spec) - {"field"})
    if extra:
        raise Invalid(f"unknown option(s) {', '.join(extra)}; id_as_url takes 'field'",
                      field="file.transform.id_as_url")
    field = spec.get("field")
    if not isinstance(field, str) or not field.strip() or "\x00" in field:
        raise Invalid("name the field whose ids become links, e.g. occurrenceID",
                      field="file.transform.id_as_url.field")
    return {"id_as_url": {"field": field}}


def _bool(value: Any, default: bool, name: str) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise Invalid("must be true or false", field=name)
    return value


def parse_file(value: Any) -> FileOptions:
    raw = _object(value, "file")
    fmt = raw.get("format")
    known = ", ".join(FORMATS.names())
    if not isinstance(fmt, str) or not fmt:
        raise Invalid(f"choose a format: {known}", field="file.format")
    fmt = canonical_name(fmt)
    if fmt not in FORMATS:
        raise Invalid(f"unknown format {raw.get('format')!r}; choose one of {known}",
                      field="file.format")
    args = dict(_object(raw.get("format_args"), "file.format_args"))
    options = FORMATS.get(fmt).options
    unknown = sorted(set(args) - options)
    if unknown:
        allowed = ", ".join(sorted(options)) or "none"
        raise Invalid(f"unknown option(s) {', '.join(unknown)} for {fmt} (allowed: {allowed})",
                      field="file.format_args")
    for name, option in args.items():
        _bool(option, False, f"file.format_args.{name}")
    transform = _transform(raw.get("transform"))
    return FileOptions(
        fmt, args,
        _bool(raw.get("separate_files"), True, "file.separate_files"),
        _bool(raw.get("ignore_empty_fields"), True, "file.ignore_empty_fields"),
        transform,
    )


def parse_notifier(value: Any) -> Notifier:
    raw = _object(value, "notifier")
    kind = raw.get("type", "none")
    if kind not in NOTIFIERS:
        raise Invalid(f"must be one of {', '.join(NOTIFIERS)}", field="notifier.type")
    args = _object(raw.get("type_args"), "notifier.type_args")
    if kind == "email":
        emails = args.get("emails")
        if isinstance(emails, str):
            emails = [emails]
        if (not isinstance(emails, list) or not emails or len(emails) > MAX_EMAILS
                or not all(isinstance(e, str) and _EMAIL.fullmatch(e) for e in emails)):
            raise Invalid(f"give 1 to {MAX_EMAILS} email addresses, such as name@example.org",
                          field="notifier.type_args.emails")
        return Notifier("email", emails=tuple(emails))
    if kind == "webhook":
        url = args.get("url")
        try:
            parts = urlsplit(url) if isinstance(url, str) else None
            host = parts.hostname if parts is not None else None
            if parts is not None:
                parts.port  # noqa: B018 - raises ValueError for a port out of range
        except ValueError:
            parts = host = None
        if parts is None or parts.scheme not in ("http", "https") or not host:
            raise Invalid("must be an http or https URL", field="notifier.type_args.url")
        return Notifier("webhook", url=str(url))
    return Notifier()


def parse_query_part(value: Any) -> QueryPart:
    raw = _object(value, "query")
    version = raw.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)
                                or not 0 <= version <= MAX_VERSION):
        raise Invalid("must be a whole number of milliseconds >= 0", field="query.version")
    ids = raw.get("resource_ids")
    if isinstance(ids, str):
        ids = [p.strip() for p in ids.split(",") if p.strip()]
    if ids is not None and (not isinstance(ids, list)
                            or not all(isinstance(i, str) and i for i in ids)):
        raise Invalid("must be a list of resource ids", field="query.resource_ids")
    if ids is not None and len(ids) > MAX_RESOURCE_IDS:
        raise Invalid(f"name at most {MAX_RESOURCE_IDS:,} resources (or none for every "
                      "public resource)", field="query.resource_ids")
    slug = raw.get("slug_or_doi")
    if slug is not None and (not isinstance(slug, str) or _CONTROL.search(slug)):
        raise Invalid("must be text (a short link or DOI)", field="query.slug_or_doi")
    query_version = raw.get("query_version")
    if query_version is None or query_version == "":
        query_version = QUERY_VERSION
    if query_version != QUERY_VERSION:
        raise Invalid(f"only {QUERY_VERSION} is supported", field="query.query_version")
    return QueryPart(raw.get("query"), query_version, version,
                     tuple(ids) if ids else None, slug or None)


def parse_request(query: Any, file: Any, notifier: Any) -> DownloadRequest:
    """The request from the three NHM parameters; :class:`Invalid` names the field at fault."""
    return DownloadRequest(parse_query_part(query), parse_file(file), parse_notifier(notifier))
