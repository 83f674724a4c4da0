"""Changing the catalogue in CKAN's terms: packages (datasets) and their resources, behind the
policy, for the API's write actions (:mod:`holotype.web.actions.ckan_write`).

CKAN's fields map onto the catalogue's: ``name`` is the slug, ``notes`` the description,
``license_id`` the licence, ``private`` the visibility, ``owner_org`` the organisation (its id
or name), ``tags`` the keywords. Every change asks :mod:`holotype.services.policy` first and
needs the ``write`` scope. A refusal (403) names the field that caused it (``owner_org`` of an
organisation the caller may not publish in, ``private`` without the right to change
visibility), changes nothing, and is written to the audit trail; a change made with an API
token is audited too. ``creators`` (``[{name, orcid, affiliation}]``, in citation order) has no
CKAN field (CKAN's ``author`` is one line of text): ORCID iDs are checked (format and check
digit). Bad fields are refused all together (:mod:`holotype.services.package_checks`), each
named, before anything is written. The dataset editor's pages go through here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from holotype.catalog.snapshots import DatasetInfo, ResourceInfo
from holotype.errors import Invalid, NotFound, ServiceError
from holotype.ingest.errors import IngestError
from holotype.services import catalogue, catalogue_view, guard, package_checks, policy, records
from holotype.services.accounts import audit
from holotype.services.context import Portal
from holotype.services.identity import Identity, Scope

# The catalogue's names for the fields, in CKAN's words (errors are reported at CKAN's).
CKAN_FIELDS = {"slug": "name", "description": "notes", "licence": "license_id",
               "visibility": "private", "organisation": "owner_org", "keywords": "tags",
               "dataset": "id", "owner": "owner_org"}


@dataclass(frozen=True, kw_only=True)
class PackageFields:
    """A package as CKAN writes it; None: not given."""

    name: str | None = None
    title: str | None = None
    notes: str | None = None
    license_id: str | None = None
    private: bool | None = None
    owner_org: str | None = None
    tags: Sequence[str] | None = None
    category: str | None = None
    doi: str | None = None
    creators: Sequence[Mapping[str, str | None]] | None = None  # [{name, orcid, affiliation}]


def tag_names(tags: Sequence[Mapping[str, Any] | str]) -> list[str]:
    """CKAN's ``[{"name": ...}]`` (or plain names) as keywords."""
    names = []
    for index, tag in enumerate(tags):
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if not isinstance(name, str):
            raise Invalid(f"tag {index} has no name", field="tags")
        names.append(name)
    return names


@contextmanager
def ckan_fields(names: Mapping[str, str] = CKAN_FIELDS) -> Iterator[None]:
    """Errors naming the catalogue's fields are reported at CKAN's ``names`` for them."""
    try:
        yield
    except ServiceError as error:
        if error.field is not None and error.field in names:
            raise error.at(names[error.field]) from None
        raise


def require_writer(portal: Portal, identity: Identity, action: str, target: str) -> None:
    """A change needs someone signed in whose token (if any) has the write scope; a refusal
    is audited."""
    guard.require(portal, identity, Scope.WRITE in identity.scopes,
                  f"this API token may only read, so it may not {action}; create one with the "
                  "write scope", field="scope", target_type="api_token",
                  target_id=identity.token_id or target)


def allow(portal: Portal, identity: Identity, allowed: bool, message: str, field: str,
          dataset: DatasetInfo | None = None, target: str = "") -> None:
    """Refuse, audited and naming ``field``, unless ``allowed``."""
    guard.require(portal, identity, allowed, message, field=field, target_type="dataset",
                  target_id=dataset.id if dataset else target,
                  organisation_id=dataset.organisation_id if dataset else None)


def wrote(portal: Portal, identity: Identity, action: str, target_type: str, target: str,
          organisation_id: str | None = None) -> None:
    """Audit a change made with an API token (a session's changes are audited where the
    change is a change of rights)."""
    if identity.token_id is None:
        return
    with portal.write_session() as session:
        audit.record(session, identity, audit.Event.TOKEN_WRITE, target_type=target_type,
                     target_id=target, organisation_id=organisation_id,
                     detail={"action": action})


def _organisation_id(portal: Portal, ref: str | None) -> str | None:
    if ref is None or ref == "":
        return None
    with portal.session() as session:
        try:
            return catalogue.get_organisation(session, ref).id
        except NotFound:
            raise Invalid(f"there is no organisation {ref!r}", field="owner_org") from None


def _visibility(private: bool | None) -> str | None:
    return None if private is None else ("private" if private else "public")


def package_create(portal: Portal, identity: Identity, fields: PackageFields) -> DatasetInfo:
    """A new dataset in ``owner_org``, owned by the caller."""
    with ckan_fields():
        require_writer(portal, identity, "create datasets", fields.name or "")
        org_id = _organisation_id(portal, fields.owner_org)
        where = (f"in organisation {fields.owner_org!r}" if org_id else
                 "without an organisation: give owner_org")
        allow(portal, identity, policy.may_create_dataset(identity, org_id),
              f"you may not create datasets {where}", "owner_org", target=fields.name or "")
        package_checks.check_package(fields, creating=True)
        with portal.write_session() as session:
            created = catalogue.create_dataset(
                session, slug=fields.name or "", title=fields.title or fields.name or "",
                licence=fields.license_id or "", description=fields.notes or "",
                category=fields.category or "collection",
                visibility=_visibility(fields.private) or "public", organisation=org_id,
                owner=identity.user_id, keywords=list(fields.tags or ()), doi=fields.doi,
                creators=list(fields.creators or ()))
    wrote(portal, identity, "package_create", "dataset", created.id, created.organisation_id)
    return created


