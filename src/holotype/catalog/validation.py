"""Checks and normalisation for catalogue fields; each failure names the field at fault.

Values may come straight from JSON, so every check also refuses the wrong type. Text never
contains NUL (PostgreSQL cannot store it) and single-line text no control characters at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum

from holotype.catalog import models
from holotype.catalog.licences import UnknownLicence, get_licence
from holotype.catalog.orcid import InvalidOrcid, normalise_orcid

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,99}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DOI = re.compile(r"^10\.\d{4,9}/[^\s\x00-\x1f\x7f]+$")  # no spaces, no control characters
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CREATOR_KEYS = frozenset({"name", "orcid", "affiliation"})


class FieldError(ValueError):
    """A value is not acceptable; ``field`` names it (``creators[0].orcid``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _string(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise FieldError(field, "must be text")
    if "\x00" in value:
        raise FieldError(field, "must not contain NUL characters")
    return value


def line(value: object, field: str, *, max_length: int = models.NAME_MAX) -> str:
    """Required single-line text, stripped of surrounding spaces."""
    if value is None:
        raise FieldError(field, "is required")
    text = _string(value, field).strip()
    if not text:
        raise FieldError(field, "is required")
    if _CONTROL.search(text):
        raise FieldError(field, "must be a single line without control characters")
    if len(text) > max_length:
        raise FieldError(field, f"must be at most {max_length} characters")
    return text


def optional_line(value: object, field: str, *, max_length: int = models.NAME_MAX) -> str | None:
    """Like :func:`line`, but None or blank gives None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return line(value, field, max_length=max_length)


def prose(value: object, field: str, *, max_length: int = 100_000) -> str:
    """Multi-line text such as a description; may be empty."""
    text = _string(value, field).strip()
    if len(text) > max_length:
        raise FieldError(field, f"must be at most {max_length} characters")
    return text


def slug(value: object, field: str = "slug") -> str:
    """A URL name: 2-100 of a-z, 0-9 and '-', not starting with '-'."""
    text = _string(value, field)
    if not SLUG.fullmatch(text):
        raise FieldError(
            field,
            f"{text[:120]!r} is not a valid name: use 2-100 lowercase letters, digits and '-', "
            "starting with a letter or digit",
        )
    return text


def username(value: object, field: str = "username") -> str:
    """2-64 of a-z, 0-9, '_' and '-', starting with a letter or digit."""
    text = _string(value, field)
    if not USERNAME.fullmatch(text):
        raise FieldError(
            field,
            f"{text[:120]!r} is not a valid username: use 2-64 lowercase letters, digits, "
            "'_' and '-', starting with a letter or digit",
        )
    return text


def email(value: object, field: str = "email") -> str:
    text = _string(value, field).strip()
    if len(text) > models.EMAIL_MAX or not EMAIL.fullmatch(text):
        raise FieldError(field, f"{text[:120]!r} is not an email address")
    return text


def choice(value: object, field: str, choices: type[StrEnum]) -> str:
    """One of the enum's values."""
    allowed = [member.value for member in choices]
    if value not in allowed:
        raise FieldError(field, f"{value!r} is not allowed; choose one of: {', '.join(allowed)}")
    return str(value)


def licence(value: object, field: str = "licence") -> str:
    """An SPDX id from :data:`holotype.catalog.licences.LICENCES`."""
    try:
        return get_licence(_string(value, field)).id
    except UnknownLicence as exc:
        raise FieldError(field, str(exc)) from None


def doi(value: object, field: str = "doi") -> str | None:
    """A bare DOI (``10.5519/abc``); doi.org URLs and ``doi:`` are stripped. Blank gives None."""
    if value is None:
        return None
    text = _string(value, field).strip()
    if not text:
        return None
    for prefix in DOI_PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            break
    if len(text) > models.DOI_MAX or not DOI.fullmatch(text):
        raise FieldError(field, f"{text[:120]!r} is not a DOI (expected 10.NNNN/suffix)")
    return text


def orcid(value: object, field: str = "orcid") -> str | None:
    """A bare ORCID iD with a correct check digit; None or blank gives None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return normalise_orcid(_string(value, field))
    except InvalidOrcid as exc:
        raise FieldError(field, str(exc)) from None


def keywords(value: object, field: str = "keywords") -> list[str]:
    """Distinct keywords in the order given (repeats are dropped)."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise FieldError(field, "must be a list of keywords")
    result: list[str] = []
    for index, item in enumerate(value):
        keyword = line(item, f"{field}[{index}]", max_length=models.KEYWORD_MAX)
        if keyword not in result:
            result.append(keyword)
    return result


def creators(value: object, field: str = "creators") -> list[tuple[str, str | None, str | None]]:
    """(name, orcid, affiliation) for each creator mapping, in citation order."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise FieldError(field, "must be a list of creators")
    result = []
    for index, item in enumerate(value):
        where = f"{field}[{index}]"
        if not isinstance(item, Mapping):
            raise FieldError(where, "must be an object with a name")
        unknown = sorted(str(key) for key in item if key not in _CREATOR_KEYS)
        if unknown:
            raise FieldError(
                where, f"unknown field(s) {', '.join(unknown)}; allowed: affiliation, name, orcid"
            )
        result.append(
            (
                line(item.get("name"), f"{where}.name"),
                orcid(item.get("orcid"), f"{where}.orcid"),
                optional_line(item.get("affiliation"), f"{where}.affiliation"),
            )
        )
    return result
