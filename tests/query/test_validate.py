"""Validation: the schema's examples pass, and every error names its JSON path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from holotype.query import AreaCatalogue, AreasMissing, QueryError, parse, validate
from tests.query.conftest import EXAMPLES

SE = {"string_equals": {"fields": ["genus"], "value": "helix"}}


def f(*members: Any) -> dict[str, Any]:
    """A query of one ``and`` group."""
    return {"filters": {"and": list(members)}}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_valid(path: Path, catalogue: AreaCatalogue) -> None:
    query = parse(path.read_text(encoding="utf-8"))
    assert validate(query, catalogue) == query


ERRORS: list[tuple[object, str, str]] = [
    ([], "$", "a query must be a JSON object, not an array"),
    (
        {"serch": "x"},
        "$.serch",
        'unknown key "serch" in a query; allowed keys: "search" or "filters"',
    ),
    ({"search": 1}, "$.search", "search must be a string, not a number"),
    ({"search": "\ud800"}, "$.search", "not valid Unicode"),
    ({"filters": []}, "$.filters", "must be a JSON object, not an array"),
    (
        {"filters": {}},
        "$.filters",
        'a group needs exactly one of "and", "or" or "not"; it is empty',
    ),
    ({"filters": SE}, "$.filters.string_equals", "put the string_equals term inside one"),
    ({"filters": {"and": [], "or": []}}, "$.filters", "it has 2: and, or"),
    ({"filters": {"and": {}}}, "$.filters.and", "must be an array, not an object"),
    ({"filters": {"and": []}}, "$.filters.and", "needs at least 1 item; it has 0"),
    ({"filters": {"or": [SE]}}, "$.filters.or", "needs at least 2 items; it has 1"),
    (
        {"filters": {"not": []}},
        "$.filters.not",
        'a "not" group (of groups and terms) needs at least 1 item',
    ),
    (f(1), "$.filters.and[0]", "a group or term must be a JSON object, not a number"),
    (f({}), "$.filters.and[0]", "needs exactly one of"),
    (
        f({"strng_equals": {}}),
        "$.filters.and[0].strng_equals",
        'unknown group or term "strng_equals"',
    ),
    (f({**SE, "or": []}), "$.filters.and[0]", "it has 2: string_equals, or"),
    (
        f({"and": [{"or": [SE, {"x y": 1}]}]}),
        "$.filters.and[0].and[0].or[1]['x y']",
        "unknown group",
    ),
    (
        f({"string_equals": []}),
        "$.filters.and[0].string_equals",
        "string_equals must be a JSON object",
    ),
    (f({"string_equals": {"fields": ["a"]}}), "$.filters.and[0].string_equals", 'needs "value"'),
    (f({"string_equals": {"value": "a"}}), "$.filters.and[0].string_equals", 'needs "fields"'),
    (
        f({"string_equals": {"fields": ["a"], "value": "a", "x": 1}}),
        "$.filters.and[0].string_equals.x",
        'allowed keys: "fields" or "value"',
    ),
    (
        f({"string_equals": {"fields": [], "value": "a"}}),
        "$.filters.and[0].string_equals.fields",
        "at least 1",
    ),
    (
        f({"string_equals": {"fields": "a", "value": "a"}}),
        "$.filters.and[0].string_equals.fields",
        "an array",
    ),
    (
        f({"string_equals": {"fields": ["a", 2], "value": "a"}}),
        "$.filters.and[0].string_equals.fields[1]",
        "a field name must be a string",
    ),
    (
        f({"string_equals": {"fields": ["a", "a"], "value": "a"}}),
        "$.filters.and[0].string_equals.fields[1]",
        'field "a" is listed twice',
    ),
    (
        f({"string_equals": {"fields": ["a"], "value": None}}),
        "$.filters.and[0].string_equals.value",
        "value must be a string, not null",
    ),
    (
        f({"string_contains": {"fields": ["a"], "value": 1}}),
        "$.filters.and[0].string_contains.value",
        "must be a string",
    ),
    (
        f({"string_contains": {"fields": ["a", "a"], "value": "x"}}),
        "$.filters.and[0].string_contains.fields[1]",
        "listed twice",
    ),
    (
        f({"number_equals": {"fields": ["a"], "value": "1"}}),
        "$.filters.and[0].number_equals.value",
        "value must be a number, not a string",
    ),
    (
        f({"number_equals": {"fields": ["a"], "value": True}}),
        "$.filters.and[0].number_equals.value",
        "must be a number, not true",
    ),
    (
        f({"number_equals": {"fields": ["a"], "value": 10**400}}),
        "$.filters.and[0].number_equals.value",
        "finite number",
    ),
    (
        f({"number_equals": {"fields": ["a"], "value": float("nan")}}),
        "$.filters.and[0].number_equals.value",
        "finite number",
    ),
    (
        f({"number_range": {"fields": ["a"]}}),
        "$.filters.and[0].number_range",
        'needs a bound: "greater_than", "less_than" or both',
    ),
    (f({"number_range": {"greater_than": 1}}), "$.filters.and[0].number_range", 'needs "fields"'),
    (
        f({"number_range": {"fields": ["a"], "greater_than": False}}),
        "$.filters.and[0].number_range.greater_than",
        "must be a number, not false",
    ),
    (
        f({"number_range": {"fields": ["a"], "less_than": 1, "less_than_inclusive": 1}}),
        "$.filters.and[0].number_range.less_than_inclusive",
        "must be true or false, not a number",
    ),
    (
        f({"number_range": {"fields": ["a"], "less_than": 1, "inclusive": True}}),
        "$.filters.and[0].number_range.inclusive",
        "greater_than_inclusive",
    ),
    (f({"geo_point": {"latitude": 1}}), "$.filters.and[0].geo_point", 'needs "longitude"'),
    (
        f({"geo_point": {"latitude": 91, "longitude": 0}}),
        "$.filters.and[0].geo_point.latitude",
        "latitude must be between -90 and 90; it is 91",
    ),
    (
        f({"geo_point": {"latitude": 0, "longitude": -180.5}}),
        "$.filters.and[0].geo_point.longitude",
        "between -180 and 180",
    ),
    (
        f({"geo_point": {"latitude": 0, "longitude": 0, "radius": -1, "radius_unit": "m"}}),
        "$.filters.and[0].geo_point.radius",
        "radius must be 0 or more",
    ),
    (
        f({"geo_point": {"latitude": 0, "longitude": 0, "radius": 1}}),
        "$.filters.and[0].geo_point",
        'a radius needs a radius_unit, one of "mi", "yd"',
    ),
    (
        f({"geo_point": {"latitude": 0, "longitude": 0, "radius_unit": "furlong"}}),
        "$.filters.and[0].geo_point.radius_unit",
        'unknown radius_unit "furlong"; allowed: "mi"',
    ),
    (
        f({"geo_named_area": {}}),
        "$.filters.and[0].geo_named_area",
        'needs exactly one of "country", "marine" or "geography"',
    ),
    (
        f({"geo_named_area": {"country": "France", "marine": "Ross Sea"}}),
        "$.filters.and[0].geo_named_area",
        "it has 2",
    ),
    (
        f({"geo_named_area": {"county": "Kent"}}),
        "$.filters.and[0].geo_named_area.county",
        'unknown key "county"',
    ),
    (
        f({"geo_named_area": {"country": "curacao"}}),
        "$.filters.and[0].geo_named_area.country",
        "not one of the 241 country names",
    ),
    (
        f({"geo_named_area": {"country": "united kingdom"}}),
        "$.filters.and[0].geo_named_area.country",
        'did you mean "United Kingdom"',
    ),
    (
        f({"geo_named_area": {"marine": 3}}),
        "$.filters.and[0].geo_named_area.marine",
        "a marine name must be a string",
    ),
    (f({"geo_custom_area": {}}), "$.filters.and[0].geo_custom_area", "positions, not an object"),
    (
        f({"geo_custom_area": []}),
        "$.filters.and[0].geo_custom_area",
        "it needs at least one polygon",
    ),
    (
        f({"geo_custom_area": [[]]}),
        "$.filters.and[0].geo_custom_area[0]",
        "a polygon needs at least one ring",
    ),
    (
        f({"geo_custom_area": [[[[0, 0], [1, 0], [0, 0]]]]}),
        "$.filters.and[0].geo_custom_area[0][0]",
        "needs at least 4 items; it has 3",
    ),
    (
        f({"geo_custom_area": [[[[0, 0], [1, 0], [1], [0, 0]]]]}),
        "$.filters.and[0].geo_custom_area[0][0][2]",
        "needs at least 2 items",
    ),
    (
        f({"geo_custom_area": [[[[0, 0], [1, 0], [1, "1"], [0, 0]]]]}),
        "$.filters.and[0].geo_custom_area[0][0][2][1]",
        "a coordinate must be a number",
    ),
    (
        f({"geo_custom_area": [[[[0, 0], [1, 0], [1, 91], [0, 0]]]]}),
        "$.filters.and[0].geo_custom_area[0][0][2][1]",
        "a latitude must be between -90 and 90",
    ),
    (
        f({"geo_custom_area": [[[[0, 0], [181, 0], [1, 1], [0, 0]]]]}),
        "$.filters.and[0].geo_custom_area[0][0][1][0]",
        "a longitude must be between -180 and 180",
    ),
    (
        f({"geo_custom_area": [[[[0, 0], [1, 0], [1, 1], [0, 1]]]]}),
        "$.filters.and[0].geo_custom_area[0][0][3]",
        "a ring must be closed",
    ),
    (f({"exists": {}}), "$.filters.and[0].exists", 'needs exactly one of "fields" or "geo_field"'),
    (f({"exists": {"fields": ["a"], "geo_field": True}}), "$.filters.and[0].exists", "it has 2"),
    (
        f({"exists": {"geo_field": "yes"}}),
        "$.filters.and[0].exists.geo_field",
        "must be true or false",
    ),
    (f({"exists": {"fields": []}}), "$.filters.and[0].exists.fields", "at least 1 item"),
]


@pytest.mark.parametrize(("query", "path", "message"), ERRORS, ids=[e[1] for e in ERRORS])
def test_errors_name_the_path(
    query: object, path: str, message: str, catalogue: AreaCatalogue
) -> None:
    with pytest.raises(QueryError) as raised:
        validate(query, catalogue)
    assert raised.value.path == path
    assert message in raised.value.message
    assert str(raised.value) == f"{path}: {raised.value.message}"


def test_nesting_is_limited(catalogue: AreaCatalogue) -> None:
    group: dict[str, Any] = SE
    for _ in range(32):
        group = {"and": [group]}
    validate({"filters": group}, catalogue)
    with pytest.raises(QueryError, match="nested at most 32 deep"):
        validate({"filters": {"not": [group]}}, catalogue)


def test_named_areas_without_boundaries(tmp_path: Path) -> None:
    query = f({"geo_named_area": {"country": "Curaçao"}})
    with pytest.raises(AreasMissing) as raised:
        validate(query, None)
    assert "geo_areas_dir is not set" in str(raised.value)
    (tmp_path / "50m-marine-regions-v4.1.0.geojson").write_text("{}")
    with pytest.raises(AreasMissing) as raised:
        validate(query, AreaCatalogue(tmp_path))
    message = str(raised.value)
    assert message.startswith("named areas need the Natural Earth boundaries; set geo_areas_dir")
    assert "50m-admin-0-countries-v4.1.0.geojson" in message
    assert "50m-geography-regions-v4.1.0.geojson" in message
    assert "marine" not in message.split("files missing:")[1]
    validate(f(SE), None)  # no named area, no boundaries needed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "malformed JSON at line 1 column 1"),
        ('{"search": }', "malformed JSON at line 1 column 12"),
        ('{"search": "x"} x', "Extra data"),
        (
            '{"filters": {"and": [{"number_equals": {"fields": ["a"], "value": NaN}}]}}',
            "NaN is not",
        ),
        ("[" * 100_000, "nested too deeply"),
        ("1" * 5000, "malformed JSON"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse(text)
    assert raised.value.path == "$"
    assert message in raised.value.message


def test_parse_reads_json() -> None:
    assert parse('{"search": "Curaçao \\u00e9"}') == {"search": "Curaçao é"}
    assert parse(json.dumps({"a": [1, 2.5]})) == {"a": [1, 2.5]}
