"""Peer for the maps benchmark: PostGIS answering the same tiles with ``ST_AsMVT``.

The search benchmark's PostgreSQL peer (same throwaway cluster, settings and load: every CSV
column as text, ``_year``, ``_full_text`` with its GIN index) plus what the PostGIS manual
recommends for serving vector tiles from points:

* ``geom``: ``geometry(Point, 3857)`` made at load time from decimalLatitude/decimalLongitude
  (EPSG:4326 transformed once to Web Mercator, so a tile query never transforms); points outside
  Web Mercator's latitudes (|lat| > 85.0511) or with no usable coordinates get NULL, as they are
  on no tile (Holotype draws them on none either);
* a GiST index on ``geom``, the table CLUSTERed on it (the manual's "CLUSTERing on geometry
  indices": neighbouring points on neighbouring pages), then VACUUM ANALYZE;
* tiles as the ``ST_AsMVT`` manual page shows them: ``geom && ST_TileEnvelope(z, x, y)`` (the
  index), ``ST_AsMVTGeom(geom, ST_TileEnvelope(z, x, y), 4096, 0)`` for tile coordinates and
  ``ST_AsMVT`` over the rows, layer ``records``.

What a tile holds mirrors Holotype's tiles (issue 14): below :data:`POINTS_ZOOM` the matching
points counted per cell of a pixel grid (``ST_SnapToGrid`` to the cell centres of a grid laid
on the tile's envelope; cells of 8, 4 and 2 px as zoom grows), one feature per occupied cell
with ``count``; from :data:`POINTS_ZOOM` on single points with ``id`` and ``resource`` while a
tile holds at most :data:`MAX_POINTS`, else cells of one pixel.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.peers_common import ID
from benchmarks.peers_common import quote as _q
from benchmarks.peers_postgres import FTS_CONFIG
from benchmarks.peers_postgres import Cluster as PostgresCluster
from benchmarks.peers_postgres import load as load_postgres

EXTENT = 4096
TILE_PX = 256
POINTS_ZOOM = 12
MAX_POINTS = 10_000
WORLD = 20037508.342789244  # half the side of the Web Mercator square, metres
MAX_LAT = 85.0511287798066
RESOURCE = "reference"  # the one resource the peer holds, named in point features
CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")  # as the Makefile checks
_NUMBER = r"'^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$'"


def cell_size(z: int) -> int:
    """Pixels a side of a counting cell at zoom ``z`` (as Holotype's tiles count them)."""
    return 8 if z < 4 else 4 if z < 8 else 2 if z < POINTS_ZOOM else 1


class Cluster(PostgresCluster):
    """The search benchmark's cluster; PostGIS comes from the system package."""


def _geometry_sql() -> str:
    lat, lon = _q("decimalLatitude"), _q("decimalLongitude")
    return (
        f"CASE WHEN {lat} ~ {_NUMBER} AND {lon} ~ {_NUMBER} "
        f"AND abs({lat}::double precision) <= {MAX_LAT} "
        f"AND abs({lon}::double precision) <= 180 "
        f"THEN ST_Transform(ST_SetSRID(ST_MakePoint({lon}::double precision, "
        f"{lat}::double precision), 4326), 3857)::geometry(Point, 3857) END"
    )


def _spatial_index(con: psycopg.Connection[Any]) -> dict[str, float]:
    times = {}
    mark = time.perf_counter()
    con.execute("CREATE INDEX records_geom ON records USING gist (geom)")
    times["gist_index_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    con.execute("CLUSTER records USING records_geom")
    times["cluster_s"] = time.perf_counter() - mark
    return times


def load(url: str, csv_path: Path) -> dict[str, Any]:
    """The search peer's load with the geometry column, its GiST index and the CLUSTER."""
    if not CONTROL.exists():
        raise SystemExit(f"PostGIS is not installed ({CONTROL} is missing); `make bench-deps` "
                         "installs Debian's postgresql-15-postgis-3")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        row = con.execute("SELECT postgis_full_version()").fetchone()
    built = load_postgres(url, csv_path, derived={"geom": _geometry_sql()},
                          after_table=_spatial_index)
    return {**built, "postgis_version": str(row[0]) if row else ""}


class PostGISTiles:
    """Answers ``tile(z, x, y, word)`` as MVT bytes, one statement a tile."""

    name = "postgis"

    def __init__(self, url: str) -> None:
        # SQL text each time, as a tile server sends it (no generic plans; see PostgresPeer)
        self.con = psycopg.connect(url, autocommit=True, prepare_threshold=None)

    def close(self) -> None:
        self.con.close()

    def tile(self, z: int, x: int, y: int, word: str | None = None) -> bytes:
        where, params = "r.geom && t.env", []
        if word:
            where += f" AND r._full_text @@ plainto_tsquery('{FTS_CONFIG}', %s)"
            params.append(word)
        envelope = f"(SELECT ST_TileEnvelope({int(z)}, {int(x)}, {int(y)}) AS env) t"
        if z >= POINTS_ZOOM:
            body = self._points(envelope, where, params)
            if body is not None:
                return body
        return self._cells(z, envelope, where, params)

    def _points(self, envelope: str, where: str, params: list[Any]) -> bytes | None:
        row = self.con.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM records r, {envelope} WHERE {where} "
            f"LIMIT {MAX_POINTS + 1}) s", params).fetchone()
        if row is None or int(row[0]) > MAX_POINTS:
            return None
        found = self.con.execute(
            "WITH mvtgeom AS ("
            f"SELECT ST_AsMVTGeom(r.geom, t.env, {EXTENT}, 0) AS geom, r.{_q(ID)} AS id, "
            f"'{RESOURCE}' AS resource FROM records r, {envelope} WHERE {where}) "
            f"SELECT ST_AsMVT(mvtgeom.*, 'records', {EXTENT}, 'geom') FROM mvtgeom",
            params).fetchone()
        return bytes(found[0]) if found and found[0] is not None else b""

    def _cells(self, z: int, envelope: str, where: str, params: list[Any]) -> bytes:
        metres = 2 * WORLD / (TILE_PX * 2**z) * cell_size(z)  # a cell's side
        half = metres / 2
        found = self.con.execute(
            "WITH cells AS ("
            f"SELECT ST_SnapToGrid(r.geom, ST_Point(ST_XMin(t.env) + {half!r}, "
            f"ST_YMax(t.env) - {half!r}, 3857), {metres!r}, {metres!r}, 0, 0) AS centre, "
            f"count(*) AS n FROM records r, {envelope} WHERE {where} GROUP BY centre), "
            "mvtgeom AS ("
            f"SELECT ST_AsMVTGeom(c.centre, t.env, {EXTENT}, 0) AS geom, c.n AS count "
            f"FROM cells c, {envelope}) "
            f"SELECT ST_AsMVT(mvtgeom.*, 'records', {EXTENT}, 'geom') FROM mvtgeom",
            params).fetchone()
        return bytes(found[0]) if found and found[0] is not None else b""
