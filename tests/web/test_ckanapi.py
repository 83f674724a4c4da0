"""The PyPI `ckanapi` client, unmodified, against a real server on a loopback port."""

from __future__ import annotations

import ckanapi
import pytest


@pytest.fixture(scope="module")
def remote(live_demo: str) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(live_demo, user_agent="holotype-tests")


def test_datastore_search_through_ckanapi(remote: ckanapi.RemoteCKAN) -> None:
    package = remote.action.package_show(id="demo-specimens")
    resource_id = package["resources"][0]["id"]
    result = remote.action.datastore_search(resource_id=resource_id, q="forest", limit=5,
                                            filters={"department": "Zoology"})
    assert len(result["records"]) == 5 and result["total"] > 5
    assert all(r["department"] == "Zoology" for r in result["records"])
    following = remote.action.datastore_search(resource_id=resource_id, q="forest", limit=5,
                                               filters={"department": "Zoology"},
                                               after=result["after"])
    assert not {r["_id"] for r in following["records"]} & {r["_id"] for r in result["records"]}


def test_vds_multi_query_through_ckanapi(remote: ckanapi.RemoteCKAN) -> None:
    query = {"filters": {"and": [{"string_equals": {"fields": ["country"],
                                                    "value": "united kingdom"}}]}}
    result = remote.call_action("vds_multi_query", {"query": query, "size": 20})
    assert result["total"] > 20 and len(result["records"]) == 20
    assert {r["data"]["country"] for r in result["records"]} == {"United Kingdom"}
    counted = remote.call_action("vds_multi_count", {"query": query})
    assert counted["total"] == result["total"]


def test_ckanapi_sees_ckan_errors(remote: ckanapi.RemoteCKAN) -> None:
    with pytest.raises(ckanapi.NotFound):
        remote.action.datastore_search(resource_id="no-such-resource")
    with pytest.raises(ckanapi.ValidationError) as caught:
        remote.call_action("vds_multi_query", {"query": {"filters": {"and": []}}})
    assert "$.filters.and" in str(caught.value)
