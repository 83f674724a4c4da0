"""Cross-origin access to the read API: pages on other sites may call it from a browser.

IIIF manifests, collections and images (``/iiif/``) are read the same way by IIIF viewers on
other sites. The records are public, so by default (``cors_origins = ["*"]``) any site's
scripts may call the API's read actions, their help and the OpenAPI document with ``GET`` or
``POST``, as CKAN's API allows. The actions that create something (a download request, a
short link) and the portal's own pages and forms stay same-origin: a browser on another site
gets no CORS headers for them, so it may neither read their answers nor send them JSON. No
credentials are ever allowed: another site's scripts never act with a visitor's session cookie
(which is SameSite=Lax besides); API writes need an API token in ``Authorization``, and forms
need their form token (:mod:`holotype.web.csrf`).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

READ_ACTIONS = frozenset({
    "dataset_changelog", "datastore_query_extent", "datastore_search", "organization_list",
    "organization_show", "package_list", "package_search", "package_show", "resource_show",
    "status_show",
    "vds_data_get", "vds_download_status", "vds_multi_autocomplete_field",
    "vds_multi_autocomplete_value", "vds_multi_count", "vds_multi_fields", "vds_multi_hash",
    "vds_multi_query", "vds_multi_stats", "vds_slug_resolve", "vds_version_record",
    "vds_version_resource", "vds_version_round", "query_doi_show", "statistics_figure",
    "statistics_list",
})
SAME_ORIGIN_ACTIONS = frozenset({
    "vds_download_queue", "vds_slug_create", "query_doi_create",  # they create
    # they change the catalogue or a user's tokens (with an API token), or list a user's own
    "package_create", "package_update", "package_patch", "package_delete", "resource_create",
    "organization_create", "organization_update", "organization_patch", "organization_delete",
    "organization_list_for_user", "member_create", "organization_member_create",
    "api_token_create", "api_token_list", "api_token_revoke",
    # error reports: sent, listed, changed and accepted on the portal's own pages or by scripts
    "report_create", "report_list", "report_show", "report_update", "report_accept",
    # drafts, corrections and images attached to records: the editors' writes and their lists
    "draft_create", "draft_show", "draft_list", "draft_publish", "draft_discard",
    "correction_accept", "correction_list", "media_attach",
})
ACTION_PREFIXES = ("/api/3/action/", "/api/action/")
METHODS = "GET, HEAD, POST"
ALLOWED_HEADERS = "Content-Type, Authorization"
EXPOSED_HEADERS = "Retry-After"  # so a client over the rate limit can read how long to wait
PREFLIGHT_MAX_AGE = "600"


IIIF_PREFIX = "/iiif/"  # IIIF manifests, collections and images: read by viewers anywhere


def is_cross_origin_path(path: str) -> bool:
    """A read action (or its help), the OpenAPI document, or a IIIF document or image."""
    if path == "/api/openapi.json" or path.startswith(IIIF_PREFIX):
        return True
    for prefix in ACTION_PREFIXES:
        if path.startswith(prefix):
            name, _, rest = path[len(prefix):].partition("/")
            return name in READ_ACTIONS and rest in ("", "help")
    return False


class CrossOrigin:
    """ASGI middleware: CORS headers on the read API for the allowed ``origins``, and the
    answer to their preflight ``OPTIONS``; nothing anywhere else."""

    def __init__(self, app: ASGIApp, origins: Sequence[str]) -> None:
        self.app = app
        self.any_origin = "*" in origins
        self.origins = frozenset(origins)
        self.vary = {"Vary": "Origin"} if origins and not self.any_origin else {}

    def _allow_origin(self, origin: str | None) -> str | None:
        if origin is None or not (self.any_origin or origin in self.origins):
            return None
        return "*" if self.any_origin else origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_cross_origin_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        allowed = self._allow_origin(request_headers.get("origin"))
        vary = self.vary
        if scope["method"] == "OPTIONS" and "access-control-request-method" in request_headers:
            wanted = request_headers["access-control-request-method"].upper()
            if allowed is None or wanted not in METHODS.split(", "):
                response = Response(status_code=403, headers=vary)
            else:
                response = Response(status_code=204, headers={
                    "Access-Control-Allow-Origin": allowed,
                    "Access-Control-Allow-Methods": METHODS,
                    "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                    "Access-Control-Max-Age": PREFLIGHT_MAX_AGE, **vary})
            await response(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if allowed is not None:
                    headers["Access-Control-Allow-Origin"] = allowed
                    headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
                if vary:
                    headers.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_with_cors)
