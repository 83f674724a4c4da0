"""Corrections through the API: correction_accept (a maintainer's corrected values for one
record, committed as a new version) and correction_list (the accepted corrections of a dataset
or resource, as JSON or, with ``format=csv``, as a CSV file)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi.responses import Response

from holotype.services import correction_log, corrections
from holotype.web.actions.params import Doc
from holotype.web.actions.registry import Action, Context

VALUES = Doc('The corrected values by field name, e.g. {"country": "France"}; an empty '
             "value clears the field. Only fields the resource has may be set.",
             shape={"additionalProperties": {"type": "string"}})


@dataclass(frozen=True, kw_only=True)
class CorrectionAcceptParams:
    resource_id: Annotated[str, Doc("The resource: its id or DATASET/RESOURCE.")]
    record_id: Annotated[str, Doc("The record's id (its id field's value).")]
    values: Annotated[dict[str, Any], VALUES]
    report_id: Annotated[str | None, Doc("The error report the values come from, if any.")] = None


@dataclass(frozen=True, kw_only=True)
class CorrectionListParams:
    id: Annotated[str | None, Doc("The dataset's id or name (or give resource_id).")] = None
    resource_id: Annotated[str | None, Doc(
        "One resource: its id or DATASET/RESOURCE (instead of a whole dataset).")] = None
    format: Annotated[Literal["json", "csv"] | None, Doc(
        "json (the default): in the API's envelope; csv: a CSV file, one row per field.")] = None


def correction_accept(ctx: Context, p: CorrectionAcceptParams) -> dict[str, Any]:
    done = corrections.accept(ctx.portal, ctx.identity, p.resource_id, p.record_id, p.values,
                              p.report_id)
    return {**done.as_dict(), "message": done.message}


def correction_list(ctx: Context, p: CorrectionListParams) -> Any:
    found = correction_log.export(ctx.portal, ctx.identity, p.id, p.resource_id)
    if p.format == "csv":
        return csv_response(found)
    return export_json(found)


def export_json(found: correction_log.Exported) -> dict[str, Any]:
    return {"dataset": found.dataset.slug, "resource": found.resource,
            "count": len(found.rows), "columns": list(correction_log.COLUMNS),
            "corrections": found.rows}


def csv_response(found: correction_log.Exported) -> Response:
    """The export as a CSV file to save (maintainers' data: never kept by a shared cache)."""
    return Response(found.as_csv(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{found.filename}.csv"',
        "Cache-Control": "private, no-store"})


ACTIONS = (
    Action("correction_accept", correction_accept,
           "Correct one record: the values are committed as a new version of it, with their "
           "provenance (maintainers of its dataset; needs an API token with the write scope).",
           CorrectionAcceptParams, writes=True),
    Action("correction_list", correction_list,
           "The accepted corrections of a dataset or resource, one row per corrected field "
           "(maintainers of the dataset); format=csv for a CSV file.",
           CorrectionListParams),
)
