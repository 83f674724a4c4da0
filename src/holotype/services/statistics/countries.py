"""Country names as records write them, to the names of the world map's countries.

The choropleth draws world-atlas's ``countries-110m.json`` (Natural Earth's 1:110m countries,
each with a short English ``name``). Records name countries in many ways: a name the atlas
shares is used as it is (compared without case, accents or punctuation); the common other
spellings are listed in :data:`VARIANTS`, by their normal form (see :func:`normal`). A name
neither finds is still counted and listed in the figure's table, only not drawn on the map.
To add a spelling, add its normal form here with the atlas's name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NOT_WORD = re.compile(r"[^a-z0-9]+")

VARIANTS: dict[str, str] = {
    "usa": "United States of America", "us": "United States of America",
    "united states": "United States of America", "u s a": "United States of America",
    "united states of america": "United States of America",
    "uk": "United Kingdom", "great britain": "United Kingdom", "england": "United Kingdom",
    "scotland": "United Kingdom", "wales": "United Kingdom",
    "northern ireland": "United Kingdom", "britain": "United Kingdom",
    "russian federation": "Russia", "ussr": "Russia",
    "czech republic": "Czechia", "democratic republic of the congo": "Dem. Rep. Congo",
    "dr congo": "Dem. Rep. Congo", "congo democratic republic of the": "Dem. Rep. Congo",
    "congo kinshasa": "Dem. Rep. Congo", "zaire": "Dem. Rep. Congo",
    "republic of the congo": "Congo", "congo brazzaville": "Congo",
    "central african republic": "Central African Rep.", "dominican republic": "Dominican Rep.",
    "south sudan": "S. Sudan", "equatorial guinea": "Eq. Guinea", "swaziland": "eSwatini",
    "eswatini": "eSwatini", "solomon islands": "Solomon Is.",
    "falkland islands": "Falkland Is.", "falkland islands malvinas": "Falkland Is.",
    "ivory coast": "Côte d'Ivoire", "cote d ivoire": "Côte d'Ivoire",
    "bosnia and herzegovina": "Bosnia and Herz.", "bosnia": "Bosnia and Herz.",
    "north macedonia": "Macedonia", "republic of north macedonia": "Macedonia",
    "east timor": "Timor-Leste", "western sahara": "W. Sahara",
    "viet nam": "Vietnam", "lao pdr": "Laos", "lao people s democratic republic": "Laos",
    "republic of korea": "South Korea", "korea republic of": "South Korea",
    "korea south": "South Korea", "democratic people s republic of korea": "North Korea",
    "korea north": "North Korea", "iran islamic republic of": "Iran",
    "syrian arab republic": "Syria", "united republic of tanzania": "Tanzania",
    "tanzania united republic of": "Tanzania", "bolivia plurinational state of": "Bolivia",
    "venezuela bolivarian republic of": "Venezuela", "republic of moldova": "Moldova",
    "brunei darussalam": "Brunei", "burma": "Myanmar", "holland": "Netherlands",
    "the netherlands": "Netherlands", "the bahamas": "Bahamas", "the gambia": "Gambia",
    "french southern territories": "Fr. S. Antarctic Lands", "turkiye": "Turkey",
    "state of palestine": "Palestine", "cabo verde": "Cape Verde",
}


def normal(name: str) -> str:
    """``name`` lower-cased, without accents, with each run of punctuation or spaces one
    space: the form :data:`VARIANTS` is keyed by."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NOT_WORD.sub(" ", plain.lower()).strip()


def atlas_names(names: Iterable[str]) -> dict[str, str]:
    """Each normal form of the atlas's own ``names`` (and of :data:`VARIANTS`) to the atlas
    name: the lookup :func:`atlas_name` reads."""
    found = {normal(n): n for n in names}
    return {**found, **{k: v for k, v in VARIANTS.items()}}


def atlas_name(value: str | None, names: dict[str, str] | None = None) -> str | None:
    """The atlas's name for a country written ``value`` (None when it has none): by the
    atlas's own names when given (:func:`atlas_names`), else by :data:`VARIANTS` or as
    written."""
    if not value:
        return None
    key = normal(value)
    if names is not None:
        return names.get(key)
    return VARIANTS.get(key, value.strip())
