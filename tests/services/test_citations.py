"""Citations name the publishing organisation, and stay the same while their inputs do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.services import catalogue
from holotype.services.citations.formats import render
from holotype.services.citations.items import dataset_item, record_item
from holotype.services.context import Portal
from holotype.services.dataset_view import DatasetPage, dataset_page
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.record_view import RecordPage, load_record
from holotype.services.records import ingest

ACCESSED = datetime(2026, 12, 5, tzinfo=UTC)
URL = "https://portal.example"


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = Portal.open(load_settings(data_dir=tmp_path / "site"))
    with opened.write_session() as session:
        catalogue.create_organisation(session, slug="nhmuk", name="Natural History Museum (London)")
        catalogue.create_dataset(session, slug="birds", title="Bird skins", licence="CC0-1.0",
                                 organisation="nhmuk")
        catalogue.create_resource(session, "birds", slug="specimens", name="Specimens")
    yield opened
    opened.close()


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("occurrenceID,catalogNumber,scientificName,institutionCode\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def citation(page: RecordPage, url: str, accessed: datetime) -> str:
    return render(record_item(page, url, accessed.date()), "harvard")


def dataset_citation(page: DatasetPage, url: str, accessed: datetime) -> str:
    return render(dataset_item(page, url, accessed.date()), "harvard")


def test_citations_use_the_organisation_name_and_stay_put(portal: Portal, tmp_path: Path) -> None:
    ingest(portal, OPERATOR, "birds/specimens", write(tmp_path / "v1.csv", [
        "o1,BM1,Parus major,NHMUK", "o2,BM2,Apis mellifera,NHMUK"]))
    first = citation(load_record(portal, ANONYMOUS, "birds/specimens", "o1"), URL, ACCESSED)
    assert first.startswith("Natural History Museum (London) (")
    assert "nhmuk" not in first and "BM1 Parus major’, Bird skins. " in first
    assert first.endswith(f"{URL}/object/o1 (Accessed: 5 December 2026).")
    dataset_before = dataset_citation(dataset_page(portal, ANONYMOUS, "birds"), URL, ACCESSED)
    assert "Natural History Museum (London)" in dataset_before and "nhmuk" not in dataset_before

    # A new version that changes another record leaves this record's citation as it was.
    ingest(portal, OPERATOR, "birds/specimens", write(tmp_path / "v2.csv", [
        "o1,BM1,Parus major,NHMUK", "o2,BM2,Apis cerana,NHMUK"]))
    assert citation(load_record(portal, ANONYMOUS, "birds/specimens", "o1"), URL, ACCESSED) == first
    after = dataset_citation(dataset_page(portal, ANONYMOUS, "birds"), URL, ACCESSED)
    assert after == dataset_before
    changed = citation(load_record(portal, ANONYMOUS, "birds/specimens", "o2"), URL, ACCESSED)
    assert "BM2 Apis cerana" in changed
