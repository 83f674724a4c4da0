"""Encoding detection: UTF-8 (BOM or not), UTF-16, the Windows-1252 fallback, undecodable bytes."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from holotype.ingest.encoding import detect_encoding, read_text_head, transcode_to_utf8
from holotype.ingest.errors import IngestError

TEXT = "name,locality\nÅngström,Kraków\n"


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    return path


def test_utf8_without_bom(tmp_path: Path) -> None:
    assert detect_encoding(write(tmp_path, TEXT.encode()), "data.csv") == "utf-8"


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, codecs.BOM_UTF8 + TEXT.encode())
    assert detect_encoding(path, "data.csv") == "utf-8-sig"
    assert read_text_head(path, "utf-8-sig") == TEXT


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_bom(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path, TEXT.encode(codec))
    encoding = detect_encoding(path, "data.csv")
    assert encoding.startswith("utf-16")
    target = transcode_to_utf8(path, encoding, tmp_path / "out.csv")
    assert target.read_text("utf-8") == TEXT


def test_windows_1252_fallback(tmp_path: Path) -> None:
    path = write(tmp_path, "name\nCaf\u00e9 \u2013 \u20ac5\n".encode("cp1252"))
    encoding = detect_encoding(path, "data.csv")
    assert encoding == "cp1252"
    assert transcode_to_utf8(path, encoding, tmp_path / "o.csv").read_text() == (
        "name\nCaf\u00e9 \u2013 \u20ac5\n"
    )


def test_undecodable_byte_names_the_row(tmp_path: Path) -> None:
    # 0x81 is undefined in Windows-1252 and invalid in UTF-8
    path = write(tmp_path, b"name\nok\nbad \x81 byte\n")
    with pytest.raises(IngestError) as caught:
        detect_encoding(path, "data.csv")
    assert caught.value.row == 3
    assert caught.value.file == "data.csv"
    assert "0x81" in caught.value.message
