"""Images benchmark (issue 15): Holotype's IIIF image server against Debian's iipsrv.

Both servers answer over HTTP on loopback sockets (iipsrv behind lighttpd, see
``peers_iipsrv``; Holotype under uvicorn, see ``http_load.Server`` and ``images_holotype``),
from the same pyramidal tiled TIFFs, made once from a seeded image set (cached in
``benchmarks/data/images``):

* a whole-drawer photograph at full size (20,480 x 15,360, ``holotype.demo.drawer``);
* ``photos`` photographs of 100 megapixels (11,548 x 8,660 JPEGs: a specimen photograph
  enlarged, with seeded noise so they compress like photographs), and their TIFFs;
* a gallery of :data:`GALLERY` specimen photographs (1200 x 900) as TIFFs.

Measured, the engines alternating round by round:

* 512-px tiles with a warm cache: regions of 512 x 512 pixels at scale factors 1, 2, 4 and 8
  (as a deep-zoom viewer asks them), :data:`TILES` per image, each asked once untimed, then
  ``repeats`` timed rounds; p50 and p95;
* full-image thumbnails 1000 px wide (``full/1000,/0/default.jpg``), warm, p50 and p95;
* Holotype only: the first view of a new 100-megapixel JPEG (never asked before: its
  conversion to a pyramid included), the time until its 1000-px thumbnail arrives (a 202 or 503
  with Retry-After is polled). iipsrv cannot open a JPEG: a site running it converts
  offline, so the same conversion done with libvips (``tiffsave``) is reported beside it;
* 8 concurrent clients paging the gallery's 200-px thumbnails (``benchmarks.http_load``):
  errors and p95.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pyvips

from benchmarks import images_holotype
from benchmarks.http_load import Server, load_test
from benchmarks.peers_iipsrv import IIPServer
from benchmarks.reference import DATA
from benchmarks.search_bench import summary
from holotype.demo.drawer import Tray, draw_drawer
from holotype.demo.photos import specimen_photo

SEED = 20261206
IMAGES = DATA / "images"
PHOTO_W, PHOTO_H = 11_548, 8_660  # 100.0 megapixels
GALLERY = 48
TILES = 24  # per image
SCALES = (1, 2, 4, 8)
TILE = 512
ENGINES = ("holotype", "iipsrv")
TARGETS = {
    "tile_p50_ratio": 1.0,  # Holotype p50 / iipsrv p50
    "first_view_s": 10.0,
    "gallery_errors": 0,
    "gallery_p95_ms": 200.0,
}


def say(message: str) -> None:
    print(f"[images {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pyramid(src: Path, dst: Path) -> float:
    """``src`` as a tiled pyramidal TIFF (JPEG tiles) at ``dst``; returns the seconds taken."""
    began = time.perf_counter()
    image = pyvips.Image.new_from_file(str(src), access="sequential")
    image.tiffsave(str(dst), tile=True, tile_width=256, tile_height=256, pyramid=True,
                   compression="jpeg", Q=85, strip=True)
    return time.perf_counter() - began


def big_photo(path: Path, seed: int) -> None:
    """A 100-megapixel JPEG: a specimen photograph enlarged, with seeded noise (photographs
    are not flat), streamed to disk."""
    small = pyvips.Image.new_from_buffer(
        specimen_photo("Melanophyllus albus", f"NHMUK{seed:09d}", "dorsal", seed), "")
    big = small.resize(PHOTO_W / small.width, vscale=PHOTO_H / small.height)
    noise = pyvips.Image.gaussnoise(PHOTO_W, PHOTO_H, sigma=6, mean=0, seed=seed)
    (big + noise).cast("uchar").jpegsave(str(path), Q=90, strip=True)


def image_set(photos: int) -> dict[str, Any]:
    """The seeded image set (made once, cached with a note of how): name -> files."""
    wanted = {"seed": SEED, "photos": photos, "gallery": GALLERY, "version": 1}
    note = IMAGES / "set.json"
    if note.exists() and json.loads(note.read_text()).get("wanted") == wanted:
        return dict(json.loads(note.read_text()))
    shutil.rmtree(IMAGES, ignore_errors=True)
    (IMAGES / "tiff").mkdir(parents=True)
    made: dict[str, Any] = {"wanted": wanted, "tiles": {}, "jpeg": {}, "gallery": []}
    say("drawing the drawer (20,480 x 15,360)")
    trays = [Tray(f"Melanophyllus alb{i}us", tuple(f"r{i}-{k}" for k in range(12)))
             for i in range(24)]
    draw_drawer(IMAGES / "tiff" / "drawer.tif", "Drawer 1", trays, SEED, 1.0)
    made["tiles"]["drawer"] = "drawer.tif"
    for n in range(photos + 1):  # the last one is the "new" JPEG of the first view
        name = f"photo-{n + 1}"
        say(f"making {name} ({PHOTO_W} x {PHOTO_H})")
        big_photo(IMAGES / f"{name}.jpg", SEED + n)
        made["jpeg"][name] = f"{name}.jpg"
        if n < photos:
            made["tiles"][name] = f"{name}.tif"
            pyramid(IMAGES / f"{name}.jpg", IMAGES / "tiff" / f"{name}.tif")
    made["new"] = f"photo-{photos + 1}"
    say(f"making the gallery's {GALLERY} photographs")
    for n in range(GALLERY):
        name = f"gallery-{n + 1:02d}"
        photo = IMAGES / f"{name}.jpg"
        photo.write_bytes(specimen_photo(f"Melanophyllus alb{n}us", f"NHMUK{n:09d}", "dorsal",
                                         SEED + 100 + n))
        pyramid(photo, IMAGES / "tiff" / f"{name}.tif")
        made["gallery"].append(name)
    note.write_text(json.dumps(made, indent=1))
    return made


def tile_paths(sizes: dict[str, tuple[int, int]], seed: int) -> list[tuple[str, str]]:
    """(image, IIIF region/size/rotation/quality) of :data:`TILES` tiles per image, spread
    over the scale factors, aligned to the tile grid of their scale, inside the image."""
    rng = random.Random(seed)
    chosen = []
    for name, (width, height) in sizes.items():
        for k in range(TILES):
            scale = SCALES[k % len(SCALES)]
            side = TILE * scale
            x = rng.randrange(0, max(1, width // side)) * side
            y = rng.randrange(0, max(1, height // side)) * side
            w, h = min(side, width - x), min(side, height - y)
            chosen.append((name, f"{x},{y},{w},{h}/{-(-w // scale)},/0/default.jpg"))
    return chosen


class Engine:
    """One server under test: a base URL and the path of each image."""

    def __init__(self, name: str, base: str, paths: dict[str, str]) -> None:
        self.name, self.base, self.paths = name, base, paths
        self.client = httpx.Client(base_url=base, timeout=300)

    def get(self, image: str, rest: str) -> float:
        began = time.perf_counter()
        response = self.client.get(f"{self.paths[image]}/{rest}")
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != 200 or not response.content:
            raise RuntimeError(f"{self.name}: {image}/{rest}: HTTP {response.status_code} "
                               f"{response.text[:200]}")
        return elapsed


def _size(path: Path) -> tuple[int, int]:
    image = pyvips.Image.new_from_file(str(path))  # the header only
    return image.width, image.height


def run(photos: int = 2, repeats: int = 5, clients: int = 8, per_client: int = 48,
        engines: tuple[str, ...] = ENGINES) -> dict[str, Any]:
    made = image_set(photos)
    tiffs = IMAGES / "tiff"
    sizes = {name: _size(tiffs / file) for name, file in made["tiles"].items()}
    tiles = tile_paths(sizes, SEED)
    every = {**made["tiles"], **{g: f"{g}.tif" for g in made["gallery"]}}
    result: dict[str, Any] = {
        "images": {name: {"width": w, "height": h} for name, (w, h) in sizes.items()},
        "gallery_images": len(made["gallery"]), "tiles_per_round": len(tiles),
        "repeats": repeats, "engines": list(engines), "targets": TARGETS,
    }
    with tempfile.TemporaryDirectory(dir=DATA, prefix="images-site-") as tmp:
        active: list[Engine] = []
        servers: list[Any] = []
        try:
            if "holotype" in engines:
                site = Path(tmp)
                images_holotype.check_routes(site)
                say("preparing Holotype's site")
                ids = images_holotype.prepare_site(site, {
                    **{name: tiffs / file for name, file in every.items()},
                    made["new"]: IMAGES / made["jpeg"][made["new"]]})
                server = Server(site).__enter__()
                servers.append(server)
                active.append(Engine("holotype", server.url, {
                    name: images_holotype.image_path(i) for name, i in ids.items()}))
            if "iipsrv" in engines:
                iip = IIPServer(tiffs).__enter__()
                servers.append(iip)
                active.append(Engine("iipsrv", iip.base, {
                    name: iip.image_path(file) for name, file in every.items()}))
            result.update(_measure(active, tiles, sizes, made, repeats, clients, per_client))
        finally:
            for server in reversed(servers):
                server.__exit__(None, None, None)
            for engine in active:
                engine.client.close()
    return _judge(result)


def _measure(active: list[Engine], tiles: list[tuple[str, str]],
             sizes: dict[str, tuple[int, int]], made: dict[str, Any], repeats: int,
             clients: int, per_client: int) -> dict[str, Any]:
    thumb = "full/1000,/0/default.jpg"
    gallery = "full/200,/0/default.jpg"
    for engine in active:  # warm: every tile, thumbnail and gallery image once
        say(f"warming {engine.name}")
        for image, rest in tiles:
            engine.get(image, rest)
        for image in sizes:
            engine.get(image, thumb)
        for image in made["gallery"]:
            engine.get(image, gallery)
    samples: dict[str, dict[str, list[float]]] = {e.name: {"tile": [], "thumb": []}
                                                  for e in active}
    for round_ in range(repeats):
        say(f"round {round_ + 1} of {repeats}")
        for engine in active if round_ % 2 == 0 else active[::-1]:
            for image, rest in tiles:
                samples[engine.name]["tile"].append(engine.get(image, rest))
            for image in sizes:
                samples[engine.name]["thumb"].append(engine.get(image, thumb))
    out: dict[str, Any] = {
        "tile_512": {name: summary(s["tile"]) for name, s in samples.items()},
        "thumbnail_1000": {name: summary(s["thumb"]) for name, s in samples.items()},
        "first_view": {}, "gallery": {},
    }
    for engine in active:
        out["first_view"][engine.name] = _first_view(engine, made)
        say(f"{clients} clients paging {engine.name}'s gallery")
        load = load_test(engine.base, [("GET", {"url": f"{engine.paths[g]}/{gallery}"})
                                       for g in made["gallery"]],
                         clients=clients, per_client=per_client)
        out["gallery"][engine.name] = {
            "clients": clients, "requests": load["requests"], "errors": load["errors"],
            "error_samples": load["error_samples"], "throughput_per_s":
            load["throughput_per_s"], **summary(load["samples_ms"])}
    return out


def _first_view(engine: Engine, made: dict[str, Any]) -> dict[str, Any]:
    """Holotype: a new 100-megapixel JPEG's info.json and 1000-px thumbnail, conversion
    included (a 202/503 answer is polled after its Retry-After). iipsrv: the JPEG converted
    offline with libvips, then its first thumbnail."""
    new = made["new"]
    jpeg = IMAGES / made["jpeg"][new]
    if engine.name == "iipsrv":
        target = IMAGES / "tiff" / f"first-view-{int(time.time())}.tif"
        try:
            converted = pyramid(jpeg, target)
            began = time.perf_counter()
            response = engine.client.get(f"/fcgi-bin/iipsrv.fcgi?IIIF={target.name}/"
                                         "full/1000,/0/default.jpg")
            shown = time.perf_counter() - began
            return {"offline_conversion_s": converted, "first_thumbnail_s": shown,
                    "status": response.status_code, "total_s": converted + shown}
        finally:
            target.unlink(missing_ok=True)
    began = time.perf_counter()
    statuses = []
    for rest in ("info.json", "full/1000,/0/default.jpg"):
        while True:
            response = engine.client.get(f"{engine.paths[new]}/{rest}")
            statuses.append(response.status_code)
            if response.status_code not in (202, 503) or time.perf_counter() - began > 300:
                break
            time.sleep(min(1.0, float(response.headers.get("Retry-After", "0.2") or 0.2)))
    return {"total_s": time.perf_counter() - began, "statuses": statuses}


def _judge(result: dict[str, Any]) -> dict[str, Any]:
    tiles = result.get("tile_512", {})
    measured: dict[str, float] = {}
    if "holotype" in tiles and "iipsrv" in tiles:
        measured["tile_p50_ratio"] = tiles["holotype"]["p50_ms"] / tiles["iipsrv"]["p50_ms"]
    if "holotype" in result.get("first_view", {}):
        measured["first_view_s"] = result["first_view"]["holotype"]["total_s"]
    if "holotype" in result.get("gallery", {}):
        measured["gallery_errors"] = result["gallery"]["holotype"]["errors"]
        measured["gallery_p95_ms"] = result["gallery"]["holotype"]["p95_ms"]
    result["measured"] = measured
    result["met"] = {key: value <= TARGETS[key] for key, value in measured.items()}
    return result


def print_table(result: dict[str, Any]) -> None:
    names = ", ".join(f"{n} {v['width']}x{v['height']}" for n, v in result["images"].items())
    print(f"\nImages: {len(result['images'])} pyramidal TIFFs ({names}), "
          f"{result['tiles_per_round']} tiles x {result['repeats']} rounds, warm")
    print(f"{'measure':<34}" + "".join(f"{e:>14}" for e in result["engines"]))
    rows = (("512-px tile p50 (ms)", "tile_512", "p50_ms"),
            ("512-px tile p95 (ms)", "tile_512", "p95_ms"),
            ("1000-px thumbnail p50 (ms)", "thumbnail_1000", "p50_ms"),
            ("1000-px thumbnail p95 (ms)", "thumbnail_1000", "p95_ms"),
            ("first view, new 100 MP JPEG (s)", "first_view", "total_s"),
            ("gallery, 8 clients p95 (ms)", "gallery", "p95_ms"),
            ("gallery, 8 clients errors", "gallery", "errors"))
    for label, group, key in rows:
        cells = []
        for engine in result["engines"]:
            value = result.get(group, {}).get(engine, {}).get(key)
            cells.append(f"{value:>14.2f}" if isinstance(value, float) else f"{value!s:>14}")
        print(f"{label:<34}" + "".join(cells))
    iip = result.get("first_view", {}).get("iipsrv")
    if iip:
        print(f"(iipsrv cannot open a JPEG: converted offline with libvips in "
              f"{iip['offline_conversion_s']:.2f} s, then its first thumbnail in "
              f"{iip['first_thumbnail_s'] * 1000:.0f} ms)")
    for key, value in result["measured"].items():
        met = "yes" if result["met"][key] else "NO"
        print(f"target {key}: {value:.3f} <= {TARGETS[key]}  {met}")
    if not result["measured"]:
        print("(Holotype not measured: no targets judged)")
