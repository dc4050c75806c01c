"""The consultant's work contact details: Dutch phone numbers and e-mail addresses."""

import pytest

from wmo_desk.domain.contact import (
    WorkContact,
    check_work_contact,
    email_problem,
    phone_problem,
)
from wmo_desk.domain.errors import FieldErrors


@pytest.mark.parametrize(
    "text",
    [
        "0412 123 456",
        "0412-123456",
        "06-12345678",
        "0612345678",
        "+31 412 123 456",
        "+31612345678",
        "",
    ],
)
def test_dutch_phone_numbers_pass(text):
    assert phone_problem(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "0412 12345",  # nine digits
        "0412 1234567",  # eleven digits
        "4120 123 456",  # no leading 0
        "+31 0412 123 456",  # +31 with the 0 kept
        "+32 412 123 456",  # not Dutch
        "0412 ABC 456",
        "(0412) 123456",
        "14 0412",
    ],
)
def test_other_phone_numbers_are_explained(text):
    assert "10 cijfers" in phone_problem(text)


@pytest.mark.parametrize("text", ["j.devries@oss.nl", " s.bakker@gemeente.example ", ""])
def test_email_addresses_pass(text):
    assert email_problem(text) is None


@pytest.mark.parametrize("text", ["j.devries", "j.devries@oss", "j de vries@oss.nl", "@oss.nl"])
def test_other_email_addresses_are_explained(text):
    assert "geen geldig e-mailadres" in email_problem(text)


def test_check_trims_what_is_kept():
    assert check_work_contact("  0412  123 456 ", " j.devries@oss.nl ") == WorkContact(
        "0412 123 456", "j.devries@oss.nl"
    )
    assert check_work_contact("", "") == WorkContact()


def test_check_names_each_wrong_field():
    with pytest.raises(FieldErrors) as caught:
        check_work_contact("12345", "geen-adres")
    assert set(caught.value.errors) == {"phone", "email"}
    with pytest.raises(FieldErrors) as caught:
        check_work_contact("0412 123 456", "geen-adres")
    assert set(caught.value.errors) == {"email"}
