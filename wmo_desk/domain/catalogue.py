"""A region's catalogue: municipalities, care forms, products and contracted providers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum


class ProductModel(StrEnum):
    """Uitvoeringsvariant: how a region buys and measures support (DOMAIN.md §4, §6)."""

    INSPANNING = "inspanning"
    OUTPUT = "output"
    RESULTAAT = "resultaat"
    TAAK = "taak"

    @property
    def label(self) -> str:
        return {
            "inspanning": "Inspanningsgericht",
            "output": "Outputgericht",
            "resultaat": "Resultaatgericht",
            "taak": "Taakgericht",
        }[self.value]


@dataclass(frozen=True)
class LetterData:
    """What a municipality prints on its letters: who sends them, where to write, call or
    object, and under which function a team lead signs in mandate.

    Addresses are ready-made lines (``("Postbus 5", "5340 BA  Oss")``), as the letter prints them.
    """

    department: str
    postal_address: tuple[str, ...]
    visiting_address: tuple[str, ...]
    phone: str
    email: str = ""
    website: str = ""
    objection_department: str = ""
    objection_address: tuple[str, ...] = ()
    objection_online: str = ""
    mandate_holders: tuple[str, ...] = ("teamleider Wmo",)
    is_demo_data: bool = False

    @property
    def approver_function(self) -> str:
        """The function printed under a team lead's signature: the first mandate holder."""
        return self.mandate_holders[0] if self.mandate_holders else "teamleider Wmo"


@dataclass(frozen=True)
class Municipality:
    """A municipality by its 4-digit CBS code, with its centre for approximate distances.

    ``letter`` is None when the region's file gives no letter data for it; the letters then
    name only the municipality.
    """

    cbs_code: str
    name: str
    region_code: str
    latitude: float
    longitude: float
    former: tuple[str, ...] = ()
    letter: LetterData | None = None

    def sender_lines(self) -> tuple[str, ...]:
        """The sender block of a letter: department, municipality and postal address."""
        if self.letter is None:
            return ("Team Wmo", f"Gemeente {self.name}")
        return (self.letter.department, f"Gemeente {self.name}", *self.letter.postal_address)

    def return_address(self) -> str:
        """The one-line retouradres above the addressee."""
        return ", ".join(self.sender_lines()[1:])

    def objection_lines(self) -> tuple[str, ...]:
        """Where a bezwaarschrift goes, below the college it is addressed to."""
        letter = self.letter
        if letter is None:
            return ("Team Juridische Zaken", f"Gemeente {self.name}")
        return (
            letter.objection_department or letter.department,
            f"Gemeente {self.name}",
            *(letter.objection_address or letter.postal_address),
        )


@dataclass(frozen=True)
class CareForm:
    """A care form as a region groups its products (e.g. dagbesteding, beschermd wonen)."""

    code: str
    name: str


@dataclass(frozen=True)
class Product:
    """A contracted product; ``tariff_cents`` per ``tariff_period`` (None when unknown).

    ``municipality_code`` is empty for what the region buys for all its municipalities, and
    names the municipality for what one municipality buys itself (hulp bij het huishouden,
    hulpmiddelen, woonvoorzieningen, vervoer).
    """

    code: str
    name: str
    category: str
    care_form: str
    model: ProductModel
    level: str = ""
    result_area: str = ""
    unit: str = ""
    frequency: str = ""
    tariff_cents: int | None = None
    tariff_period: str = ""
    tariff_is_demo: bool = False
    municipality_code: str = ""


@dataclass(frozen=True)
class ProviderLocation:
    """Where a provider delivers; beschermd-wonen capacity only for BW consultants."""

    id: str
    name: str
    street: str
    house_number: int
    postcode: str
    place: str
    municipality_code: str
    latitude: float
    longitude: float
    bw_places: int | None = None
    bw_clients: int | None = None


@dataclass(frozen=True)
class Provider:
    """A contracted provider (zorgaanbieder) with the products and municipalities it covers."""

    id: str
    agb_code: str
    name: str
    product_codes: tuple[str, ...]
    municipality_codes: tuple[str, ...]
    locations: tuple[ProviderLocation, ...]
    specialisms: tuple[str, ...] = ()
    accepting_new_clients: bool = True
    phone: str = ""
    email: str = ""
    website: str = ""
    contact_person: str = ""
    is_demo_data: bool = False


@dataclass(frozen=True)
class AreaAssignment:
    """Task-based model: one provider (or consortium) per area for a care form."""

    area: str
    care_form: str
    provider_id: str
    municipality_codes: tuple[str, ...]
    postcode_areas: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Catalogue:
    """Everything a region publishes for its consultants, as one versioned unit."""

    region_code: str
    region_name: str
    version: str
    published: date
    contract_start: date
    contract_end: date
    centrumgemeente: str
    model: ProductModel
    municipalities: tuple[Municipality, ...]
    care_forms: tuple[CareForm, ...]
    products: tuple[Product, ...]
    providers: tuple[Provider, ...]
    area_assignments: tuple[AreaAssignment, ...] = ()
    notes: str = ""
    #: what each municipality buys itself; :meth:`for_municipality` adds one's to ``products``
    municipal_products: tuple[Product, ...] = ()

    def for_municipality(self, cbs_code: str | None) -> Catalogue:
        """The catalogue as a consultant of ``cbs_code`` decides from it: the region's products
        followed by that municipality's own (all municipalities' when ``cbs_code`` is None)."""
        own = tuple(
            p
            for p in self.municipal_products
            if cbs_code is None or p.municipality_code == cbs_code
        )
        regional = tuple(p for p in self.products if not p.municipality_code)
        return replace(self, products=(*regional, *own))

    def municipality(self, cbs_code: str) -> Municipality | None:
        return next((m for m in self.municipalities if m.cbs_code == cbs_code), None)

    def sender(self, cbs_code: str) -> Municipality:
        """The municipality a letter of ``cbs_code`` comes from; one named by its code alone
        (no letter data) when the catalogue does not know it."""
        return self.municipality(cbs_code) or Municipality(
            cbs_code=cbs_code, name=cbs_code, region_code=self.region_code, latitude=0, longitude=0
        )

    def product(self, code: str) -> Product | None:
        return next((p for p in self.products if p.code == code), None)
