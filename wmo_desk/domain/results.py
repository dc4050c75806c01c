"""Results (resultaten) the support must achieve, in the region's own product model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from wmo_desk.domain.catalogue import Catalogue, ProductModel
from wmo_desk.domain.codes import FREQUENCIES, UNITS
from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.identifiers import new_id, utcnow

#: Hart van Brabant's distance to the result (seed 002): the three levels of the matrix.
HVB_LEVELS = ("bijna zelfredzaam", "beperkt zelfredzaam", "niet zelfredzaam")


@dataclass(frozen=True)
class CaseResult:
    """One agreed result, for the client or another member of the household.

    In the result model (Hart van Brabant) ``result_area`` and ``level`` name the matrix cell
    and ``product_code`` is the cell's product; in the other models ``care_form`` and
    ``product_code`` name the product and ``description`` says what it must achieve.
    """

    case_id: str
    care_form: str
    description: str
    term_end: date | None
    product_code: str = ""
    result_area: str = ""
    level: str = ""
    household_member: str = ""
    volume: int | None = None
    unit: str = ""
    frequency: str = ""
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)


def check_result(result: CaseResult, catalogue: Catalogue, today: date) -> None:
    """Raise :class:`FieldErrors` (Dutch) when ``result`` does not fit the region's model."""
    errors: dict[str, str] = {}
    if not result.description.strip():
        errors["description"] = "Beschrijf het resultaat dat de ondersteuning moet bereiken."
    if result.term_end is None:
        errors["term_end"] = "Geef aan wanneer het resultaat bereikt moet zijn."
    elif result.term_end <= today:
        errors["term_end"] = "De termijn moet in de toekomst liggen."
    product = catalogue.product(result.product_code) if result.product_code else None
    if not any(c.code == result.care_form for c in catalogue.care_forms):
        errors["care_form"] = "Kies een zorgvorm uit de catalogus van de regio."
    elif uses_result_matrix(catalogue, result.care_form):
        if not result.result_area:
            errors["result_area"] = "Kies het resultaatgebied."
        if result.level not in HVB_LEVELS:
            errors["level"] = "Kies de afstand tot het resultaat."
        elif result.result_area and (
            product is None
            or (product.result_area, product.level) != (result.result_area, result.level)
        ):
            errors["result_area"] = (
                "Deze combinatie van resultaatgebied en niveau staat niet in de catalogus."
            )
    elif product is None:
        errors["product_code"] = "Kies een product uit de catalogus."
    elif product.care_form != result.care_form:
        errors["product_code"] = "Dit product hoort niet bij de gekozen zorgvorm."
    errors.update(omvang_errors(result.volume, result.unit, result.frequency))
    if errors:
        raise FieldErrors(errors)


def omvang_errors(volume: int | None, unit: str, frequency: str) -> dict[str, str]:
    """What is wrong with an agreed omvang (none is fine: it is optional), by field."""
    if volume is None:
        return {}
    if volume <= 0:
        return {"volume": "De omvang is een positief getal."}
    errors = {}
    if unit not in UNITS:
        errors["unit"] = "Kies de eenheid van de omvang."
    elif frequency not in FREQUENCIES:
        errors["frequency"] = "Kies per welke periode de omvang geldt."
    return errors


def uses_result_matrix(catalogue: Catalogue, care_form: str) -> bool:
    """True when the region buys ``care_form`` by result (the Hart van Brabant matrix)."""
    return any(
        p.care_form == care_form and p.model is ProductModel.RESULTAAT for p in catalogue.products
    )


def matrix_product(catalogue: Catalogue, care_form: str, result_area: str, level: str):
    """The product of one matrix cell (result area x level), or None."""
    return next(
        (
            p
            for p in catalogue.products
            if p.care_form == care_form and p.result_area == result_area and p.level == level
        ),
        None,
    )


def result_areas(catalogue: Catalogue, care_form: str) -> list[tuple[str, str]]:
    """The matrix's result areas for ``care_form``: (code like '5a', its description)."""
    seen: dict[str, str] = {}
    for p in catalogue.products:
        if p.care_form == care_form and p.result_area and p.result_area not in seen:
            seen[p.result_area] = p.name.split(" (")[0]
    return sorted(seen.items())
