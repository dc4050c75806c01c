"""The beschikking PDF: what the client reads in it, its fonts, its templates, its bytes."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import jinja2
import pytest
from pypdf import PdfReader

from wmo_desk.documents.beschikking import (
    Addressee,
    BeschikkingData,
    ProvisionText,
    format_euros,
    render_beschikking,
)
from wmo_desk.domain.decisions import DecisionOutcome, DeliveryForm

HBH_NATURA = ProvisionText(
    category_code="01",
    category_name="Hulp bij het huishouden",
    product_code="01A02",
    product_name="Hulp bij het huishouden basis",
    result="U woont in een schoon en leefbaar huis.",
    omvang="4 uur per week",
    start=date(2026, 12, 7),
    end=date(2027, 12, 6),
    delivery_form=DeliveryForm.NATURA,
    provider_name="Thuiszorg De Linde",
)

BEGELEIDING_PGB = ProvisionText(
    category_code="02",
    category_name="Begeleiding",
    product_code="02B01",
    product_name="Individuele begeleiding",
    result="U houdt zelf overzicht over uw post en uw afspraken.",
    omvang="2 uur per week",
    start=date(2026, 12, 7),
    end=date(2027, 6, 6),
    delivery_form=DeliveryForm.PGB,
    pgb_cents=312_000,
    pgb_purpose="individuele begeleiding door een zorgverlener die u zelf kiest",
    pgb_period="voor de hele periode",
)


def sample_beschikking(**changes) -> BeschikkingData:
    """Invented: mevrouw De Vries in Oss gets hulp bij het huishouden in natura."""
    data = BeschikkingData(
        municipality_name="Oss",
        municipality_code="0828",
        municipality_address_lines=("Team Wmo", "Postbus 1000", "5340 AA  Oss"),
        return_address="Postbus 1000, 5340 AA Oss",
        addressee=Addressee("Mevrouw J.P. de Vries", "Kastanjelaan 12", "5342 XY  OSS"),
        salutation="Geachte mevrouw De Vries,",
        document_date=date(2026, 12, 2),
        kenmerk="WMO-2026-0142",
        outcome=DecisionOutcome.TOEGEKEND,
        provisions=(HBH_NATURA,),
        motivation="Uit het onderzoek blijkt dat u na uw heupoperatie het zware huishoudelijke "
        "werk niet meer zelf kunt doen. U woont alleen en uw zoon werkt fulltime. Er is geen "
        "algemene voorziening die dit oplost. Daarom krijgt u hulp bij het huishouden.",
        objection_deadline=date(2027, 1, 13),
        objection_addressee="Het college van burgemeester en wethouders van Oss",
        objection_address_lines=("Postbus 1000", "5340 AA  Oss"),
        approver_name="mevrouw drs. H. Smits",
        approver_function="teamleider Wmo",
        consultant_name="mevrouw S. Bakker",
        consultant_phone="14 0412",
        consultant_email="s.bakker@oss.example",
        application_date=date(2026, 11, 9),
        verslag_date=date(2026, 11, 16),
        contribution_cents=2_160,
        contribution_period="per maand",
    )
    return replace(data, **changes)


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page, whitespace collapsed (lines wrap where the layout wants)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def text_of(data: BeschikkingData) -> str:
    return " ".join(pdf_text(render_beschikking(data)))


@pytest.fixture(scope="module")
def natura_pdf() -> bytes:
    return render_beschikking(sample_beschikking())


def test_natura_grant_has_every_required_element(natura_pdf):
    text = " ".join(pdf_text(natura_pdf))
    for expected in (
        "Gemeente Oss",
        "Mevrouw J.P. de Vries Kastanjelaan 12 5342 XY OSS",
        "Retouradres: Postbus 1000, 5340 AA Oss",
        "2 december 2026",
        "WMO-2026-0142",
        "Besluit op uw aanvraag Wmo",
        "Geachte mevrouw De Vries,",
        "Wij geven u de ondersteuning die u heeft aangevraagd.",
        "Hulp bij het huishouden (categorie 01)",
        "Hulp bij het huishouden basis (productcode 01A02)",
        "U woont in een schoon en leefbaar huis.",
        "4 uur per week",
        "7 december 2026",
        "6 december 2027",
        "Zorg in natura door Thuiszorg De Linde",
        "Uit het onderzoek blijkt dat u na uw heupoperatie",
        "het verslag van 16 november 2026",
        "abonnementstarief",
        "€ 21,60 per maand",
        "Het CAK stuurt u de rekening",
        "U heeft daarvoor 6 weken, tot en met 13 januari 2027.",
        "Het college van burgemeester en wethouders van Oss Postbus 1000",
        "namens het college van burgemeester en wethouders van Oss",
        "mevrouw drs. H. Smits",
        "teamleider Wmo",
        "telefoon 14 0412",
    ):
        assert expected in text, expected
    assert "Dit besluit vervangt" not in text
    assert "persoonsgebonden budget" not in text.lower()


def test_every_page_is_numbered(natura_pdf):
    pages = pdf_text(natura_pdf)
    assert len(pages) >= 2
    assert "pagina 1 van" in pages[0]
    for number, page in enumerate(pages, start=1):
        assert f"pagina {number} van {len(pages)}" in page
    assert "Besluit op uw aanvraag Wmo – kenmerk WMO-2026-0142" in pages[1]


def test_pgb_grant_states_amount_purpose_and_period():
    text = text_of(sample_beschikking(provisions=(BEGELEIDING_PGB,)))
    assert "Persoonsgebonden budget (pgb)" in text
    assert "Bedrag: € 3.120,00 voor de hele periode" in text
    assert "Waarvoor: individuele begeleiding door een zorgverlener die u zelf kiest" in text
    assert "Periode: 7 december 2026 – 6 juni 2027" in text
    assert "Sociale Verzekeringsbank (SVB)" in text
    assert "Zorg in natura door" not in text


def test_partial_grant_says_what_is_not_granted():
    data = sample_beschikking(
        outcome=DecisionOutcome.DEELS_TOEGEKEND,
        motivation="U vroeg ook om hulp bij het doen van boodschappen. Die krijgt u niet: de "
        "boodschappendienst van de welzijnsorganisatie kan u daarbij helpen.",
    )
    text = text_of(data)
    assert "Wij geven u een deel van de ondersteuning die u heeft aangevraagd." in text
    assert "Die krijgt u niet: de boodschappendienst" in text
    assert "Zorg in natura door Thuiszorg De Linde" in text
    assert "tot en met 13 januari 2027" in text


def test_refusal_has_motivation_and_no_provisions_or_contribution():
    data = sample_beschikking(
        outcome=DecisionOutcome.AFGEWEZEN,
        provisions=(),
        motivation="Uit het onderzoek blijkt dat uw zoon en de boodschappendienst u voldoende "
        "helpen. U heeft daarom geen maatwerkvoorziening nodig.",
    )
    text = text_of(data)
    assert "Wij geven u de ondersteuning die u heeft aangevraagd niet." in text
    assert "U heeft daarom geen maatwerkvoorziening nodig." in text
    assert "Wat krijgt u?" not in text
    assert "Soort ondersteuning" not in text
    assert "Eigen bijdrage" not in text
    assert "tot en met 13 januari 2027" in text
    assert "namens het college van burgemeester en wethouders" in text


def test_two_provisions_in_one_decision():
    text = text_of(sample_beschikking(provisions=(HBH_NATURA, BEGELEIDING_PGB)))
    assert text.count("Soort ondersteuning") == 2
    assert "Hulp bij het huishouden (categorie 01)" in text
    assert "Begeleiding (categorie 02)" in text
    assert "Zorg in natura door Thuiszorg De Linde" in text
    assert "€ 3.120,00" in text
    assert "Krijgt u zorg in natura?" in text and "Krijgt u een persoonsgebonden budget" in text


def test_a_replacing_decision_names_the_old_kenmerk():
    text = text_of(sample_beschikking(replaces_kenmerk="WMO-2025-0977"))
    assert "Dit besluit vervangt het besluit met kenmerk WMO-2025-0977." in text


def test_same_input_gives_the_same_bytes(natura_pdf):
    assert render_beschikking(sample_beschikking()) == natura_pdf


def test_only_dejavu_fonts_are_used_and_metadata_is_not_personal(natura_pdf):
    reader = PdfReader(io.BytesIO(natura_pdf))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"].get_object()
        names |= {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert names
    assert all("DejaVu" in name for name in names), names
    meta = str(dict(reader.metadata))
    assert reader.metadata.title == "Besluit Wmo"
    for personal in ("Vries", "Kastanjelaan", "WMO-2026-0142", "Smits"):
        assert personal not in meta


def test_an_override_folder_wins_and_a_missing_variable_is_an_error(tmp_path):
    (tmp_path / "beschikking").mkdir()
    closing = tmp_path / "beschikking" / "closing.txt.j2"
    closing.write_text("Bel ons gerust, {{ consultant_name }}.", "utf-8")
    text = " ".join(
        pdf_text(render_beschikking(sample_beschikking(), template_override_dir=tmp_path))
    )
    assert "Bel ons gerust, mevrouw S. Bakker." in text
    closing.write_text("Bel {{ consulent }}.", "utf-8")
    with pytest.raises(jinja2.UndefinedError):
        render_beschikking(sample_beschikking(), template_override_dir=tmp_path)


def test_inconsistent_decisions_are_refused():
    with pytest.raises(ValueError):
        sample_beschikking(outcome=DecisionOutcome.AFGEWEZEN)  # with a provision
    with pytest.raises(ValueError):
        sample_beschikking(provisions=())
    with pytest.raises(ValueError):
        replace(HBH_NATURA, provider_name="")
    with pytest.raises(ValueError):
        replace(BEGELEIDING_PGB, pgb_cents=None)


def test_euros_are_formatted_the_dutch_way():
    assert " ".join(format_euros(312_000).split()) == "€ 3.120,00"


def info_block_lines(pdf: bytes) -> list[str]:
    """The first page's lines as laid out, so a label stands on the line of its value."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return [
        " ".join(line.split()) for line in page.extract_text(extraction_mode="layout").splitlines()
    ]


