"""Accepting a correction: a new version of one record, through patch mode, with its
provenance recorded; refusals change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from holotype.catalog.accounts import AuditEvent
from holotype.catalog.corrections import CorrectionRow
from holotype.errors import Forbidden, Invalid, NotFound, SignInRequired
from holotype.services import corrections
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.search import SearchRequest, open_search
from tests.fixtures.corrections_site import RESOURCE, CorrectionsSite, make_corrections_site


@pytest.fixture
def corrections_site(tmp_path: Path) -> Iterator[CorrectionsSite]:
    site = make_corrections_site(tmp_path)
    yield site
    site.portal.close()


def rows(site: CorrectionsSite) -> list[CorrectionRow]:
    with site.portal.session() as session:
        found = list(session.scalars(select(CorrectionRow).order_by(CorrectionRow.accepted_at)))
        session.expunge_all()
        return found


def versions(site: CorrectionsSite) -> list[int]:
    return [v.version for v in site.portal.store.resource(site.resource_id).versions()]


def found(site: CorrectionsSite, text: str) -> list[str]:
    search = open_search(site.portal, ANONYMOUS, {"search": text}, [site.resource_id], None)
    return [r["data"]["_id"] for r in search.page(SearchRequest(size=10)).records]


def test_accept_commits_only_the_changed_fields_with_provenance(
    corrections_site: CorrectionsSite,
) -> None:
    site = corrections_site
    before = site.record("h-1")
    assert before is not None
    done = corrections.accept(site.portal, site.people["editor"], site.resource_id, "h-1",
                              {"country": "France", "locality": "Bois de Vincennes"},
                              report_id="r" * 32)
    assert not done.unchanged and done.id is not None
    assert done.version == versions(site)[-1]
    # locality was already right: only country changed
    assert [(c.field, c.old, c.new) for c in done.changes] == [("country", "Frnace", "France")]
    assert site.record("h-1") == {**before, "country": "France"}
    assert site.record("h-2") is not None and site.record("h-2")["country"] == "France"
    history = site.portal.store.resource(site.resource_id).history("h-1")
    assert history[-1].version == done.version
    assert history[-1].changes == {"country": ("Frnace", "France")}
    [row] = rows(site)
    assert (row.id, row.resource_id, row.record_id, row.version, row.report_id,
            row.accepted_by) == (done.id, site.resource_id, "h-1", done.version, "r" * 32,
                                 site.user_ids["editor"])
    assert json.loads(row.fields) == [{"field": "country", "old": "Frnace", "new": "France"}]
    latest = site.portal.store.resource(site.resource_id).resolve()
    assert latest is not None and latest.mode == "patch" and latest.changed == 1


def test_the_search_index_has_the_corrected_value(corrections_site: CorrectionsSite) -> None:
    site = corrections_site
    assert found(site, "Frnace") == ["h-1"]
    corrections.accept(site.portal, OPERATOR, RESOURCE, "h-1", {"country": "France"})
    assert found(site, "Frnace") == []
    assert sorted(found(site, "France")) == ["h-1", "h-2"]


def test_an_empty_value_clears_the_field(corrections_site: CorrectionsSite) -> None:
    site = corrections_site
    done = corrections.accept(site.portal, OPERATOR, RESOURCE, "h-3", {"locality": ""})
    assert [(c.field, c.old, c.new) for c in done.changes] == [
        ("locality", "Sierra Nevada", None)]
    record = site.record("h-3")
    assert record is not None and "locality" not in record


def test_a_field_without_a_value_in_this_record_can_be_set(
    corrections_site: CorrectionsSite,
) -> None:
    site = corrections_site
    done = corrections.accept(site.portal, OPERATOR, RESOURCE, "h-2", {"locality": "Compiègne"})
    assert [(c.field, c.old, c.new) for c in done.changes] == [("locality", None, "Compiègne")]


def test_accepting_the_same_values_again_commits_nothing(
    corrections_site: CorrectionsSite,
) -> None:
    site = corrections_site
    corrections.accept(site.portal, OPERATOR, RESOURCE, "h-1", {"country": "France"})
    count = len(versions(site))
    again = corrections.accept(site.portal, OPERATOR, RESOURCE, "h-1", {"country": "France"})
    assert again.unchanged and again.id is None and again.version is None
    assert "nothing to change" in again.message
    assert len(versions(site)) == count
    assert len(rows(site)) == 1


@pytest.mark.parametrize(
    ("record_id", "values", "error", "field", "words"),
    [
        ("h-1", {"contry": "France"}, Invalid, "values.contry", "did you mean 'country'"),
        ("h-1", {"occurrenceID": "h-9"}, Invalid, "values.occurrenceID", "identifies"),
        ("h-1", {}, Invalid, "values", "at least one field"),
        ("h-1", {"country": 3}, Invalid, "values.country", "must be text"),
        ("h-1", {"_id": "x"}, Invalid, "values._id", "no field '_id'"),
        ("h-404", {"country": "France"}, NotFound, "record_id", "does not exist"),
        ("", {"country": "France"}, NotFound, "record_id", "does not exist"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    corrections_site: CorrectionsSite, record_id: str, values: dict[str, object],
    error: type[Exception], field: str, words: str,
) -> None:
    site = corrections_site
    count = len(versions(site))
    with pytest.raises(error) as refused:
        corrections.accept(site.portal, OPERATOR, RESOURCE, record_id, values)  # type: ignore[arg-type]
    assert getattr(refused.value, "field", None) == field
    assert words in str(refused.value)
    assert len(versions(site)) == count and rows(site) == []


def test_a_long_report_id_is_refused(corrections_site: CorrectionsSite) -> None:
    site = corrections_site
    with pytest.raises(Invalid) as refused:
        corrections.accept(site.portal, OPERATOR, RESOURCE, "h-1", {"country": "France"},
                           report_id="x" * 33)
    assert refused.value.field == "report_id"
    assert site.record("h-1") is not None and site.record("h-1")["country"] == "Frnace"


def test_generated_ids_are_refused_with_a_clear_message(
    corrections_site: CorrectionsSite,
) -> None:
    site = corrections_site
    from holotype.services import catalogue
    from holotype.services.records import ingest
    with site.portal.write_session() as session:
        catalogue.create_resource(session, "herb", slug="loose", name="Loose")
    ingest(site.portal, OPERATOR, "herb/loose", site.write("loose.csv", [["a", "b"]],
                                                            header=["country", "locality"]))
    with pytest.raises(Invalid) as refused:
        corrections.accept(site.portal, OPERATOR, "herb/loose", "x", {"country": "France"})
    assert refused.value.field == "resource_id"
    assert "generated from their content" in refused.value.message


@pytest.mark.parametrize("who", ["member", "outsider", "anonymous"])
def test_identities_that_may_not_change_the_dataset_change_nothing(
    corrections_site: CorrectionsSite, who: str,
) -> None:
    site = corrections_site
    identity = ANONYMOUS if who == "anonymous" else site.people[who]
    count = len(versions(site))
    with site.portal.session() as session:
        audited = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(SignInRequired if who == "anonymous" else Forbidden):
        corrections.accept(site.portal, identity, site.resource_id, "h-1", {"country": "France"})
    assert len(versions(site)) == count and rows(site) == []
    assert site.record("h-1") is not None and site.record("h-1")["country"] == "Frnace"
    with site.portal.session() as session:
        now = session.scalar(select(func.count()).select_from(AuditEvent))
    assert now == audited + (0 if who == "anonymous" else 1)  # a refused write is audited
