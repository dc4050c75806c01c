"""The catalogue file format (``wmo-desk-catalogue``, format 1) as pydantic models: the typed
payload of the ``catalogue`` record, which the server publishes once per municipality.

Defined here, with the other records of the protocol, because both sides read it: the server
when a region's file is imported (``wmo-desk-server import-catalogue``), the desktop when it
imports a file or pulls a published catalogue (``wmo_desk.catalogue.loader`` adds the cross
checks: codes unique, references known). The format is documented for regions in
docs/catalogue-format.md. Unknown fields are refused, so a typo in a region's file is found
rather than silently ignored.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from wmo_desk.domain.catalogue import ProductModel
from wmo_desk.domain.codes import FREQUENCIES, PRODUCT_CATEGORIES, UNITS
from wmo_desk.domain.postcode import postcode_problem

FORMAT_NAME = "wmo-desk-catalogue"
FORMAT_VERSION = 1


def _email_address(value: str) -> str:
    if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", value):
        raise ValueError(f"'{value}' is geen e-mailadres")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class AddressIn(_Strict):
    """An address as a letter prints it: a line (street and number, or Postbus), then postcode
    and place."""

    line: str = Field(min_length=1, max_length=80)
    postcode: str
    place: str = Field(min_length=1, max_length=80)

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        problem = postcode_problem(value)
        if problem:
            raise ValueError(problem)
        compact = value.replace(" ", "").upper()
        return f"{compact[:4]} {compact[4:]}"

    def lines(self) -> tuple[str, str]:
        # two spaces between postcode and place, as PostNL asks for addresses
        return (self.line, f"{self.postcode}  {self.place}")


class ObjectionIn(_Strict):
    department: str = Field(default="", max_length=80)
    address: AddressIn | None = None
    online: str = Field(default="", max_length=200)


class LetterIn(_Strict):
    """A municipality's letter data (docs/catalogue-format.md §4.1)."""

    department: str = Field(min_length=1, max_length=80)
    postal_address: AddressIn
    visiting_address: AddressIn
    phone: str = Field(pattern=r"^[0-9+][0-9 ()-]{1,19}$")
    email: str = ""
    website: str = Field(default="", max_length=200)
    objection: ObjectionIn = ObjectionIn()
    mandate_holders: list[str] = Field(default=["teamleider Wmo"], min_length=1)
    is_demo_data: bool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _email_address(value)


class MunicipalityIn(_Strict):
    cbs_code: str = Field(pattern=r"^\d{4}$")
    name: str = Field(min_length=1)
    latitude: float = Field(ge=50.7, le=53.7)
    longitude: float = Field(ge=3.3, le=7.3)
    former: list[str] = []
    letter: LetterIn | None = None


class CareFormIn(_Strict):
    code: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1)


class ProductIn(_Strict):
    code: str = Field(min_length=1, max_length=5)
    name: str = Field(min_length=1)
    category: str
    care_form: str
    model: ProductModel
    level: str = ""
    result_area: str = ""
    unit: str = ""
    frequency: str = ""
    tariff_cents: int | None = Field(default=None, ge=0)
    tariff_period: Literal["", "uur", "dagdeel", "etmaal", "week", "maand", "jaar"] = ""
    tariff_is_demo: bool = False

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in PRODUCT_CATEGORIES:
            raise ValueError(f"onbekende productcategorie '{value}' (iWmo WMO020: 01 t/m 18)")
        return value

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        if value and value not in UNITS:
            raise ValueError(f"onbekende eenheid '{value}' (iWmo WJ756)")
        return value

    @field_validator("frequency")
    @classmethod
    def _frequency(cls, value: str) -> str:
        if value and value not in FREQUENCIES:
            raise ValueError(f"onbekende frequentie '{value}' (iWmo WMO757)")
        return value


class MunicipalProductsIn(_Strict):
    """What one municipality buys itself (not through the region), with its own codes."""

    municipality_code: str = Field(pattern=r"^\d{4}$")
    products: list[ProductIn] = Field(min_length=1)


class LocationIn(_Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    street: str = Field(min_length=1)
    house_number: int = Field(ge=1, le=99999)
    postcode: str
    place: str = Field(min_length=1)
    municipality_code: str = Field(pattern=r"^\d{4}$")
    latitude: float = Field(ge=50.7, le=53.7)
    longitude: float = Field(ge=3.3, le=7.3)
    bw_places: int | None = Field(default=None, ge=0)
    bw_clients: int | None = Field(default=None, ge=0)

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        problem = postcode_problem(value)
        if problem:
            raise ValueError(problem)
        return value.replace(" ", "").upper()


class ProviderIn(_Strict):
    id: str = Field(min_length=1)
    agb_code: str = Field(pattern=r"^\d{8}$")
    name: str = Field(min_length=1)
    product_codes: list[str] = Field(min_length=1)
    municipality_codes: list[str] = Field(min_length=1)
    locations: list[LocationIn] = Field(min_length=1)
    specialisms: list[str] = []
    accepting_new_clients: bool = True
    phone: str = ""
    email: str = ""
    website: str = ""
    contact_person: str = ""
    is_demo_data: bool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _email_address(value)


class AreaAssignmentIn(_Strict):
    area: str = Field(min_length=1)
    care_form: str
    provider_id: str
    municipality_codes: list[str] = []
    postcode_areas: list[str] = []
    reason: str = Field(min_length=1)


class CatalogueIn(_Strict):
    format: Literal["wmo-desk-catalogue"]
    format_version: Literal[1]
    region_code: str = Field(pattern=r"^[A-Z][A-Z0-9-]{1,15}$")
    region_name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    published: date
    contract_start: date
    contract_end: date
    centrumgemeente: str = Field(pattern=r"^\d{4}$")
    model: ProductModel
    notes: str = ""
    sources: list[str] = []
    municipalities: list[MunicipalityIn] = Field(min_length=1)
    care_forms: list[CareFormIn] = Field(min_length=1)
    products: list[ProductIn] = Field(min_length=1)
    providers: list[ProviderIn] = []
    area_assignments: list[AreaAssignmentIn] = []
    municipal_products: list[MunicipalProductsIn] = []
