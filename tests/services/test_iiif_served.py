"""Which media the image server serves, and thumbnail sizes."""

from __future__ import annotations

import pytest

from holotype.media.refs import MediaRef, media_id, stored_source
from holotype.services.iiif.served import fitted, host_allowed, served

ALLOWED = ["images.example.org", "*.museum.example"]


@pytest.mark.parametrize(("host", "allowed"), [
    ("images.example.org", True),
    ("IMAGES.example.org.", True),
    ("other.example.org", False),
    ("cdn.museum.example", True),
    ("a.b.museum.example", True),
    ("museum.example", False),  # *.museum.example is its subdomains only
    ("evilmuseum.example", False),
])
def test_hosts(host: str, allowed: bool) -> None:
    assert host_allowed(host, ALLOWED) is allowed


def _ref(source: str, fmt: str | None = None) -> MediaRef:
    return MediaRef(media_id(source), source, format=fmt)


def test_served_media() -> None:
    assert served(_ref(stored_source("a" * 64, "jpg")), [])
    assert served(_ref("https://images.example.org/x.jpg"), ALLOWED)
    assert not served(_ref("https://images.example.org/x.jpg"), [])
    assert not served(_ref("https://images.example.org/x.pdf", "application/pdf"), ALLOWED)
    assert not served(_ref(stored_source("b" * 64, "mp3"), "audio/mpeg"), [])


def test_fitted_sizes() -> None:
    assert fitted((4000, 3000), 300) == (300, 225)
    assert fitted((100, 50), 300) == (300, 150)  # enlarged to the box, as ^!300,300 is
    assert fitted(None, 300) == (300, 300)
