"""The demo's images: drawer photographs with hotspots, specimen photographs, all reproducible.

The drawer is drawn small here except once, at full size, in a child process whose time and
peak memory are printed (not asserted as timings); its size is read from the file's header.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pyvips
from fastapi.testclient import TestClient

from holotype.config import Settings
from holotype.demo.drawer import HEIGHT, WIDTH, Tray, draw_drawer, size
from holotype.demo.photos import specimen_photo
from holotype.media.refs import record_media, stored_name
from holotype.media.stored import stored_dir
from holotype.services.demo_media import DemoMedia
from holotype.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
TRAYS = [Tray(f"Melanophyllus alb{i}us", tuple(f"rec-{i}-{k}" for k in range(1 + i % 12)),
              tuple(f"NHMUK{i:04d}{k:02d}" for k in range(1 + i % 12))) for i in range(24)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inside(xywh: str, width: int, height: int) -> bool:
    x, y, w, h = (int(v) for v in xywh.split(","))
    return x >= 0 and y >= 0 and w > 0 and h > 0 and x + w <= width and y + h <= height


def test_a_drawer_is_the_same_bytes_from_the_same_seed(tmp_path: Path) -> None:
    first = draw_drawer(tmp_path / "a.tif", "Drawer 1", TRAYS, seed=3, scale=0.05)
    second = draw_drawer(tmp_path / "b.tif", "Drawer 1", TRAYS, seed=3, scale=0.05)
    other = draw_drawer(tmp_path / "c.tif", "Drawer 1", TRAYS, seed=4, scale=0.05)
    assert digest(tmp_path / "a.tif") == digest(tmp_path / "b.tif") != digest(tmp_path / "c.tif")
    assert first == second != other
    assert [h.record for h in first] == [r for tray in TRAYS for r in tray.records]
    image = pyvips.Image.new_from_file(str(tmp_path / "a.tif"))
    assert (image.width, image.height) == size(0.05) == (1024, 768)
    assert all(inside(h.as_json()["xywh"], image.width, image.height) for h in first)
    assert not list(tmp_path.glob(".drawer-*"))  # the trays' temporary files are gone


def test_a_hotspot_outlines_its_specimen(tmp_path: Path) -> None:
    """Inside a hotspot the specimen's dark body shows; the tray floor around it is light."""
    hotspots = draw_drawer(tmp_path / "d.tif", "Drawer", TRAYS[:1], seed=1, scale=0.25)
    image = pyvips.Image.new_from_file(str(tmp_path / "d.tif"))
    for spot in hotspots:
        crop = image.crop(spot.x, spot.y, spot.w, spot.h).colourspace("b-w")
        assert crop.min() < 120  # body, legs, pin outline
        assert crop.max() > 200  # the tray's floor


def test_a_drawer_scale_out_of_range_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="drawer scale must be in"):
        draw_drawer(tmp_path / "x.tif", "Drawer", TRAYS, seed=1, scale=1.5)
    assert not (tmp_path / "x.tif").exists()


def test_a_specimen_photograph_is_reproducible_and_1200_by_900() -> None:
    photo = specimen_photo("Melanophyllus albus", "NHMUK010000001", "dorsal", seed=5)
    assert photo == specimen_photo("Melanophyllus albus", "NHMUK010000001", "dorsal", seed=5)
    assert photo != specimen_photo("Melanophyllus albus", "NHMUK010000002", "dorsal", seed=5)
    image = pyvips.Image.new_from_buffer(photo, "")
    assert (image.width, image.height, image.get("vips-loader")) == (1200, 900, "jpegload_buffer")


FULL_SIZE = """
import resource, sys, time
from pathlib import Path
from holotype.demo.drawer import Tray, draw_drawer
trays = [Tray(f"Melanophyllus alb{i}us", tuple(f"rec-{i}-{k}" for k in range(12)))
         for i in range(24)]
start = time.perf_counter()
spots = draw_drawer(Path(sys.argv[1]), "Drawer 1", trays, seed=42, scale=1.0)
print(len(spots), time.perf_counter() - start)
"""


def test_a_full_size_drawer_streams_to_disk(tmp_path: Path) -> None:
    """At full size the drawer is at least 20,000 x 15,000 pixels and is never held whole:
    the drawing process peaks below the size of the image's pixels."""
    path = tmp_path / "drawer.tif"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", FULL_SIZE, str(path)], capture_output=True,
                            text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert result.returncode == 0, result.stderr
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    image = pyvips.Image.new_from_file(str(path))  # reads the header only
    assert (image.width, image.height) == (WIDTH, HEIGHT)
    assert image.width >= 20_000 and image.height >= 15_000
    assert image.get("n-pages") >= 7  # a pyramid down to a few hundred pixels
    assert int(result.stdout.split()[0]) == 24 * 12
    pixels_mb = WIDTH * HEIGHT * 3 / 2**20
    print(f"\nfull-size drawer: {time.perf_counter() - started:.1f} s, "
          f"peak memory {max(before, peak_kb) / 1024:.0f} MB (pixels: {pixels_mb:.0f} MB), "
          f"file {path.stat().st_size / 2**20:.1f} MB")
    assert peak_kb * 1024 < WIDTH * HEIGHT * 3


