"""What each municipality buys itself (municipal_products): bundled, validated, stored, offered."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from wmo_desk.catalogue.loader import CatalogueError, load_catalogue, parse_catalogue
from wmo_desk.paths import resources_dir
from wmo_desk.services.catalogue import CatalogueService
from wmo_desk.storage.repositories.catalogue import CatalogueRepository

CATALOGUES = resources_dir() / "catalogues"
OSS, BERNHEZE = "0828", "1721"


def raw(file_name: str = "bno-o.json") -> dict:
    return json.loads((CATALOGUES / file_name).read_text(encoding="utf-8"))


def refused(data: dict) -> CatalogueError:
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(json.dumps(data), Path("regio-test.json"))
    return info.value


@pytest.mark.parametrize(
    ("file_name", "municipality", "categories"),
    [
        ("bno-o.json", OSS, {"01", "08", "11", "12", "13", "14"}),
        ("meierij.json", "0796", {"01", "08", "11", "12", "13", "14"}),
        # Hart van Brabant buys hulp bij het huishouden as a region (result 2b)
        ("hart-van-brabant.json", "0855", {"08", "11", "12", "13", "14"}),
    ],
)
def test_a_municipality_has_its_own_home_help_aids_and_transport(
    file_name, municipality, categories
) -> None:
    catalogue = load_catalogue(CATALOGUES / file_name).for_municipality(municipality)
    own = [p for p in catalogue.products if p.municipality_code == municipality]
    assert {p.category for p in own} == categories
    assert all(p.tariff_is_demo for p in own)
    names = [p.name for p in catalogue.products]
    assert any(n.startswith("Hulp bij het huishouden") or "schoon en leefbaar" in n for n in names)
    assert "Scootmobiel (in bruikleen)" in names
    # the region's own products stay, another municipality's are not offered
    assert any(not p.municipality_code for p in catalogue.products)
    assert {p.municipality_code for p in catalogue.products} == {"", municipality}


def test_units_fit_the_product() -> None:
    catalogue = load_catalogue(CATALOGUES / "bno-o.json")
    by_name = {(p.municipality_code, p.name): p for p in catalogue.municipal_products}
    hh_hours = by_name[(BERNHEZE, "Hulp bij het huishouden (uren per week)")]
    assert (hh_hours.unit, hh_hours.frequency, hh_hours.tariff_period) == ("04", "2", "uur")
    hh_month = by_name[(OSS, "Hulp bij het huishouden: schoon en leefbaar huis (per maand)")]
    assert (hh_month.unit, hh_month.frequency, hh_month.tariff_period) == ("82", "4", "maand")
    scooter = by_name[(OSS, "Scootmobiel (in bruikleen)")]
    assert (scooter.unit, scooter.frequency) == ("82", "6")
    adaptation = by_name[(OSS, "Woningaanpassing (bijdrage in de kosten)")]
    assert (adaptation.unit, adaptation.tariff_cents) == ("83", None)


def test_a_municipal_product_has_demo_providers_in_that_municipality() -> None:
    catalogue = load_catalogue(CATALOGUES / "bno-o.json")
    scooter = next(
        p for p in catalogue.municipal_products if p.municipality_code == OSS and p.category == "12"
    )
    providers = [p for p in catalogue.providers if scooter.code in p.product_codes]
    assert providers and all(p.is_demo_data and OSS in p.municipality_codes for p in providers)
    home_help = [p for p in catalogue.providers if "01O01" in p.product_codes]
    assert [p.name for p in home_help] == [
        "Thuishulp Oss (demo)",
        "Huishoudelijke Zorg Schoon Thuis Oss (demo)",
    ]


def test_the_bundled_files_carry_no_bw_capacity_with_the_new_section() -> None:
    for name in ("bno-o.json", "hart-van-brabant.json", "meierij.json"):
        for provider in raw(name)["providers"]:
            for location in provider["locations"]:
                assert "bw_places" not in location and "bw_clients" not in location


# --- refusals, in Dutch, naming the field ----------------------------------------------------


def test_a_municipality_outside_the_region_is_refused() -> None:
    data = raw()
    data["municipal_products"][0]["municipality_code"] = "0855"  # Tilburg
    error = refused(data)
    assert error.field == "municipal_products[0].municipality_code"
    assert "gemeente '0855' hoort niet bij deze regio" in error.message
    assert error.title == "Catalogus niet ingelezen"


def test_a_municipal_code_equal_to_a_regional_one_is_refused() -> None:
    data = raw()
    data["municipal_products"][1]["products"][0]["code"] = "02A07"
    error = refused(data)
    assert error.field == "municipal_products[1].products[0].code"
    assert "productcode '02A07' komt dubbel voor" in error.message


def test_a_municipality_listed_twice_is_refused() -> None:
    data = raw()
    twin = copy.deepcopy(data["municipal_products"][0])
    for product in twin["products"]:
        product["code"] = product["code"][:2] + "X" + product["code"][3:]
    data["municipal_products"].append(twin)
    error = refused(data)
    assert "komt dubbel voor; zet al haar producten in één lijst" in error.message


def test_a_provider_outside_the_municipality_is_refused() -> None:
    data = raw()
    provider = next(p for p in data["providers"] if p["name"] == "Thuishulp Oss (demo)")
    provider["product_codes"].append("01B01")  # Bernheze's home help
    error = refused(data)
    assert error.field.startswith("providers[") and ".product_codes[" in error.field
    assert "product '01B01' is van gemeente 1721" in error.message
    assert "werkgebied" in error.message


def test_an_unknown_field_and_an_empty_list_are_refused() -> None:
    data = raw()
    data["municipal_products"][0]["gemeente"] = "Oss"
    assert refused(data).problem == "onbekend veld (tikfout?)"
    data = raw()
    data["municipal_products"][0]["products"] = []
    error = refused(data)
    assert error.field == "municipal_products[0].products" and error.problem == "mag niet leeg zijn"


def test_a_catalogue_without_the_section_still_loads() -> None:
    data = raw()
    del data["municipal_products"]
    for provider in data["providers"]:
        provider["product_codes"] = [c for c in provider["product_codes"] if c[:2] not in MUNICIPAL]
    data["providers"] = [p for p in data["providers"] if p["product_codes"]]
    catalogue = parse_catalogue(json.dumps(data))
    assert catalogue.municipal_products == ()
    assert catalogue.for_municipality(OSS).products == catalogue.products


MUNICIPAL = {"01", "08", "11", "12", "13", "14"}


# --- stored and offered -----------------------------------------------------------------------


def test_stored_and_read_back_with_each_product_of_its_municipality(db) -> None:
    catalogue = load_catalogue(CATALOGUES / "bno-o.json")
    with db.session() as session:
        CatalogueRepository(session).replace(catalogue)
    with db.session() as session:
        stored = CatalogueRepository(session).load("BNO-O")
    assert stored == catalogue
    # a new version replaces the old one, municipal products too
    smaller = load_catalogue(CATALOGUES / "bno-o.json")
    from dataclasses import replace

    smaller = replace(
        smaller,
        municipal_products=tuple(
            p for p in smaller.municipal_products if p.municipality_code == OSS
        ),
        providers=tuple(
            replace(
                p,
                product_codes=tuple(
                    c for c in p.product_codes if c[:2] not in MUNICIPAL or c[2] == "O"
                ),
            )
            for p in smaller.providers
        ),
    )
    with db.session() as session:
        CatalogueRepository(session).replace(smaller)
    with db.session() as session:
        stored = CatalogueRepository(session).load("BNO-O")
    assert {p.municipality_code for p in stored.municipal_products} == {OSS}


def test_the_service_offers_the_profiles_municipality(db) -> None:
    service = CatalogueService(db, "BNO-O", OSS)
    service.import_file(CATALOGUES / "bno-o.json")
    codes = {p.code for p in service.current().products}
    assert {"01O01", "12O01", "02A07"} <= codes
    assert "12B01" not in codes
    service.set_region("BNO-O", BERNHEZE)
    codes = {p.code for p in service.current().products}
    assert "12B01" in codes and "12O01" not in codes
