import pytest
from hypothesis import given
from hypothesis import strategies as st

from holotype.catalog.orcid import (
    InvalidOrcid,
    check_digit,
    is_valid_orcid,
    normalise_orcid,
    orcid_url,
)


@pytest.mark.parametrize(
    "orcid",
    [
        "0000-0002-1825-0097",  # Josiah Carberry, ORCID's documented example
        "0000-0001-5109-3700",
        "0000-0002-1694-233X",  # check digit X
    ],
)
def test_valid_ids(orcid: str) -> None:
    assert normalise_orcid(orcid) == orcid
    assert is_valid_orcid(orcid)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("http://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("HTTPS://ORCID.ORG/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("  0000-0002-1825-0097 ", "0000-0002-1825-0097"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
    ],
)
def test_normalises_urls_case_and_spaces(given: str, expected: str) -> None:
    assert normalise_orcid(given) == expected


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("0000-0002-1825-0098", "check digit"),
        ("0000-0002-1825-009X", "check digit"),
        ("0000-0002-1694-2330", "check digit"),
        ("0000000218250097", "expected"),
        ("0000-0002-1825-009", "expected"),
        ("0000-0002-1825-00977", "expected"),
        ("000X-0002-1825-0097", "expected"),
        ("https://example.org/0000-0002-1825-0097", "expected"),
        ("0000-0002-1825-0097\nx", "expected"),
        ("", "expected"),
    ],
)
def test_invalid_ids(bad: str, reason: str) -> None:
    with pytest.raises(InvalidOrcid, match=reason):
        normalise_orcid(bad)
    assert not is_valid_orcid(bad)


def test_url() -> None:
    assert orcid_url("0000-0002-1825-0097") == "https://orcid.org/0000-0002-1825-0097"


def _format(digits: str) -> str:
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


base_digits = st.text(alphabet="0123456789", min_size=15, max_size=15)


@given(base_digits)
def test_any_id_with_its_computed_check_digit_is_valid(base: str) -> None:
    orcid = _format(base + check_digit(base))
    assert normalise_orcid(orcid) == orcid


@given(base_digits, st.integers(0, 14), st.integers(1, 9))
def test_any_single_digit_error_is_detected(base: str, where: int, shift: int) -> None:
    good = base + check_digit(base)
    wrong = str((int(good[where]) + shift) % 10)
    assert not is_valid_orcid(_format(good[:where] + wrong + good[where + 1 :]))


@given(base_digits, st.integers(0, 13))
def test_any_adjacent_transposition_is_detected(base: str, where: int) -> None:
    good = base + check_digit(base)
    if good[where] == good[where + 1]:
        return
    swapped = good[:where] + good[where + 1] + good[where] + good[where + 2 :]
    assert not is_valid_orcid(_format(swapped))
