"""Zip safety: unsafe paths, bombs, size limits checked up front and while extracting."""

from __future__ import annotations

import stat
import struct
import zipfile
from pathlib import Path

import duckdb
import pytest

from holotype.ingest.dwca_zip import (
    ExtractBudget,
    check_members,
    extract_member,
    member_path,
    open_zip,
    read_member,
)
from holotype.ingest.errors import IngestError
from holotype.ingest.read import stage_file
from holotype.ingest.source import Limits

from .conftest import ArchiveBuilder, meta_xml

META_CORE = meta_xml(
    '<core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" ignoreHeaderLines="1">'
    "<files><location>occurrence.txt</location></files><id index=\"0\"/>"
    '<field index="0" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/></core>'
)


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "../evil.txt", "a/../../evil.txt", "C:/x.txt", "..\\evil.txt", "a\0b"]
)
def test_unsafe_member_names(name: str) -> None:
    with pytest.raises(IngestError, match=r"unsafe path"):
        member_path(name, "upload.zip")


@pytest.mark.parametrize("name", ["meta.xml", "data/occurrence.txt", "./x.txt", "a..b.txt"])
def test_safe_member_names(name: str) -> None:
    assert ".." not in member_path(name, "upload.zip").parts


def test_unsafe_member_refuses_the_whole_archive(tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta.xml", "<archive/>")
        archive.writestr(zipfile.ZipInfo("../../outside.txt"), "x")
    with open_zip(path, "evil.zip") as archive, pytest.raises(IngestError, match=r"unsafe"):
        check_members(archive, Limits(), "evil.zip")


def test_harmless_folder_entries_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "folders.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("./"), "")
        archive.writestr(zipfile.ZipInfo("data/"), "")
        archive.writestr("data/x.txt", "x")
    with open_zip(path, "folders.zip") as archive:
        check_members(archive, Limits(), "folders.zip")


def test_member_name_that_is_not_utf8(make_zip: ArchiveBuilder, tmp_path: Path) -> None:
    path = make_zip({"caf\u00e9.txt": b"x"})
    data = bytearray(path.read_bytes())
    local = data.index(b"PK\x03\x04")
    data[local + 30 + 3] = 0xFF  # the local header's copy of the name is now invalid UTF-8
    path.write_bytes(bytes(data))
    with open_zip(path, "a.zip") as archive:
        (info,) = archive.infolist()
        with pytest.raises(IngestError, match="damaged"):
            extract_member(archive, info, tmp_path / "x", ExtractBudget(100), "a.zip")


def test_compression_ratio_limit(make_zip: ArchiveBuilder) -> None:
    path = make_zip({"a.txt": b"a" * 1_000_000})
    with open_zip(path, "a.zip") as archive:
        with pytest.raises(IngestError, match=r"possible zip bomb"):
            check_members(archive, Limits(), "a.zip")
        check_members(archive, Limits(max_compression_ratio=10_000), "a.zip")


def test_total_size_limit(make_zip: ArchiveBuilder) -> None:
    path = make_zip({"a.txt": b"x" * 600, "b.txt": b"y" * 600}, compression=zipfile.ZIP_STORED)
    with open_zip(path, "a.zip") as archive:
        check_members(archive, Limits(max_uncompressed_bytes=1200), "a.zip")
        with pytest.raises(IngestError, match=r"more than 1000 bytes"):
            check_members(archive, Limits(max_uncompressed_bytes=1000), "a.zip")


def test_encrypted_member_is_refused(make_zip: ArchiveBuilder) -> None:
    path = make_zip({"a.txt": b"x"})
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.index(signature) + offset
        flags = struct.unpack_from("<H", data, position)[0]
        struct.pack_into("<H", data, position, flags | 0x1)
    path.write_bytes(bytes(data))
    with open_zip(path, "a.zip") as archive, pytest.raises(IngestError, match=r"encrypted"):
        check_members(archive, Limits(), "a.zip")


def test_extraction_counts_bytes_really_written(make_zip: ArchiveBuilder, tmp_path: Path) -> None:
    path = make_zip({"a.txt": b"x" * 5000, "b.txt": b"y" * 5000})
    budget = ExtractBudget(8000)
    with open_zip(path, "a.zip") as archive:
        first, second = archive.infolist()
        extract_member(archive, first, tmp_path / "out" / "a.txt", budget, "a.zip")
        with pytest.raises(IngestError, match=r"more than 8000 bytes"):
            extract_member(archive, second, tmp_path / "out" / "b.txt", budget, "a.zip")
    assert (tmp_path / "out" / "a.txt").stat().st_size == 5000
    assert not (tmp_path / "out" / "b.txt").exists()


def test_lying_size_header_is_caught_while_extracting(
    make_zip: ArchiveBuilder, tmp_path: Path
) -> None:
    """The headers claim 100 bytes (so the up-front checks pass); the data holds 1 MB."""
    path = make_zip({"a.txt": bytes(range(256)) * 4096})
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, data.index(b"PK\x03\x04") + 22, 100)
    struct.pack_into("<I", data, data.index(b"PK\x01\x02") + 24, 100)
    path.write_bytes(bytes(data))
    with open_zip(path, "a.zip") as archive:
        check_members(archive, Limits(max_uncompressed_bytes=1000), "a.zip")
        (info,) = archive.infolist()
        with pytest.raises(IngestError, match=r"damaged|larger than"):
            extract_member(archive, info, tmp_path / "a.txt", ExtractBudget(1000), "a.zip")
    assert not (tmp_path / "a.txt").exists()


def test_read_member_limit(make_zip: ArchiveBuilder) -> None:
    path = make_zip({"meta.xml": b"<" * 100})
    with open_zip(path, "a.zip") as archive:
        info = archive.getinfo("meta.xml")
        assert read_member(archive, info, 100, "a.zip") == b"<" * 100
        with pytest.raises(IngestError, match=r"larger than 99 bytes"):
            read_member(archive, info, 99, "a.zip")


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04garbage", b"plain text"])
def test_not_a_zip(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "a.zip"
    path.write_bytes(data)
    with pytest.raises(IngestError, match=r"not a valid zip"):
        open_zip(path, "a.zip")


@pytest.mark.parametrize("member", ["occurrence.txt", "data/link"])
def test_symbolic_link_member_is_refused(tmp_path: Path, member: str) -> None:
    """A member whose Unix mode marks it as a symbolic link holds a path, not data: it is
    refused as a link before anything is read (not read as a data file with odd columns)."""
    path = tmp_path / "linked.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta.xml", "<archive/>")
        link = zipfile.ZipInfo(member)
        link.create_system = 3  # Unix, whose mode bits are in the high half of external_attr
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with open_zip(path, "linked.zip") as archive, pytest.raises(
        IngestError, match=rf"^linked\.zip: {member} in the zip is a symbolic link; "
    ):
        check_members(archive, Limits(), "linked.zip")


def test_symbolic_link_in_an_uploaded_archive(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "upload.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta.xml", META_CORE)
        link = zipfile.ZipInfo("occurrence.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "../../secret.csv")
    with pytest.raises(IngestError, match=r"occurrence\.txt in the zip is a symbolic link") as err:
        stage_file(con, path, tmp_path / "work", display_name="upload.zip", limits=Limits())
    assert "column" not in str(err.value)
