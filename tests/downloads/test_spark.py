"""The bulk engine on Spark gives the same files and counts as DuckDB.

One small site (the demo datasets and a resource in three versions, with changed, removed and
added records, a field added late and hostile values) is copied twice: one copy makes its
downloads and counts with DuckDB, the other on a real Spark cluster on loopback. Every format
is compared, at the latest version and at the first, with and without a query filter: byte
for byte where the file has an order (headers, meta.xml, each JSON line), row by row where
rows come in no defined order.
"""

from __future__ import annotations

import csv
import io
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from holotype.config import load_settings
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.downloads.conftest import (
    MEDIA,
    MEDIA_SECOND,
    Site,
    _csv,
    copy_site,
    drain,
    finished_zip,
    queue,
)
from tests.fixtures.site import AREAS
from tests.fixtures.sparkcluster import SparkCluster

THIRD = [  # m-1 kept, m-2 changed (and a field added), m-4 removed, m-5 added
    {**MEDIA_SECOND[0], "habitat": ""},
    {**MEDIA_SECOND[1], "scientificName": "Fagus orientalis", "habitat": "Beech wood"},
    {**MEDIA_SECOND[0], "occurrenceID": "m-5", "country": "KENYA", "habitat": "=1+1"},
]
FILTER = {"filters": {"and": [{"string_equals": {"fields": ["country"], "value": "kenya"}}]}}


def _open(site: Site, directory: Path, **overrides: Any) -> Portal:
    shutil.copytree(site.settings.data_dir, directory)
    values: dict[str, Any] = {"download_workers": 0, "rate_limit_per_minute": 0,
                              "download_max_attempts": 1, **overrides}
    return Portal.open(load_settings(data_dir=directory, geo_areas_dir=AREAS, **values))


@pytest.fixture(scope="module")
def portals(base_site: Site, spark_cluster: SparkCluster,
            tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("spark-equal")
    three = copy_site(base_site, root / "three")
    portal = three.portal()
    try:
        third = root / "media-3.csv"
        third.write_text(_csv(THIRD), encoding="utf-8")
        ingest(portal, OPERATOR, MEDIA, third, mode="replace")
    finally:
        portal.close()
    on_duckdb = _open(three, root / "duckdb")
    on_spark = _open(three, root / "spark", bulk_engine="spark",
                     spark_master=spark_cluster.master_url, spark_driver_host="127.0.0.1",
                     spark_executor_memory="512m", spark_job_timeout_seconds=300)
    try:
        yield on_duckdb, on_spark, base_site.media_first
    finally:
        on_duckdb.close()
        on_spark.close()


def _download(portal: Portal, fmt: str, query: dict[str, Any], **extra: Any) -> zipfile.ZipFile:
    download_id = queue(portal, fmt, query, **extra)
    drain(portal)
    return finished_zip(portal, download_id)


def _rows(fmt: str, data: bytes) -> tuple[Any, list[Any]]:
    """(what has an order: header or schema, the rows sorted)."""
    if fmt in ("csv", "tsv"):
        rows = list(csv.reader(io.StringIO(data.decode("utf-8")),
                               delimiter="," if fmt == "csv" else "\t"))
        return data.split(b"\n", 1)[0], sorted(rows[1:])
    if fmt == "jsonl":
        return None, sorted(data.splitlines())
    raise AssertionError(fmt)


def _parquet(path: Path) -> tuple[Any, list[Any]]:
    con = duckdb.connect()
    schema = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    rows = con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
    return schema, sorted(rows, key=repr)


def _xlsx(path: Path) -> list[tuple[str, Any, list[Any]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    sheets = []
    for sheet in book.worksheets:
        rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
        sheets.append((sheet.title, rows[0], sorted(rows[1:], key=repr)))
    return sheets


def _same(a: zipfile.ZipFile, b: zipfile.ZipFile, fmt: str, tmp: Path) -> int:
    names = sorted(a.namelist())
    assert names == sorted(b.namelist())
    compared = 0
    for name in names:
        if name in ("manifest.json", "eml.xml"):  # name the download (its id, its time)
            continue
        left, right = a.read(name), b.read(name)
        if name == "meta.xml":
            assert left == right
        elif name.endswith((".txt", ".jsonl")):  # DwC-A tab files and JSON lines
            if name.endswith(".txt"):  # the header line
                assert left.split(b"\n", 1)[0] == right.split(b"\n", 1)[0]
            assert sorted(left.splitlines()) == sorted(right.splitlines())
            compared += len(left.splitlines())
        elif fmt in ("csv", "tsv"):
            assert _rows(fmt, left) == _rows(fmt, right)
            compared += len(_rows(fmt, left)[1])
        elif fmt in ("parquet", "xlsx"):
            one, two = tmp / f"a.{fmt}", tmp / f"b.{fmt}"
            one.write_bytes(left)
            two.write_bytes(right)
            if fmt == "parquet":
                assert _parquet(one) == _parquet(two)
                compared += len(_parquet(one)[1])
            else:
                assert _xlsx(one) == _xlsx(two)
                compared += sum(len(s[2]) for s in _xlsx(one))
    return compared


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "parquet", "xlsx", "dwca"])
def test_every_format_is_the_same_on_spark(portals: Any, fmt: str, tmp_path: Path,
                                           spark_cluster: SparkCluster) -> None:
    cluster = spark_cluster
    on_duckdb, on_spark, first = portals
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (FILTER, {}),  # a filter over every resource, the latest versions
        ({}, {"resource_ids": [_media_id(on_duckdb)]}),  # a whole resource
        (FILTER, {"version": first, "resource_ids": [_media_id(on_duckdb)]}),  # back then
    ]
    if fmt == "csv":
        cases.append((FILTER, {"file": {"separate_files": True, "neutralise_formulas": True},
                               "transform": None}))
    for query, extra in cases:
        extra = {k: v for k, v in extra.items() if v is not None}
        a = _download(on_duckdb, fmt, query, **extra)
        b = _download(on_spark, fmt, query, **extra)
        assert _same(a, b, fmt, tmp_path) > 0, (fmt, query, extra)
    assert cluster.app_cores_used("holotype-bulk") >= 1  # the rows came from the cluster


def _media_id(portal: Portal) -> str:
    from holotype.services.visible import visible_resources

    return next(r.id for r in visible_resources(portal, OPERATOR, None)
                if r.dataset_slug == "media-survey")


def test_whole_resource_counts_are_the_same_on_spark(portals: Any) -> None:
    on_duckdb, on_spark, first = portals
    from holotype.services.visible import visible_resources

    assert on_spark.searcher.bulk is not None and on_duckdb.searcher.bulk is None

    fields = ["country", "scientificName", "habitat", "basisOfRecord", "nothing"]
    taxonomy = ["kingdom", "phylum", "order"]
    started = time.monotonic()
    for version in (None, first):
        results = []
        for portal in (on_duckdb, on_spark):
            resources = visible_resources(portal, OPERATOR, None)
            views = portal.searcher.views(resources, version)
            results.append((portal.searcher.value_counts(views, {}, fields),
                            portal.searcher.value_counts(views, FILTER, fields),
                            portal.searcher.path_counts(views, {}, taxonomy),
                            portal.searcher.path_counts(views, FILTER, ["country", "locality"])))
        assert results[0] == results[1]
        assert any(results[0][0].values())
    assert time.monotonic() - started < 300
