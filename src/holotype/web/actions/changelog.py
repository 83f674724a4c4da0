"""A dataset's changelog: dataset_changelog, and the JSON of one version's changes that the
dataset page's JSON twin shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from holotype.field_labels import FieldLabels
from holotype.services.changelog import VersionChanges, dataset_changelog
from holotype.web.actions.params import Doc
from holotype.web.actions.registry import Action, Context


@dataclass(frozen=True, kw_only=True)
class ChangelogParams:
    id: Annotated[str, Doc("The dataset (slug or id).", min_length=1)]
    limit: Annotated[
        int | None, Doc("At most this many versions per resource, newest first (default: all).",
                        minimum=1)
    ] = None


def version_json(v: VersionChanges, labels: FieldLabels) -> dict[str, Any]:
    """One version as the changelog answers it: its counts, the fields its changed records
    changed most (name, label, records) and the search of the records as they were then."""
    return {
        "version": v.version,
        "committed": v.committed_at,
        "mode": v.mode,
        "added": v.added,
        "changed": v.changed,
        "removed": v.removed,
        "total": v.total,
        "fields": [{"field": f.name, "label": labels.label(f.name), "records": f.records}
                   for f in v.fields],
        "other_fields": v.other_fields,
        "source": v.source,
        "warnings": list(v.warnings),
        "search_url": v.search_url,
    }


def changelog(ctx: Context, p: ChangelogParams) -> dict[str, Any]:
    labels = ctx.portal.field_labels
    resources = dataset_changelog(ctx.portal, ctx.identity, p.id, p.limit, field="id")
    return {
        "resources": [
            {"id": r.resource.id, "slug": r.resource.slug, "name": r.resource.name,
             "records": r.records, "versions": [version_json(v, labels) for v in r.versions]}
            for r in resources
        ],
    }


ACTIONS = (
    Action("dataset_changelog", changelog,
           "Each version of a dataset's record resources, newest first: records added, changed "
           "and removed, the fields changed most, and the search of that version.",
           ChangelogParams),
)
