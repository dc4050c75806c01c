"""The BSN elfproef, normalisation and masking."""

import pytest

from wmo_desk.domain.bsn import bsn_problem, is_valid_bsn, mask_bsn, normalize_bsn, parse_bsn
from wmo_desk.domain.errors import UserError


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999990019", "010000008"])
def test_valid_numbers_pass_the_elfproef(bsn):
    assert is_valid_bsn(bsn)
    assert bsn_problem(bsn) is None


@pytest.mark.parametrize(
    "bsn", ["123456789", "111222334", "000000000", "12345678a", "1234567890", ""]
)
def test_invalid_numbers_fail(bsn):
    assert not is_valid_bsn(bsn)


def test_messages_are_dutch_and_specific():
    assert bsn_problem("") == "Vul het BSN in."
    assert "9 cijfers" in bsn_problem("1234")
    assert "alleen uit cijfers" in bsn_problem("12345678x")
    assert "elfproef" in bsn_problem("123456789")


def test_spaces_and_dots_are_ignored_and_eight_digits_get_a_leading_zero():
    assert normalize_bsn("1234.56.782") == "123456782"
    assert normalize_bsn(" 12 34 56 782 ") == "123456782"
    assert normalize_bsn("10000008") == "010000008"
    assert parse_bsn("123 456 782") == "123456782"


def test_parse_raises_a_user_error():
    with pytest.raises(UserError) as info:
        parse_bsn("123456789")
    assert info.value.title == "Ongeldig BSN"


def test_mask_shows_only_last_three_digits():
    assert mask_bsn("123456782") == "******782"
