"""A later ingest that would undo accepted corrections: refused by default, naming the records
and fields; ``keep`` keeps the corrected values, ``source`` takes the file's and marks the
corrections superseded. The same finding for a staged file (a draft's review)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from holotype.catalog.corrections import CorrectionRow, field_entries
from holotype.errors import Forbidden, Invalid
from holotype.ingest.read import stage_file
from holotype.services import corrections
from holotype.services.correction_guard import CorrectionsUndone, undone_by
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from holotype.services.workdirs import work_dir
from tests.fixtures.corrections_site import (
    HEADER,
    RESOURCE,
    ROWS,
    CorrectionsSite,
    make_corrections_site,
)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[CorrectionsSite]:
    made = make_corrections_site(tmp_path)
    corrections.accept(made.portal, OPERATOR, RESOURCE, "h-1", {"country": "France"})
    corrections.accept(made.portal, OPERATOR, RESOURCE, "h-3", {"locality": "Sierra de Gredos"})
    yield made
    made.portal.close()


def count(site: CorrectionsSite) -> int:
    return len(site.portal.store.resource(site.resource_id).versions())


def superseded(site: CorrectionsSite) -> dict[tuple[str, str], int | None]:
    with site.portal.session() as session:
        return {(row.record_id, str(e["field"])): e.get("superseded_version")  # type: ignore[misc]
                for row in session.scalars(select(CorrectionRow))
                for e in field_entries(row)}


def with_changes(**changes: dict[str, str]) -> list[list[str]]:
    """The first file's rows with some values changed: ``h_2={"locality": "x"}``."""
    rows = [list(r) for r in ROWS]
    for key, values in changes.items():
        row = next(r for r in rows if r[0] == key.replace("_", "-"))
        for name, value in values.items():
            row[HEADER.index(name)] = value
    return rows


def test_the_first_file_again_would_undo_both_corrections(site: CorrectionsSite) -> None:
    before = count(site)
    again = site.write("again.csv", with_changes(h_2={"locality": "Compiègne"}))
    with pytest.raises(CorrectionsUndone) as refused:
        ingest(site.portal, OPERATOR, RESOURCE, again)
    found = refused.value.found
    assert [(u.record_id, u.field, u.old, u.new, u.incoming, u.kind, u.row) for u in found] == [
        ("h-1", "country", "Frnace", "France", "Frnace", "undo", 2),
        ("h-3", "locality", "Sierra Nevada", "Sierra de Gredos", "Sierra Nevada", "undo", 4),
    ]
    message = refused.value.message
    assert "record 'h-1' (row 2), field 'country'" in message and "'keep'" in message
    assert refused.value.field == "on_corrections"
    assert count(site) == before  # nothing committed
    assert site.record("h-2") is not None and "locality" not in site.record("h-2")


def test_a_value_different_from_both_is_a_conflict(site: CorrectionsSite) -> None:
    other = site.write("other.csv", with_changes(h_1={"country": "République française"},
                                                 h_3={"locality": "Sierra de Gredos"}))
    with pytest.raises(CorrectionsUndone) as refused:
        ingest(site.portal, OPERATOR, RESOURCE, other)
    assert [(u.record_id, u.kind, u.incoming) for u in refused.value.found] == [
        ("h-1", "conflict", "République française")]


def test_a_file_with_the_corrected_values_is_committed(site: CorrectionsSite) -> None:
    fixed = site.write("fixed.csv", with_changes(h_1={"country": "France"},
                                                 h_3={"locality": "Sierra de Gredos"},
                                                 h_2={"locality": "Compiègne"}))
    result = ingest(site.portal, OPERATOR, RESOURCE, fixed).result
    assert result.changed == 1 and not result.warnings


def test_keep_commits_the_file_with_the_corrected_values(site: CorrectionsSite) -> None:
    again = site.write("again.csv", with_changes(h_2={"locality": "Compiègne"},
                                                 h_1={"scientificName": "Quercus petraea"}))
    result = ingest(site.portal, OPERATOR, RESOURCE, again, on_corrections="keep").result
    assert result.version is not None and result.changed == 2  # h-1's name, h-2's locality
    assert any("kept 2 corrected fields" in w for w in result.warnings)
    h1 = site.record("h-1")
    assert h1 is not None and h1["country"] == "France" and h1["scientificName"] == \
        "Quercus petraea"
    h3 = site.record("h-3")
    assert h3 is not None and h3["locality"] == "Sierra de Gredos"
    assert site.record("h-2") is not None and site.record("h-2")["locality"] == "Compiègne"
    assert set(superseded(site).values()) == {None}  # still guarded
    with pytest.raises(CorrectionsUndone):  # the next undo is refused again
        ingest(site.portal, OPERATOR, RESOURCE, site.write("third.csv", ROWS))


