"""The toewijzing PDF for the provider: its data, its codes, its fonts, its bytes."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from tests.documents.test_wmo301 import natura_product, output_product, sample_client
from wmo_desk.documents.toewijzing import ToewijzingData, render_toewijzing


def sample_toewijzing(**changes) -> ToewijzingData:
    """Invented: hulp bij het huishouden, 4 uur per week, for mevrouw De Vries in Oss."""
    data = ToewijzingData(
        municipality_name="Oss",
        municipality_code="0828",
        municipality_address_lines=("Team Wmo", "Postbus 1000", "5340 AA  Oss"),
        provider_name="Thuiszorg De Linde",
        provider_agb="42420001",
        client=sample_client(),
        product=natura_product(),
        version=1,
        product_name="Hulp bij het huishouden basis",
        consultant_name="mevrouw S. Bakker",
        consultant_phone="14 0412",
        consultant_email="s.bakker@oss.example",
    )
    return replace(data, **changes)


def provider_change() -> ToewijzingData:
    """The client moves to another provider: a new toewijzing with RedenWijziging 09."""
    return sample_toewijzing(
        provider_name="Zorggroep Maasland",
        provider_agb="42420002",
        product=natura_product(number=202600150, start=date(2026, 7, 1), change_reason="09"),
    )


def pdf_text(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture(scope="module")
def natura_pdf() -> bytes:
    return render_toewijzing(sample_toewijzing())


def test_natura_toewijzing_has_every_required_element(natura_pdf):
    pages = pdf_text(natura_pdf)
    text = " ".join(pages)
    for expected in (
        "Gemeente Oss",
        "Toewijzing Wmo-ondersteuning",
        "Toewijzingnummer 202600142",
        "Versie 1",
        "Toegewezen op 14 april 2026, 10:15:30",
        "Productcategorie 01 – Hulp bij het huishouden",
        "Productcode 01A02 – Hulp bij het huishouden basis",
        "Omvang 4",
        "Eenheid 04 – uur",
        "Frequentie 2 – per week",
        "Ingangsdatum 20 april 2026",
        "Einddatum 19 april 2027",
        "BSN 9999.90.019",
        "Naam J.P. de Vries",
        "Geboortedatum 17 juni 1948",
        "Geslacht 2 – vrouw",
        "Kastanjelaan 12 5342 XY OSS",
        "CBS-code 0828",
        "Thuiszorg De Linde",
        "AGB-code 42420001",
        "Contactpersoon mevrouw S. Bakker",
        "14 0412",
        "s.bakker@oss.example",
        "WMO301",
    ):
        assert expected in text, expected
    assert "Reden wijziging" not in text
    assert "pagina 1 van" in pages[0]


def test_change_of_provider_shows_reason_09():
    text = " ".join(pdf_text(render_toewijzing(provider_change())))
    assert "Reden wijziging 09 – Overstap andere aanbieder" in text
    assert "overstap van de cliënt naar een andere aanbieder" in text
    assert "Zorggroep Maasland" in text and "AGB-code 42420002" in text
    assert "Toewijzingnummer 202600150" in text
    assert "Ingangsdatum 1 juli 2026" in text


def test_other_change_names_the_version_and_reason():
    data = sample_toewijzing(product=natura_product(change_reason="04"), version=2)
    text = " ".join(pdf_text(render_toewijzing(data)))
    assert "Dit is versie 2 van toewijzing 202600142." in text
    assert "Reden: herbeoordeling: verlenging." in text


def test_output_product_per_month():
    data = sample_toewijzing(product=output_product(), product_name="Begeleiding per maand")
    text = " ".join(pdf_text(render_toewijzing(data)))
    assert "Productcategorie 02 – Begeleiding" in text
    assert "Eenheid 82 – stuks (output)" in text
    assert "Frequentie 4 – per maand" in text


def test_only_the_identity_iwmo_needs_and_no_personal_metadata(natura_pdf):
    reader = PdfReader(io.BytesIO(natura_pdf))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"].get_object()
        names |= {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert names and all("DejaVu" in name for name in names), names
    meta = str(dict(reader.metadata))
    assert reader.metadata.title == "Toewijzing Wmo"
    assert "Vries" not in meta and "999990019" not in meta


def test_same_input_gives_the_same_bytes(natura_pdf):
    assert render_toewijzing(sample_toewijzing()) == natura_pdf


def test_a_version_below_one_is_refused():
    with pytest.raises(ValueError):
        sample_toewijzing(version=0)
