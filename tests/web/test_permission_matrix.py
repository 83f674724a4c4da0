"""THE PERMISSION MATRIX: every route and every API action, and who may see private data there.

Test 1 walks the application's routes (through included routers) and the API's actions and
fails, naming it, for any without an entry below: a new path must say what it shows (a probe)
or that it shows no catalogue data (``NO_DATA``). Test 2 asks every probe as anonymous,
member, editor (museum), other_editor (other) and sysadmin, and checks that museum's private
data appears exactly for those allowed. See docs/permissions.md, "How to add a path".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from holotype.config import load_settings
from holotype.services import drafts, portal_search
from holotype.services.citations.query_citations import cite
from holotype.services.context import Portal
from holotype.services.downloads import make_worker, parse_request, queue_download, status
from holotype.services.drafts import worker as draft_worker
from holotype.services.error_reports.model import NewReport
from holotype.services.error_reports.submit import create_report
from holotype.services.identity import ANONYMOUS
from holotype.web.actions import ACTIONS
from holotype.web.app import create_app
from tests.fixtures.accounts_site import (
    SECRET,
    SECRET_ID,
    SECRET_MEDIA,
    AccountsSite,
    make_accounts_site,
)
from tests.fixtures.forms import with_token
from tests.fixtures.signed_in import sign_in

WHO = ("anonymous", "member", "editor", "other_editor", "sysadmin")
READERS = frozenset({"member", "editor", "sysadmin"})  # museum's members (any role), sysadmins
REQUESTER = frozenset({"member", "sysadmin"})  # the member's private download
SIGNED_IN = frozenset(WHO[1:])
MANAGERS = frozenset({"editor", "sysadmin"})  # who may change museum's datasets
NOBODY: frozenset[str] = frozenset()  # private data never appears (a citation is public)
MAINTAINERS = frozenset({"editor", "sysadmin"})  # who may change museum's datasets


@dataclass(frozen=True)
class Ctx:
    site: AccountsSite
    key: str  # a short link (made by the member) searching SECRET in the private resource
    download: str  # the member's private download
    file_name: str
    public_citation: str  # a citation of public data
    draft: str = ""  # the editor's draft of a new version of the private resource
    report: str = ""  # the member's error report on the private record


@dataclass(frozen=True)
class Probe:
    ask: Callable[[TestClient, Ctx], httpx.Response]
    shows: Callable[[httpx.Response, Ctx], bool] | None = None  # default: a marker in the text
    allowed: frozenset[str] = READERS


NO_DATA = None  # the path shows no catalogue data: nothing to probe


def _markers(ctx: Ctx) -> tuple[str, ...]:
    # Not the resource or media id: a probe names them, and a "not found" may repeat them.
    del ctx
    return (SECRET, "SECRETINST", "Private secret")


def marked(response: httpx.Response, ctx: Ctx) -> bool:
    return any(m in response.text for m in _markers(ctx))


def ok(response: httpx.Response, _ctx: Ctx) -> bool:
    return response.status_code == 200


def total(path: str) -> Callable[[httpx.Response, Ctx], bool]:
    """The JSON number at ``path`` (dotted) is above zero."""
    def shows(response: httpx.Response, _ctx: Ctx) -> bool:
        if response.status_code != 200:
            return False
        value: Any = response.json()
        for part in path.split("."):
            value = value[int(part)] if isinstance(value, list) else value.get(part)
            if value is None:
                return False
        return bool(value)
    return shows


def get(path: str, **params: Any) -> Callable[[TestClient, Ctx], httpx.Response]:
    def ask(client: TestClient, ctx: Ctx) -> httpx.Response:
        filled = path.format(rid=ctx.site.secret_resource, key=ctx.key, media=SECRET_MEDIA,
                             job=ctx.download, file=ctx.file_name, cit=ctx.public_citation,
                             id=SECRET_ID, draft=ctx.draft,
                             report=ctx.report)
        return client.get(filled, params={k: v.format(rid=ctx.site.secret_resource, key=ctx.key)
                                          if isinstance(v, str) else v
                                          for k, v in params.items()},
                          follow_redirects=False)
    return ask


def action(name: str, /, **params: Any) -> Callable[[TestClient, Ctx], httpx.Response]:
    def ask(client: TestClient, ctx: Ctx) -> httpx.Response:
        # GET: on the API a session cookie counts for reading only (writes need a token).
        body = json.loads(json.dumps(params).replace("{rid}", ctx.site.secret_resource)
                          .replace("{key}", ctx.key).replace("{job}", ctx.download)
                          .replace("{draft}", ctx.draft)
                          .replace("{report}", ctx.report))
        return client.get(f"/api/3/action/{name}", params={
            k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
    return ask


def names_secret(response: httpx.Response, _ctx: Ctx) -> bool:
    """The private dataset's slug appears as a JSON string."""
    return '"secret"' in response.text


