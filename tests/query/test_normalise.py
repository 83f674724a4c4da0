"""Normal form and hash: order and defaults never change the hash; meaning always does."""

from __future__ import annotations

import copy
import hashlib
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holotype.query import AreaCatalogue, canonical_json, normalise, query_hash, validate
from tests.query.strategies import Vocabulary, queries

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
VOCABULARY = Vocabulary(
    fields=st.sampled_from(["genus", "country", "year", "Curaçao", "a b"]),
    numbers=st.integers(-5, 5) | st.sampled_from([0.5, 1e20, -2.25, 2**60]),
)


def shuffled(value: Any, rng: random.Random, key: str | None = None) -> Any:
    """The same query with keys, fields, members, polygons and holes in another order, numbers
    written as floats and default values spelled out."""
    if isinstance(value, dict):
        items = [(k, shuffled(v, rng, k)) for k, v in value.items()]
        if key == "number_range":
            items += [(k, True) for k in ("greater_than_inclusive", "less_than_inclusive")
                      if k not in value]  # fmt: skip
        if key == "geo_point" and "radius" not in value:
            items += [("radius", 0), ("radius_unit", "mi")]
        rng.shuffle(items)
        return dict(items)
    if isinstance(value, list):
        items = [shuffled(v, rng) for v in value]
        if key in ("fields", "and", "or", "not", "geo_custom_area"):
            rng.shuffle(items)
        return items
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53:
        return float(value)
    return value


@SETTINGS
@given(query=queries(VOCABULARY), rng=st.randoms(use_true_random=False))
def test_order_and_defaults_do_not_change_the_hash(
    query: dict[str, Any], rng: random.Random, catalogue: AreaCatalogue
) -> None:
    other = shuffled(copy.deepcopy(query), rng)
    validate(other, catalogue)
    assert normalise(other) == normalise(query)
    assert query_hash(other) == query_hash(query)


@SETTINGS
@given(query=queries(VOCABULARY))
def test_normal_form_is_a_valid_fixed_point(
    query: dict[str, Any], catalogue: AreaCatalogue
) -> None:
    normal = normalise(query)
    validate(normal, catalogue)
    assert normalise(normal) == normal


@SETTINGS
@given(query=queries(VOCABULARY), extra=st.sampled_from(["zebra", "Ærø 12"]))
def test_a_change_of_meaning_changes_the_hash(query: dict[str, Any], extra: str) -> None:
    searched = {**query, "search": f"{query.get('search', '')} {extra}"}
    assert query_hash(searched) != query_hash(query)
    if "filters" in query:
        negated = {**query, "filters": {"not": [query["filters"]]}}
        assert query_hash(negated) != query_hash(query)


@SETTINGS
@given(a=queries(VOCABULARY), b=queries(VOCABULARY))
def test_different_normal_forms_hash_differently(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert (query_hash(a) == query_hash(b)) == (normalise(a) == normalise(b))


def test_normal_form_and_hash_in_detail() -> None:
    query = {
        "search": "Helix",
        "filters": {
            "or": [
                {"number_range": {"fields": ["year", "Year"], "greater_than": 2000.0,
                                  "greater_than_inclusive": True, "less_than": 2010,
                                  "less_than_inclusive": False}},
                {"geo_point": {"longitude": 1.5, "latitude": -0.0, "radius": 0,
                               "radius_unit": "km"}},
                {"geo_custom_area": [[[[0, 0, 7], [1, 0], [1, 1], [0, 0]]]]},
            ]
        },
    }  # fmt: skip
    normal = {
        "search": "Helix",
        "filters": {
            "or": [
                {"geo_custom_area": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]},
                {"geo_point": {"latitude": 0, "longitude": 1.5}},
                {"number_range": {"fields": ["Year", "year"], "greater_than": 2000,
                                  "less_than": 2010, "less_than_inclusive": False}},
            ]
        },
    }  # fmt: skip
    assert normalise(query) == normal
    text = canonical_json(normal)
    assert text.startswith('{"filters":{"or":[{"geo_custom_area":[[[[0,0],[1,0]')
    assert query_hash(query) == hashlib.sha1(text.encode("utf-8")).hexdigest()
    assert normalise({"search": " ,; "}) == {}
    assert canonical_json({"search": "Curaçao"}) == '{"search":"Curaçao"}'
