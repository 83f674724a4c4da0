"""A dataset's changelog: each record resource's versions newest first with the fields changed
most, through the policy (a private dataset's changelog is not found for anonymous callers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.errors import NotFound
from holotype.services import catalogue, dataset_view
from holotype.services.changelog import TOP_FIELDS, FieldChange, dataset_changelog
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest

HEADER = "occurrenceID,scientificName,country,locality,year,month,day,recordedBy\n"


def csv(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text(header + "".join(r + "\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    folder = tmp_path_factory.mktemp("changelog-site")
    opened = Portal.open(load_settings(data_dir=folder / "site"))
    with opened.session() as session:
        for slug, visibility in (("log", "public"), ("hidden", "private")):
            catalogue.create_dataset(session, slug=slug, title=slug.title(), licence="CC0-1.0",
                                     visibility=visibility)
            catalogue.create_resource(session, slug, slug="records", name="Records",
                                      id_field="occurrenceID")
        catalogue.create_resource(session, "log", slug="notes", name="Notes", kind="file")
    first = ("o1,Aus bus,UK,Hill,1950,1,2,Ann", "o2,Aus bus,UK,Dale,1951,3,4,Bob",
             "o3,Cus dus,FR,Wood,1952,5,6,Cat")
    path = folder / "data.csv"
    for slug in ("log", "hidden"):
        ingest(opened, OPERATOR, f"{slug}/records", csv(path, *first), index=False)
    # update: o1 changes country; o2 changes country and empties locality; o4 is added
    ingest(opened, OPERATOR, "log/records", csv(path, "o1,Aus bus,IE,Hill,1950,1,2,Ann",
                                                "o2,Aus bus,IE,,1951,3,4,Bob",
                                                "o4,Eus fus,ES,Lake,1960,7,8,Dan"), index=False)
    # patch: o3 gets a new year and a field it never had
    ingest(opened, OPERATOR, "log/records",
           csv(path, "o3,1999,Bog", header="occurrenceID,year,habitat\n"), mode="patch",
           index=False)
    # replace: o1 changes seven fields, o2 and o4 are removed
    ingest(opened, OPERATOR, "log/records", csv(path, "o1,Zus zus,DE,Peak,2000,9,9,Eve",
                                                "o3,Cus dus,FR,Wood,1999,5,6,Cat"),
           mode="replace", index=False)
    yield opened
    opened.close()


def test_versions_newest_first_with_the_fields_changed_most(portal: Portal) -> None:
    (records,) = dataset_changelog(portal, ANONYMOUS, "log")  # the file resource has none
    assert records.resource.slug == "records" and records.records == 2
    got = [(v.mode, v.added, v.changed, v.removed, v.total) for v in records.versions]
    assert got == [("replace", 0, 2, 2, 2), ("patch", 0, 1, 0, 4), ("update", 1, 2, 0, 4),
                   ("update", 3, 0, 0, 3)]
    replace, patch, update, first = records.versions
    # o3's habitat was emptied by the replace (the file has no such column): counted too
    assert replace.fields == [FieldChange("country", 1), FieldChange("day", 1),
                              FieldChange("habitat", 1), FieldChange("locality", 1),
                              FieldChange("month", 1)][:TOP_FIELDS]
    assert replace.other_fields == 3  # recordedBy, scientificName and year: 8 fields in all
    assert patch.fields == [FieldChange("habitat", 1), FieldChange("year", 1)]
    assert update.fields == [FieldChange("country", 2), FieldChange("locality", 1)]
    assert first.fields == [] and first.other_fields == 0
    rid = records.resource.id
    assert first.search_url == f"/search?resource_ids={rid}&version={first.version}"
    assert [v.version for v in records.versions] == sorted(
        (v.version for v in records.versions), reverse=True)


def test_limit_keeps_the_newest_versions(portal: Portal) -> None:
    (records,) = dataset_changelog(portal, OPERATOR, "log", limit=2)
    assert [v.mode for v in records.versions] == ["replace", "patch"]
    assert records.records == 2


def test_the_dataset_page_lists_the_same_entries(portal: Portal) -> None:
    page = dataset_view.dataset_page(portal, ANONYMOUS, "log")
    (records,) = dataset_changelog(portal, ANONYMOUS, "log")
    by_slug = {r.resource.slug: r for r in page.resources}
    assert by_slug["records"].versions == records.versions
    assert by_slug["notes"].versions == []


def test_a_private_dataset_is_not_found_for_anonymous(portal: Portal) -> None:
    with pytest.raises(NotFound) as hidden:
        dataset_changelog(portal, ANONYMOUS, "hidden")
    with pytest.raises(NotFound) as unknown:
        dataset_changelog(portal, ANONYMOUS, "no-such-dataset")
    assert hidden.value.field == unknown.value.field == "id"
    assert str(hidden.value) == str(unknown.value).replace("no-such-dataset", "hidden")
    (records,) = dataset_changelog(portal, OPERATOR, "hidden")
    assert [v.total for v in records.versions] == [3]