@pytest.fixture(scope="module")
def client(demo_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings)) as test_client:
        yield test_client


def records(client: TestClient, resource_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        response = client.post("/api/3/action/datastore_search", json={
            "resource_id": resource_id, "limit": 1000, "offset": len(found)})
        assert response.status_code == 200, response.text
        page = response.json()["result"]["records"]
        found.extend(page)
        if len(page) < 1000:
            return found


def test_the_demo_has_drawers_whose_hotspots_point_at_its_specimens(
    client: TestClient, demo_settings: Settings
) -> None:
    package = client.post("/api/3/action/package_show", json={"id": "demo-specimens"}).json()
    ids = {r["name"]: r["id"] for r in package["result"]["resources"]}
    specimens = {r["occurrenceID"]: r for r in records(client, ids["Records"])}
    drawers = records(client, ids["Drawers"])
    assert [d["drawerID"] for d in drawers] == ["DRAWER-001", "DRAWER-002"]
    seen: set[str] = set()
    for drawer in drawers:
        media = record_media(drawer)
        assert media and media[0].format == "image/tiff" and media[0].licence
        name = stored_name(media[0].source)
        assert name is not None
        file = stored_dir(demo_settings.data_dir) / name
        assert digest(file) == name.split(".")[0]  # named by its SHA-256
        image = pyvips.Image.new_from_file(str(file))
        assert (image.width, image.height) == size(demo_settings.demo_drawer_scale)
        hotspots = json.loads(drawer["drawerHotspots"])
        assert len(hotspots) == int(drawer["specimenCount"]) > 0
        for spot in hotspots:
            assert set(spot) == {"record", "xywh"}
            assert "; Insecta;" in specimens[spot["record"]]["higherClassification"]
            assert inside(spot["xywh"], image.width, image.height)
            assert spot["record"] not in seen  # a specimen lies in one drawer
            seen.add(spot["record"])
    insects = [r for r in specimens.values() if r.get("scientificName")
               and "; Insecta;" in (r.get("higherClassification") or "")]
    assert seen <= {r["occurrenceID"] for r in insects} and len(seen) > len(insects) // 2


def test_some_demo_specimens_have_photographs_with_credits(
    client: TestClient, demo_settings: Settings
) -> None:
    package = client.post("/api/3/action/package_show", json={"id": "demo-specimens"}).json()
    ids = {r["name"]: r["id"] for r in package["result"]["resources"]}
    photographed = [r for r in records(client, ids["Records"]) if r.get("Multimedia")]
    assert len(photographed) == demo_settings.demo_photos
    for record in photographed:
        media = record_media(record)
        assert 1 <= len(media) <= 2
        for medium in media:
            assert medium.format == "image/jpeg" and medium.licence and medium.creator
            assert medium.rights_holder and record["catalogNumber"] in (medium.title or "")
            name = stored_name(medium.source)
            assert name is not None
            image = pyvips.Image.new_from_file(str(stored_dir(demo_settings.data_dir) / name))
            assert (image.width, image.height) == (1200, 900)


def test_demo_media_are_the_same_from_the_same_seed(tmp_path: Path) -> None:
    """Two loads of the demo's media write the same files and the same drawer records."""
    from holotype.demo.generator import generate_table

    table = generate_table(3_000, seed=42)
    outputs = []
    for name in ("a", "b"):
        media = DemoMedia(tmp_path / name, photos=3, drawer_scale=0.02, seed=42)
        extended = media.extend(table)
        media.write_drawers(tmp_path / name / "drawers.csv")
        outputs.append((extended.column("Multimedia").to_pylist(),
                        (tmp_path / name / "drawers.csv").read_text(),
                        sorted(p.name for p in stored_dir(tmp_path / name).iterdir())))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][2]) >= 3 + 2  # photographs and the two drawers


def test_a_drawer_drawn_before_is_not_drawn_again_unless_its_file_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from holotype.demo.generator import generate_table
    from holotype.services import demo_media

    media = DemoMedia(tmp_path, photos=0, drawer_scale=0.02, seed=42)
    media.extend(generate_table(3_000, seed=42))
    first = media.write_drawers(tmp_path / "first.csv").read_text()
    drawn: list[str] = []
    real = demo_media.draw_drawer

    def counting(path: Path, title: str, *args: Any) -> Any:
        drawn.append(title)
        return real(path, title, *args)

    monkeypatch.setattr(demo_media, "draw_drawer", counting)
    assert media.write_drawers(tmp_path / "again.csv").read_text() == first
    assert drawn == []
    for file in stored_dir(tmp_path).glob("*.tif"):
        file.unlink()
    assert media.write_drawers(tmp_path / "redrawn.csv").read_text() == first
    assert len(drawn) == 2 and len(list(stored_dir(tmp_path).glob("*.tif"))) == 2
