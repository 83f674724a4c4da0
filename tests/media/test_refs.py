"""A record's media from its fields: the multimedia extension (GBIF and Audubon terms),
associatedMedia, stored files; ids stable across records and versions."""

from __future__ import annotations

import json

import pytest

from holotype.media import MediaRef, media_id, record_media, stored_name, stored_source

SHA = "a" * 64


def test_gbif_multimedia_rows_with_their_rights() -> None:
    rows = [{"identifier": "https://img.example.org/1.jpg", "format": "image/jpeg",
             "title": "Dorsal", "creator": "A. Photographer", "rightsHolder": "NHM",
             "license": "CC-BY-4.0"},
            {"identifier": "https://img.example.org/2.jpg", "type": "StillImage"}]
    refs = record_media({"Multimedia": json.dumps(rows)})
    assert refs[0] == MediaRef(media_id("https://img.example.org/1.jpg"),
                               "https://img.example.org/1.jpg", "Dorsal", "A. Photographer",
                               "NHM", "CC-BY-4.0", "image/jpeg")
    assert refs[1].format == "image/*" and refs[1].is_image


def test_audubon_core_terms() -> None:
    rows = [{"accessURI": "https://ac.example.org/x.tif", "Owner": "Trustees",
             "WebStatement": "https://creativecommons.org/licenses/by/4.0/",
             "format": "image/tiff", "creator": "B. Imager"}]
    (ref,) = record_media({"Multimedia": rows})
    assert (ref.rights_holder, ref.licence, ref.creator) == (
        "Trustees", "https://creativecommons.org/licenses/by/4.0/", "B. Imager")


def test_associated_media_in_any_separator_once_each() -> None:
    data = {"associatedMedia": "https://a.org/1.jpg | https://a.org/2.jpg;https://a.org/3.jpg"
                               " , https://a.org/1.jpg",
            "Multimedia": [{"identifier": "https://a.org/2.jpg", "title": "two"}]}
    refs = record_media(data)
    assert [r.source for r in refs] == ["https://a.org/2.jpg", "https://a.org/1.jpg",
                                        "https://a.org/3.jpg"]
    assert refs[0].title == "two"  # the extension's row, with its rights, wins


@pytest.mark.parametrize("source", ["file:///etc/passwd", "ftp://a.org/x.jpg", "../x.jpg",
                                    "stored:../../etc/passwd", "stored:" + "g" * 64 + ".jpg",
                                    "javascript:alert(1)", ""])
def test_sources_that_are_not_web_addresses_or_stored_files_are_left_out(source: str) -> None:
    assert record_media({"associatedMedia": source, "Multimedia": [{"identifier": source}]}) == []


def test_stored_sources_name_a_file_and_nothing_else() -> None:
    source = stored_source(SHA, ".JPG")
    assert source == f"stored:{SHA}.jpg" and stored_name(source) == f"{SHA}.jpg"
    assert record_media({"associatedMedia": source})[0].stored
    assert stored_name("https://a.org/x.jpg") is None
    with pytest.raises(ValueError):
        stored_source("xyz", "jpg")


def test_ids_depend_on_the_source_alone() -> None:
    one = record_media({"associatedMedia": "https://a.org/1.jpg"})[0]
    other = record_media({"Multimedia": [{"identifier": "https://a.org/1.jpg", "title": "t"}]})[0]
    assert one.id == other.id == media_id("https://a.org/1.jpg")
    assert len(one.id) == 32 and one.id != media_id("https://a.org/2.jpg")


def test_malformed_multimedia_is_ignored_not_an_error() -> None:
    assert record_media({"Multimedia": "not json"}) == []
    assert record_media({"Multimedia": "[1, \"x\", null]"}) == []
    assert record_media({}) == []


def test_a_stored_file_wins_over_a_web_page_in_the_same_row() -> None:
    # An Audubon row whose identifier is the image's web page and whose accessURI is the file
    # the archive carried: the file is the medium. Without a stored file, the first address.
    row = {"identifier": "https://museum.example.org/media/7", "accessURI": f"stored:{SHA}.jpg"}
    assert [r.source for r in record_media({"Multimedia": [row]})] == [f"stored:{SHA}.jpg"]
    row = {"identifier": "urn:uuid:7", "accessURI": "https://img.example.org/7.jpg"}
    assert [r.source for r in record_media({"Multimedia": [row]})] == [
        "https://img.example.org/7.jpg"]
