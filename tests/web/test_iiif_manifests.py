"""IIIF Presentation 3.0 manifests and collections, parsed back with iiif-prezi3: a record's
canvases, licence, credit, homepage and a drawer's hotspots; a dataset's and a search page's
collections paging through every record; privacy and bad input."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from iiif_prezi3 import Collection, Manifest

from holotype.media.refs import media_id
from tests.fixtures.iiif_site import (
    CC_BY,
    DRAWER_MEDIA,
    PAGED,
    REMOTE_OK,
    SPECIMEN_MEDIA,
    IIIFSite,
)

PROFILE = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
BASE = "http://testserver"


def _get(web: TestClient, url: str, **headers: str) -> dict[str, Any]:
    response = web.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == PROFILE
    document: dict[str, Any] = response.json()
    return document


def _manifest(web: TestClient, site: IIIFSite, record: str, query: str = "") -> Manifest:
    url = f"/iiif/manifest/record/{site.resource}/{quote(record, safe='')}{query}"
    return Manifest(**_get(web, url))


def _text(value: Any) -> str:
    """A language map's text (``{"en": ["..."]}``), however iiif-prezi3 parsed it back."""
    data = value.model_dump() if hasattr(value, "model_dump") else value
    data = data.get("root", data) if isinstance(data, dict) else data
    return " ".join(" ".join(v) for v in data.values())


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json", exclude_none=True)


def test_a_record_manifest_has_one_canvas_per_served_image(
        iiif_web: TestClient, iiif_site: IIIFSite) -> None:
    manifest = _manifest(iiif_web, iiif_site, "pin-1")
    page = f"{BASE}/record/{iiif_site.resource}/pin-1"
    assert _text(manifest.label) == "Carabus nitens (PIN-1)"
    assert "Heath" in _text(manifest.summary)
    meta = {_text(m.label): _text(m.value) for m in manifest.metadata}
    assert meta["Scientific name"] == "Carabus nitens"
    assert meta["Locality"] == "Heath"
    assert meta["Dataset"] == "Imaged specimens"
    # the stored image and the one on an allowed host; not the PDF nor the refused host
    services = [_dump(c)["items"][0]["items"][0]["body"]["service"][0] for c in manifest.items]
    assert [s["id"] for s in services] == [f"{BASE}/iiif/3/{SPECIMEN_MEDIA}",
                                           f"{BASE}/iiif/3/{media_id(REMOTE_OK)}"]
    assert {s["type"] for s in services} == {"ImageService3"}
    first = _dump(manifest.items[0])
    assert (first["width"], first["height"]) == (1000, 1000)  # no size known: the default
    assert first["rights"] == CC_BY
    assert "B. Imager" in _text(manifest.items[0].requiredStatement.value)
    assert _dump(manifest)["homepage"][0]["id"] == page
    assert _dump(manifest)["thumbnail"][0]["id"] == \
        f"{BASE}/iiif/3/{SPECIMEN_MEDIA}/full/^!400,400/0/default.jpg"
    assert "Imaged specimens" in _text(manifest.requiredStatement.value)


def test_a_drawer_carries_its_hotspots_as_linking_annotations(
        iiif_web: TestClient, iiif_site: IIIFSite) -> None:
    manifest = _manifest(iiif_web, iiif_site, "drawer-7")
    canvas = _dump(manifest.items[0])
    assert canvas["id"].endswith(f"/canvas/{DRAWER_MEDIA}")
    assert canvas["rights"] == CC_BY
    assert "Natural History Museum" in _text(manifest.items[0].requiredStatement.value)
    spots = canvas["annotations"][0]["items"]
    assert [(a["motivation"], a["target"], a["body"]["id"]) for a in spots] == [
        ("linking", f"{canvas['id']}#xywh=100,200,300,400", f"{BASE}/object/pin-1"),
        ("linking", f"{canvas['id']}#xywh=500,600,70,80", f"{BASE}/object/pin%202%2Fb"),
    ]  # the malformed third hotspot is left out
    assert "annotations" not in _dump(_manifest(iiif_web, iiif_site, "pin-1").items[0])


