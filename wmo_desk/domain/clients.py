"""The client (resident) and how a Dutch name and address are written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from wmo_desk.domain.identifiers import new_id, utcnow
from wmo_desk.domain.postcode import format_postcode


class Sex(StrEnum):
    """Geslacht as iWmo codes it (COD046)."""

    ONBEKEND = "0"
    MAN = "1"
    VROUW = "2"

    @property
    def label(self) -> str:
        return {"0": "Onbekend", "1": "Man", "2": "Vrouw"}[self.value]


#: how long a street name may be in an iWmo message (LDT_Straatnaam): the BRP's short name
MESSAGE_STREET_MAX = 24


@dataclass(frozen=True)
class Address:
    """A Dutch street address; ``postcode`` in the compact form ``1234AB``.

    ``street`` is the full name as letters print it; ``street_short`` the BRP's short street
    name (NEN 5825, at most 24 characters), needed only when the full name is longer: iWmo
    messages to providers carry at most 24 characters."""

    street: str
    house_number: int
    postcode: str
    place: str
    house_number_addition: str = ""
    street_short: str = ""

    @property
    def message_street(self) -> str:
        """The street as an iWmo message carries it: the full name when it fits, else the BRP
        short name (an address saved before the short name was asked for: cut at 24)."""
        if len(self.street) <= MESSAGE_STREET_MAX:
            return self.street
        return self.street_short or self.street[:MESSAGE_STREET_MAX]

    def street_line(self) -> str:
        addition = f" {self.house_number_addition}" if self.house_number_addition else ""
        return f"{self.street} {self.house_number}{addition}"

    def place_line(self) -> str:
        return f"{format_postcode(self.postcode)}  {self.place.upper()}"


@dataclass(frozen=True)
class Client:
    """A resident who asked for support."""

    bsn: str
    initials: str
    surname: str
    birth_date: date
    address: Address
    municipality_code: str
    prefix: str = ""
    first_names: str = ""
    sex: Sex = Sex.ONBEKEND
    phone: str = ""
    email: str = ""
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)

    @property
    def display_name(self) -> str:
        """``J.P. de Vries``: how letters and lists address the client."""
        return " ".join(p for p in (self.initials, self.prefix, self.surname) if p)

    @property
    def sort_name(self) -> str:
        """``Vries, J.P. de``: the Dutch alphabetical form (the prefix does not sort)."""
        tail = " ".join(p for p in (self.initials, self.prefix) if p)
        return f"{self.surname}, {tail}" if tail else self.surname


def format_initials(text: str) -> str:
    """Normalise typed initials: ``jp`` or ``J. P.`` become ``J.P.``."""
    letters = [ch for ch in text if ch.isalpha()]
    return "".join(f"{ch.upper()}." for ch in letters)
