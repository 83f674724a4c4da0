"""Stored media: held once by the SHA-256 of their bytes, never half-written."""

from __future__ import annotations

import hashlib
from pathlib import Path

from holotype.media.refs import stored_name
from holotype.media.stored import store_file, stored_dir, stored_path


def test_the_same_bytes_are_stored_once(tmp_path: Path) -> None:
    data = tmp_path / "site"
    a = tmp_path / "A.JPG"
    a.write_bytes(b"same bytes")
    b = tmp_path / "copy.jpg"
    b.write_bytes(b"same bytes")
    source = store_file(data, a)
    assert source == f"stored:{hashlib.sha256(b'same bytes').hexdigest()}.jpg"
    assert store_file(data, b) == source
    assert [p.name for p in stored_dir(data).iterdir()] == [stored_name(source)]
    assert stored_path(data, source) == stored_dir(data) / str(stored_name(source))


def test_odd_extensions_become_bin(tmp_path: Path) -> None:
    odd = tmp_path / "scan.tiff;rm -rf"
    odd.write_bytes(b"x")
    assert store_file(tmp_path / "site", odd).endswith(".bin")
    assert stored_path(tmp_path, "https://example.org/a.jpg") is None
    assert stored_path(tmp_path, "stored:../../etc/passwd") is None
