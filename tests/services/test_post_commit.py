"""Post-commit hooks: run once per committed version, in order; a failure fails the ingest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.post_commit import POST_COMMIT_HOOKS, SEARCH_INDEX, PostCommitHook
from holotype.services.records import ingest, versions
from holotype.store import Progress

Call = tuple[str, str, int]


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = Portal.open(load_settings(data_dir=tmp_path / "site"))
    with opened.session() as session:
        catalogue.create_dataset(session, slug="ds", title="Dataset", licence="CC0-1.0")
        catalogue.create_resource(session, "ds", slug="rows", name="Rows")
    yield opened
    opened.close()


def _csv(path: Path, *ids: int) -> Path:
    path.write_text("occurrenceID,name\n" + "".join(f"id-{i},n{i}\n" for i in ids))
    return path


def _recording(name: str, calls: list[Call]) -> PostCommitHook:
    def run(portal: Portal, resource_id: str, version: int, progress: Progress | None) -> None:
        calls.append((name, resource_id, version))

    return PostCommitHook(name, f"running {name}", run)


def test_the_search_index_is_the_first_hook() -> None:
    assert POST_COMMIT_HOOKS[0] is SEARCH_INDEX


def test_an_extra_hook_runs_once_with_the_committed_version(
    portal: Portal, tmp_path: Path
) -> None:
    calls: list[Call] = []
    steps: list[str] = []
    hooks = (*POST_COMMIT_HOOKS, _recording("extra", calls))
    path = _csv(tmp_path / "a.csv", 1, 2)
    outcome = ingest(portal, OPERATOR, "ds/rows", path, hooks=hooks, progress=steps.append)
    assert calls == [("extra", outcome.resource.id, outcome.result.version)]
    assert steps.index("updating the search index") < steps.index("running extra")
    assert (portal.index_dir / outcome.resource.id).is_dir()  # the index hook ran first
    # A re-ingest that changes nothing commits no version, so no hook runs.
    ingest(portal, OPERATOR, "ds/rows", _csv(tmp_path / "b.csv", 1, 2), hooks=hooks)
    assert len(calls) == 1


def test_a_failing_hook_fails_the_ingest_after_the_commit(portal: Portal, tmp_path: Path) -> None:
    calls: list[Call] = []

    def broken(portal: Portal, resource_id: str, version: int, progress: Progress | None) -> None:
        raise RuntimeError("hook failed")

    hooks = (PostCommitHook("broken", "breaking", broken), _recording("later", calls))
    with pytest.raises(RuntimeError, match="hook failed"):
        ingest(portal, OPERATOR, "ds/rows", _csv(tmp_path / "a.csv", 1), hooks=hooks)
    _resource, committed = versions(portal, OPERATOR, "ds/rows")
    assert [v.total for v in committed] == [1]  # the version is durable
    assert calls == []  # the hooks after the failing one did not run


def test_an_index_build_failure_fails_the_ingest_after_the_commit(
    portal: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(portal, "build_index", broken)
    with pytest.raises(OSError, match="disk full"):
        ingest(portal, OPERATOR, "ds/rows", _csv(tmp_path / "a.csv", 1))
    _resource, committed = versions(portal, OPERATOR, "ds/rows")
    assert [v.total for v in committed] == [1]


def test_without_index_no_hook_runs(portal: Portal, tmp_path: Path) -> None:
    calls: list[Call] = []
    hooks = (_recording("extra", calls),)
    result = ingest(portal, OPERATOR, "ds/rows", _csv(tmp_path / "a.csv", 1), hooks=hooks,
                    index=False)
    assert result.result.version is not None and calls == []