def test_the_consultants_own_phone_and_email_stand_beside_their_name():
    # invented: the consultant's own work number and address (Mijn gegevens)
    data = sample_beschikking(
        consultant_name="de heer J. de Vries",
        consultant_phone="0412 123 456",
        consultant_email="j.devries@oss.example",
    )
    pdf = render_beschikking(data)
    text = " ".join(pdf_text(pdf))
    assert (
        "Neem dan contact op met de heer J. de Vries, telefoon 0412 123 456, "
        "e-mail j.devries@oss.example." in text
    )
    lines = info_block_lines(pdf)
    for row in (
        "Contactpersoon de heer J. de Vries",
        "Telefoon 0412 123 456",
        "E-mail j.devries@oss.example",
    ):
        assert any(line.endswith(row) for line in lines), row


def test_without_phone_or_email_the_letter_names_the_consultant_only():
    text = text_of(sample_beschikking(consultant_phone="", consultant_email=""))
    assert "Neem dan contact op met mevrouw S. Bakker. Noem dan het kenmerk" in text
    assert "Telefoon" not in text and "E-mail" not in text


def test_a_long_email_address_breaks_after_the_at_not_in_the_name():
    email = "a.vandenberg-dewit@s-hertogenbosch.example"
    lines = info_block_lines(render_beschikking(sample_beschikking(consultant_email=email)))
    assert any(line.endswith("E-mail a.vandenberg-dewit@") for line in lines)
    assert any(line.endswith("s-hertogenbosch.example") for line in lines)
