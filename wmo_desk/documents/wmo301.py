"""The iWmo 3.2 toewijzing message WMO301 as XML bytes (an export, not a transport).

The element order, namespaces and code lists follow the official schema ``WMO301.xsd`` with its
``basisschema.xsd`` (iWmo 3.2, BerichtCode 414, versie 3, subversie 2). The caller passes the
message id and the moments in, so the same input always gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, time

from wmo_desk.domain.codes import CHANGE_REASONS, FREQUENCIES, PRODUCT_CATEGORIES, UNITS

NS_MESSAGE = "http://www.istandaarden.nl/iwmo/3_2/wmo301/schema"
NS_BASE = "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema"
BERICHT_CODE = "414"
BERICHT_VERSIE = "3"
BERICHT_SUBVERSIE = "2"
XSD_VERSION = "1.0.0"

#: Geslacht (iWmo COD046): what the toewijzing PDF prints next to the code.
SEXES: dict[str, str] = {"0": "onbekend", "1": "man", "2": "vrouw"}
#: NaamGebruik (iWmo COD700): 1 = eigen naam, 2 = naam partner, 3 = partner + eigen,
#: 4 = eigen + partner, 5/6 = variants with the partner's name first or only.
NAME_USES = ("1", "2", "3", "4", "5", "6")
#: Contact Soort 01: the address in the BRP (Basisregistratie Personen).
ADDRESS_KIND_BRP = "01"

# ElementTree keeps prefixes in a process-wide table; these two are the standard's own.
ET.register_namespace("wmo301", NS_MESSAGE)
ET.register_namespace("iwmo", NS_BASE)

_DIGITS = {4: re.compile(r"\d{4}"), 8: re.compile(r"\d{8}"), 9: re.compile(r"\d{9}")}


@dataclass(frozen=True)
class PersonName:
    """A name as the BRP and iWmo hold it: ``PersonName("Vries", "de", "Johanna Petronella", "JP")``.

    ``initials`` are letters only (iWmo has no dots); :meth:`display` adds them back.
    """

    surname: str
    prefix: str = ""
    first_names: str = ""
    initials: str = ""
    name_use: str = "1"

    def __post_init__(self) -> None:
        if not self.surname.strip():
            raise ValueError("de achternaam ontbreekt")
        if self.initials and not re.fullmatch(r"[^\W\d_]{1,6}", self.initials):
            raise ValueError(
                f"voorletters zijn 1 tot 6 letters zonder punten, niet {self.initials!r}"
            )
        if self.name_use not in NAME_USES:
            raise ValueError(f"onbekend naamgebruik {self.name_use!r}")

    def display(self) -> str:
        """``J.P. de Vries``: the name as a letter or form prints it."""
        initials = "".join(f"{c}." for c in self.initials)
        return " ".join(p for p in (initials, self.prefix, self.surname) if p)


@dataclass(frozen=True)
class PostalAddress:
    """A Dutch address; ``street`` is the BRP street name of at most 24 characters (NEN 5825)."""

    street: str
    house_number: int
    postcode: str
    place: str
    house_letter: str = ""
    house_number_addition: str = ""
    country_code: str = "NL"

    def __post_init__(self) -> None:
        if not 0 <= self.house_number <= 99999:
            raise ValueError(f"het huisnummer {self.house_number} ligt niet tussen 0 en 99999")
        if len(self.street) > 24:
            raise ValueError(
                f"de straatnaam {self.street!r} is langer dan 24 tekens; vul bij de cliënt de "
                "korte straatnaam uit de BRP in"
            )
        if len(self.house_letter) > 1 or len(self.house_number_addition) > 4:
            raise ValueError("een huisletter is 1 teken, een huisnummertoevoeging hoogstens 4")

    @property
    def postcode_compact(self) -> str:
        """``5342XY``: the form iWmo uses."""
        return self.postcode.replace(" ", "").upper()

    def lines(self) -> tuple[str, str]:
        """``("Kastanjelaan 12 a", "5342 XY  OSS")``: the two lines of a Dutch address."""
        number = f"{self.house_number}{self.house_letter}"
        if self.house_number_addition:
            number += f"-{self.house_number_addition}"
        pc = self.postcode_compact
        pc = f"{pc[:4]} {pc[4:]}" if len(pc) == 6 else pc
        return f"{self.street} {number}", f"{pc}  {self.place.upper()}"


@dataclass(frozen=True)
class ClientIdentity:
    """What iWmo needs to identify a client, and nothing more."""

    bsn: str
    birth_date: date
    sex: str
    name: PersonName
    address: PostalAddress

    def __post_init__(self) -> None:
        if not _DIGITS[9].fullmatch(self.bsn):
            raise ValueError("een BSN heeft 9 cijfers")
        if self.sex not in SEXES:
            raise ValueError(f"geslacht is 0, 1 of 2, niet {self.sex!r}")


@dataclass(frozen=True)
class AllocatedProduct:
    """One ToegewezenProduct: what the provider must deliver, from when, how much.

    ``volume``/``unit``/``frequency`` are all set (Omvang) or all empty (e.g. a budget only).
    ``allocated_on``/``allocated_at`` is the moment the municipality fixed the toewijzing.
    """

    number: int
    category: str
    product_code: str
    start: date
    end: date | None
    allocated_on: date
    allocated_at: time
    volume: int | None = None
    unit: str = ""
    frequency: str = ""
    change_reason: str = ""
    budget_cents: int | None = None
    comment: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.number <= 999_999_999:
            raise ValueError(f"een toewijzingnummer ligt tussen 0 en 999999999, niet {self.number}")
        if self.category not in PRODUCT_CATEGORIES:
            raise ValueError(f"onbekende productcategorie {self.category!r}")
        if len(self.product_code) > 5:
            raise ValueError(
                f"een productcode heeft hoogstens 5 tekens, niet {self.product_code!r}"
            )
        if self.end is not None and self.end < self.start:
            raise ValueError("de einddatum ligt vóór de ingangsdatum")
        has_volume = self.volume is not None
        if has_volume != bool(self.unit) or has_volume != bool(self.frequency):
            raise ValueError(
                "omvang, eenheid en frequentie horen bij elkaar: vul ze alle drie in of geen"
            )
        if has_volume:
            if not 0 <= self.volume <= 99_999_999:
                raise ValueError(f"de omvang {self.volume} ligt niet tussen 0 en 99999999")
            if self.unit not in UNITS:
                raise ValueError(f"onbekende eenheid {self.unit!r}")
            if self.frequency not in FREQUENCIES:
                raise ValueError(f"onbekende frequentie {self.frequency!r}")
            if self.frequency == "2" and self.end is None:
                raise ValueError("bij een omvang per week is een einddatum nodig")
        if self.change_reason and self.change_reason not in CHANGE_REASONS:
            raise ValueError(f"onbekende reden van wijziging {self.change_reason!r}")
        if self.budget_cents is not None and not 0 <= self.budget_cents <= 99_999_999:
            raise ValueError(f"het budget {self.budget_cents} ligt buiten het bereik")
        if self.allocated_at.tzinfo is not None:
            raise ValueError("de toewijzingstijd is Nederlandse tijd zonder tijdzone")


@dataclass(frozen=True)
class Wmo301Message:
    """A WMO301 from a municipality (CBS code) to a provider (AGB code) about one client."""

    municipality_code: str
    provider_agb: str
    message_id: str
    message_date: date
    client: ClientIdentity
    products: tuple[AllocatedProduct, ...]

    def __post_init__(self) -> None:
        if not _DIGITS[4].fullmatch(self.municipality_code):
            raise ValueError("de afzender is een gemeentecode (CBS) van 4 cijfers")
        if not _DIGITS[8].fullmatch(self.provider_agb):
            raise ValueError(
                "de ontvanger is een AGB-code van 8 cijfers; controleer de AGB-code van de "
                "aanbieder in de catalogus"
            )
        if not 1 <= len(self.message_id) <= 12 or not self.message_id.strip():
            raise ValueError("de berichtidentificatie heeft 1 tot 12 tekens")
        if not self.products:
            raise ValueError("een WMO301 wijst ten minste één product toe")


def build_wmo301(data: Wmo301Message) -> bytes:
    """The message as UTF-8 XML bytes, valid against iWmo 3.2 ``WMO301.xsd``."""
    root = ET.Element(_m("Bericht"))
    _header(ET.SubElement(root, _m("Header")), data)
    _client(ET.SubElement(root, _m("Client")), data)
    ET.indent(root, space="\t")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _m(tag: str) -> str:
    return f"{{{NS_MESSAGE}}}{tag}"


def _b(tag: str) -> str:
    return f"{{{NS_BASE}}}{tag}"


def _add(parent: ET.Element, tag: str, text: str | int | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _header(header: ET.Element, data: Wmo301Message) -> None:
    _add(header, _m("BerichtCode"), BERICHT_CODE)
    _add(header, _m("BerichtVersie"), BERICHT_VERSIE)
    _add(header, _m("BerichtSubversie"), BERICHT_SUBVERSIE)
    _add(header, _m("Afzender"), data.municipality_code)
    _add(header, _m("Ontvanger"), data.provider_agb)
    ident = _add(header, _m("BerichtIdentificatie"))
    _add(ident, _b("Identificatie"), data.message_id)
    _add(ident, _b("Dagtekening"), data.message_date.isoformat())
    versions = _add(header, _m("XsdVersie"))
    _add(versions, _b("BasisschemaXsdVersie"), XSD_VERSION)
    _add(versions, _b("BerichtXsdVersie"), XSD_VERSION)


def _client(client: ET.Element, data: Wmo301Message) -> None:
    person = data.client
    _add(client, _m("Bsn"), person.bsn)
    _add(_add(client, _m("Geboortedatum")), _b("Datum"), person.birth_date.isoformat())
    _add(client, _m("Geslacht"), person.sex)
    _name(_add(client, _m("Naam")), person.name)
    contact = _add(_add(client, _m("Contactgegevens")), _m("Contact"))
    _add(contact, _m("Soort"), ADDRESS_KIND_BRP)
    _address(_add(contact, _m("Adres")), person.address)
    products = _add(client, _m("ToegewezenProducten"))
    for product in data.products:
        _product(_add(products, _m("ToegewezenProduct")), product)


def _name(naam: ET.Element, name: PersonName) -> None:
    surname = _add(naam, _b("Geslachtsnaam"))
    _add(surname, _b("Achternaam"), name.surname)
    if name.prefix:
        _add(surname, _b("Voorvoegsel"), name.prefix)
    if name.first_names:
        _add(naam, _b("Voornamen"), name.first_names)
    if name.initials:
        _add(naam, _b("Voorletters"), name.initials)
    _add(naam, _b("NaamGebruik"), name.name_use)


def _address(adres: ET.Element, address: PostalAddress) -> None:
    house = _add(adres, _b("Huis"))
    _add(house, _b("Huisnummer"), address.house_number)
    if address.house_letter:
        _add(house, _b("Huisletter"), address.house_letter)
    if address.house_number_addition:
        _add(house, _b("HuisnummerToevoeging"), address.house_number_addition)
    _add(adres, _b("Postcode"), address.postcode_compact)
    _add(adres, _b("Straatnaam"), address.street)
    _add(adres, _b("Plaatsnaam"), address.place)
    _add(adres, _b("LandCode"), address.country_code)


def _product(element: ET.Element, product: AllocatedProduct) -> None:
    _add(element, _m("ToewijzingNummer"), product.number)
    code = _add(element, _m("Product"))
    _add(code, _b("Categorie"), product.category)
    if product.product_code:  # empty: an aspecific toewijzing for the whole category
        _add(code, _b("Code"), product.product_code)
    _add(element, _m("Toewijzingsdatum"), product.allocated_on.isoformat())
    _add(element, _m("Toewijzingstijd"), product.allocated_at.replace(microsecond=0).isoformat())
    _add(element, _m("Ingangsdatum"), product.start.isoformat())
    if product.end is not None:
        _add(element, _m("Einddatum"), product.end.isoformat())
    if product.change_reason:
        _add(element, _m("RedenWijziging"), product.change_reason)
    if product.volume is not None:
        omvang = _add(element, _m("Omvang"))
        _add(omvang, _b("Volume"), product.volume)
        _add(omvang, _b("Eenheid"), product.unit)
        _add(omvang, _b("Frequentie"), product.frequency)
    if product.budget_cents is not None:
        _add(element, _m("Budget"), product.budget_cents)
    if product.comment.strip():
        _add(element, _m("Commentaar"), product.comment.strip())
