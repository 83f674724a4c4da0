"""Issue 12: a corpus of real Darwin Core Archive shapes, each ingested with the count
python-dwca-reader gets, re-ingested unchanged as a no-op, and an edited copy as a new version.

The members and their counts are in :mod:`tests.ingest.corpus.table`; the archives are the GBIF
IPT's test resources in ``../shared/data/dwca-ipt/`` and archives built at test time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dwca.read import DwCAReader

from holotype.config import load_settings
from holotype.ingest.errors import IngestError
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.ingest.corpus.edit import edit_archive
from tests.ingest.corpus.table import MEMBERS, REFUSED, SHARED_IPT, Member, Refused

RESOURCE = "corpus/archive"


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = Portal.open(load_settings(data_dir=tmp_path / "site"))
    with opened.session() as session:
        catalogue.create_dataset(session, slug="corpus", title="Corpus", licence="CC-BY-4.0")
        catalogue.create_resource(session, "corpus", slug="archive", name="Archive")
    yield opened
    opened.close()


def dwca_reader_count(path: Path) -> int | str:
    """The core rows python-dwca-reader reads, or the error it raises (as text)."""
    try:
        with DwCAReader(str(path)) as reader:
            return sum(1 for _row in reader)
    except Exception as exc:  # it raises many kinds (ParseError, AttributeError, OSError...)
        return f"{type(exc).__name__}: {exc}"


def test_the_corpus_is_large_enough() -> None:
    assert len(MEMBERS) + len(REFUSED) >= 15
    assert len({member.name for member in MEMBERS}) == len(MEMBERS)
    assert SHARED_IPT.is_dir()
    for member in MEMBERS:
        if member.dwca_reader != member.holotype:
            assert member.note, f"{member.name}: say why the counts differ"


@pytest.mark.parametrize("member", MEMBERS, ids=lambda member: member.name)
def test_member_ingests_with_python_dwca_reader_count(
    member: Member, portal: Portal, tmp_path: Path
) -> None:
    archive = member.build(tmp_path)
    counted = dwca_reader_count(archive)
    if member.dwca_reader is None:
        assert isinstance(counted, str), f"python-dwca-reader now reads it: {counted} rows"
    else:
        assert counted == member.dwca_reader

    first = ingest(portal, OPERATOR, RESOURCE, archive).result
    assert first.version is not None
    assert (first.added, first.total) == (member.holotype, member.holotype)
    if member.warns:
        assert member.warns in " ".join(first.warnings).lower(), first.warnings

    again = ingest(portal, OPERATOR, RESOURCE, archive).result
    assert again.unchanged and again.total == member.holotype

    edited = tmp_path / f"edited-{archive.name}"
    edit = edit_archive(archive, edited)
    total = member.holotype - edit.removed + edit.added
    if member.dwca_reader == member.holotype:
        assert dwca_reader_count(edited) == total
    if member.generated_ids:  # a changed record has a new id: its old version is removed
        expected = (edit.added + edit.changed, 0, edit.removed + edit.changed)
    else:
        expected = (edit.added, edit.changed, edit.removed)
    second = ingest(portal, OPERATOR, RESOURCE, edited, mode="replace").result
    assert second.version is not None and second.version != first.version
    assert (second.added, second.changed, second.removed) == expected
    assert second.total == total


@pytest.mark.parametrize("refused", REFUSED, ids=lambda refused: refused.name)
def test_refused_files(refused: Refused, portal: Portal, tmp_path: Path) -> None:
    path = refused.build(tmp_path)
    assert isinstance(dwca_reader_count(path), str)  # python-dwca-reader refuses it too
    with pytest.raises(IngestError) as caught:
        ingest(portal, OPERATOR, RESOURCE, path)
    if refused.mentions is not None:
        assert refused.mentions in caught.value.location_message()
