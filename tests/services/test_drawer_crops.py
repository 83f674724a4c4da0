"""The drawers a specimen is pinned in: found by its exact occurrenceID among many drawers that
share some of its words, never in a private drawer for someone who may not see it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from holotype.config import load_settings
from holotype.media.refs import media_id, stored_source
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.iiif.drawer_crops import drawer_crops
from holotype.services.records import ingest

FIELDS = ("occurrenceID", "Multimedia", "drawerHotspots")


def _drawer(name: str, spots: list[tuple[str, str]]) -> dict[str, str]:
    source = stored_source(f"{abs(hash(name)) % 10**8:064d}", "tif")
    return {"occurrenceID": name,
            "Multimedia": json.dumps([{"identifier": source, "format": "image/tiff"}]),
            "drawerHotspots": json.dumps([{"record": r, "xywh": xywh} for r, xywh in spots])}


def _ingest(portal: Portal, folder: Path, ref: str, rows: list[dict[str, str]]) -> None:
    path = folder / (ref.replace("/", "-") + ".csv")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    ingest(portal, OPERATOR, ref, path)


def test_the_exact_specimen_is_found_past_drawers_sharing_its_words(tmp_path: Path) -> None:
    portal = Portal.open(load_settings(data_dir=tmp_path / "site"))
    try:
        with portal.session() as session:
            for slug, visibility in (("drawers", "public"), ("hidden", "private")):
                catalogue.create_dataset(session, slug=slug, title=slug, licence="CC0-1.0",
                                         visibility=visibility)
                catalogue.create_resource(session, slug, slug="records", name="Records",
                                          id_field="occurrenceID")
        # Seven drawers name "NHMUK 1 b", which has every word of "NHMUK 1", and come first.
        decoys = [_drawer(f"a-drawer-{n}", [("NHMUK 1 b", "1,1,5,5")]) for n in range(7)]
        real = _drawer("z-drawer", [("NHMUK 2", "9,9,9,9"), ("NHMUK 1", "10,20,30,40")])
        _ingest(portal, tmp_path, "drawers/records", [*decoys, real])
        _ingest(portal, tmp_path, "hidden/records",
                [_drawer("secret-drawer", [("NHMUK 1", "5,6,7,8")])])
        crops = drawer_crops(portal, ANONYMOUS, "NHMUK 1")
        assert [(c.record, c.xywh) for c in crops] == [("z-drawer", "10,20,30,40")]
        assert crops[0].media_id == media_id(json.loads(real["Multimedia"])[0]["identifier"])
        seen = {(c.record, c.xywh) for c in drawer_crops(portal, OPERATOR, "NHMUK 1")}
        assert seen == {("z-drawer", "10,20,30,40"), ("secret-drawer", "5,6,7,8")}
        assert drawer_crops(portal, ANONYMOUS, "NHMUK 3") == []
    finally:
        portal.close()
