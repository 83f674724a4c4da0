"""What makes a setting's value valid: the checks behind :class:`holotype.config.Settings`'
validators, and the settings a choice depends on (the DOI provider's credentials).

Each check takes the value and returns it (normalised) or raises :class:`ValueError` with a
message that says what was expected; pydantic adds the setting's name and where it came from.
"""

from __future__ import annotations

import ipaddress
import re

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# DuckDB's memory_limit: a number and a unit (DuckDB refuses a bare number).
_MEMORY_LIMIT = re.compile(r"\d+(\.\d+)? ?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
_ORIGIN = re.compile(r"https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?")  # no path

#: The settings ``doi_provider = "datacite"`` needs, with where each may come from.
DATACITE_NEEDS: tuple[tuple[str, str], ...] = (
    ("datacite_prefix", "HOLOTYPE_DATACITE_PREFIX"),
    ("datacite_username", "HOLOTYPE_DATACITE_USERNAME"),
    ("datacite_password", "HOLOTYPE_DATACITE_PASSWORD"),
    ("public_base_url", "HOLOTYPE_PUBLIC_BASE_URL or public_base_url in the config file"),
)


def memory_limit(value: str) -> str:
    if not _MEMORY_LIMIT.fullmatch(value):
        raise ValueError(
            "must be a number and a unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB) "
            "such as 512MB or 2GB"
        )
    return value


def networks(value: list[str]) -> list[str]:
    """IP addresses or networks, as networks (``1.2.3.4`` becomes ``1.2.3.4/32``)."""
    for entry in value:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return [str(ipaddress.ip_network(entry, strict=False)) for entry in value]


def origins(value: list[str]) -> list[str]:
    for entry in value:
        if entry != "*" and not _ORIGIN.fullmatch(entry):
            raise ValueError(f"{entry!r} is not * or an origin such as https://example.org")
    return value


def database_url(value: str | None) -> str | None:
    if value:
        try:
            make_url(value)
        except ArgumentError:
            raise ValueError(
                "must be a SQLAlchemy URL such as postgresql+psycopg://user@host/holotype "
                "or sqlite:////srv/holotype/catalogue.db"
            ) from None
    return value


def missing_for_doi_provider(provider: str, values: dict[str, object]) -> list[str]:
    """The settings the DOI ``provider`` needs that ``values`` leaves empty, each named with
    the environment variable that sets it; empty when nothing is missing."""
    if provider != "datacite":
        return []
    return [f"{name} ({source})" for name, source in DATACITE_NEEDS if not values.get(name)]
