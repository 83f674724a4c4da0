"""Record and resource versions: vds_data_get, vds_version_record/_resource/_round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from holotype.services import versions
from holotype.web.actions.params import Doc, version_doc
from holotype.web.actions.registry import Action, Context


@dataclass(frozen=True, kw_only=True)
class ResourceParams:
    resource_id: Annotated[str, Doc("The resource (id or dataset/resource).")]


@dataclass(frozen=True, kw_only=True)
class RecordParams(ResourceParams):
    record_id: Annotated[str, Doc("The record id.")]


@dataclass(frozen=True, kw_only=True)
class DataGetParams(RecordParams):
    version: Annotated[int | None, version_doc("A version (ms timestamp).")] = None


@dataclass(frozen=True, kw_only=True)
class RoundParams(ResourceParams):
    version: Annotated[int, version_doc("A moment (ms timestamp).")]


def vds_data_get(ctx: Context, p: DataGetParams) -> dict[str, Any]:
    version, record = versions.record_at(
        ctx.portal, ctx.identity, p.resource_id, p.record_id, p.version)
    record_id = record.pop("_id")
    return {"id": record_id, "version": version, "data": record}


def vds_version_record(ctx: Context, p: RecordParams) -> list[dict[str, Any]]:
    history = versions.record_history(ctx.portal, ctx.identity, p.resource_id, p.record_id)
    return [
        {
            "version": h.version,
            "until": h.until,
            "deleted": h.deleted,
            "data": h.data,
            "changes": {k: {"before": b, "after": a} for k, (b, a) in h.changes.items()},
        }
        for h in history
    ]


def vds_version_resource(ctx: Context, p: ResourceParams) -> list[dict[str, Any]]:
    return [
        {
            "version": v.version,
            "committed": v.committed_at,
            "added": v.added,
            "changed": v.changed,
            "removed": v.removed,
            "total": v.total,
            "mode": v.mode,
            "source": v.source.name if v.source else None,
            "warnings": list(v.warnings),
        }
        for v in versions.resource_versions(ctx.portal, ctx.identity, p.resource_id)
    ]


def vds_version_round(ctx: Context, p: RoundParams) -> int | None:
    """The version current at the given moment (the latest not after it), or null."""
    return versions.version_at(ctx.portal, ctx.identity, p.resource_id, p.version)


ACTIONS = (
    Action("vds_data_get", vds_data_get, "One record as of a version (default: latest).",
           DataGetParams),
    Action("vds_version_record", vds_version_record,
           "Every version of one record with the fields each changed.", RecordParams),
    Action("vds_version_resource", vds_version_resource,
           "Every version of a resource with what each changed.", ResourceParams),
    Action("vds_version_round", vds_version_round,
           "Round a moment down to the resource version current then.", RoundParams),
)
