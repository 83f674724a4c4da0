"""The portal's IIIF Image API (/iiif/3/…) over HTTP, on media ingested as records' fields:
information documents, images and their headers, the privacy rule, bad input, the pyramid
cache, and the official validator at level 2 against the real routes."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pyvips
from fastapi.testclient import TestClient

from holotype.config import Settings, load_settings
from holotype.media.refs import media_id
from holotype.media.stored import store_file
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.iiif import images
from holotype.services.media.originals import fetched_dir, prune_fetched
from holotype.services.records import ingest
from holotype.web.app import create_app
from tests.fixtures.iiif_validator import assert_level_2
from tests.fixtures.site import LiveServer

VALIDATOR_IMAGE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "iiif" / (
    "67352ccc-d1b0-11e1-89ae-279075081939.png")


@dataclass(frozen=True)
class ImageSite:
    settings: Settings
    public: str  # media ids
    private: str
    validator: str


def _gradient(path: Path, width: int, height: int) -> Path:
    x = pyvips.Image.xyz(width, height)
    image = (x[0] * 255 / width).bandjoin([x[1] * 255 / height, x[0] * 0 + 128]).cast("uchar")
    image.write_to_file(str(path))
    return path


def _dataset(portal: Portal, slug: str, visibility: str, folder: Path, sources: list[str]) -> None:
    with portal.session() as session:
        catalogue.create_dataset(session, slug=slug, title=slug, licence="CC0-1.0",
                                 visibility=visibility)
        catalogue.create_resource(session, slug, slug="records", name="Records",
                                  id_field="occurrenceID")
    csv = folder / f"{slug}.csv"
    csv.write_text("occurrenceID,catalogNumber,associatedMedia\n" + "".join(
        f"{slug}-{i},C-{i},{source}\n" for i, source in enumerate(sources)))
    ingest(portal, OPERATOR, f"{slug}/records", csv)


@pytest.fixture(scope="module")
def image_site(tmp_path_factory: pytest.TempPathFactory) -> ImageSite:
    folder = tmp_path_factory.mktemp("iiif-site")
    settings = load_settings(data_dir=folder / "site", rate_limit_per_minute=0,
                             map_tile_url="")
    portal = Portal.open(settings)
    try:
        data = settings.data_dir
        public = store_file(data, _gradient(folder / "open.png", 1200, 800))
        private = store_file(data, _gradient(folder / "closed.png", 300, 200))
        validator = store_file(data, VALIDATOR_IMAGE)
        _dataset(portal, "open", "public", folder, [public, validator])
        _dataset(portal, "closed", "private", folder, [private])
    finally:
        portal.close()
    return ImageSite(settings, media_id(public), media_id(private), media_id(validator))


@pytest.fixture(scope="module")
def client(image_site: ImageSite) -> Iterator[TestClient]:
    with TestClient(create_app(image_site.settings)) as test_client:
        yield test_client


def test_info_json_describes_the_image(client: TestClient, image_site: ImageSite) -> None:
    answer = client.get(f"/iiif/3/{image_site.public}/info.json",
                        headers={"Origin": "https://viewer.example.org"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/ld+json")
    assert 'profile="http://iiif.io/api/image/3/context.json"' in answer.headers["content-type"]
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "level2.json" in answer.headers["link"]
    body = answer.json()
    assert body["id"].endswith(f"/iiif/3/{image_site.public}")
    assert (body["type"], body["protocol"], body["profile"]) == (
        "ImageService3", "http://iiif.io/api/image", "level2")
    assert (body["width"], body["height"]) == (1200, 800)
    assert body["maxWidth"] == image_site.settings.iiif_max_width
    base = client.get(f"/iiif/3/{image_site.public}", follow_redirects=False)
    assert base.status_code == 303
    assert base.headers["location"] == f"/iiif/3/{image_site.public}/info.json"


def test_an_image_is_the_region_and_size_asked_for(
    client: TestClient, image_site: ImageSite
) -> None:
    answer = client.get(f"/iiif/3/{image_site.public}/600,0,600,400/300,/0/default.png")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    image = pyvips.Image.new_from_buffer(answer.content, "")
    assert (image.width, image.height) == (300, 200)
    # the gradient's red rises left to right: the right half starts at about half
    assert 120 <= image.getpoint(0, 100)[0] <= 135 and image.getpoint(299, 100)[0] >= 250
    canonical = f"/iiif/3/{image_site.public}/600,0,600,400/300,200/0/default.png"
    assert f'<http://testserver{canonical}>;rel="canonical"' in answer.headers["link"]
    again = client.get(f"/iiif/3/{image_site.public}/600,0,600,400/300,/0/default.png",
                       headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304
    gray = client.get(f"/iiif/3/{image_site.public}/full/!100,100/90/gray.jpg")
    turned = pyvips.Image.new_from_buffer(gray.content, "")
    assert (turned.width, turned.height, turned.bands) == (67, 100, 1)


def test_private_and_unknown_images_are_not_found(
    client: TestClient, image_site: ImageSite
) -> None:
    for path in (f"/iiif/3/{image_site.private}/info.json",
                 f"/iiif/3/{image_site.private}/full/max/0/default.jpg",
                 "/iiif/3/" + "0" * 32 + "/info.json", "/iiif/3/not-an-id/info.json"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "error" in answer.json()
    assert client.get(f"/iiif/3/{image_site.private}/info.json").json() == \
        client.get("/iiif/3/" + "0" * 32 + "/info.json").json() | {
            "error": {"message": f"there is no medium {image_site.private!r}",
                      "field": "media_id"}}


@pytest.mark.parametrize(("region", "size", "rotation", "quality"), [
    ("5000,5000,10,10", "max", "0", "default.jpg"), ("full", "0,", "0", "default.jpg"),
    ("full", "max", "45x", "default.jpg"), ("full", "max", "0", "sepia.jpg"),
    ("full", "max", "0", "default.bmp"), ("full", "99999,", "0", "default.jpg"),
    ("pct:0,0,0,0", "max", "0", "default.jpg")])
def test_bad_requests_are_400_naming_the_parameter(
    client: TestClient, image_site: ImageSite, region: str, size: str, rotation: str,
    quality: str,
) -> None:
    answer = client.get(f"/iiif/3/{image_site.public}/{region}/{size}/{rotation}/{quality}")
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["message"]


def test_pyramids_are_made_once_and_kept_to_the_cache_size(
    image_site: ImageSite, client: TestClient
) -> None:
    client.get(f"/iiif/3/{image_site.public}/info.json")
    folder = image_site.settings.data_dir / "iiif"
    made = sorted(folder.glob("*/*.tif"))
    assert any(p.name.startswith(image_site.public) for p in made)
    client.get(f"/iiif/3/{image_site.public}/full/max/0/default.jpg")
    assert sorted(folder.glob("*/*.tif")) == made  # read, not made again
    portal = Portal.open(image_site.settings)
    try:
        assert images.prune(portal, 10 ** 12) == 0
        assert images.prune(portal, 1) == 0  # just used: another request may be reading it
        for path in made:  # used long ago
            os.utime(path, (1_000_000, 1_000_000))
        assert images.prune(portal, 1) == len(made)  # over any size: all go
        assert list(folder.glob("*/*.tif")) == []
    finally:
        portal.close()
    assert client.get(f"/iiif/3/{image_site.public}/info.json").status_code == 200  # remade


@pytest.fixture(scope="module")
def live(image_site: ImageSite) -> Iterator[str]:
    with LiveServer(image_site.settings) as server:
        yield f"127.0.0.1:{server.port}"


def test_the_official_validator_passes_level_2(live: str, image_site: ImageSite) -> None:
    assert_level_2(live, image_site.validator)


def test_an_image_made_private_is_not_found_at_once(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "site", rate_limit_per_minute=0, map_tile_url="")
    portal = Portal.open(settings)
    try:
        source = store_file(settings.data_dir, _gradient(tmp_path / "x.png", 64, 48))
        _dataset(portal, "soon", "public", tmp_path, [source])
        with TestClient(create_app(settings)) as fresh:
            path = f"/iiif/3/{media_id(source)}/full/max/0/default.png"
            first = fresh.get(path)
            assert first.status_code == 200
            assert fresh.get(path).content == first.content  # kept, the same bytes
            with portal.session() as session:
                catalogue.update_dataset(session, "soon", visibility="private")
            assert fresh.get(path).status_code == 404  # kept answers never outlive the policy
            assert fresh.get(f"/iiif/3/{media_id(source)}/info.json").status_code == 404
    finally:
        portal.close()


def test_a_new_image_asked_for_at_once_is_converted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(data_dir=tmp_path / "site", rate_limit_per_minute=0, map_tile_url="")
    portal = Portal.open(settings)
    try:
        source = store_file(settings.data_dir, _gradient(tmp_path / "x.png", 640, 480))
        _dataset(portal, "once", "public", tmp_path, [source])
        made: list[Path] = []
        real = images.make_pyramid

        def slow(original: Path, path: Path, max_pixels: int) -> object:
            made.append(path)
            time.sleep(0.5)  # long enough for the other requests to arrive meanwhile
            return real(original, path, max_pixels)

        monkeypatch.setattr(images, "make_pyramid", slow)
        answers: list[int] = []
        threads = [threading.Thread(target=lambda: answers.append(images.image(
            portal, ANONYMOUS, media_id(source), "full", "64,", "0", "default.png").body[:4]
            == b"\x89PNG")) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [True, True, True]
        assert len(made) == 1
    finally:
        portal.close()


def test_a_matching_etag_is_answered_without_rendering(
    client: TestClient, image_site: ImageSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"/iiif/3/{image_site.public}/0,0,100,100/50,/0/default.png"
    etag = client.get(path).headers["etag"]

    def refuse(*_args: object) -> bytes:
        raise AssertionError("rendered")

    monkeypatch.setattr(images, "render", refuse)
    answer = client.get(path, headers={"If-None-Match": f'"other", {etag}'})
    assert answer.status_code == 304 and answer.headers["etag"] == etag


def test_fetched_copies_are_kept_to_the_cache_size(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "site", image_cache_mb=1)
    portal = Portal.open(settings)
    try:
        folder = fetched_dir(settings.data_dir)
        folder.mkdir(parents=True)
        copies = []
        for n in range(3):  # 1.2 MB in all, over the 1 MB budget
            copy = folder / f"{n:032x}"
            copy.write_bytes(b"x" * 400 * 1024)
            os.utime(copy, (1_000_000 + n, 1_000_000 + n))
            copies.append(copy)
        (folder / ".fetching-abc").write_bytes(b"x" * 512 * 1024)  # being fetched
        assert prune_fetched(portal, keep=copies[0]) == 1
        assert [c.exists() for c in copies] == [True, False, True]  # the oldest but the kept
        assert (folder / ".fetching-abc").exists()
    finally:
        portal.close()