def _download_form(client: TestClient, _ctx: Ctx) -> httpx.Response:
    """The Download form over every visible resource, then the status of what it queued."""
    posted = client.post("/download", data=with_token(client, {
        "query": json.dumps(SEARCH), "format": "csv"}), follow_redirects=False)
    if posted.status_code != 303:
        return posted
    return client.get(posted.headers["location"] + ".json")


WORD = "Vault"  # the private records' locality: a search for it does not echo a marker
SEARCH = {"search": WORD}
RIDS = ["{rid}"]
EVERYTHING = "-180,-90,180,90"

ROUTES: dict[str, Probe | None] = {
    "MOUNT /static": NO_DATA,
    "GET /favicon.ico": NO_DATA,
    "GET /favicon.svg": NO_DATA,
    "GET /media/demo/{name}.svg": NO_DATA,  # the demo's drawings, for every visitor
    "GET /healthz": NO_DATA,
    "GET /api/docs": NO_DATA,
    "GET /api/openapi.json": NO_DATA,  # generated from the action classes, not from data
    "GET /api/3/action/{name}/help": NO_DATA,
    "GET /how-to-cite": NO_DATA,
    "GET /how-to-cite.json": NO_DATA,
    # Accounts (lane A's tests check each in depth): no catalogue data; who may see them.
    "GET /user/login": NO_DATA,
    "POST /user/login": NO_DATA,
    "POST /user/logout": NO_DATA,
    "GET /user/register": NO_DATA,
    "POST /user/register": NO_DATA,
    "GET /user/verify/{token}": NO_DATA,
    "GET /user/reset": NO_DATA,
    "POST /user/reset": NO_DATA,
    "GET /user/reset/{token}": NO_DATA,
    "POST /user/reset/{token}": NO_DATA,
    "GET /user/me": Probe(get("/user/me"), ok, SIGNED_IN),
    "GET /user/me.json": Probe(get("/user/me.json"), ok, SIGNED_IN),
    "POST /user/me": NO_DATA,  # the signed-in user's own profile
    "POST /user/me/tokens": NO_DATA,  # the signed-in user's own API tokens (lane C's tests)
    "POST /user/me/tokens/{token_id}/revoke": NO_DATA,
    "GET /admin/audit": Probe(get("/admin/audit"), ok, frozenset({"sysadmin"})),
    "GET /admin/audit.json": Probe(get("/admin/audit.json"), ok, frozenset({"sysadmin"})),
    "GET /admin/audit.csv": Probe(get("/admin/audit.csv"), ok, frozenset({"sysadmin"})),
    "GET /user/list": Probe(get("/user/list"), ok, frozenset({"sysadmin"})),
    "GET /user/list.json": Probe(get("/user/list.json"), ok, frozenset({"sysadmin"})),
    # OpenID Connect sign-in (404 unless configured): redirects and a session, no data
    "GET /user/login/oidc": NO_DATA,
    "GET /user/oidc/callback": NO_DATA,
    # Organisations: names are public; the datasets shown are those the visitor may read;
    # members are listed to the organisation's members (and sysadmins).
    "GET /organisations": NO_DATA,
    "GET /organisations.json": NO_DATA,
    "GET /organisation/new": Probe(get("/organisation/new"), ok, frozenset({"sysadmin"})),
    "POST /organisation/new": NO_DATA,  # tests/web/test_pages_organisations.py
    "GET /organisation/{slug}": Probe(get("/organisation/museum.json")),
    "GET /organisation/{slug}/members": Probe(get("/organisation/museum/members"), ok),
    "GET /organisation/{slug}/members.json": Probe(get("/organisation/museum/members.json"),
                                                   ok),
    "POST /organisation/{slug}/members": NO_DATA,  # tests/web/test_pages_organisations.py
    "GET /": Probe(get("/")),
    "GET /index.json": Probe(get("/index.json")),
    "GET /datasets": Probe(get("/datasets")),
    "GET /datasets.json": Probe(get("/datasets.json")),
    "GET /dataset/{slug}": Probe(get("/dataset/secret")),
    # The dataset editor: the new-dataset form for those who may create one somewhere; the
    # edit form (with the dataset's metadata) for those who may manage that dataset.
    "GET /dataset/new": Probe(get("/dataset/new"), ok,
                              frozenset({"editor", "other_editor", "sysadmin"})),
    "POST /dataset/new": NO_DATA,  # tests/web/test_dataset_editor.py
    "GET /dataset/{slug}/edit": Probe(get("/dataset/secret/edit"),
                                      allowed=frozenset({"editor", "sysadmin"})),
    "POST /dataset/{slug}/edit": NO_DATA,  # tests/web/test_dataset_editor.py
    # The accepted corrections, for the collection management system: maintainers only.
    "GET /dataset/{slug}/corrections.{fmt}": Probe(get("/dataset/secret/corrections.csv"), ok,
                                                   MAINTAINERS),
    "GET /dataset/{slug}/resource/{resource}": Probe(
        lambda c, x: c.get("/dataset/secret/resource/records", follow_redirects=True)),
    # Adding files: those who may change the dataset (tests/web/test_tus_uploads.py).
    "GET /dataset/{slug}/upload": Probe(get("/dataset/secret/upload"), allowed=MANAGERS),
    "GET /dataset/{slug}/upload.json": Probe(get("/dataset/secret/upload.json"),
                                             allowed=MANAGERS),
    # The tus endpoint: each user's own uploads only (tests/web/test_tus_uploads.py).
    "MOUNT /uploads": NO_DATA,
    "MOUNT /api/uploads": NO_DATA,
    # Drafts: only those who may change the dataset see them (others: 404, anonymous: 401).
    "GET /dataset/{slug}/drafts": Probe(get("/dataset/secret/drafts"), ok, MANAGERS),
    "GET /dataset/{slug}/drafts/{draft_id}": Probe(get("/dataset/secret/drafts/{draft}.json"),
                                                   ok, MANAGERS),
    "POST /dataset/{slug}/drafts": NO_DATA,  # tests/web/test_pages_drafts.py
    "POST /dataset/{slug}/drafts/{draft_id}/publish": NO_DATA,  # the same
    "POST /dataset/{slug}/drafts/{draft_id}/discard": NO_DATA,  # the same
    "POST /dataset/{slug}/images": NO_DATA,  # tests/web/test_attach_images.py
    "GET /search": Probe(get("/search", q=WORD, preset="everything")),
    "GET /search.json": Probe(get("/search.json", q=WORD, preset="everything")),
    "GET /search/{slug}": Probe(get("/search/{key}")),
    "POST /search/share": Probe(
        lambda c, x: c.post("/search/share", data=with_token(c, {"query": json.dumps(SEARCH),
                                                   "resource_ids": x.site.secret_resource}),
                            follow_redirects=True)),
    "GET /record/{resource_id}/{record_id:path}": Probe(get("/record/{rid}/{id}.json")),
    "GET /report-error/{resource_id}/{record_id:path}": Probe(get("/report-error/{rid}/{id}")),
    # Error reports (tests/error_reports/): sending one shows the record's title; the inbox and
    # a report show the values seen, to the dataset's maintainers and the reporter (member).
    "POST /report-error/{resource_id}/{record_id:path}": Probe(
        lambda c, x: c.post(f"/report-error/{x.site.secret_resource}/{SECRET_ID}",
                            data=with_token(c, {"field": "country", "proposed": "Mu"}))),
    "GET /reports": Probe(get("/reports")),
    "GET /reports.json": Probe(get("/reports.json")),
    "GET /reports/{report_id}": Probe(get("/reports/{report}.json")),
    "POST /reports/{report_id}": Probe(
        lambda c, x: c.post(f"/reports/{x.report}", data=with_token(c, {
            "status": "acknowledged"})), lambda r, x: "is now acknowledged" in r.text,
        frozenset({"editor"})),  # the first maintainer to ask changes it; then it is changed
    "POST /reports/{report_id}/accept": NO_DATA,  # tests/error_reports/test_accept.py
    "GET /object/{occurrence_id:path}": Probe(
        get("/object/{id}"), lambda r, x: r.status_code == 303 and x.site.secret_resource
        in r.headers["location"]),
    "POST /download": Probe(_download_form, lambda r, x: r.status_code == 200 and "secret" in {
        p.get("dataset") for p in _json_or(r, {}).get("resources", [])}),
    "GET /status/download/{download_id}": Probe(get("/status/download/{job}"), ok, REQUESTER),
    "GET /status/download/{download_id}.json": Probe(get("/status/download/{job}.json"), ok,
                                                     REQUESTER),
    "GET /downloads/{download_id}/{file_name}": Probe(get("/downloads/{job}/{file}"), ok,
                                                      REQUESTER),
    "GET /doi/{doi:path}": Probe(get("/doi/{cit}"), allowed=NOBODY),
    "GET /citation/{ref}": Probe(get("/citation/{cit}"), allowed=NOBODY),
    "POST /search/cite": Probe(
        lambda c, x: c.post("/search/cite", data=with_token(c, {
            "query": json.dumps(SEARCH), "resource_ids": x.site.secret_resource}),
                            follow_redirects=True),
        lambda r, x: r.status_code < 400, NOBODY),
    "GET /iiif/manifest/record/{resource_id}/{record_id:path}": Probe(
        get("/iiif/manifest/record/{rid}/{id}")),
    "GET /iiif/collection/search": Probe(get("/iiif/collection/search", q=WORD,
                                                      preset="everything")),
    "GET /iiif/manifest/dataset/{slug}": Probe(get("/iiif/manifest/dataset/secret")),
    "GET /iiif/3/{media_id}": Probe(get("/iiif/3/{media}"),
                                    lambda r, x: r.status_code in (302, 303, 307)),
    "GET /iiif/3/{media_id}/info.json": Probe(get("/iiif/3/{media}/info.json"), ok),
    "GET /iiif/3/{media_id}/{region}/{size}/{rotation}/{quality_format}": Probe(
        get("/iiif/3/{media}/full/max/0/default.jpg"), ok),
    "GET /map/{z}/{x}/{y}.mvt": Probe(get("/map/0/0/0.mvt", key="{key}"),
                                      lambda r, x: r.status_code == 200 and len(r.content) > 0),
    "GET /map/{style}/{z}/{x}/{y}.png": Probe(
        get("/map/points/0/0/0.png", key="{key}"),
        lambda r, x: r.status_code == 200 and r.headers.get("content-type") == "image/png"),
    "GET /map/legend.json": Probe(get("/map/legend.json", key="{key}", style="points", z=0),
                                  ok),
    "GET /map/records.json": Probe(get("/map/records.json", key="{key}", bbox=EVERYTHING),
                                   total("count")),
    "GET /statistics": Probe(get("/statistics", dataset="secret"), ok),
    "GET /statistics.json": Probe(get("/statistics.json", dataset="secret"), ok),
    "GET /statistics/{name}": Probe(get("/statistics/field.json", field="institutionCode")),
    "GET /api/3/action/{name}": NO_DATA,  # each action has its own entry in ACTIONS_PROBES
    "POST /api/3/action/{name}": NO_DATA,
    "GET /api/action/{name}": NO_DATA,
    "POST /api/action/{name}": NO_DATA,
}