def test_source_takes_the_files_values_and_supersedes(site: CorrectionsSite) -> None:
    again = site.write("again.csv", with_changes(h_3={"locality": "Sierra de Gredos"}))
    result = ingest(site.portal, OPERATOR, RESOURCE, again, on_corrections="source").result
    assert result.version is not None
    assert any("superseded" in w for w in result.warnings)
    assert site.record("h-1") is not None and site.record("h-1")["country"] == "Frnace"
    assert superseded(site) == {("h-1", "country"): result.version,
                                ("h-3", "locality"): None}
    with site.portal.session() as session:
        rows = {r.record_id: r.superseded_version for r in session.scalars(select(CorrectionRow))}
    assert rows == {"h-1": result.version, "h-3": None}
    # h-1's correction no longer guards: the first file again only concerns h-3
    with pytest.raises(CorrectionsUndone) as refused:
        ingest(site.portal, OPERATOR, RESOURCE, site.write("third.csv", ROWS))
    assert [u.record_id for u in refused.value.found] == ["h-3"]


def test_a_patch_without_the_column_leaves_corrections_alone(site: CorrectionsSite) -> None:
    patch = site.write("patch.csv", [["h-1", "Quercus petraea"]],
                       header=["occurrenceID", "scientificName"])
    result = ingest(site.portal, OPERATOR, RESOURCE, patch, mode="patch").result
    assert result.changed == 1
    assert site.record("h-1") is not None and site.record("h-1")["country"] == "France"


def test_an_update_without_the_column_would_clear_it(site: CorrectionsSite) -> None:
    narrow = site.write("narrow.csv", [["h-1", "H-1", "Quercus robur"]],
                        header=["occurrenceID", "catalogNumber", "scientificName"])
    with pytest.raises(CorrectionsUndone) as refused:
        ingest(site.portal, OPERATOR, RESOURCE, narrow)
    assert [(u.field, u.incoming, u.kind) for u in refused.value.found] == [
        ("country", None, "conflict")]
    result = ingest(site.portal, OPERATOR, RESOURCE, narrow, on_corrections="keep").result
    h1 = site.record("h-1")
    assert result.version is not None and h1 is not None
    assert h1["country"] == "France" and "locality" not in h1  # the update dropped locality


def test_a_second_correction_of_a_field_supersedes_the_first(site: CorrectionsSite) -> None:
    second = corrections.accept(site.portal, OPERATOR, RESOURCE, "h-1",
                                {"country": "Belgium"})
    assert [(c.old, c.new) for c in second.changes] == [("France", "Belgium")]
    with site.portal.session() as session:
        firsts = [r for r in session.scalars(select(CorrectionRow))
                  if r.record_id == "h-1" and r.id != second.id]
        assert [r.superseded_version for r in firsts] == [second.version]
    with pytest.raises(CorrectionsUndone) as refused:
        ingest(site.portal, OPERATOR, RESOURCE, site.write("again.csv", ROWS))
    h1 = next(u for u in refused.value.found if u.record_id == "h-1")
    assert (h1.old, h1.new, h1.kind) == ("France", "Belgium", "conflict")


def test_undone_by_gives_the_same_finding_for_a_staged_file(site: CorrectionsSite) -> None:
    path = site.write("again.csv", ROWS)
    with work_dir(site.portal.work_dir) as work:
        con = site.portal.duckdb()
        staged = stage_file(con, path, work, display_name="again.csv", limits=site.portal.limits,
                            data_dir=site.portal.settings.data_dir)
        con.close()
        found = undone_by(site.portal, site.people["editor"], site.resource_id, staged)
        assert [(u.record_id, u.field, u.kind) for u in found] == [
            ("h-1", "country", "undo"), ("h-3", "locality", "undo")]
        with pytest.raises(Forbidden):
            undone_by(site.portal, site.people["member"], site.resource_id, staged)


def test_an_unknown_choice_is_refused(site: CorrectionsSite) -> None:
    with pytest.raises(Invalid) as refused:
        ingest(site.portal, OPERATOR, RESOURCE, site.write("again.csv", ROWS),
               on_corrections="mine")
    assert refused.value.field == "on_corrections"
