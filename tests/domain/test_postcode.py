"""Dutch postcode rules."""

import pytest

from wmo_desk.domain.errors import UserError
from wmo_desk.domain.postcode import format_postcode, normalize_postcode, pc4, postcode_problem


@pytest.mark.parametrize(
    "text,compact", [("5341 AB", "5341AB"), ("5341ab", "5341AB"), (" 1011 ZZ ", "1011ZZ")]
)
def test_valid_postcodes_normalise(text, compact):
    assert normalize_postcode(text) == compact
    assert format_postcode(compact) == text.strip().upper()[:4] + " " + compact[4:]
    assert pc4(compact) == compact[:4]


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("0341 AB", "begint niet met 0"),
        ("5341 SA", "SA"),
        ("5341 SD", "SD"),
        ("5341 SS", "SS"),
        ("534 AB", "vier cijfers en twee letters"),
        ("5341 A1", "vier cijfers en twee letters"),
        ("", "Vul de postcode in"),
    ],
)
def test_invalid_postcodes_are_explained(text, fragment):
    assert fragment in postcode_problem(text)
    with pytest.raises(UserError):
        normalize_postcode(text)
