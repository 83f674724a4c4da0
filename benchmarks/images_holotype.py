"""The images benchmark's one point of contact with Holotype's IIIF image server (issue 15).

Everything the benchmark asks of Holotype goes through here, so a change of the server's
interface is a change here only. The contract (issue 15's lanes): a record's media are read
from its ``Multimedia`` field (``holotype.media.refs``); a stored file's source is
``stored:<sha256>.<ext>`` under ``<data_dir>/media/stored``; the IIIF identifier is the
medium's id (:func:`holotype.media.refs.media_id` of its source); the Image API 3 lives at
``/iiif/3/<id>/info.json`` and ``/iiif/3/<id>/<region>/<size>/<rotation>/<quality>.<fmt>``.

:func:`prepare_site` makes a site whose one resource holds a record per benchmark image (the
images copied in as stored files); the benchmark then serves it with
``benchmarks.http_load.Server`` (uvicorn, as ``holotype serve``). :func:`check_routes` fails
with a clear message when this checkout has no IIIF routes yet.
"""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

from holotype.config import load_settings
from holotype.errors import NotFound
from holotype.media.refs import media_id
from holotype.media.stored import store_file
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from holotype.services.workdirs import work_dir

DATASET, RESOURCE = "bench-images", "images"
PREFIX = "/iiif/3/"
MISSING = (
    "the images benchmark needs Holotype's IIIF image server (routes /iiif/3/<id>/..., issue "
    "15), which this checkout does not have; merge the image server first, or measure iipsrv "
    "alone with `python -m benchmarks.run --only images --images-engines iipsrv`"
)


def check_routes(data_dir: Path) -> None:
    """A clear SystemExit unless the portal has its IIIF Image API 3 routes."""
    if importlib.util.find_spec("holotype.web.pages.iiif_images") is None:
        raise SystemExit(MISSING)


def image_path(identifier: str) -> str:
    """The path of the IIIF image ``identifier``; add ``/info.json`` or ``/region/size/...``."""
    return f"{PREFIX}{identifier}"


def prepare_site(data_dir: Path, images: dict[str, Path]) -> dict[str, str]:
    """A site at ``data_dir`` with a record per image (name -> file), each image its record's
    stored medium; returns name -> IIIF identifier. Done once: a site already made is reused."""
    settings = load_settings(data_dir=data_dir, rate_limit_per_minute=0)
    portal = Portal.open(settings)
    try:
        sources = {}
        for name, path in images.items():  # copied in, named by their SHA-256
            sources[name] = store_file(data_dir, path)
        _ensure_resource(portal)
        with work_dir(portal.work_dir) as folder:
            table = folder / "images.csv"
            with table.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(("catalogNumber", "scientificName", "Multimedia"))
                for name, source in sources.items():
                    fmt = "image/jpeg" if source.endswith(".jpg") else "image/tiff"
                    writer.writerow((name, "Melanophyllus albus", json.dumps([{
                        "identifier": source, "format": fmt, "title": name,
                        "license": "https://creativecommons.org/publicdomain/zero/1.0/"}])))
            ingest(portal, OPERATOR, f"{DATASET}/{RESOURCE}", table, mode="replace")
    finally:
        portal.close()
    return {name: media_id(source) for name, source in sources.items()}


def _ensure_resource(portal: Portal) -> None:
    with portal.write_session() as session:
        try:
            catalogue.get_resource(session, f"{DATASET}/{RESOURCE}")
            return
        except NotFound:
            pass
        try:
            catalogue.get_organisation(session, "bench")
        except NotFound:
            catalogue.create_organisation(session, slug="bench", name="Benchmark",
                                          description="Images for the images benchmark.")
        catalogue.create_dataset(session, slug=DATASET, title="Benchmark images",
                                 description="Generated images for the images benchmark.",
                                 licence="CC0-1.0", category="collection", organisation="bench",
                                 creators=[{"name": "benchmarks"}], keywords=["benchmark"])
        catalogue.create_resource(session, DATASET, slug=RESOURCE, name="Images",
                                  id_field="catalogNumber")