def package_change(portal: Portal, identity: Identity, ref: str, fields: PackageFields,
                   action: str, replace: bool) -> DatasetInfo:
    """Change a dataset: ``replace`` (package_update) resets the notes and tags not given, as
    CKAN does; otherwise (package_patch) only the given fields change. The slug never changes,
    and a visibility or organisation not given is kept (never made public by omission), as are
    creators not given (a script written before ``creators`` existed does not lose them)."""
    with ckan_fields():
        require_writer(portal, identity, "change datasets", ref)
        found = catalogue_view.dataset(portal, identity, ref).dataset
        allow(portal, identity, policy.may_manage(identity, found),
              f"you may not change dataset {found.slug!r}", "id", found)
        if fields.name is not None and fields.name not in (found.slug, found.id):
            raise Invalid("a dataset's name is in its addresses and cannot change", field="name")
        package_checks.check_package(fields, creating=False)
        changes: dict[str, Any] = {}
        visibility = _visibility(fields.private)
        if visibility is not None and visibility != found.visibility:
            allow(portal, identity, policy.may_change_visibility(identity, found),
                  "you may not change this dataset's visibility", "private", found)
            changes["visibility"] = visibility
        if fields.owner_org is not None:
            org_id = _organisation_id(portal, fields.owner_org)
            if org_id != found.organisation_id:
                allow(portal, identity, policy.may_create_dataset(identity, org_id),
                      f"you may not move datasets to organisation {fields.owner_org!r}",
                      "owner_org", found)
                changes["organisation"] = org_id
        given = {"title": fields.title, "description": fields.notes,
                 "licence": fields.license_id, "category": fields.category, "doi": fields.doi,
                 "keywords": None if fields.tags is None else list(fields.tags),
                 "creators": None if fields.creators is None else list(fields.creators)}
        if replace:
            given["description"] = fields.notes or ""
            given["keywords"] = list(fields.tags or ())
        changes.update({key: value for key, value in given.items() if value is not None})
        with portal.write_session() as session:
            changed = catalogue.update_dataset(session, found.id, **changes)
        if "visibility" in changes:
            with portal.write_session() as session:
                audit.record(session, identity, audit.Event.VISIBILITY_CHANGED,
                             target_type="dataset", target_id=found.id,
                             organisation_id=changed.organisation_id,
                             detail={"from": found.visibility, "to": changed.visibility})
    wrote(portal, identity, action, "dataset", changed.id, changed.organisation_id)
    return changed


def package_delete(portal: Portal, identity: Identity, ref: str) -> None:
    """Delete a dataset with its resources and records."""
    with ckan_fields():
        require_writer(portal, identity, "delete datasets", ref)
        found = catalogue_view.dataset(portal, identity, ref).dataset
        allow(portal, identity, policy.may_manage(identity, found),
              f"you may not delete dataset {found.slug!r}", "id", found)
        records.delete_dataset(portal, identity, found.id)
    wrote(portal, identity, "package_delete", "dataset", found.id, found.organisation_id)


def resource_slug(portal: Portal, dataset: DatasetInfo, name: str) -> str:
    """A free slug in ``dataset`` made from a resource's name."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:90] or "resource"
    if len(base) < 2:
        base = f"{base}-resource"
    with portal.session() as session:
        taken = {r.slug for r in catalogue.list_resources(session, dataset.id)}
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def resource_create(portal: Portal, identity: Identity, package_id: str, name: str, *,
                    upload: Path | None = None, upload_name: str = "", url: str | None = None,
                    description: str = "", id_field: str | None = None) -> ResourceInfo:
    """A new resource: an uploaded file of records is ingested (its first version), a ``url``
    alone becomes a plain file resource naming it."""
    with ckan_fields():
        require_writer(portal, identity, "add resources", package_id)
        dataset = catalogue_view.dataset(portal, identity, package_id).dataset
        allow(portal, identity, policy.may_publish(identity, dataset),
              f"you may not add resources to dataset {dataset.slug!r}", "package_id", dataset)
        if upload is None and not url:
            raise Invalid("give a file as upload, or a url", field="upload")
        label = name or upload_name or "resource"
        slug = resource_slug(portal, dataset, label)
        if upload is not None:
            try:
                outcome = records.ingest(portal, identity, f"{dataset.slug}/{slug}", upload,
                                         display_name=upload_name or upload.name, create=True,
                                         id_field=id_field)
            except IngestError as refused:  # nothing of it was kept (nor the new resource)
                raise Invalid(refused.location_message(), field="upload") from None
            with portal.write_session() as session:
                made = catalogue.update_resource(session, outcome.resource.id, name=label,
                                                 description=description)
        else:
            text = f"{description}\n\n{url}".strip()
            with portal.write_session() as session:
                made = catalogue.create_resource(session, dataset.id, slug=slug, name=label,
                                                 kind="file", description=text)
    wrote(portal, identity, "resource_create", "resource", made.id, dataset.organisation_id)
    return made
