"""The one error hierarchy: status, user-safe message and where, for every layer."""

from __future__ import annotations

import pytest

from holotype.errors import Conflict, Invalid, NotFound, ServiceError, Unavailable
from holotype.locking import Busy
from holotype.query.errors import AreasMissing, QueryError


def test_one_field_is_both_field_and_errors() -> None:
    error = NotFound("dataset 'x' does not exist", field="id")
    assert (error.status, error.message, error.field) == (404, "dataset 'x' does not exist", "id")
    assert error.errors == {"id": ["dataset 'x' does not exist"]}
    assert str(error) == "id: dataset 'x' does not exist"
    assert Unavailable("indexing").errors == {} and Unavailable("indexing").field is None


def test_several_fields_in_ckan_shape() -> None:
    error = Invalid.of({"limit": ["Must be integer"], "sort": ["cannot read it", "twice"]})
    assert error.status == 400 and error.field is None
    assert error.errors == {"limit": ["Must be integer"], "sort": ["cannot read it", "twice"]}
    assert error.message == "limit: Must be integer; sort: cannot read it twice"
    single = Invalid.of({"q": ["Must be text"]})
    assert single.field == "q" and single.message == "q: Must be text"


@pytest.mark.parametrize(("error", "kind", "status"), [
    (QueryError("must be a number", "$.filters.and[0]"), Invalid, 400),
    (AreasMissing(None, ["a.geojson"]), Invalid, 400),
    (Busy("another ingest is writing to r1"), Conflict, 409),
])
def test_other_errors_belong_to_the_hierarchy(
    error: ServiceError, kind: type[ServiceError], status: int
) -> None:
    assert isinstance(error, kind) and error.status == status and error.message


def test_a_query_error_names_its_json_path() -> None:
    error = QueryError("must be a number", "$.filters.and[0]")
    assert error.field == error.path == "$.filters.and[0]"
    assert str(error) == "$.filters.and[0]: must be a number"
    assert isinstance(error, ValueError)  # callers that read JSON still catch it as before


def test_an_error_moved_to_another_field_keeps_its_kind() -> None:
    for error in (NotFound("no such resource", field="query.resource_ids"),
                  AreasMissing("/nowhere", ["a.geojson"]), QueryError("bad", "$.x")):
        moved = error.at("resource_ids")
        assert type(moved) is type(error) and moved.status == error.status
        assert (moved.message, moved.field) == (error.message, "resource_ids")
        assert moved.errors == {"resource_ids": [error.message]}
        assert str(moved) == f"resource_ids: {error.message}"
    assert error.field == "$.x"  # the original is unchanged
