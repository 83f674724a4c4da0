"""ORCID iDs: format and ISO 7064 MOD 11-2 check digit, normalised to the bare id."""

from __future__ import annotations

import re

ORCID_URL = "https://orcid.org/"
_PREFIXES = ("https://orcid.org/", "http://orcid.org/")
_FORMAT = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


class InvalidOrcid(ValueError):
    """The value is not a well-formed ORCID iD with a correct check digit."""


def check_digit(base_digits: str) -> str:
    """The MOD 11-2 check character ("0"-"9" or "X") for the first 15 digits."""
    total = 0
    for char in base_digits:
        total = (total + int(char)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    """The bare iD (``0000-0002-1825-0097``) for an iD or its ``https://orcid.org/`` URL."""
    text = value.strip()
    for prefix in _PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            break
    text = text.upper()
    if not _FORMAT.fullmatch(text):
        raise InvalidOrcid(f"{value!r} is not an ORCID iD (expected 0000-0000-0000-000X)")
    digits = text.replace("-", "")
    if check_digit(digits[:15]) != digits[15]:
        raise InvalidOrcid(f"{value!r} is not a valid ORCID iD: its check digit is wrong")
    return text


def is_valid_orcid(value: str) -> bool:
    """Whether :func:`normalise_orcid` accepts the value."""
    try:
        normalise_orcid(value)
    except InvalidOrcid:
        return False
    return True


def orcid_url(orcid: str) -> str:
    """The canonical ``https://orcid.org/...`` URL of an iD."""
    return ORCID_URL + normalise_orcid(orcid)
