"""Areas for geo_named_area and geo_custom_area: polygons with holes, and point-in-area tests.

Named areas come from the Natural Earth 1:50m boundaries (v4.1.0) that the NHM query schema
v1.0.0 names its areas after, read lazily from a directory the operator configures
(``geo_areas_dir``). A name is derived exactly as the schema's own enums were:
``string.capwords`` of the first non-empty name property (countries: ``NAME_EN`` then ``NAME``;
geography regions: ``name_en`` then ``name``; marine regions: ``name``). Features sharing a name
form one area.

A point is inside an area when, for at least one polygon, it lies inside or on the polygon's
outline and not strictly inside one of its holes: points on any edge, of an outline or of a hole,
count as inside (the area is a closed set).
"""

from __future__ import annotations

import hashlib
import json
import string
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely

from holotype.query.errors import AreasMissing

#: The Natural Earth file of each geo_named_area category, as named in the query schema.
AREA_FILES: Final = {
    "country": "50m-admin-0-countries-v4.1.0.geojson",
    "marine": "50m-marine-regions-v4.1.0.geojson",
    "geography": "50m-geography-regions-v4.1.0.geojson",
}
#: The feature properties a category's names come from, first non-empty wins.
NAME_KEYS: Final = {
    "country": ("NAME_EN", "NAME"),
    "marine": ("name",),
    "geography": ("name_en", "name"),
}

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Polygon = Sequence[Sequence[Sequence[float]]]  # rings of [lon, lat, ...] positions


@dataclass(frozen=True, eq=False)
class _Part:
    """One polygon: its outline and holes as prepared shapely polygons, and its bbox."""

    bbox: tuple[float, float, float, float]
    outline: Any
    holes: tuple[Any, ...]

    @classmethod
    def build(cls, rings: Polygon) -> _Part:
        shapes = [shapely.Polygon([(p[0], p[1]) for p in ring]) for ring in rings]
        for shape in shapes:
            shapely.prepare(shape)
            # build the lazy point-location indexes now, before any concurrent use
            shapely.intersects_xy(shape, 0.0, 0.0)
            shapely.contains_xy(shape, 0.0, 0.0)
        min_x, min_y, max_x, max_y = (float(v) for v in shapely.bounds(shapes[0]))
        return cls((min_x, min_y, max_x, max_y), shapes[0], tuple(shapes[1:]))


@dataclass(frozen=True, eq=False)
class Area:
    """A multipolygon with holes, under a key the SQL function ``ht_in_area`` knows it by."""

    key: str
    #: (min longitude, min latitude, max longitude, max latitude)
    bbox: tuple[float, float, float, float]
    parts: tuple[_Part, ...]
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def from_polygons(cls, key: str, polygons: Sequence[Polygon]) -> Area:
        """The area of GeoJSON MultiPolygon coordinates (validated: closed rings, in range)."""
        parts = tuple(_Part.build(rings) for rings in polygons if rings)
        if not parts:
            raise ValueError(f"area {key} has no polygon")
        bbox = (
            min(p.bbox[0] for p in parts),
            min(p.bbox[1] for p in parts),
            max(p.bbox[2] for p in parts),
            max(p.bbox[3] for p in parts),
        )
        return cls(key, bbox, parts)

    @classmethod
    def custom(cls, coordinates: Sequence[Polygon]) -> Area:
        """A geo_custom_area; its key is a hash of its coordinates (longitude, latitude only)."""
        flat = [
            [[[float(p[0]), float(p[1])] for p in ring] for ring in rings] for rings in coordinates
        ]
        digest = hashlib.sha1(json.dumps(flat, separators=(",", ":")).encode()).hexdigest()
        return cls.from_polygons(f"custom:{digest}", flat)

    def contains(self, lat: Floats, lon: Floats) -> Bools:
        """Whether each point is in the area (NaN coordinates are not)."""
        result = np.zeros(len(lat), dtype=np.bool_)
        with self._lock:
            for part in self.parts:
                min_x, min_y, max_x, max_y = part.bbox
                candidates = np.flatnonzero(
                    ~result & (lon >= min_x) & (lon <= max_x) & (lat >= min_y) & (lat <= max_y)
                )
                if not len(candidates):
                    continue
                x, y = lon[candidates], lat[candidates]
                inside = np.asarray(shapely.intersects_xy(part.outline, x, y), dtype=np.bool_)
                for hole in part.holes:
                    inside &= ~np.asarray(shapely.contains_xy(hole, x, y), dtype=np.bool_)
                result[candidates] = inside
        return result


class AreaCatalogue:
    """The named areas of the Natural Earth files in ``directory``, loaded on first use."""

    def __init__(self, directory: Path | str | None) -> None:
        self.directory = Path(directory) if directory is not None else None
        self._lock = threading.RLock()
        self._polygons: dict[str, dict[str, list[Polygon]]] = {}
        self._areas: dict[str, Area] = {}

    def check(self) -> None:
        """Raise :class:`AreasMissing` unless all three files are in the directory."""
        if self.directory is None:
            raise AreasMissing(None, list(AREA_FILES.values()))
        missing = [f for f in AREA_FILES.values() if not (self.directory / f).is_file()]
        if missing:
            raise AreasMissing(str(self.directory), missing)

    def names(self, kind: str) -> frozenset[str]:
        """Every name of category ``kind`` (country, marine or geography)."""
        return frozenset(self._load(kind))

    def area(self, kind: str, name: str) -> Area:
        """The named area; KeyError when the category has no such name."""
        key = f"{kind}:{name}"
        with self._lock:
            if key not in self._areas:
                polygons = self._load(kind)[name]
                self._areas[key] = Area.from_polygons(key, polygons)
            return self._areas[key]

    def _load(self, kind: str) -> dict[str, list[Polygon]]:
        with self._lock:
            if kind not in self._polygons:
                self.check()
                assert self.directory is not None
                self._polygons[kind] = _read(self.directory / AREA_FILES[kind], NAME_KEYS[kind])
            return self._polygons[kind]


def _read(path: Path, name_keys: tuple[str, ...]) -> dict[str, list[Polygon]]:
    with path.open(encoding="utf-8") as f:
        features = json.load(f)["features"]
    areas: dict[str, list[Polygon]] = {}
    for feature in features:
        geometry = feature.get("geometry") or {}
        names = (feature.get("properties") or {}).get
        name = next((v for v in (names(k) for k in name_keys) if v), None)
        if not name:
            continue
        polygons = areas.setdefault(string.capwords(name), [])
        if geometry.get("type") == "Polygon":
            polygons.append(geometry["coordinates"])
        elif geometry.get("type") == "MultiPolygon":
            polygons.extend(geometry["coordinates"])
    return areas
