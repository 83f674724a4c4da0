"""Type statistics and geo checks: recorded per version, values never altered."""

from __future__ import annotations

from pathlib import Path

from holotype.store.stats import field_type
from holotype.store.store import ResourceStore
from tests.store.helpers import stage_rows


def test_type_statistics_per_field(resource: ResourceStore, tmp_path: Path) -> None:
    rows: list[dict[str, str | None]] = [
        {
            "id": "1",
            "count": "12",
            "weight": "1.5",
            "flag": "TRUE",
            "date": "2020-02-29",
            "year": "1950",
            "name": "Aus bus",
            "lat": "51.5",
            "lon": "-0.12",
        },
        {
            "id": "2",
            "count": "-3",
            "weight": "2e3",
            "flag": "no",
            "date": "1999-12",
            "year": "2001",
            "name": "12 Cus",
            "lat": "95",
            "lon": "10",
        },
        {
            "id": "3",
            "count": "007",
            "weight": "x",
            "flag": "yes",
            "date": "1950",
            "year": "1802",
            "name": None,
            "lat": None,
            "lon": None,
        },
        {
            "id": "4",
            "count": " 5 ",
            "weight": ".5",
            "flag": "false",
            "date": "2021-02-30",
            "year": "1700",
            "name": "Dus",
            "lat": "ten",
            "lon": "3",
        },
    ]
    resource.commit(stage_rows(tmp_path, rows), id_field="id", geo_fields=("lat", "lon"))
    version = resource.versions()[-1]
    s = version.stats
    assert s["count"] == {
        "present": 4,
        "integer": 4,
        "number": 4,
        "boolean": 0,
        "date": 0,
        "partial_date": 0,
    }
    assert field_type(s["count"]) == "integer"
    assert s["weight"]["number"] == 3 and field_type(s["weight"]) == "string"
    assert field_type(s["flag"]) == "boolean"
    # 2021-02-30 is not a calendar date; 1999-12 and 1950 are partial dates.
    assert s["date"]["date"] == 1 and s["date"]["partial_date"] == 2
    assert field_type(s["year"]) == "integer" and s["year"]["partial_date"] == 4
    assert s["name"]["present"] == 3 and field_type(s["name"]) == "string"
    assert version.geo == {"points": 1, "missing": 1, "invalid": 1, "out_of_range": 1}
    assert any("out of range" in w and "2" in w for w in version.warnings)
    assert any("not numbers" in w and "4" in w for w in version.warnings)
    # Values are stored exactly as uploaded, out-of-range ones included.
    assert resource.get("2")["lat"] == "95"  # type: ignore[index]
    assert resource.get("4")["count"] == " 5 "  # type: ignore[index]


def test_statistics_follow_changes_incrementally(resource: ResourceStore, tmp_path: Path) -> None:
    resource.commit(
        stage_rows(tmp_path, [{"occurrenceID": str(i), "n": str(i)} for i in range(10)])
    )
    resource.commit(stage_rows(tmp_path, [{"occurrenceID": "3", "n": "three"}]))
    resource.commit(
        stage_rows(tmp_path, [{"occurrenceID": str(i), "n": str(i)} for i in range(5)]),
        mode="replace",
    )
    latest = resource.versions()[-1]
    assert latest.stats["n"] == {
        "present": 5,
        "integer": 5,
        "number": 5,
        "boolean": 0,
        "date": 0,
        "partial_date": 0,
    }
    assert latest.geo["missing"] == 5
    # The same numbers as a full recount over the current records.
    from holotype.store import stats

    con = resource._connect()
    recount, geo = stats.compute(
        con, resource.relation(), ["occurrenceID", "n"], ("decimalLatitude", "decimalLongitude")
    )
    assert recount["n"] == latest.stats["n"] and geo == latest.geo


def test_field_type_rules() -> None:
    assert field_type({"present": 0}) == "empty"
    assert field_type({"present": 3, "date": 2, "partial_date": 1}) == "date"
    assert field_type({"present": 3, "partial_date": 3, "integer": 3, "number": 3}) == "integer"
    assert field_type({"present": 2, "number": 2, "integer": 1}) == "number"
