"""CKAN core actions on the catalogue: packages (datasets), organisations, resources, status."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Annotated, Any

import holotype
from holotype.catalog.snapshots import DatasetInfo, OrganisationInfo, ResourceInfo
from holotype.errors import Invalid
from holotype.services import catalogue_view
from holotype.services.records import record_count
from holotype.web.actions.params import Doc
from holotype.web.actions.registry import Action, Context, NoParams

FQ_KEYS = {
    "organization": "organisation",
    "owner_org": "organisation",
    "tags": "keyword",
    "license_id": "licence",
    "category": "category",
    "name": "slug",
}
SORTS = {
    "metadata_modified": lambda d: d.modified,
    "metadata_created": lambda d: d.created,
    "title": lambda d: d.title.lower(),
    "name": lambda d: d.slug,
}


@dataclass(frozen=True, kw_only=True)
class PackageListParams:
    limit: Annotated[int | None, Doc("At most this many.", minimum=0)] = None
    offset: Annotated[int, Doc("Skip this many.", minimum=0)] = 0


@dataclass(frozen=True, kw_only=True)
class IdParams:
    id: Annotated[str, Doc("Id or name (slug).")]


@dataclass(frozen=True, kw_only=True)
class PackageSearchParams:
    q: Annotated[str | None, Doc("Words in the title, description or keywords.")] = None
    fq: Annotated[str | None, Doc('Filters such as organization:nhm tags:"insects" '
                                  "license_id:CC0-1.0 category:collection")] = None
    rows: Annotated[int, Doc("Datasets per page.", minimum=0, maximum=1000)] = 10
    start: Annotated[int, Doc("Datasets to skip.", minimum=0)] = 0
    sort: Annotated[
        str | None,
        Doc("metadata_modified|metadata_created|title|name, asc|desc."),
    ] = None


@dataclass(frozen=True, kw_only=True)
class OrganizationListParams:
    all_fields: Annotated[bool, Doc("Whole organisations, not just names.")] = False


@dataclass(frozen=True, kw_only=True)
class OrganizationShowParams(IdParams):
    include_datasets: Annotated[bool, Doc("List its datasets.")] = False


def organisation_dict(org: OrganisationInfo) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.slug,
        "title": org.name,
        "display_name": org.name,
        "description": org.description,
        "created": org.created.isoformat(),
        "type": "organization",
        "is_organization": True,
        "state": "active",
    }


def resource_dict(ctx: Context, resource: ResourceInfo) -> dict[str, Any]:
    return {
        "id": resource.id,
        "package_id": resource.dataset_id,
        "name": resource.name,
        "description": resource.description,
        "format": "CSV" if resource.kind == "records" else "",
        "datastore_active": resource.kind == "records",
        "record_count": record_count(ctx.portal, resource),
        "created": resource.created.isoformat(),
        "last_modified": resource.modified.isoformat(),
        "url": f"{ctx.base_url}/dataset/{resource.dataset_slug}/resource/{resource.slug}",
        "state": "active",
    }


def package_dict(ctx: Context, entry: catalogue_view.DatasetEntry) -> dict[str, Any]:
    dataset, resources = entry.dataset, entry.resources
    org = organisation_dict(entry.organisation) if entry.organisation else None
    return {
        "id": dataset.id,
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "type": "dataset",
        "state": "active",
        "private": not dataset.is_public,
        "license_id": dataset.licence.id,
        "license_title": dataset.licence.title,
        "license_url": dataset.licence.url,
        "category": dataset.category,
        "doi": dataset.doi,
        "author": "; ".join(c.name for c in dataset.creators),
        "creators": [
            {"name": c.name, "orcid": c.orcid, "affiliation": c.affiliation}
            for c in dataset.creators
        ],
        "tags": [{"name": k, "display_name": k} for k in dataset.keywords],
        "num_tags": len(dataset.keywords),
        "organization": org,
        "owner_org": org["id"] if org else None,
        "resources": [resource_dict(ctx, r) for r in resources],
        "num_resources": len(resources),
        "metadata_created": dataset.created.isoformat(),
        "metadata_modified": dataset.modified.isoformat(),
    }


def package_list(ctx: Context, p: PackageListParams) -> list[str]:
    names = [d.slug for d in catalogue_view.datasets(ctx.portal, ctx.identity)]
    start = p.offset or 0
    return names[start : start + p.limit] if p.limit is not None else names[start:]


def package_show(ctx: Context, p: IdParams) -> dict[str, Any]:
    return package_dict(ctx, catalogue_view.dataset(ctx.portal, ctx.identity, p.id))


def parse_fq(fq: str) -> list[tuple[str, str]]:
    """Solr-style ``key:value`` filters (values may be quoted); unknown keys are an error."""
    try:
        parts = shlex.split(fq)
    except ValueError as exc:
        raise Invalid.of({"fq": [f"cannot read the filter: {exc}"]}) from exc
    result = []
    for part in parts:
        part = part.lstrip("+")
        if part.upper() == "AND" or not part:
            continue
        key, sep, value = part.partition(":")
        if not sep or key not in FQ_KEYS:
            allowed = ", ".join(sorted(FQ_KEYS))
            message = f"cannot filter on {part!r}; use key:value with {allowed}"
            raise Invalid.of({"fq": [message]})
        result.append((FQ_KEYS[key], value.strip('"')))
    return result


def _matches(dataset: DatasetInfo, words: list[str], filters: list[tuple[str, str]]) -> bool:
    text = " ".join([dataset.title, dataset.description, dataset.slug, *dataset.keywords]).lower()
    if any(word not in text for word in words):
        return False
    for key, value in filters:
        actual: list[str] = {
            "organisation": [dataset.organisation or ""],
            "keyword": list(dataset.keywords),
            "licence": [dataset.licence.id],
            "category": [dataset.category],
            "slug": [dataset.slug],
        }[key]
        if value not in actual:
            return False
    return True


def package_search(ctx: Context, p: PackageSearchParams) -> dict[str, Any]:
    words = [w for w in (p.q or "").lower().split() if w not in ("*:*", "*")]
    filters = parse_fq(p.fq or "")
    found = [d for d in catalogue_view.datasets(ctx.portal, ctx.identity)
             if _matches(d, words, filters)]
    key, _, direction = (p.sort or "metadata_modified desc").partition(" ")
    if key not in SORTS:
        raise Invalid.of({"sort": [f"sort by one of {', '.join(sorted(SORTS))}"]})
    found.sort(key=SORTS[key], reverse=direction.strip().lower() == "desc")  # type: ignore[arg-type, unused-ignore]
    page = found[p.start : p.start + p.rows]
    results = [package_dict(ctx, entry) for entry in catalogue_view.entries(ctx.portal, page)]
    facets: dict[str, dict[str, int]] = {"organization": {}, "tags": {}, "license_id": {},
                                         "category": {}}
    for d in found:
        for name, values in (("organization", [d.organisation] if d.organisation else []),
                             ("tags", list(d.keywords)), ("license_id", [d.licence.id]),
                             ("category", [d.category])):
            for value in values:
                facets[name][value] = facets[name].get(value, 0) + 1
    return {
        "count": len(found),
        "results": results,
        "sort": p.sort or "metadata_modified desc",
        "facets": facets,
        "search_facets": {
            name: {"title": name, "items": [
                {"name": v, "display_name": v, "count": n}
                for v, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            ]}
            for name, counts in facets.items()
        },
    }


def organization_list(ctx: Context, p: OrganizationListParams) -> list[Any]:
    orgs = catalogue_view.organisations(ctx.portal)
    if p.all_fields:
        return [organisation_dict(o) for o in orgs]
    return [o.slug for o in orgs]


def organization_show(ctx: Context, p: OrganizationShowParams) -> dict[str, Any]:
    org, datasets = catalogue_view.organisation(ctx.portal, ctx.identity, p.id)
    result = organisation_dict(org)
    result["package_count"] = len(datasets)
    if p.include_datasets:
        result["packages"] = [d.slug for d in datasets]
    return result


def resource_show(ctx: Context, p: IdParams) -> dict[str, Any]:
    return resource_dict(ctx, catalogue_view.resource(ctx.portal, ctx.identity, p.id))


def status_show(ctx: Context, p: NoParams) -> dict[str, Any]:
    return {
        "site_title": ctx.portal.settings.site_name,
        "site_url": ctx.base_url,
        "ckan_version": "2.10.0",
        "holotype_version": holotype.__version__,
        "extensions": ["datastore", "versioned_datastore"],
        "locale_default": "en",
    }


ACTIONS = (
    Action("package_list", package_list, "Names of all public datasets.", PackageListParams),
    Action("package_show", package_show, "One dataset with its resources.", IdParams),
    Action("package_search", package_search, "Search datasets by text and filters.",
           PackageSearchParams),
    Action("organization_list", organization_list, "All organisations.",
           OrganizationListParams),
    Action("organization_show", organization_show, "One organisation.",
           OrganizationShowParams),
    Action("resource_show", resource_show, "One resource.", IdParams),
    Action("status_show", status_show, "The portal's name and versions.", NoParams),
)
