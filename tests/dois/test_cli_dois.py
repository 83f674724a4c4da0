"""``holotype doi ...`` and the dataset commands that decide DOIs, run as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dois.conftest import BASE_URL
from tests.fixtures.datacite import PASSWORD, PREFIX, USERNAME, FakeDataCite
from tests.test_cli import failed, holotype, ok


@pytest.mark.slow
def test_the_maintainer_sees_and_retries_what_datacite_refused(
        tmp_path: Path, datacite: FakeDataCite) -> None:
    env = dict(HOLOTYPE_DOI_PROVIDER="datacite", HOLOTYPE_DATACITE_URL=datacite.url,
               HOLOTYPE_DATACITE_PREFIX=PREFIX, HOLOTYPE_DATACITE_USERNAME=USERNAME,
               HOLOTYPE_DATACITE_PASSWORD=PASSWORD, HOLOTYPE_PUBLIC_BASE_URL=BASE_URL)

    def run(*args: str) -> str:
        return ok(holotype(tmp_path, *args, **env))

    assert "No DOIs." in run("doi", "list")
    run("dataset", "create", "beetles", "--title", "Beetles", "--licence", "CC-BY-4.0",
        "--visibility", "private", "--creator", "Ada Lovelace|0000-0002-1825-0097")
    listed = run("doi", "list")
    assert PREFIX + "/" in listed and "draft" in listed and "(not sent)" in listed
    assert "pending" in listed
    [doi] = [word for word in listed.split() if word.startswith(PREFIX + "/")]

    datacite.refuse_url = "data.example.org"
    error = failed(holotype(tmp_path, "doi", "sync", **env))
    assert "1 of 1 DOIs did not get through" in error
    listed = run("doi", "list")
    assert "failed" in listed
    assert "DataCite answered 422: url: URL is not allowed by repository domain settings" \
        in listed

    datacite.refuse_url = None
    assert "Every DOI is up to date" in run("doi", "sync")  # a failed DOI waits for retry
    assert "is queued (pending)" in run("doi", "retry", doi)
    assert "synced" in run("doi", "sync")
    assert datacite.state(doi) == "draft"

    run("dataset", "update", "beetles", "--visibility", "public", "--title", "Beetles II")
    run("doi", "sync")
    assert datacite.state(doi) == "findable"
    assert datacite.attributes(doi)["titles"] == [{"title": "Beetles II"}]

    run("dataset", "delete", "beetles")
    run("doi", "sync")
    assert datacite.state(doi) == "registered"
    assert datacite.attributes(doi)["url"] == f"{BASE_URL}/doi/{doi}"
    assert "registered (tombstone)" in run("doi", "list")

    error = failed(holotype(tmp_path, "doi", "retry", "10.5072/nope-nope", **env))
    assert "manages no DOI" in error


def test_doi_commands_without_a_provider(tmp_path: Path) -> None:
    assert "doi_provider is none" in ok(holotype(tmp_path, "doi", "list"))
    assert "doi_provider is none" in ok(holotype(tmp_path, "doi", "sync"))