ACTIONS_PROBES: dict[str, Probe | None] = {
    "status_show": NO_DATA,
    "statistics_list": Probe(action("statistics_list", dataset="secret"), ok),
    "statistics_figure": Probe(action("statistics_figure", figure="field",
                                      field="institutionCode")),
    "package_list": Probe(action("package_list"), names_secret),
    "package_show": Probe(action("package_show", id="secret")),
    "package_search": Probe(action("package_search", q="Private")),
    "organization_list": NO_DATA,  # every organisation's name is public
    "organization_show": Probe(action("organization_show", id="museum",
                                      include_datasets=True), names_secret),
    "resource_show": Probe(action("resource_show", id="{rid}"), ok),
    "datastore_search": Probe(action("datastore_search", resource_id="{rid}")),
    "datastore_query_extent": Probe(action("datastore_query_extent", resource_id="{rid}"),
                                    total("result.total_count")),
    "vds_multi_query": Probe(action("vds_multi_query", query=SEARCH)),
    "vds_multi_count": Probe(action("vds_multi_count", query=SEARCH), total("result.total")),
    # A hash of the request alone: it reads nothing, so it answers anyone.
    "vds_multi_hash": Probe(action("vds_multi_hash", query=SEARCH, resource_ids=RIDS), ok,
                            frozenset(WHO)),
    "vds_multi_fields": Probe(action("vds_multi_fields", resource_ids=RIDS), ok),
    "vds_multi_autocomplete_value": Probe(action("vds_multi_autocomplete_value",
                                                 field="institutionCode", prefix="SECRET")),
    "vds_multi_autocomplete_field": Probe(action("vds_multi_autocomplete_field",
                                                 resource_ids=RIDS), ok),
    "vds_multi_stats": Probe(action("vds_multi_stats", field="decimalLatitude",
                                    query=SEARCH), total("result.count")),
    "vds_slug_create": Probe(action("vds_slug_create", query=SEARCH, resource_ids=RIDS), ok),
    "vds_slug_resolve": Probe(action("vds_slug_resolve", slug="{key}"), lambda r, x: (
        x.site.secret_resource in json.dumps(_json_or(r, {}).get("result")))),
    "vds_data_get": Probe(action("vds_data_get", resource_id="{rid}", record_id=SECRET_ID)),
    "vds_version_record": Probe(action("vds_version_record", resource_id="{rid}",
                                       record_id=SECRET_ID), ok),
    "vds_version_resource": Probe(action("vds_version_resource", resource_id="{rid}"), ok),
    "vds_version_round": Probe(action("vds_version_round", resource_id="{rid}",
                                      version=2**40), ok),
    "dataset_changelog": Probe(action("dataset_changelog", id="secret"), ok),
    "vds_download_queue": Probe(action("vds_download_queue", query={
        "query": SEARCH, "resource_ids": RIDS}, file={"format": "csv"}), ok),
    "vds_download_status": Probe(action("vds_download_status", download_id="{job}"), ok,
                                 REQUESTER),
    "query_doi_create": Probe(action("query_doi_create", query=SEARCH, resource_ids=RIDS,
                                     email_address="a@example.org"), ok, NOBODY),
    "query_doi_show": Probe(action("query_doi_show", doi="{key}"), ok, NOBODY),
    "correction_list": Probe(action("correction_list", id="secret"), ok, MAINTAINERS),
    # Writes answer POST with an API token only (tests/accounts/test_ckanapi_writes.py): a GET
    # with a session cookie, as here, changes nothing and shows nothing, for anyone.
    **{name: Probe(action(name, **params), ok, NOBODY) for name, params in {
        "package_create": {"name": "made-by-get", "title": "x", "license_id": "CC0-1.0",
                           "owner_org": "museum"},
        "package_update": {"id": "secret", "title": "x"},
        "package_patch": {"id": "secret", "title": "x"},
        "package_delete": {"id": "secret"},
        "resource_create": {"package_id": "secret", "url": "https://example.org/x"},
        "organization_create": {"name": "made-by-get"},
        "organization_update": {"id": "museum", "title": "x"},
        "organization_patch": {"id": "museum", "title": "x"},
        "organization_delete": {"id": "museum"},
        "member_create": {"id": "museum", "object": "member", "capacity": "admin"},
        "organization_member_create": {"id": "museum", "username": "member", "role": "admin"},
        "api_token_create": {"name": "made-by-get"},
        "api_token_revoke": {"jti": "whatever"},
        "correction_accept": {"resource_id": "{rid}", "record_id": SECRET_ID,
                              "values": {"country": "Atlantis Minor"}},
        "draft_create": {"package_id": "secret", "name": "made-by-get"},
        "draft_show": {"id": "{draft}"},
        "draft_list": {"package_id": "secret"},
        "draft_publish": {"id": "{draft}"},
        "draft_discard": {"id": "{draft}"},
        "media_attach": {"package_id": "secret", "upload_ids": ["0" * 32]},
    }.items()},
    "organization_list_for_user": Probe(action("organization_list_for_user"), ok,
                                        frozenset(WHO)),  # organisation names are public
    "api_token_list": Probe(action("api_token_list"), ok, SIGNED_IN),  # one's own tokens
    "report_create": Probe(action("report_create", resource_id="{rid}", record_id=SECRET_ID,
                                  fields={"country": "Mu"}), ok, NOBODY),  # POST only; signed in
    # (anonymous: 401, tests/error_reports/test_pages.py): no one may by GET
    "report_list": Probe(action("report_list")),
    "report_show": Probe(action("report_show", id="{report}")),
    "report_update": Probe(action("report_update", id="{report}", status="fixed"), ok,
                           NOBODY),  # POST with a token only
    "report_accept": Probe(action("report_accept", id="{report}"), ok, NOBODY),  # the same
}


