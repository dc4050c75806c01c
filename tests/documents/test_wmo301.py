"""The WMO301 export: valid against the official iWmo 3.2 schema, with the right codes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, time

import pytest
import xmlschema

from tests.conftest import iwmo_dir
from wmo_desk.documents.wmo301 import (
    NS_BASE,
    NS_MESSAGE,
    AllocatedProduct,
    ClientIdentity,
    PersonName,
    PostalAddress,
    Wmo301Message,
    build_wmo301,
)

NS = {"m": NS_MESSAGE, "b": NS_BASE}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    # read when a test needs it: without the schemas only these tests fail, with the reason
    return xmlschema.XMLSchema(str(iwmo_dir() / "WMO301.xsd"))


def sample_client() -> ClientIdentity:
    """Invented: mevrouw J.P. de Vries in Oss, test BSN 999990019."""
    return ClientIdentity(
        bsn="999990019",
        birth_date=date(1948, 6, 17),
        sex="2",
        name=PersonName("Vries", "de", "Johanna Petronella", "JP"),
        address=PostalAddress("Kastanjelaan", 12, "5342 xy", "Oss"),
    )


def natura_product(**changes) -> AllocatedProduct:
    """Hulp bij het huishouden in natura: 4 uur per week for one year (inspanningsgericht)."""
    product = AllocatedProduct(
        number=202600142,
        category="01",
        product_code="01A02",
        start=date(2026, 4, 20),
        end=date(2027, 4, 19),
        allocated_on=date(2026, 4, 14),
        allocated_at=time(10, 15, 30),
        volume=4,
        unit="04",
        frequency="2",
    )
    return replace(product, **changes)


def output_product() -> AllocatedProduct:
    """Begeleiding outputgericht: one product per month (eenheid 82, frequentie 4)."""
    return AllocatedProduct(
        number=202600143,
        category="02",
        product_code="02B01",
        start=date(2026, 5, 1),
        end=date(2026, 10, 31),
        allocated_on=date(2026, 4, 14),
        allocated_at=time(10, 16),
        volume=1,
        unit="82",
        frequency="4",
    )


def message(*products: AllocatedProduct, agb: str = "42420001") -> Wmo301Message:
    return Wmo301Message(
        municipality_code="0828",
        provider_agb=agb,
        message_id="WD0000000142",
        message_date=date(2026, 4, 14),
        client=sample_client(),
        products=products,
    )


def find(xml: bytes, path: str) -> list[str]:
    return [e.text or "" for e in ET.fromstring(xml).findall(path, NS)]


def test_natura_inspanning_is_valid_and_carries_the_codes(schema):
    xml = build_wmo301(message(natura_product()))
    schema.validate(xml.decode("utf-8"))
    assert find(xml, "m:Header/m:BerichtCode") == ["414"]
    assert find(xml, "m:Header/m:BerichtVersie") == ["3"]
    assert find(xml, "m:Header/m:BerichtSubversie") == ["2"]
    assert find(xml, "m:Header/m:Afzender") == ["0828"]
    assert find(xml, "m:Header/m:Ontvanger") == ["42420001"]
    assert find(xml, "m:Header/m:BerichtIdentificatie/b:Identificatie") == ["WD0000000142"]
    assert find(xml, "m:Header/m:BerichtIdentificatie/b:Dagtekening") == ["2026-04-14"]
    assert find(xml, "m:Client/m:Bsn") == ["999990019"]
    assert find(xml, "m:Client/m:Geboortedatum/b:Datum") == ["1948-06-17"]
    assert find(xml, "m:Client/m:Naam/b:Geslachtsnaam/b:Achternaam") == ["Vries"]
    assert find(xml, "m:Client/m:Contactgegevens/m:Contact/m:Adres/b:Postcode") == ["5342XY"]
    product = "m:Client/m:ToegewezenProducten/m:ToegewezenProduct/"
    assert find(xml, product + "m:ToewijzingNummer") == ["202600142"]
    assert find(xml, product + "m:Product/b:Categorie") == ["01"]
    assert find(xml, product + "m:Product/b:Code") == ["01A02"]
    assert find(xml, product + "m:Toewijzingsdatum") == ["2026-04-14"]
    assert find(xml, product + "m:Toewijzingstijd") == ["10:15:30"]
    assert find(xml, product + "m:Ingangsdatum") == ["2026-04-20"]
    assert find(xml, product + "m:Einddatum") == ["2027-04-19"]
    assert find(xml, product + "m:Omvang/b:Volume") == ["4"]
    assert find(xml, product + "m:Omvang/b:Eenheid") == ["04"]
    assert find(xml, product + "m:Omvang/b:Frequentie") == ["2"]
    assert find(xml, product + "m:RedenWijziging") == []


def test_output_product_per_month_is_valid(schema):
    xml = build_wmo301(message(output_product()))
    schema.validate(xml.decode("utf-8"))
    product = "m:Client/m:ToegewezenProducten/m:ToegewezenProduct/"
    assert find(xml, product + "m:Product/b:Categorie") == ["02"]
    assert find(xml, product + "m:Omvang/b:Eenheid") == ["82"]
    assert find(xml, product + "m:Omvang/b:Frequentie") == ["4"]


def test_change_of_provider_is_valid_and_has_reason_09(schema):
    change = natura_product(number=202600150, start=date(2026, 7, 1), change_reason="09")
    xml = build_wmo301(message(change, agb="42420002"))
    schema.validate(xml.decode("utf-8"))
    assert find(xml, "m:Header/m:Ontvanger") == ["42420002"]
    product = "m:Client/m:ToegewezenProducten/m:ToegewezenProduct/"
    assert find(xml, product + "m:RedenWijziging") == ["09"]


def test_two_products_budget_comment_and_aspecific_code_are_valid(schema):
    aspecific = replace(
        output_product(), product_code="", budget_cents=45000, comment="Zie besluit"
    )
    xml = build_wmo301(message(natura_product(), aspecific))
    schema.validate(xml.decode("utf-8"))
    product = "m:Client/m:ToegewezenProducten/m:ToegewezenProduct/"
    assert find(xml, product + "m:ToewijzingNummer") == ["202600142", "202600143"]
    assert find(xml, product + "m:Product/b:Code") == ["01A02"]
    assert find(xml, product + "m:Budget") == ["45000"]


def test_the_official_example_still_validates(schema):
    # Guards the test itself: the schema folder is the real one, not an empty stand-in.
    schema.validate(str(iwmo_dir() / "WMO301-voorbeeld.xml"))


def test_element_order_follows_the_example():
    xml = build_wmo301(message(natura_product(change_reason="04")))
    tags = [e.tag.split("}")[1] for e in ET.fromstring(xml).iter()]
    order = ["Bsn", "Geboortedatum", "Geslacht", "Naam", "Contactgegevens", "ToegewezenProducten"]
    assert [t for t in tags if t in order][: len(order)] == order
    product = ["ToewijzingNummer", "Product", "Toewijzingsdatum", "Toewijzingstijd"]
    product += ["Ingangsdatum", "Einddatum", "RedenWijziging", "Omvang"]
    assert [t for t in tags if t in product] == product


def test_same_input_gives_the_same_bytes():
    first = build_wmo301(message(natura_product(), output_product()))
    assert first == build_wmo301(message(natura_product(), output_product()))
    assert first.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert b"xmlns:wmo301=" in first and b"xmlns:iwmo=" in first


@pytest.mark.parametrize(
    "changes",
    [
        {"number": 1_000_000_000},
        {"category": "19"},
        {"product_code": "01A020"},
        {"unit": "99"},
        {"frequency": "3"},
        {"end": None},  # per week needs an einddatum
        {"change_reason": "15"},
        {"volume": None},  # without unit and frequency
    ],
)
def test_values_outside_the_code_lists_are_refused(changes):
    with pytest.raises(ValueError):
        natura_product(**changes)


def test_header_codes_are_checked():
    with pytest.raises(ValueError):
        replace(message(natura_product()), municipality_code="828")
    with pytest.raises(ValueError):
        replace(message(natura_product()), provider_agb="4242001")
    with pytest.raises(ValueError):
        replace(message(natura_product()), message_id="1234567890123")