def test_a_version_is_kept_in_the_ids_and_cached_longer(
        iiif_web: TestClient, iiif_site: IIIFSite) -> None:
    latest = iiif_web.get(f"/iiif/manifest/record/{iiif_site.resource}/pin-1")
    version = 253_402_300_799_999  # the data as of the end of year 9999: the latest
    url = f"/iiif/manifest/record/{iiif_site.resource}/pin-1?version={version}"
    versioned = iiif_web.get(url)
    assert versioned.json()["id"] == BASE + url
    assert versioned.json()["homepage"][0]["id"].endswith(f"?version={version}")
    assert "max-age=86400" in versioned.headers["cache-control"]
    assert "max-age=300" in latest.headers["cache-control"]
    again = iiif_web.get(url, headers={"If-None-Match": versioned.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_iiif_documents_may_be_read_by_viewers_on_other_sites(
        iiif_web: TestClient, iiif_site: IIIFSite) -> None:
    response = iiif_web.get(f"/iiif/manifest/record/{iiif_site.resource}/pin-1",
                            headers={"Origin": "https://viewer.example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_a_record_without_served_images_has_no_canvas(
        iiif_web: TestClient, iiif_site: IIIFSite) -> None:
    assert _manifest(iiif_web, iiif_site, "far-1").items == []
    plain = _manifest(iiif_web, iiif_site, "plain-1")
    assert plain.items == [] and plain.thumbnail is None
    assert _dump(plain)["rights"] == CC_BY  # the dataset's licence


def test_a_private_record_is_not_found(iiif_web: TestClient, iiif_site: IIIFSite) -> None:
    response = iiif_web.get(f"/iiif/manifest/record/{iiif_site.secret_resource}/sec-img")
    assert response.status_code == 404
    assert "Occultus" not in response.text
    assert response.json()["error"]["message"]
    assert iiif_web.get("/iiif/manifest/dataset/hidden").status_code == 404
    search = iiif_web.get(f"/iiif/collection/search?resource_ids={iiif_site.secret_resource}")
    assert search.status_code == 404


@pytest.mark.parametrize(("url", "status", "field"), [
    ("/iiif/manifest/record/{r}/no-such-record", 404, "record_id"),
    ("/iiif/manifest/record/no-such-resource/pin-1", 404, "resource_id"),
    ("/iiif/manifest/record/{r}/pin-1?version=yesterday", 400, "version"),
    ("/iiif/manifest/record/{r}/pin-1?version=-5", 400, "version"),
    ("/iiif/manifest/dataset/no-such-dataset", 404, "slug"),
    ("/iiif/collection/search?size=0", 400, "size"),
    ("/iiif/collection/search?filters=[", 400, "filters"),
])
def test_bad_input_is_a_clear_json_error(iiif_web: TestClient, iiif_site: IIIFSite,
                                         url: str, status: int, field: str) -> None:
    response = iiif_web.get(url.format(r=iiif_site.resource))
    assert response.status_code == status, response.text
    assert response.json()["error"]["field"] == field


def _walk(web: TestClient, url: str) -> tuple[list[str], list[Collection]]:
    """Every manifest of a collection, following the "Next page" references to the end."""
    manifests: list[str] = []
    pages: list[Collection] = []
    while url:
        collection = Collection(**_get(web, url))
        pages.append(collection)
        items = [_dump(item) for item in collection.items]
        manifests += [i["id"] for i in items if i["type"] == "Manifest"]
        following = [i["id"] for i in items if i["type"] == "Collection"]
        assert len(following) <= 1
        url = following[0].removeprefix(BASE) if following else ""
        assert len(pages) < 20
    return manifests, pages


def test_a_search_collection_pages_through_every_imaged_record(
        iiif_web: TestClient, iiif_site: IIIFSite) -> None:
    first = f"/iiif/collection/search?resource_ids={iiif_site.resource}&size=7"
    manifests, pages = _walk(iiif_web, first)
    records = [m.rsplit("/", 1)[1] for m in manifests]
    expected = {"drawer-7", "pin-1", *(f"page-{n:02d}" for n in range(PAGED))}
    assert sorted(records) == sorted(expected)  # each once; none without a served image
    assert len(pages) == 5  # 28 records with image fields, 7 a page: the 4th is full, so a
    # 5th (empty, as the cursor cannot know there is nothing after) ends the chain
    assert _dump(pages[0]).get("partOf") is None
    assert all(_dump(p)["partOf"][0]["id"] == BASE + first.replace("&size", "&view=gallery&size")
               for p in pages[1:])
    assert _dump(pages[0])["homepage"][0]["id"].startswith(f"{BASE}/search?")
    thumbs = [_dump(item)["thumbnail"][0]["id"] for item in pages[0].items
              if _dump(item)["type"] == "Manifest"]
    assert all(t.endswith("/full/^!400,400/0/default.jpg") for t in thumbs)


def test_a_search_collection_follows_the_search(iiif_web: TestClient,
                                                 iiif_site: IIIFSite) -> None:
    url = (f"/iiif/collection/search?resource_ids={iiif_site.resource}"
           "&q=Carabus")
    manifests, _ = _walk(iiif_web, url)
    assert [m.rsplit("/", 1)[1] for m in manifests] == ["pin-1"]


def test_a_dataset_is_a_collection_of_its_records_manifests(
        iiif_web: TestClient, iiif_site: IIIFSite) -> None:
    manifests, pages = _walk(iiif_web, "/iiif/manifest/dataset/imaged")
    assert len(manifests) == PAGED + 2
    assert _text(pages[0].label) == "Imaged specimens"
    assert _dump(pages[0])["homepage"][0]["id"] == f"{BASE}/dataset/imaged"
    assert _dump(pages[-1])["partOf"][0]["id"] == f"{BASE}/iiif/manifest/dataset/imaged"


def test_the_gallery_links_its_iiif_collection_and_thumbnails(
        iiif_web: TestClient, iiif_site: IIIFSite) -> None:
    page = iiif_web.get(f"/search.json?resource_ids={iiif_site.resource}&view=gallery&size=5")
    data = page.json()
    collection = Collection(**_get(iiif_web, data["iiif_collection"]))
    assert len([i for i in collection.items if _dump(i)["type"] == "Manifest"]) >= 4
    drawer = next(r for r in data["records"] if r["id"] == "drawer-7")
    assert drawer["iiif"] == [{"id": DRAWER_MEDIA, "width": 300, "height": 300,
                               "src": f"/iiif/3/{DRAWER_MEDIA}/full/^!300,300/0/default.jpg"}]
    html = iiif_web.get(f"/search?resource_ids={iiif_site.resource}&view=gallery&size=5").text
    assert f'src="/iiif/3/{DRAWER_MEDIA}/full/^!300,300/0/default.jpg"' in html
    assert 'loading="lazy" width="300" height="300"' in html
    table = iiif_web.get(f"/search.json?resource_ids={iiif_site.resource}").json()
    assert table["iiif_collection"] is None


def test_a_record_page_has_the_viewer_its_strip_hotspots_and_iiif_link(
        iiif_web: TestClient, iiif_site: IIIFSite) -> None:
    manifest = f"/iiif/manifest/record/{iiif_site.resource}/drawer-7"
    html = iiif_web.get(f"/record/{iiif_site.resource}/drawer-7").text
    assert f'data-manifest="{manifest}"' in html
    assert '<script src="/static/vendor/openseadragon/openseadragon.min.js" defer>' in html
    assert '<script src="/static/viewer.js" defer>' in html
    link = f"{BASE}{manifest}?manifest={quote(BASE + manifest, safe='')}"
    assert f'class="iiif-badge" href="{link}"' in html
    assert '<a href="/object/pin%202%2Fb">pin 2/b</a>' in html  # the hotspots, as links too
    assert "viewer-strip" not in html  # one image: no strip
    strip = iiif_web.get(f"/record/{iiif_site.resource}/pin-1").text
    assert strip.count('<button type="button" data-index=') == 2
    assert "Other images" in strip and "elsewhere.example.net/sheet-2.jpg" in strip
    data = iiif_web.get(f"/record/{iiif_site.resource}/pin-1.json").json()["iiif"]
    assert [i["id"] for i in data["images"]] == [SPECIMEN_MEDIA, media_id(REMOTE_OK)]
    assert data["images"][0]["info"] == f"/iiif/3/{SPECIMEN_MEDIA}/info.json"
    plain = iiif_web.get(f"/record/{iiif_site.resource}/plain-1").text
    assert "iiif-viewer" not in plain and "viewer.js" not in plain


def test_a_specimen_page_shows_its_region_of_the_drawer_it_is_pinned_in(
        iiif_web: TestClient, iiif_site: IIIFSite) -> None:
    page = iiif_web.get(f"/record/{iiif_site.resource}/pin-1.json").json()
    (drawer,) = page["drawers"]
    assert drawer["url"] == f"/record/{iiif_site.resource}/drawer-7"
    assert drawer["xywh"] == "100,200,300,400"  # the drawer's hotspot for pin-1
    assert drawer["crop"] == f"/iiif/3/{DRAWER_MEDIA}/100,200,300,400/^!300,300/0/default.jpg"
    html = iiif_web.get(f"/record/{iiif_site.resource}/pin-1").text
    assert "In a drawer" in html and f'src="{drawer["crop"]}"' in html
    # a record no drawer names has none; nor has the drawer itself
    assert iiif_web.get(f"/record/{iiif_site.resource}/plain-1.json").json()["drawers"] == []
    assert iiif_web.get(f"/record/{iiif_site.resource}/drawer-7.json").json()["drawers"] == []
