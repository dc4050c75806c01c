"""Checks of the Nieuwe melding form."""

from dataclasses import replace
from datetime import date

import pytest

from wmo_desk.domain.cases import Channel, Reporter
from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.intake import MeldingForm, check_melding, client_from_form

TODAY = date(2026, 11, 23)
OSS = {"0828", "1721"}


def form(**changes) -> MeldingForm:
    values = dict(
        bsn="999990019",
        initials="jp",
        surname="Vries",
        prefix="de",
        birth_date=date(1948, 5, 17),
        street="Kruisstraat",
        house_number="12",
        postcode="5341 ab",
        place="Oss",
        municipality_code="0828",
        melding_date=date(2026, 11, 20),
        reported_by=Reporter.CLIENT,
        channel=Channel.TELEFOON,
        request_text="Ik kan niet meer zelf koken.",
    )
    values.update(changes)
    return MeldingForm(**values)


def errors_of(f: MeldingForm) -> dict[str, str]:
    with pytest.raises(FieldErrors) as info:
        check_melding(f, TODAY, OSS)
    return info.value.errors


def test_a_complete_form_passes_and_is_tidied():
    check_melding(form(), TODAY, OSS)
    client = client_from_form(form(), None)
    assert client.initials == "J.P."
    assert client.address.postcode == "5341AB"
    assert client.display_name == "J.P. de Vries"
    assert client.sort_name == "Vries, J.P. de"


def test_every_wrong_field_gets_its_own_message():
    errors = errors_of(
        form(
            bsn="123456789",
            surname="",
            birth_date=date(2027, 1, 1),
            house_number="12a",
            postcode="0341 AB",
            municipality_code="0363",
            phone="12345",
            email="geen-mail",
            request_text=" ",
        )
    )
    assert set(errors) == {
        "bsn",
        "surname",
        "birth_date",
        "house_number",
        "postcode",
        "municipality_code",
        "phone",
        "email",
        "request_text",
    }
    assert "elfproef" in errors["bsn"]
    assert errors["surname"] == "Vul de achternaam in."
    assert "toekomst" in errors["birth_date"]
    assert "toevoeging" in errors["house_number"]
    assert "begint niet met 0" in errors["postcode"]


def test_melding_date_in_future_or_missing():
    assert "toekomst" in errors_of(form(melding_date=date(2026, 11, 24)))["melding_date"]
    assert errors_of(form(melding_date=None))["melding_date"] == "Vul de datum van de melding in."


@pytest.mark.parametrize("phone", ["06-12345678", "0412 123456", "+31 6 12345678"])
def test_phone_formats(phone):
    check_melding(form(phone=phone), TODAY, OSS)


def test_initials_from_first_names_when_left_empty():
    client = client_from_form(form(initials="", first_names="Johanna Petronella"), None)
    assert client.initials == "J.P."


def test_existing_client_keeps_id_and_creation_time():
    first = client_from_form(form(), None)
    again = client_from_form(form(street="Molenstraat"), first)
    assert again.id == first.id and again.created_at == first.created_at
    assert again.address.street == "Molenstraat"


LONG = "Burgemeester van Mierlostraat"  # 29 characters: more than an iWmo message holds


def test_a_street_over_24_characters_needs_the_brp_short_name():
    errors = errors_of(form(street=LONG))
    assert set(errors) == {"street_short"}
    assert "langer dan 24 tekens" in errors["street_short"]
    assert "korte straatnaam uit de BRP" in errors["street_short"]
    too_long = errors_of(form(street=LONG, street_short="Burgemeester v Mierlostr."))
    assert too_long == {"street_short": "De korte straatnaam heeft hoogstens 24 tekens (nu 25)."}
    good = form(street=LONG, street_short="  Burg van  Mierlostr ")
    check_melding(good, TODAY, OSS)
    address = client_from_form(good, None).address
    # letters print the full name; the message to the provider carries the short one
    assert (address.street, address.street_short) == (LONG, "Burg van Mierlostr")
    assert address.street_line() == f"{LONG} 12"
    assert address.message_street == "Burg van Mierlostr"


def test_a_short_street_keeps_no_short_name_and_travels_whole():
    f = form(street="Kruisstraat", street_short="iets")
    check_melding(f, TODAY, OSS)
    address = client_from_form(f, None).address
    assert address.street_short == ""
    assert address.message_street == "Kruisstraat"
    # an address saved before the short name was asked for: cut, as before
    older = client_from_form(form(street=LONG, street_short="Burg van Mierlostr"), None).address
    assert replace(older, street_short="").message_street == LONG[:24]


def test_a_toevoeging_is_at_most_four_characters_as_in_the_brp():
    check_melding(form(house_number_addition="bis"), TODAY, OSS)
    errors = errors_of(form(house_number_addition="2-hoog"))
    assert errors == {
        "house_number_addition": (
            "Een toevoeging heeft hoogstens 4 letters of cijfers, zoals A, bis of 2 (zoals in de BRP)."
        )
    }
