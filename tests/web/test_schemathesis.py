"""Every action of /api/openapi.json, fuzzed by schemathesis against the real app.

The app is served by uvicorn on a loopback port over a small demo site; schemathesis reads
the served document and, for each operation (every action, GET and POST), sends a bounded,
derandomized set of requests: valid ones from the declared types and invalid ones
(negative mode). Each answer must not be a server error, must carry a documented status and
content type, and must match the response schema declared for it (CKAN's envelope). A
missing document or operation fails the test; nothing here skips.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from holotype.web.actions import ACTIONS
from tests.fixtures.site import LiveServer, make_site

RECORDS = 120
EXAMPLES = 40
PATH = "/api/3/action/"
METHODS = ("GET", "POST")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = make_site(tmp_path_factory.mktemp("schemathesis-site"), records=RECORDS,
                     rate_limit_per_minute=0)
    with LiveServer(site) as server:
        yield server.url


@pytest.fixture(scope="module")
def known(api_url: str) -> dict[str, list[Any]]:
    """Real values of the site, for half the valid requests: random ids and field names are
    mostly 404s and empty answers, which never reach the code beneath them."""

    def result(name: str, **params: Any) -> Any:
        answer = httpx.post(f"{api_url}{PATH}{name}", json=params, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()["result"]

    resources = [r["id"] for name in result("package_list")
                 for r in result("package_show", id=name)["resources"]]
    assert resources, "the demo site has no resources"
    records = result("vds_multi_query", size=5)["records"]
    fields = [f["field"] for f in result("vds_multi_fields")]
    return {
        "resource_id": resources,
        "resource_ids": [[r] for r in resources],
        "record_id": [str(r["data"]["_id"]) for r in records],
        "field": fields,
        "id": [*result("package_list"), *resources],
        "query": [{}, {"search": "a"}, {"filters": {"and": [
            {"string_equals": {"fields": [fields[0]], "value": "a"}}]}}],
    }


def with_known(case: Any, known: dict[str, list[Any]], pick: int) -> Any:
    """``case`` with each parameter ``known`` holds set to a real value, on odd ``pick``s."""
    given_values = case.query if case.method == "GET" else case.body
    if pick % 2 and isinstance(given_values, dict):
        for name, values in known.items():
            if name in given_values:
                given_values[name] = values[pick // 2 % len(values)]
    return case


@pytest.fixture(scope="module")
def api_schema(api_url: str) -> Any:
    # An explicit configuration, so no schemathesis.toml found on the way changes the run.
    config = schemathesis.Config()
    return schemathesis.openapi.from_url(f"{api_url}/api/openapi.json", config=config)


def test_the_document_declares_every_action(api_schema: Any) -> None:
    operations = {op.ok().label for op in api_schema.get_all_operations()}
    assert operations == {f"{method} {PATH}{name}" for name in ACTIONS for method in METHODS}


# Operations are named from the registry at collection time; the schema is loaded per module.
# (schemathesis.pytest.from_fixture, its lazy loader, fails under pytest 9: it reads a private
# attribute of the test node.)
# An action without parameters has no invalid request to make: positive mode only.
OPERATIONS = [(name, method, mode) for name in sorted(ACTIONS) for method in METHODS
              for mode in GenerationMode if ACTIONS[name].parameters or mode.is_positive]


@pytest.mark.parametrize(("name", "method", "mode"), OPERATIONS)
def test_no_server_errors(
    api_schema: Any, known: dict[str, list[Any]], name: str, method: str, mode: GenerationMode
) -> None:
    operation = api_schema[f"{PATH}{name}"][method]

    cases = operation.as_strategy(generation_mode=mode)
    if mode.is_positive:
        cases = st.tuples(cases, st.integers(0, 63)).map(lambda p: with_known(p[0], known, p[1]))

    @given(case=cases)
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
    def run(case: Any) -> None:
        case.call_and_validate(checks=CHECKS, timeout=30)

    run()
