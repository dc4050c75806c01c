"""The verslag PDF: what the client reads in it, its fonts, its templates, its bytes."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import jinja2
import pytest
from pypdf import PdfReader

from wmo_desk.documents.verslag import (
    Deadline,
    Participant,
    ResultRow,
    VerslagData,
    VerslagItem,
    VerslagSection,
    ZrmRow,
    format_bsn,
    render_verslag,
)
from wmo_desk.domain.zrm import ZRM_DOMAINS
from wmo_desk.paths import resources_dir

ROOT = Path(__file__).resolve().parents[2]

_LEVELS = (3, None, 3, 4, 4, 4, 2, 5, 3, 2, 3, 3, None)
_PREVIOUS = (4, None, 4, 4, 4, 4, 4, 5, 4, 4, 3, 4, None)
_NOTES = {
    "Lichamelijke gezondheid": "Herstelt van een heupoperatie (januari 2026); loopt met rollator.",
    "Instrumentele ADL": "Kan niet zelf boodschappen doen, stofzuigen of de was ophangen.",
    "Sociaal netwerk": "Zoon komt twee keer per week; buurvrouw helpt af en toe.",
    "Werk & opleiding": "Gepensioneerd.",
}


def sample_verslag() -> VerslagData:
    """A realistic, invented verslag: mevrouw De Vries in Oss after a hip operation."""
    sections = (
        VerslagSection(
            "Uw melding en uw hulpvraag",
            (
                VerslagItem(
                    "Aanleiding van de melding",
                    "Mevrouw is in januari 2026 aan haar heup geopereerd. Sindsdien kan zij "
                    "niet meer zelf het huishouden doen en geen boodschappen halen. Haar zoon "
                    "heeft de melding op 2 maart 2026 gedaan.",
                ),
                VerslagItem(
                    "Wat wilt u bereiken?",
                    "Zelfstandig thuis blijven wonen in een schoon huis, en weer zelf naar de "
                    "markt op donderdag.",
                ),
                VerslagItem("Persoonlijk plan ingeleverd", "Nee"),
            ),
        ),
        VerslagSection(
            "Wat u zelf kunt en gebruikelijke hulp",
            (
                VerslagItem(
                    "Wat lukt u zelf?",
                    "Mevrouw kan zichzelf wassen en aankleden, koken (eenvoudige maaltijden) "
                    "en de afwas doen.\n\nZij regelt haar eigen geldzaken en post.",
                ),
                VerslagItem(
                    "Gebruikelijke hulp",
                    "Mevrouw woont alleen; er is geen partner of "
                    "huisgenoot die gebruikelijke hulp kan bieden.",
                ),
            ),
        ),
        VerslagSection(
            "Mantelzorg en sociaal netwerk",
            (
                VerslagItem(
                    "Mensen die u helpen",
                    columns=("Naam", "Relatie", "Wat doet hij of zij?", "Hoe vaak?"),
                    rows=(
                        (
                            "R. de Vries",
                            "zoon",
                            "boodschappen, vervoer naar de fysiotherapeut",
                            "2 keer per week",
                        ),
                        ("mevrouw T. Janssen", "buurvrouw", "post, kleine klusjes", "af en toe"),
                    ),
                ),
                VerslagItem(
                    "Heeft de mantelzorger zelf ondersteuning nodig?",
                    "De zoon werkt fulltime en geeft aan dat hij het zwaar vindt. Hij is gewezen "
                    "op de mantelzorgondersteuning van de gemeente.",
                ),
            ),
        ),
        VerslagSection(
            "Algemene voorzieningen en meedoen",
            (
                VerslagItem(
                    "Algemene voorzieningen",
                    "Mevrouw gaat de boodschappendienst van de welzijnsorganisatie proberen. "
                    "Zij wil weer naar de koffieochtend in het wijkcentrum.",
                ),
            ),
        ),
        VerslagSection(
            "Andere zorg en eigen bijdrage",
            (
                VerslagItem(
                    "Afstemming met andere zorg",
                    "Wijkverpleging (Zorgverzekeringswet) helpt 3 keer per week met de "
                    "steunkousen. Fysiotherapie loopt tot mei 2026.",
                ),
                VerslagItem(
                    "Eigen bijdrage",
                    "Mevrouw weet dat het CAK een eigen bijdrage (abonnementstarief) in rekening "
                    "brengt voor een maatwerkvoorziening.",
                ),
            ),
        ),
    )
    zrm = tuple(
        ZrmRow(domain, level, previous, _NOTES.get(domain, ""))
        for domain, level, previous in zip(ZRM_DOMAINS, _LEVELS, _PREVIOUS, strict=True)
    )
    return VerslagData(
        municipality_name="Oss",
        municipality_code="0828",
        municipality_address_lines=("Team Wmo", "Postbus 1000", "5340 AA  Oss"),
        region_name="Brabant Noordoost-oost",
        client_name="mevrouw J.P. de Vries",
        client_bsn="999990019",
        client_birth_date=date(1948, 6, 17),
        client_address_lines=("Kastanjelaan 12", "5342 XY  Oss"),
        conversation_date=date(2026, 3, 24),
        conversation_place="bij mevrouw thuis",
        participants=(
            Participant("mevrouw J.P. de Vries", "cliënt"),
            Participant("de heer R. de Vries", "zoon, mantelzorger"),
            Participant("mevrouw S. Bakker", "Wmo-consulent, gemeente Oss"),
        ),
        consultant_name="mevrouw S. Bakker",
        consultant_phone="14 0412",
        consultant_email="s.bakker@oss.example",
        sections=sections,
        zrm=zrm,
        zrm_date=date(2026, 3, 24),
        previous_zrm_date=date(2025, 3, 10),
        results=(
            ResultRow(
                "Huishouden",
                "Mevrouw woont in een schoon en leefbaar huis.",
                "Hulp bij het huishouden",
                "1 jaar",
            ),
            ResultRow(
                "Meedoen",
                "Mevrouw gaat één keer per week naar een activiteit in de wijk.",
                "Algemene voorziening",
                date(2026, 9, 30),
            ),
        ),
        next_steps="Na ontvangst van het ondertekende verslag nemen wij een besluit over hulp "
        "bij het huishouden. U krijgt dit besluit (de beschikking) per post.",
        deadlines=(
            Deadline("Ondertekend verslag terugsturen, graag vóór", date(2026, 4, 9)),
            Deadline("Onderzoek afgerond uiterlijk", date(2026, 4, 13)),
        ),
        form_title="Gespreksformulier keukentafelgesprek",
        form_version="2026.1",
        document_date=date(2026, 3, 26),
        reference="WMO-2026-0142",
    )


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page, whitespace collapsed (lines wrap where the layout wants)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return render_verslag(sample_verslag())


def test_the_client_reads_every_part_of_the_conversation(sample_pdf):
    pages = pdf_text(sample_pdf)
    text = " ".join(pages)
    data = sample_verslag()
    assert "Verslag van het onderzoek (keukentafelgesprek)" in text
    assert "Gemeente Oss" in text
    for section in data.sections:
        assert section.title in text
    for answer in (
        "Zelfstandig thuis blijven wonen in een schoon huis",
        "Zij regelt haar eigen geldzaken en post.",
        "boodschappen, vervoer naar de fysiotherapeut",
        "mevrouw T. Janssen",
        "Wijkverpleging (Zorgverzekeringswet)",
    ):
        assert answer in text
    assert "9999.90.019" in text
    assert "17 juni 1948" in text
    assert "24 maart 2026" in text
    assert "de heer R. de Vries" in text and "zoon, mantelzorger" in text
    assert "cliëntondersteuner" in text


def test_zrm_domains_show_previous_and_current_level(sample_pdf):
    text = " ".join(pdf_text(sample_pdf))
    for domain in ZRM_DOMAINS:
        assert domain in text
    assert "Instrumentele ADL 4 – voldoende zelfredzaam 2 – niet zelfredzaam" in text
    assert "Justitie n.v.t./onbekend n.v.t./onbekend" in text
    assert "Vorige score (10 maart 2025)" in text


def test_results_next_steps_deadlines_and_signature(sample_pdf):
    text = " ".join(pdf_text(sample_pdf))
    assert "Mevrouw woont in een schoon en leefbaar huis." in text
    assert "Hulp bij het huishouden" in text and "1 jaar" in text
    assert "30 september 2026" in text
    assert "Wat gebeurt er nu?" in text
    assert "Onderzoek afgerond uiterlijk 13 april 2026" in text
    assert "Ik ga akkoord met de inhoud van dit verslag." in text
    assert "Ik ga niet akkoord" in text
    assert "Handtekening" in text
    assert "telefoon 14 0412" in text


def test_every_page_has_the_footer(sample_pdf):
    pages = pdf_text(sample_pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"pagina {number} van {len(pages)}" in page
        assert "Gespreksformulier keukentafelgesprek, versie 2026.1" in page
        assert "Vertrouwelijk" in page


def test_same_input_gives_the_same_bytes(sample_pdf):
    assert render_verslag(sample_verslag()) == sample_pdf


def test_same_bytes_in_another_process(sample_pdf, tmp_path):
    script = (
        "import sys; from tests.documents.test_verslag import sample_verslag;"
        "from wmo_desk.documents.verslag import render_verslag;"
        "sys.stdout.buffer.write(render_verslag(sample_verslag()))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True
    )
    assert out.stdout == sample_pdf


def test_only_dejavu_fonts_are_used_and_metadata_is_not_personal(sample_pdf):
    reader = PdfReader(io.BytesIO(sample_pdf))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"].get_object()
        names |= {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert names
    assert all("DejaVu" in name for name in names), names
    meta = reader.metadata
    assert meta.title == "Verslag onderzoek Wmo"
    assert "Vries" not in str(dict(meta))
    assert "999990019" not in str(dict(meta))


def test_user_text_with_markup_characters_survives():
    data = sample_verslag()
    odd = VerslagSection("Bijzonderheden", (VerslagItem("Opmerking <b>&", "Rolstoel <b>& 5 < 7"),))
    pdf = render_verslag(replace(data, sections=(*data.sections, odd)))
    text = " ".join(pdf_text(pdf))
    assert "Opmerking <b>&" in text
    assert "Rolstoel <b>& 5 < 7" in text


def test_a_long_answer_spans_pages_and_the_page_count_is_right():
    data = sample_verslag()
    story = "\n\n".join(
        f"Alinea {n}: mevrouw vertelt uitgebreid over haar dagelijkse routine, de hulp van haar "
        "zoon en wat er sinds de operatie niet meer lukt."
        for n in range(1, 71)
    )
    long = VerslagSection("Uw verhaal", (VerslagItem("In uw eigen woorden", story),))
    pdf = render_verslag(replace(data, sections=(long,)))
    pages = pdf_text(pdf)
    count = len(pages)
    assert count >= 3
    assert f"pagina {count} van {count}" in pages[-1]
    assert "pagina 2 van" in pages[1]
    text = " ".join(pages)
    assert "Alinea 1:" in text and "Alinea 70:" in text


def test_a_missing_template_variable_is_an_error(tmp_path):
    (tmp_path / "verslag").mkdir()
    (tmp_path / "verslag" / "intro.txt.j2").write_text("Beste {{ clientnaam }},", "utf-8")
    with pytest.raises(jinja2.UndefinedError):
        render_verslag(sample_verslag(), template_override_dir=tmp_path)


def test_a_headings_file_without_a_label_is_an_error(tmp_path):
    (tmp_path / "verslag").mkdir()
    (tmp_path / "verslag" / "headings.txt.j2").write_text('{% set title = "Verslag" %}', "utf-8")
    with pytest.raises(jinja2.UndefinedError, match="does not set"):
        render_verslag(sample_verslag(), template_override_dir=tmp_path)


def test_an_override_folder_wins(tmp_path):
    (tmp_path / "verslag").mkdir()
    (tmp_path / "verslag" / "intro.txt.j2").write_text(
        "Eigen inleiding voor {{ client_name }}.", "utf-8"
    )
    text = " ".join(pdf_text(render_verslag(sample_verslag(), template_override_dir=tmp_path)))
    assert "Eigen inleiding voor mevrouw J.P. de Vries." in text
    assert "hebben wij met u gesproken" not in text


def test_the_municipality_folder_is_searched_first(tmp_path, monkeypatch):
    resources = tmp_path / "resources"
    shutil.copytree(resources_dir() / "templates", resources / "templates")
    shutil.copytree(resources_dir() / "fonts", resources / "fonts")
    own = resources / "templates" / "0828" / "verslag"
    own.mkdir(parents=True)
    (own / "signature.txt.j2").write_text("Handtekening voor de gemeente {{ municipality_name }}.")
    monkeypatch.setenv("WMO_DESK_RESOURCES", str(resources))

    oss = " ".join(pdf_text(render_verslag(sample_verslag())))
    assert "Handtekening voor de gemeente Oss." in oss
    other = replace(sample_verslag(), municipality_name="Boekel", municipality_code="0755")
    boekel = " ".join(pdf_text(render_verslag(other)))
    assert "Handtekening voor de gemeente" not in boekel
    assert "Met uw handtekening geldt dit verslag als uw aanvraag" in boekel


def test_a_bad_municipality_code_is_refused():
    with pytest.raises(ValueError):
        render_verslag(replace(sample_verslag(), municipality_code="../etc"))


def test_bsn_is_grouped_like_dutch_letters():
    assert format_bsn("999990019") == "9999.90.019"
    assert format_bsn("12345") == "12345"


def test_zrm_levels_are_checked():
    with pytest.raises(ValueError):
        ZrmRow("Financiën", 6)
