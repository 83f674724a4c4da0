"""The scale benchmark's harness, run whole at a tiny scale so it cannot rot (issue 19)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks import scale, scale_data, scale_report, scale_shape

DOWNLOAD, SHAPE, SPECIMENS = scale_shape.DOWNLOAD, scale_shape.SHAPE, scale_shape.SPECIMENS
scaled = scale_shape.scaled

ROOT = Path(__file__).resolve().parents[2]
SCALE = 0.0005  # 17,500 records in the same 40 resources


@pytest.mark.slow
def test_the_harness_runs_every_step_and_judges_every_target(tmp_path: Path) -> None:
    result = scale.run(SCALE, repeats=1, formats=("csv", "parquet"), data=tmp_path)
    sizes = dict((part.name, n) for part, n in scaled(SCALE))
    assert result["resources"] == len(SHAPE) == 40
    assert result["records"] == sum(sizes.values())
    assert set(result["met"]) == set(result["targets"]) == set(scale.TARGETS)
    assert all(isinstance(v, bool) for v in result["met"].values())
    steps = result["steps"]
    assert steps["ingest"]["records"] == result["records"]
    assert set(steps["ingest"]["by_resource_s"]) == set(sizes)
    # nine patches, then the 1% revision: the count looks ten versions back
    search = steps["search"]
    assert steps["versions"]["versions"] == 10 and search["versions_back"] == 10
    assert steps["reingest"]["total"] == sizes[SPECIMENS.name]
    assert steps["reingest"]["changed"] >= sizes[SPECIMENS.name] // 100
    for scope in ("everything", "specimens"):
        stats = search["scopes"][scope]["stats"]
        assert set(stats) == set(scale_report.CLASSES)
        assert all(s["n"] == 1 for s in stats.values())
    everything, specimens = (search["scopes"][s]["answers"] for s in ("everything", "specimens"))
    assert everything["c_after:"] == specimens["c_after:"] == {"page": 20}  # a deep page
    assert everything["b_facets:"]["total"] >= specimens["b_facets:"]["total"] > 0
    wanted = sum(sizes[part.name] for part in DOWNLOAD)
    assert {fmt: d["records"] for fmt, d in steps["downloads"].items()} == {
        "csv": wanted, "parquet": wanted}
    assert all(peak > 0 for peak in result["peak_rss_by_step"].values())
    assert result["measured"]["peak_rss_bytes"] == max(result["peak_rss_by_step"].values())
    disk = steps["disk"]
    assert disk["site_bytes"] == disk["store_bytes"] + disk["index_bytes"] > 0
    assert disk["current_parquet_bytes"] > 0

    # The docs' tables are written from the JSON, between their markers and nowhere else.
    path = tmp_path / "scale-test.json"
    path.write_text(json.dumps(result))
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("benchmarks.md", "scaling.md"):
        shutil.copy(ROOT / "docs" / name, docs / name)
    scale_report.update(path, docs / "benchmarks.md", docs / "scaling.md")
    written = (docs / "benchmarks.md").read_text()
    assert "| **40** | **Everything** | | **35,000,000** | |" in written
    assert f"From `benchmarks/results/{path.name}`: {result['records']:,} records" in written
    scaling = (docs / "scaling.md").read_text()
    assert scaling.count("benchmarks/results/scale-test.json") == 3
    parts = [disk[key] for _label, key in scale_report.DISK_PARTS]
    assert all(size > 0 for size in parts) and sum(parts) <= disk["site_bytes"]
    assert (disk["index_records_table_bytes"] + disk["index_tokens_table_bytes"]
            <= disk["index_columns_bytes"])
    assert (disk["rows_record_blocks_bytes"] + disk["rows_postings_bytes"]
            <= disk["index_rows_bytes"])
    assert "| **site** |" in scaling
    assert "a check run at a small scale" in scaling.lower()
    before = (ROOT / "docs" / "benchmarks.md").read_text().split("<!-- scale-shape:begin")[0]
    assert written.startswith(before)  # what precedes the markers is untouched


def test_generated_files_are_cached_by_seed_and_scale(tmp_path: Path) -> None:
    first = scale_data.files(0.0001, seed=7, say=lambda _m: None, data=tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in first.root.glob("*.csv")}
    again = scale_data.files(0.0001, seed=7, say=lambda _m: None, data=tmp_path)
    assert again == first and {p: p.stat().st_mtime_ns for p in again.root.glob("*.csv")} == stamps
    other = scale_data.files(0.0001, seed=8, say=lambda _m: None, data=tmp_path)
    assert other.root != first.root
    assert (first.parts[0][2].read_bytes() != other.parts[0][2].read_bytes())
    assert len(first.patches) == scale_data.PATCHES and first.revision.exists()


def test_a_scale_out_of_range_is_refused() -> None:
    for bad in (0, -0.5, 1.5):
        with pytest.raises(ValueError, match="--scale must be above 0 and at most 1"):
            scaled(bad)
