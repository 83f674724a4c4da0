"""Point-in-area in DuckDB: the ``ht_in_area`` SQL function and the predicate that calls it.

``ht_in_area(area_key VARCHAR, lat DOUBLE, lon DOUBLE) -> BOOLEAN`` is a vectorised Python
(Arrow) function that looks each key up in an :class:`AreaRegistry` and tests the points with
shapely. The compiled predicate checks the area's bounding box first, so the function only sees
the points the box lets through.
"""

from __future__ import annotations

import threading

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from duckdb.func import PythonUDFType

from holotype.engine import literal
from holotype.query.areas import Area, AreaCatalogue
from holotype.query.sql import double

FUNCTION = "ht_in_area"


class AreaRegistry:
    """Areas by key: custom areas as compiled, named areas from ``catalogue`` on demand."""

    def __init__(self, catalogue: AreaCatalogue | None = None) -> None:
        self.catalogue = catalogue
        self._areas: dict[str, Area] = {}
        self._lock = threading.Lock()

    def add(self, area: Area) -> str:
        """Keep ``area`` (once per key) and return its key."""
        with self._lock:
            self._areas.setdefault(area.key, area)
        return area.key

    def get(self, key: str) -> Area:
        """The area under ``key``; KeyError when neither added nor a catalogue name."""
        with self._lock:
            area = self._areas.get(key)
        if area is not None:
            return area
        kind, _, name = key.partition(":")
        if self.catalogue is None or kind == "custom" or not name:
            raise KeyError(f"unknown area {key!r}: compile the query with this registry's target")
        return self.add_named(kind, name)

    def add_named(self, kind: str, name: str) -> Area:
        """Load the named area from the catalogue and keep it."""
        assert self.catalogue is not None
        area = self.catalogue.area(kind, name)
        self.add(area)
        return area


def area_predicate_sql(area: Area, lat: str, lon: str) -> str:
    """BOOLEAN: the point (``lat``, ``lon``) is in ``area``, its bounding box tested first."""
    min_lon, min_lat, max_lon, max_lat = area.bbox
    return (
        f"({lat} BETWEEN {double(min_lat)} AND {double(max_lat)} "
        f"AND {lon} BETWEEN {double(min_lon)} AND {double(max_lon)} "
        f"AND {FUNCTION}({literal(area.key)}, {lat}, {lon}))"
    )


def register_area_udf(con: duckdb.DuckDBPyConnection, registry: AreaRegistry) -> None:
    """Register ``ht_in_area`` on ``con``, answering from ``registry``."""

    def in_area(keys: pa.ChunkedArray, lat: pa.ChunkedArray, lon: pa.ChunkedArray) -> pa.Array:
        lat_values = np.asarray(lat.to_numpy(zero_copy_only=False), dtype=np.float64)
        lon_values = np.asarray(lon.to_numpy(zero_copy_only=False), dtype=np.float64)
        result = np.zeros(len(lat_values), dtype=np.bool_)
        for key in pc.unique(keys).to_pylist():
            if key is None:
                continue
            rows = np.asarray(pc.equal(keys, key).fill_null(False).to_numpy(zero_copy_only=False))
            area = registry.get(key)
            result[rows] = area.contains(lat_values[rows], lon_values[rows])
        return pa.array(result, type=pa.bool_())

    con.create_function(
        FUNCTION,
        in_area,
        [duckdb.sqltype("VARCHAR"), duckdb.sqltype("DOUBLE"), duckdb.sqltype("DOUBLE")],
        duckdb.sqltype("BOOLEAN"),
        type=PythonUDFType.ARROW,
    )
