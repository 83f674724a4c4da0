"""Downloads: vds_download_queue (NHM's shape) and vds_download_status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from holotype.services import downloads
from holotype.services.downloads import FORMATS, NOTIFIERS, parse_request
from holotype.web.actions.params import Doc
from holotype.web.actions.registry import Action, Context


def vds_download_queue(ctx: Context, p: DownloadQueueParams) -> dict[str, Any]:
    request = parse_request(p.query, p.file, p.notifier)
    queued = downloads.queue_download(ctx.portal, ctx.identity, request)
    return {
        "download_id": queued.id,
        "status": queued.status,
        "reused": queued.reused,
        "status_url": f"{ctx.base_url}/status/download/{queued.id}",
        "status_json": f"{ctx.base_url}/status/download/{queued.id}.json",
    }


def vds_download_status(ctx: Context, p: DownloadStatusParams) -> dict[str, Any]:
    found = downloads.status(ctx.portal, ctx.identity, p.download_id)
    if found["url"]:
        found["url"] = ctx.base_url + found["url"]
    return found


QUERY = (
    "What to download: {query (an NHM v1.0.0 query), query_version, version (ms timestamp; "
    "absent: the latest), resource_ids (absent: every visible resource), slug_or_doi (a short "
    "link whose search to download instead)}."
)
FILE = (
    f"How to write it: {{format ({', '.join(FORMATS.names())}), format_args (csv/tsv: "
    "neutralise_formulas), separate_files (default true: one file per resource), "
    "ignore_empty_fields (default true), transform (only id_as_url: {field: name})}."
)
NOTIFIER = (
    f"Who to tell when it is ready: {{type ({', '.join(NOTIFIERS)}), type_args ({{emails: "
    "[...]}} or {url: ...})}. Default: none."
)


@dataclass(frozen=True, kw_only=True)
class DownloadQueueParams:
    query: Annotated[dict[str, Any] | None, Doc(QUERY)] = None
    file: Annotated[dict[str, Any], Doc(FILE)]
    notifier: Annotated[dict[str, Any] | None, Doc(NOTIFIER)] = None


@dataclass(frozen=True, kw_only=True)
class DownloadStatusParams:
    download_id: Annotated[str, Doc("The id vds_download_queue answered.")]


ACTIONS = (
    Action("vds_download_queue", vds_download_queue,
           "Queue a download of the records a search matches; answers at once with the "
           "download id (an identical earlier request answers with its own id).",
           DownloadQueueParams),
    Action("vds_download_status", vds_download_status,
           "Where a download stands: queued, generating, zipping, complete or failed, with "
           "records written, time taken, the file's link or the reason it failed.",
           DownloadStatusParams),
)
