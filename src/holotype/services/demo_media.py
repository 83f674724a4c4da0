"""The demo's images: photographs of some specimens and whole-drawer photographs with hotspots.

* Specimen photographs: the first :attr:`~holotype.config_media.MediaSettings.demo_photos`
  insect records of the demo specimens get one or two generated JPEGs
  (:mod:`holotype.demo.photos`) in a ``Multimedia`` field (GBIF Simple Multimedia terms, with
  licence, creator and rights holder), stored under ``<data_dir>/media/stored`` by their
  SHA-256 (:func:`holotype.media.refs.stored_source`). Their ``associatedMedia`` (drawn SVG
  labels) stays as generated.
* Drawers: the insect records are laid out, one species per unit tray, in
  :data:`DRAWERS` drawers (:mod:`holotype.demo.drawer`), each a record of the resource
  ``demo-specimens/specimen-drawers`` whose first medium is the drawer's pyramidal TIFF and whose
  ``drawerHotspots`` field lists where each specimen lies:
  ``[{"record": "<occurrenceID>", "xywh": "x,y,w,h"}, ...]``.

Everything derives from the demo's seed, so loading the demo again changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from holotype.demo.drawer import PER_TRAY, TRAYS, Tray, draw_drawer
from holotype.demo.photos import specimen_photo
from holotype.media.refs import stored_name
from holotype.media.stored import store_file, store_stream, stored_dir

DRAWERS = 2
RESOURCE = "specimen-drawers"  # after "records" (resources are listed by slug)
ID_FIELD = "drawerID"
CREATOR = "Holotype demo generator"
RIGHTS_HOLDER = "Demo Natural History Museum"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
VIEWS = ("dorsal", "lateral")
DRAWING = 1  # the drawing's version: a change of holotype.demo.drawer's output raises it
DRAWER_COLUMNS = ("drawerID", "title", "department", "cabinet", "specimenCount",
                  "Multimedia", "drawerHotspots")


def _medium(source: str, fmt: str, title: str) -> dict[str, str]:
    return {"type": "StillImage", "format": fmt, "identifier": source, "title": title,
            "creator": CREATOR, "rightsHolder": RIGHTS_HOLDER, "license": LICENCE}


@dataclass
class DemoMedia:
    """Collects the insect records while the specimens are generated, photographs some of
    them (:meth:`extend`, the generator's batch hook), then draws the drawers
    (:meth:`write_drawers`)."""

    data_dir: Path
    photos: int
    drawer_scale: float
    seed: int = 42
    insects: list[tuple[str, str, str]] = field(default_factory=list)  # id, name, catalogue
    photographed: int = 0

    def extend(self, table: pa.Table) -> pa.Table:
        """``table`` with a ``Multimedia`` column: photographs for the next insect records
        until :attr:`photos` have some, null for the others."""
        ids = table.column("occurrenceID").to_pylist()
        names = table.column("scientificName").to_pylist()
        higher = table.column("higherClassification").to_pylist()
        numbers = table.column("catalogNumber").to_pylist()
        counts = table.column("associatedMediaCount").to_pylist()
        media: list[str | None] = []
        for i, record in enumerate(ids):
            insect = bool(names[i]) and "; Insecta;" in (higher[i] or "")
            if insect and len(self.insects) < DRAWERS * TRAYS * PER_TRAY:
                self.insects.append((record, names[i], numbers[i]))
            if not insect or self.photographed >= self.photos:
                media.append(None)
                continue
            self.photographed += 1
            rows = []
            for k, view in enumerate(VIEWS[:max(1, min(len(VIEWS), int(counts[i] or 1)))]):
                photo = specimen_photo(names[i], numbers[i], view,
                                       self.seed * 1_000_003 + self.photographed * 10 + k)
                source = store_stream(self.data_dir, io.BytesIO(photo), "photo.jpg")
                rows.append(_medium(source, "image/jpeg", f"{names[i]} {numbers[i]}, {view}"))
            media.append(json.dumps(rows, separators=(",", ":")))
        return table.append_column("Multimedia", pa.array(media, pa.string()))

    def trays(self) -> list[Tray]:
        """The insects in unit trays, one species per tray, the commonest species first."""
        by_species: dict[str, list[tuple[str, str, str]]] = {}
        for row in self.insects:
            by_species.setdefault(row[1], []).append(row)
        common = Counter({name: len(rows) for name, rows in by_species.items()})
        trays = []
        for name, _ in sorted(common.items(), key=lambda item: (-item[1], item[0])):
            rows = by_species[name]
            for start in range(0, len(rows), PER_TRAY):
                part = rows[start:start + PER_TRAY]
                trays.append(Tray(name, tuple(r[0] for r in part), tuple(r[2] for r in part)))
        return trays[:DRAWERS * TRAYS]

    def write_drawers(self, csv_path: Path) -> Path:
        """Draw the drawers, store their images and write the drawer records to ``csv_path``."""
        trays = self.trays()
        folder = stored_dir(self.data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(DRAWER_COLUMNS)
            for number in range(1, DRAWERS + 1):
                mine = trays[(number - 1) * TRAYS:number * TRAYS]
                title = f"Drawer {number:03d} · Entomology, Insecta"
                source, hotspots = self._drawer(title, mine, self.seed + number)
                writer.writerow((
                    f"DRAWER-{number:03d}", title, "Entomology", f"Cabinet 12, drawer {number}",
                    str(len(hotspots)),
                    json.dumps([_medium(source, "image/tiff", f"{title}, whole drawer")],
                               separators=(",", ":")),
                    json.dumps(hotspots, separators=(",", ":")),
                ))
        return csv_path

    def _drawer(self, title: str, trays: list[Tray], seed: int) -> tuple[str, list[Any]]:
        """The drawer's stored source and hotspots: drawn, or, when the same drawer was drawn
        before and its file is still there, as noted then (a drawer takes seconds to draw)."""
        key = hashlib.sha256(json.dumps(
            [DRAWING, title, [[t.species, t.records, t.labels] for t in trays], seed,
             self.drawer_scale]).encode("utf-8")).hexdigest()
        note = self.data_dir / "media" / "demo-drawers" / f"{key}.json"
        folder = stored_dir(self.data_dir)
        if note.exists():
            known = json.loads(note.read_text())
            name = stored_name(known["source"])
            if name is not None and (folder / name).exists():
                return str(known["source"]), list(known["hotspots"])
        with tempfile.TemporaryDirectory(dir=folder, prefix=".drawer-") as tmp:
            image = Path(tmp) / "drawer.tif"
            hotspots = [h.as_json() for h in draw_drawer(image, title, trays, seed,
                                                         self.drawer_scale)]
            source = store_file(self.data_dir, image)
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(json.dumps({"source": source, "hotspots": hotspots}))
        return source, hotspots
