"""The fixed list of licences a dataset may carry, keyed by SPDX identifier."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence: its SPDX id, human title and canonical URL."""

    id: str
    title: str
    url: str


class UnknownLicence(ValueError):
    """The licence id is not in :data:`LICENCES`; the message lists the allowed ids."""


LICENCES: tuple[Licence, ...] = (
    Licence(
        "CC0-1.0",
        "Creative Commons CC0 1.0 Universal",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    Licence(
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    Licence(
        "CC-BY-SA-4.0",
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    Licence(
        "CC-BY-NC-4.0",
        "Creative Commons Attribution-NonCommercial 4.0 International",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    Licence(
        "CC-BY-NC-SA-4.0",
        "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    ),
    Licence(
        "CC-BY-ND-4.0",
        "Creative Commons Attribution-NoDerivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nd/4.0/",
    ),
    Licence(
        "CC-BY-NC-ND-4.0",
        "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    ),
    Licence(
        "ODbL-1.0",
        "Open Data Commons Open Database License v1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
    Licence(
        "ODC-By-1.0",
        "Open Data Commons Attribution License v1.0",
        "https://opendatacommons.org/licenses/by/1-0/",
    ),
    Licence(
        "PDDL-1.0",
        "Open Data Commons Public Domain Dedication and License v1.0",
        "https://opendatacommons.org/licenses/pddl/1-0/",
    ),
    Licence(
        "OGL-UK-3.0",
        "Open Government Licence v3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
)

_BY_ID = {licence.id: licence for licence in LICENCES}


def licence_ids() -> tuple[str, ...]:
    """The allowed SPDX ids, in display order."""
    return tuple(_BY_ID)


def get_licence(licence_id: str) -> Licence:
    """The licence with this exact SPDX id; :class:`UnknownLicence` if there is none."""
    try:
        return _BY_ID[licence_id]
    except (KeyError, TypeError):
        raise UnknownLicence(
            f"unknown licence {licence_id!r}; choose one of: {', '.join(_BY_ID)}"
        ) from None


def licence_or_bare(licence_id: str) -> Licence:
    """The licence with this id; one stored before the list changed is shown by its id alone
    rather than failing."""
    try:
        return get_licence(licence_id)
    except UnknownLicence:
        return Licence(licence_id, licence_id, "")
