"""Our validator accepts exactly what the official JSON schema accepts (plus our stricter rules)."""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holotype.query import AreaCatalogue, QueryError, validate
from holotype.query.areas import AREA_FILES, NAME_KEYS
from tests.query.conftest import EXAMPLES, GEOJSON, enum_names
from tests.query.strategies import Vocabulary, mutated, queries

KINDS = ("country", "marine", "geography")
SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _area_names() -> st.SearchStrategy[tuple[str, str]]:
    """Real names (some with the wrong case or spacing) and random text."""
    real = [(kind, name) for kind in KINDS for name in enum_names(kind)]
    variants = [(k, v) for k, n in real for v in (n.lower(), n.upper(), f" {n}")]
    return (
        st.sampled_from(real)
        | st.sampled_from(variants)
        | st.tuples(st.sampled_from(KINDS), st.text(max_size=6))
    )


VOCABULARY = Vocabulary(areas=_area_names())


def breaks_stricter_rules(value: Any) -> bool:
    """Whether a schema-valid query breaks one of our documented stricter rules."""
    if isinstance(value, list):
        return any(breaks_stricter_rules(v) for v in value)
    if not isinstance(value, dict):
        return False
    area = value.get("geo_custom_area")
    if isinstance(area, list):
        if not area or any(not polygon for polygon in area):
            return True
        for ring in (ring for polygon in area for ring in polygon):
            if ring[0][:2] != ring[-1][:2]:
                return True
            if any(not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90) for p in ring):
                return True
    return any(breaks_stricter_rules(v) for v in value.values())


def ours_accepts(query: Any, catalogue: AreaCatalogue) -> bool:
    try:
        validate(query, catalogue)
    except QueryError:
        return False
    return True


def assert_agree(
    query: Any, official: jsonschema.Draft7Validator, catalogue: AreaCatalogue
) -> None:
    expected = official.is_valid(query) and not breaks_stricter_rules(query)
    assert ours_accepts(query, catalogue) == expected, json.dumps(query, ensure_ascii=False)


@pytest.mark.parametrize("kind", KINDS)
def test_area_names_are_the_schema_enums(kind: str, catalogue: AreaCatalogue) -> None:
    assert catalogue.names(kind) == frozenset(enum_names(kind))


def test_name_derivation_is_the_schemas(catalogue: AreaCatalogue) -> None:
    """Countries are keyed by NAME_EN then NAME, through string.capwords, as the README says."""
    data = json.loads((GEOJSON / AREA_FILES["country"]).read_text(encoding="utf-8"))
    props = data["features"][0]["properties"]
    name = next(props[k] for k in NAME_KEYS["country"] if props.get(k))
    assert string.capwords(name) in catalogue.names("country")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples(
    path: Path, official: jsonschema.Draft7Validator, catalogue: AreaCatalogue
) -> None:
    query = json.loads(path.read_text(encoding="utf-8"))
    assert official.is_valid(query)
    assert ours_accepts(query, catalogue)


@SETTINGS
@given(query=queries(VOCABULARY))
def test_generated_queries(
    query: Any, official: jsonschema.Draft7Validator, catalogue: AreaCatalogue
) -> None:
    assert_agree(query, official, catalogue)


@SETTINGS
@given(query=mutated(VOCABULARY))
def test_mutated_queries(
    query: Any, official: jsonschema.Draft7Validator, catalogue: AreaCatalogue
) -> None:
    assert_agree(query, official, catalogue)


@pytest.mark.parametrize(
    "query",
    [
        {"filters": {"and": [{"geo_custom_area": []}]}},
        {"filters": {"and": [{"geo_custom_area": [[]]}]}},
        {"filters": {"and": [{"geo_custom_area": [[[[0, 0], [1, 0], [1, 1], [0, 1]]]]}]}},
        {"filters": {"and": [{"geo_custom_area": [[[[0, 0], [1, 0], [1, 99], [0, 0]]]]}]}},
    ],
)
def test_stricter_rules_are_only_ours(
    query: Any, official: jsonschema.Draft7Validator, catalogue: AreaCatalogue
) -> None:
    assert official.is_valid(query)
    assert not ours_accepts(query, catalogue)
