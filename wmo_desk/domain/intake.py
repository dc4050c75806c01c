"""Registering a melding: the typed form, its checks, and the client and case it makes."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from wmo_desk.domain.bsn import bsn_problem, normalize_bsn
from wmo_desk.domain.cases import Case, Channel, Reporter
from wmo_desk.domain.clients import MESSAGE_STREET_MAX, Address, Client, Sex, format_initials
from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.identifiers import utcnow
from wmo_desk.domain.postcode import normalize_postcode, postcode_problem

_NAME = re.compile(r"^[^\W\d_]+(?:[ '\u2019\-.][^\W\d_]*)*\.?$")
_PREFIX = re.compile(r"^[a-zA-Z'\u2019]+(?: [a-zA-Z'\u2019]+)*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
#: a huisletter or a huisnummertoevoeging as the BRP and iWmo hold them: at most 4 characters
_ADDITION = re.compile(r"^[A-Za-z0-9\-]{1,4}$")


@dataclass(frozen=True)
class MeldingForm:
    """What the consultant typed in the Nieuwe melding dialog, before any checks."""

    bsn: str
    initials: str
    surname: str
    birth_date: date | None
    street: str
    house_number: str
    postcode: str
    place: str
    municipality_code: str
    melding_date: date | None
    reported_by: Reporter
    channel: Channel
    request_text: str
    first_names: str = ""
    prefix: str = ""
    sex: Sex = Sex.ONBEKEND
    house_number_addition: str = ""
    phone: str = ""
    email: str = ""
    #: the BRP short street name, asked for only when ``street`` is longer than 24 characters
    street_short: str = ""


def _phone_problem(phone: str) -> str | None:
    digits = re.sub(r"[\s\-()]", "", phone)
    if digits.startswith("+"):
        ok = digits[1:].isdigit() and 10 <= len(digits) - 1 <= 15
    else:
        ok = digits.isdigit() and len(digits) == 10 and digits.startswith("0")
    return (
        None
        if ok
        else "Een telefoonnummer heeft 10 cijfers (06-12345678) of begint met + (+31 6 12345678)."
    )


def needs_street_short(street: str) -> bool:
    """Whether ``street`` (as typed) is too long for an iWmo message, so that the BRP short
    street name is needed beside it."""
    return len(" ".join(street.split())) > MESSAGE_STREET_MAX


def street_short_problem(street: str, street_short: str) -> str | None:
    """What is wrong with the short street name given for ``street``, in Dutch; None: fine."""
    if not needs_street_short(street):
        return None
    short = " ".join(street_short.split())
    if not short:
        return (
            f"Deze straatnaam is langer dan {MESSAGE_STREET_MAX} tekens; het bericht aan de "
            "aanbieder heeft de korte straatnaam uit de BRP nodig (bijvoorbeeld "
            "'Burg van Mierlostr'). Vul die hier in."
        )
    if len(short) > MESSAGE_STREET_MAX:
        return f"De korte straatnaam heeft hoogstens {MESSAGE_STREET_MAX} tekens (nu {len(short)})."
    return None


def check_melding(form: MeldingForm, today: date, municipalities: set[str]) -> None:
    """Raise :class:`FieldErrors` naming every field that is wrong, each with a Dutch message."""
    errors: dict[str, str] = {}
    if problem := bsn_problem(form.bsn):
        errors["bsn"] = problem
    if not form.initials.strip() and not form.first_names.strip():
        errors["initials"] = "Vul de voorletters in."
    elif form.initials.strip() and not format_initials(form.initials):
        errors["initials"] = "Voorletters bestaan uit letters, bijvoorbeeld J.P."
    if form.first_names.strip() and not all(_NAME.match(w) for w in form.first_names.split()):
        errors["first_names"] = "Voornamen bestaan uit letters."
    if form.prefix.strip() and not _PREFIX.match(form.prefix.strip()):
        errors["prefix"] = "Een tussenvoegsel bestaat uit letters, bijvoorbeeld 'van der'."
    if not form.surname.strip():
        errors["surname"] = "Vul de achternaam in."
    elif not _NAME.match(form.surname.strip()):
        errors["surname"] = (
            "Een achternaam bestaat uit letters (met eventueel een streepje of apostrof)."
        )
    if form.birth_date is None:
        errors["birth_date"] = "Vul de geboortedatum in."
    elif form.birth_date > today:
        errors["birth_date"] = "De geboortedatum ligt in de toekomst."
    elif form.birth_date.year < 1900:
        errors["birth_date"] = "Controleer het geboortejaar: dat ligt vóór 1900."
    if not form.street.strip():
        errors["street"] = "Vul de straat in."
    elif problem := street_short_problem(form.street, form.street_short):
        errors["street_short"] = problem
    number = form.house_number.strip()
    if not number:
        errors["house_number"] = "Vul het huisnummer in."
    elif not number.isdigit() or not 1 <= int(number) <= 99999:
        errors["house_number"] = (
            "Het huisnummer is een getal; een toevoeging (A, bis, 2) gaat in het veld ernaast."
        )
    if form.house_number_addition.strip() and not _ADDITION.match(
        form.house_number_addition.strip()
    ):
        errors["house_number_addition"] = (
            "Een toevoeging heeft hoogstens 4 letters of cijfers, zoals A, bis of 2 (zoals in de BRP)."
        )
    if problem := postcode_problem(form.postcode):
        errors["postcode"] = problem
    if not form.place.strip():
        errors["place"] = "Vul de woonplaats in."
    if form.municipality_code not in municipalities:
        errors["municipality_code"] = "Kies een gemeente uit de regio."
    if form.phone.strip() and (problem := _phone_problem(form.phone)):
        errors["phone"] = problem
    if form.email.strip() and not _EMAIL.match(form.email.strip()):
        errors["email"] = "Dit is geen geldig e-mailadres (voorbeeld: naam@voorbeeld.nl)."
    if form.melding_date is None:
        errors["melding_date"] = "Vul de datum van de melding in."
    elif form.melding_date > today:
        errors["melding_date"] = "De datum van de melding ligt in de toekomst."
    elif form.birth_date and "birth_date" not in errors and form.melding_date < form.birth_date:
        errors["melding_date"] = "De melding ligt vóór de geboortedatum."
    if not form.request_text.strip():
        errors["request_text"] = "Schrijf de hulpvraag op, in de woorden van de cliënt."
    if errors:
        raise FieldErrors(errors)


def client_from_form(form: MeldingForm, existing: Client | None) -> Client:
    """The client this melding is about; an existing client keeps its id and history."""
    assert form.birth_date is not None
    initials = format_initials(form.initials) or format_initials(
        "".join(w[0] for w in form.first_names.split())
    )
    values = {
        "bsn": normalize_bsn(form.bsn),
        "initials": initials,
        "first_names": " ".join(form.first_names.split()),
        "prefix": " ".join(form.prefix.split()).lower(),
        "surname": " ".join(form.surname.split()),
        "birth_date": form.birth_date,
        "sex": form.sex,
        "address": Address(
            street=" ".join(form.street.split()),
            street_short=(
                " ".join(form.street_short.split()) if needs_street_short(form.street) else ""
            ),
            house_number=int(form.house_number.strip()),
            house_number_addition=form.house_number_addition.strip(),
            postcode=normalize_postcode(form.postcode),
            place=" ".join(form.place.split()),
        ),
        "municipality_code": form.municipality_code,
        "phone": form.phone.strip(),
        "email": form.email.strip(),
    }
    if existing is None:
        return Client(**values)  # type: ignore[arg-type]
    return replace(existing, modified_at=utcnow(), **values)  # type: ignore[arg-type]


def case_from_form(form: MeldingForm, client: Client, consultant_id: str) -> Case:
    """The new case (stage melding) for ``client``."""
    assert form.melding_date is not None
    return Case(
        client_id=client.id,
        municipality_code=form.municipality_code,
        consultant_id=consultant_id,
        melding_date=form.melding_date,
        reported_by=form.reported_by,
        channel=form.channel,
        request_text=form.request_text.strip(),
    )
