"""Results in all three regional models."""

from datetime import date

import pytest

from wmo_desk.catalogue.loader import load_catalogue
from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.results import (
    CaseResult,
    check_result,
    matrix_product,
    result_areas,
    uses_result_matrix,
)
from wmo_desk.paths import resources_dir

TODAY = date(2026, 11, 23)
NEXT_YEAR = date(2027, 11, 23)


def catalogue(name):
    return load_catalogue(resources_dir() / "catalogues" / f"{name}.json")


def test_hart_van_brabant_matrix_cell():
    hvb = catalogue("hart-van-brabant")
    assert uses_result_matrix(hvb, "begeleiding")
    assert tuple(a for a, _ in result_areas(hvb, "begeleiding") if a == "5a") == ("5a",)
    product = matrix_product(hvb, "begeleiding", "5a", "beperkt zelfredzaam")
    assert product is not None and product.result_area == "5a"
    # the seed's example: mevrouw Jansen, 5a beperkt zelfredzaam, one year
    ok = CaseResult(
        "c1",
        "begeleiding",
        "Mevrouw heeft weer sociale contacten",
        NEXT_YEAR,
        product_code=product.code,
        result_area="5a",
        level="beperkt zelfredzaam",
    )
    check_result(ok, hvb, TODAY)
    with pytest.raises(FieldErrors) as info:
        check_result(
            CaseResult("c1", "begeleiding", "x", NEXT_YEAR, result_area="5a", level="half"),
            hvb,
            TODAY,
        )
    assert "afstand tot het resultaat" in info.value.errors["level"]


def test_bno_o_product_per_care_form():
    bno = catalogue("bno-o")
    assert not uses_result_matrix(bno, "dagbesteding")
    code = next(p.code for p in bno.products if p.care_form == "dagbesteding")
    check_result(
        CaseResult("c1", "dagbesteding", "Structuur in de week", NEXT_YEAR, product_code=code),
        bno,
        TODAY,
    )
    other = next(p.code for p in bno.products if p.care_form == "individuele-ondersteuning")
    with pytest.raises(FieldErrors) as info:
        check_result(
            CaseResult("c1", "dagbesteding", "x", NEXT_YEAR, product_code=other), bno, TODAY
        )
    assert info.value.errors == {"product_code": "Dit product hoort niet bij de gekozen zorgvorm."}


def test_meierij_output_levels_and_required_term():
    meierij = catalogue("meierij")
    waakvlam = next(p for p in meierij.products if p.level == "Waakvlam")
    check_result(
        CaseResult(
            "c1",
            waakvlam.care_form,
            "Zelf de post bijhouden",
            NEXT_YEAR,
            product_code=waakvlam.code,
        ),
        meierij,
        TODAY,
    )
    with pytest.raises(FieldErrors) as info:
        check_result(
            CaseResult("c1", waakvlam.care_form, " ", None, product_code=waakvlam.code),
            meierij,
            TODAY,
        )
    assert set(info.value.errors) == {"description", "term_end"}