def _json_or(response: httpx.Response, default: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return default


def _walk(routes: list[Any]) -> Iterator[str]:
    for route in routes:
        if not hasattr(route, "path"):
            yield from _walk(route.original_router.routes)
            continue
        for method in sorted(getattr(route, "methods", None) or {"MOUNT"}):
            if method != "HEAD":
                yield f"{method} {route.path}"


def test_every_route_and_action_has_an_entry(tmp_path: Path) -> None:
    app: FastAPI = create_app(load_settings(data_dir=tmp_path))
    routes = set(_walk(app.routes))
    missing = sorted(routes - set(ROUTES))
    assert not missing, f"routes without an entry in the permission matrix: {missing}"
    stale = sorted(set(ROUTES) - routes)
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"
    actions = sorted(set(ACTIONS) - set(ACTIONS_PROBES))
    assert not actions, f"API actions without an entry in the permission matrix: {actions}"
    assert not set(ACTIONS_PROBES) - set(ACTIONS)


@contextmanager
def _matrix(directory: Path, **overrides: Any) -> Iterator[tuple[Ctx, dict[str, TestClient]]]:
    site = make_accounts_site(directory, records=30, **overrides)
    portal = Portal.open(site.settings)
    try:
        member = site.identity("member")
        key = portal_search.share(portal, member, SEARCH, [site.secret_resource], None)
        request = parse_request({"search": WORD, "resource_ids": [site.secret_resource]},
                                {"format": "csv"}, {"type": "none"})
        job = queue_download(portal, member, request).id
        while make_worker(portal, 0.01).run_once():
            pass
        file_name = status(portal, member, job)["file_name"]
        cited = cite(portal, ANONYMOUS, {"search": "a"}, None, None).citation.id
        sample = directory / "draft.csv"
        sample.write_text("occurrenceID,scientificName\nsec-museum-9,Draftus\n")
        draft = drafts.start(portal, site.identity("editor"), "secret", "records", sample,
                             "draft.csv").id
        while draft_worker.make_worker(portal, 0.01).run_once():
            pass
        report = create_report(portal, member, NewReport(
            site.secret_resource, SECRET_ID, None, [("scientificName", "Arcanus novus")])).id
    finally:
        portal.close()
    ctx = Ctx(site, key, job, file_name, cited, draft, report)
    clients: dict[str, TestClient] = {}
    app = create_app(site.settings)
    with TestClient(app) as anonymous:
        clients["anonymous"] = anonymous
        for name in WHO[1:]:
            clients[name] = sign_in(app, site, name)
        yield ctx, clients
        for name in WHO[1:]:
            clients[name].close()


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Ctx, dict[str, TestClient]]]:
    with _matrix(tmp_path_factory.mktemp("matrix-site")) as made:
        yield made


