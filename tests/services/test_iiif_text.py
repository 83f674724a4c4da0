"""Text in IIIF documents is always plain text, whatever the published data holds."""

from __future__ import annotations

from iiif_prezi3 import Manifest

from holotype.services.iiif.manifests import en


def test_plain_text_stays_as_it_is() -> None:
    assert en("Quercus robur (HT-1)") == {"en": ["Quercus robur (HT-1)"]}
    assert en("<script>alert(1)</script> (HT-2)") == {"en": ["<script>alert(1)</script> (HT-2)"]}


def test_text_that_would_read_as_html_is_escaped_html() -> None:
    value = en("<script>alert(1)</script>")
    assert value == {"en": ["<span>&lt;script&gt;alert(1)&lt;/script&gt;</span>"]}
    parsed = Manifest(id="https://example.org/m", label=value)
    assert parsed.model_dump(mode="json", exclude_none=True)["label"] == value
