"""The DataCite provider against the fake registrar: states, idempotence, errors, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from holotype.catalog.licences import get_licence
from holotype.config import load_settings
from holotype.registrar import (
    Agent,
    InvalidMetadata,
    Rejected,
    Related,
    Unreachable,
    datacite_attributes,
    registrar_for,
)
from holotype.registrar.datacite import DataCiteRegistrar, event_for
from holotype.registrar.none import NoRegistrar
from tests.dois.conftest import minting_settings
from tests.fixtures.datacite import FakeDataCite

DOI = "10.5072/abcd-0123"
URL = "https://data.example.org/dataset/beetles"


def attributes(**changes: object) -> dict[str, object]:
    values: dict[str, object] = dict(
        title="Beetles of the Thames", creators=[Agent("Ada Lovelace", "0000-0002-1825-0097",
                                                       "Natural History Museum")],
        publisher="Natural History Museum", publication_year=2026,
        licences=[get_licence("CC-BY-4.0")], keywords=["beetles", "Thames"], version="3",
        related=[Related("10.5072/zzzz-0000", "DOI", "IsDerivedFrom")], sizes=["12 records"])
    values.update(changes)
    return datacite_attributes(**values)  # type: ignore[arg-type]


@pytest.fixture
def registrar(datacite: FakeDataCite, tmp_path: Path) -> DataCiteRegistrar:
    return DataCiteRegistrar(minting_settings(tmp_path, datacite.url), timeout=1.0)


def test_draft_then_findable_then_hidden(registrar: DataCiteRegistrar,
                                         datacite: FakeDataCite) -> None:
    assert registrar.send(DOI, state="draft", url=URL, attributes=attributes(), held=None) \
        == "draft"
    assert datacite.state(DOI) == "draft" and "event" not in datacite.received[-1].body["data"][
        "attributes"]
    assert registrar.send(DOI, state="findable", url=URL, attributes=attributes(title="New"),
                          held="draft") == "findable"
    sent = datacite.received[-1]
    assert (sent.method, sent.path) == ("PUT", f"/dois/{DOI}")
    assert sent.body["data"]["attributes"]["event"] == "publish"
    held = datacite.attributes(DOI)
    assert held["titles"] == [{"title": "New"}] and held["url"] == URL
    assert held["creators"][0]["nameIdentifiers"][0]["nameIdentifier"] == \
        "https://orcid.org/0000-0002-1825-0097"
    assert held["rightsList"][0]["rightsIdentifier"] == "cc-by-4.0"
    assert registrar.send(DOI, state="registered", url=URL, attributes=attributes(),
                          held="findable") == "registered"
    assert datacite.received[-1].body["data"]["attributes"]["event"] == "hide"
    assert datacite.state(DOI) == "registered"


def test_a_create_whose_answer_was_lost_continues_as_an_update(
        registrar: DataCiteRegistrar, datacite: FakeDataCite) -> None:
    registrar.send(DOI, state="findable", url=URL, attributes=attributes(), held=None)
    # The first answer never arrived: the sender tries the create again.
    assert registrar.send(DOI, state="findable", url=URL, attributes=attributes(title="Again"),
                          held=None) == "findable"
    assert [(r.method, r.path) for r in datacite.received[-3:]] == [
        ("POST", "/dois"), ("GET", f"/dois/{DOI}"), ("PUT", f"/dois/{DOI}")]
    assert datacite.attributes(DOI)["titles"] == [{"title": "Again"}]
    assert "event" not in datacite.received[-1].body["data"]["attributes"]  # already findable


def test_refusals_carry_datacite_s_message(registrar: DataCiteRegistrar,
                                           datacite: FakeDataCite) -> None:
    datacite.refuse_url = "data.example.org"
    with pytest.raises(Rejected, match="DataCite answered 422: url: URL is not allowed by "
                       "repository domain settings"):
        registrar.send(DOI, state="findable", url=URL, attributes=attributes(), held=None)
    assert DOI not in datacite.dois


def test_bad_credentials_are_a_refusal(datacite: FakeDataCite, tmp_path: Path) -> None:
    wrong = DataCiteRegistrar(minting_settings(tmp_path, datacite.url,
                                               datacite_password="wrong"))
    with pytest.raises(Rejected, match="DataCite answered 401: Bad credentials"):
        wrong.send(DOI, state="draft", url=URL, attributes=attributes(), held=None)


def test_outages_are_unreachable(registrar: DataCiteRegistrar, datacite: FakeDataCite,
                                 tmp_path: Path) -> None:
    datacite.fail(503)
    with pytest.raises(Unreachable, match="DataCite answered 503"):
        registrar.send(DOI, state="draft", url=URL, attributes=attributes(), held=None)
    datacite.delay = 3.0  # beyond the 1 s timeout
    with pytest.raises(Unreachable, match="could not be reached"):
        registrar.send(DOI, state="draft", url=URL, attributes=attributes(), held=None)
    datacite.delay = 0.0
    gone = DataCiteRegistrar(minting_settings(tmp_path, "http://127.0.0.1:9"), timeout=1.0)
    with pytest.raises(Unreachable, match="could not be reached"):
        gone.send(DOI, state="draft", url=URL, attributes=attributes(), held=None)


def test_invalid_metadata_is_never_sent(registrar: DataCiteRegistrar,
                                        datacite: FakeDataCite) -> None:
    bad = attributes(creators=[], publication_year=20260)
    with pytest.raises(InvalidMetadata) as raised:
        registrar.send(DOI, state="findable", url=URL, attributes=bad, held=None)
    message = raised.value.message
    assert "DataCite Metadata Schema 4.5" in message
    assert "creators: [] should be non-empty" in message
    assert "publicationYear: '20260' does not match" in message
    assert datacite.received == []


def test_events_follow_datacite_s_states() -> None:
    assert [event_for("draft", None), event_for("registered", None),
            event_for("findable", None)] == [None, "register", "publish"]
    assert event_for("registered", "findable") == "hide"
    assert event_for("registered", "registered") is None
    assert event_for("findable", "registered") == "publish"
    with pytest.raises(Rejected, match="cannot return to draft"):
        event_for("draft", "findable")


def test_the_provider_is_chosen_by_setting(tmp_path: Path, datacite: FakeDataCite) -> None:
    assert isinstance(registrar_for(load_settings(data_dir=tmp_path)), NoRegistrar)
    assert isinstance(registrar_for(minting_settings(tmp_path, datacite.url)),
                      DataCiteRegistrar)
    with pytest.raises(Rejected, match="doi_provider is none"):
        NoRegistrar().send(DOI, state="draft", url=URL, attributes={}, held=None)