def _run(entries: dict[str, Probe | None], matrix: tuple[Ctx, dict[str, TestClient]]
         ) -> list[str]:
    ctx, clients = matrix
    wrong = []
    for entry, probe in entries.items():
        if probe is None:
            continue
        for who in WHO:
            response = probe.ask(clients[who], ctx)
            assert response.status_code < 500, (entry, who, response.text[:300])
            seen = (probe.shows or marked)(response, ctx)
            if seen != (who in probe.allowed):
                wrong.append(f"{entry} as {who}: {'shows' if seen else 'hides'} private data "
                             f"({response.status_code} {response.text[:120]!r})")
    return wrong


def test_private_data_appears_exactly_where_allowed_on_every_route(
        matrix: tuple[Ctx, dict[str, TestClient]]) -> None:
    wrong = _run(ROUTES, matrix)
    assert not wrong, "\n".join(wrong)


def test_private_data_appears_exactly_where_allowed_in_every_action(
        matrix: tuple[Ctx, dict[str, TestClient]]) -> None:
    wrong = _run(ACTIONS_PROBES, matrix)
    assert not wrong, "\n".join(wrong)


SLIM = ("GET /search.json", "GET /datasets.json", "GET /dataset/{slug}",
        "GET /record/{resource_id}/{record_id:path}", "GET /status/download/{download_id}.json",
        "GET /map/records.json", "GET /reports.json")


def test_the_matrix_holds_on_postgresql(postgres_database: str, tmp_path: Path) -> None:
    """The same decisions with the catalogue on PostgreSQL (the policy's SQL condition)."""
    with _matrix(tmp_path, database_url=postgres_database, download_workers=0) as made:
        wrong = _run({entry: ROUTES[entry] for entry in SLIM}, made)
        wrong += _run({name: ACTIONS_PROBES[name] for name in (
            "package_list", "vds_multi_count", "vds_multi_autocomplete_value",
            "report_list")}, made)
    assert not wrong, "\n".join(wrong)
