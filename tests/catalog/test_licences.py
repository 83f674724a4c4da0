import pytest

from holotype.catalog.licences import LICENCES, UnknownLicence, get_licence, licence_ids

EXPECTED = [
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
    "ODbL-1.0",
    "ODC-By-1.0",
    "PDDL-1.0",
    "OGL-UK-3.0",
]


def test_the_list_is_exactly_the_agreed_spdx_ids() -> None:
    assert list(licence_ids()) == EXPECTED


def test_every_licence_has_a_title_and_an_https_url() -> None:
    for licence in LICENCES:
        assert licence.title
        assert licence.url.startswith("https://")
    assert len({licence.url for licence in LICENCES}) == len(LICENCES)


def test_lookup_by_id() -> None:
    licence = get_licence("CC-BY-4.0")
    assert licence.title == "Creative Commons Attribution 4.0 International"
    assert licence.url == "https://creativecommons.org/licenses/by/4.0/"


@pytest.mark.parametrize("bad", ["cc-by-4.0", "MIT", "", "CC-BY-4.0 "])
def test_unknown_id_lists_the_allowed_ids(bad: str) -> None:
    with pytest.raises(UnknownLicence) as info:
        get_licence(bad)
    message = str(info.value)
    assert repr(bad) in message
    for licence_id in EXPECTED:
        assert licence_id in message


def test_unknown_licence_is_a_value_error() -> None:
    assert issubclass(UnknownLicence, ValueError)
