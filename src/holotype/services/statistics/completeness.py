"""How complete each dataset's records are: how many have coordinates, dates, images, a type
status and identifications, each measure one NHM query (so each count is its search's count).
"""

from __future__ import annotations

from typing import Any

from holotype.services.context import Portal
from holotype.services.statistics import cache, counts
from holotype.services.statistics.model import Column, Figure, Params, Scope, Table
from holotype.services.statistics.shape import views_of
from holotype.services.visible import readable_datasets

#: each measure's filters group: the records that have it
MEASURES: dict[str, dict[str, Any]] = {
    "coordinates": {"and": [{"exists": {"geo_field": True}}]},
    "dates": {"and": [{"exists": {"fields": ["eventDate", "year"]}}]},
    "images": {"and": [{"exists": {"fields": ["Multimedia", "associatedMedia"]}}]},
    "type_status": {"and": [{"exists": {"fields": ["typeStatus"]}}]},
    "identifications": {"and": [{"exists": {"fields": ["identifiedBy", "Identification"]}}]},
}
LABELS = {"coordinates": "Coordinates", "dates": "Dates", "images": "Images",
          "type_status": "Type status", "identifications": "Identifications"}
#: what is counted per resource: every record, then each measure
QUERIES: dict[str, dict[str, Any]] = {"records": {}} | {
    name: {"filters": group} for name, group in MEASURES.items()}


def by_dataset(portal: Portal, scope: Scope, params: Params) -> Table:
    """Per dataset of the scope, its records and how many have each measure."""
    return cache.figure(portal, "completeness", scope, params, lambda: _by_dataset(portal, scope))


def _by_dataset(portal: Portal, scope: Scope) -> Table:
    views = views_of(portal, scope)
    found = counts.conditions(portal, views, QUERIES)
    if scope.dataset is not None:
        titles = {scope.dataset.id: (scope.dataset.slug, scope.dataset.title)}
    else:
        with portal.session() as session:
            titles = {d.id: (d.slug, d.title)
                      for d in readable_datasets(session, scope.identity)}
    rows: dict[str, dict[str, Any]] = {}
    for view in views:
        dataset_id = view.resource.dataset_id
        slug, title = titles.get(dataset_id, (view.resource.dataset_slug,
                                              view.resource.dataset_slug))
        row = rows.setdefault(dataset_id, {
            "dataset": title, "dataset_slug": slug, "resource_ids": [],
            "records": 0, **{m: 0 for m in MEASURES},
            "measure_filters": dict(MEASURES),
        })
        row["resource_ids"].append(view.rid)
        for name, n in found[view.rid].items():
            row[name] += n
    ordered = sorted(rows.values(), key=lambda r: (-r["records"], r["dataset_slug"]))
    records = sum(r["records"] for r in ordered)
    parts = [f"{LABELS[m].lower()} {_share(sum(r[m] for r in ordered), records)}"
             for m in MEASURES]
    text = (f"{records:,} records in {len(ordered):,} datasets; the share with "
            + ", ".join(parts) + ".")
    columns = (Column("dataset", "Dataset", "string"), Column("records", "Records", "integer"),
               *(Column(m, LABELS[m], "integer") for m in MEASURES))
    return Table("completeness", "Completeness of the records", text, columns, ordered,
                 total=records, versions={v.rid: v.version for v in views})


def _share(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "0%"


FIGURES: tuple[Figure, ...] = (
    Figure("completeness", "Completeness of the records", "table", by_dataset),
)
