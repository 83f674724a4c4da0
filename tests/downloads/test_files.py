"""The file route serves only the complete file of that download, by its exact name, and
only while every dataset in it is still public."""

from __future__ import annotations

from fastapi.testclient import TestClient

from holotype.services import catalogue, downloads
from holotype.services.identity import ANONYMOUS
from holotype.web.app import create_app
from tests.downloads.conftest import MEDIA, Site, drain, queue


def test_a_download_of_a_dataset_made_private_since_is_not_served(site: Site) -> None:
    portal = site.portal()
    try:
        download_id = queue(portal, "csv", resource_ids=[MEDIA])
        everything = queue(portal, "csv")
        drain(portal)
        mine, all_of_it = (downloads.status(portal, ANONYMOUS, i)
                           for i in (download_id, everything))
    finally:
        portal.close()
    with TestClient(create_app(site.settings)) as client:
        assert client.get(mine["url"]).status_code == 200
        assert client.get(all_of_it["url"]).status_code == 200
        portal = site.portal()
        try:
            with portal.session() as session:
                catalogue.update_dataset(session, "media-survey", visibility="private")
        finally:
            portal.close()
        for url in (mine["url"], all_of_it["url"]):
            refused = client.get(url, headers={"accept": "application/json"})
            assert refused.status_code == 404
            assert "no longer public" in refused.json()["error"]["message"]
        # Its status no longer tells how many records it held (nor links the file).
        for before in (mine, all_of_it):
            assert before["total"] > 0 and before["file_size"] > 0
            now = client.get(f"/status/download/{before['id']}.json").json()
            assert now["withheld"] and now["url"] is None
            assert (now["total"], now["written"], now["file_size"]) == (None, None, None)
            page = client.get(f"/status/download/{before['id']}").text
            assert "no longer public" in page and "Records written" not in page


def test_only_the_exact_file_name_is_served(site: Site) -> None:
    portal = site.portal()
    try:
        download_id = queue(portal, "csv", resource_ids=[MEDIA])
        drain(portal)
        found = downloads.status(portal, ANONYMOUS, download_id)
    finally:
        portal.close()
    with TestClient(create_app(site.settings)) as client:
        for name in ("..%2F..%2Fcatalogue.sqlite", "%2E%2E", ".." , "manifest.json",
                     found["file_name"] + "x", "%2e" + found["file_name"]):
            response = client.get(f"/downloads/{download_id}/{name}")
            assert response.status_code == 404, name
        for odd_id in ("..", "%2E%2E", download_id + "%00"):
            assert client.get(f"/downloads/{odd_id}/{found['file_name']}").status_code == 404
