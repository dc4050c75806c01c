"""The demo's letters as a resident reads them: plain Dutch, one-line kenmerk, a signed mandate,
a bezwaar paragraph by Awb 6:9; the toewijzing for the provider keeps the iWmo codes."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.documents.test_beschikking import BEGELEIDING_PGB, pdf_text, sample_beschikking
from tests.services.test_documents import a_case
from wmo_desk.catalogue.loader import CatalogueError, load_catalogue
from wmo_desk.documents.beschikking import render_beschikking
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.decisions import DecisionOutcome, DeliveryForm, Provision
from wmo_desk.domain.users import Role
from wmo_desk.services.demo import TEAMLEAD_NAME
from wmo_desk.storage.repositories.decisions import DecisionRepository

ROOT = Path(__file__).resolve().parents[2]


def page_lines(pdf: bytes, page: int = 0) -> list[str]:
    """The lines of one page as laid out (pypdf's layout mode keeps a line a line)."""
    text = PdfReader(io.BytesIO(pdf)).pages[page].extract_text(extraction_mode="layout")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_a_full_length_kenmerk_stays_on_one_line_in_the_header():
    kenmerk = "WMO-0828-2026-000142"
    pdf = render_beschikking(sample_beschikking(kenmerk=kenmerk))
    lines = page_lines(pdf)
    header = [line for line in lines if line.startswith("Kenmerk") or " Kenmerk " in line]
    assert any(f"Kenmerk {kenmerk}" in line for line in header[:1]), header
    # the header and the footer carry it whole; no line ends in a broken-off part of it
    assert " ".join(lines).count(kenmerk) >= 2
    assert not any(line.endswith(kenmerk[:-1]) for line in lines)


def test_a_pgb_amount_says_per_what_and_the_signature_names_mandate_place_and_date():
    pgb = replace(BEGELEIDING_PGB, pgb_cents=2900, pgb_period="per uur")
    text = " ".join(pdf_text(render_beschikking(sample_beschikking(provisions=(pgb,)))))
    assert "Bedrag: € 29,00 per uur" in text
    signature = text[text.index("Oss, 2 december 2026") :]
    assert signature.startswith(
        "Oss, 2 december 2026 Met vriendelijke groet, namens het college van burgemeester en "
        "wethouders van Oss, mevrouw drs. H. Smits teamleider Wmo"
    )


def test_the_bezwaar_paragraph_counts_a_letter_posted_in_time_and_says_to_whom():
    text = " ".join(pdf_text(render_beschikking(sample_beschikking())))
    assert "U heeft daarvoor 6 weken, tot en met 13 januari 2027." in text
    assert "of als u het uiterlijk die dag op de post heeft gedaan" in text
    assert "hebben ontvangen" not in text
    assert (
        "Stuur uw bezwaarschrift naar: Het college van burgemeester en wethouders van Oss "
        "Postbus 1000 5340 AA Oss"
    ) in text
    assert "Wij laten de aanbieder weten dat u deze ondersteuning krijgt." in text
    assert "al laten weten" not in text
    # a municipality without an online bezwaar form: the letter names none
    assert "digitaal bezwaar" not in text


@pytest.fixture
def demo_letters(demo_ctx):
    """Two approved demo decisions: dagbesteding in natura; hulp bij het huishouden and a
    scootmobiel (both the municipality's own products) as pgb."""
    ctx = demo_ctx
    cases = [
        a_case(ctx, Stage.AANVRAAG, 0),
        a_case(ctx, Stage.AANVRAAG, 1),
    ]
    ranked = ctx.suggestions.suggestions(cases[0], "dagbesteding").ranked
    catalogue = ctx.catalogues.current()
    product = next(
        c
        for c in ranked[0].provider.product_codes
        if catalogue.product(c).care_form == "dagbesteding"
    )
    start, end = date(2026, 12, 1), date(2027, 5, 31)
    plans = [
        [
            Provision(decision_id="", product_code=product, result="Structuur in uw week.",
                      start=start, end=end, delivery_form=DeliveryForm.NATURA, volume=1,
                      unit="82", frequency="4", provider_id=ranked[0].provider.id),
        ],
        [
            Provision(decision_id="", product_code="01O02", result="Een schoon huis.",
                      start=start, end=end, delivery_form=DeliveryForm.PGB, volume=3,
                      unit="04", frequency="2", pgb_cents=2900),
            Provision(decision_id="", product_code="12O01", result="Zelf boodschappen doen.",
                      start=start, end=None, delivery_form=DeliveryForm.PGB, volume=1,
                      unit="82", frequency="6", pgb_cents=300_000),
        ],
    ]  # fmt: skip
    consultant = ctx.profile
    lead = next(u for u in ctx.profiles.users() if u.role is Role.TEAMLEIDER)
    letters = []
    for case_id, provisions in zip(cases, plans, strict=True):
        d = ctx.decisions.propose(case_id, DecisionOutcome.TOEGEKEND, "Zie het verslag.")
        d = ctx.decisions.save(
            d, provisions=tuple(replace(p, decision_id=d.id) for p in provisions)
        )
        d = ctx.decisions.submit(d)
        ctx.activate(replace(consultant, user=lead))
        final = ctx.decisions.approve(d)
        ctx.activate(consultant)
        with ctx.db.session() as session:
            documents = {doc[0]: doc[2] for doc in DecisionRepository(session).documents(final.id)}
        letters.append((final, documents))
    return letters


def test_the_demo_letters_speak_plain_dutch_and_the_toewijzing_keeps_the_codes(demo_letters):
    (_natura, natura_docs), (_pgb, pgb_docs) = demo_letters
    first = " ".join(pdf_text(natura_docs["beschikking"]))
    second = " ".join(pdf_text(pgb_docs["beschikking"]))
    assert "Hoeveel Per maand, zoveel als nodig is voor het resultaat" in first
    assert "Hoeveel 3 uur per week" in second
    assert "Hoeveel 1 scootmobiel (in bruikleen)" in second
    assert "Bedrag: € 29,00 per uur" in second
    assert "Bedrag: € 3.000,00 voor de hele looptijd" in second
    for text in (first, second):
        assert "stuks (output)" not in text and "geldigheidsduur" not in text
        assert "namens het college van burgemeester en wethouders van Oss" in text
        assert f"{TEAMLEAD_NAME} Teamleider Wmo" in text
    for final, documents in demo_letters:
        lines = page_lines(documents["beschikking"])
        assert any(f"Kenmerk {final.kenmerk}" in line for line in lines[:12]), lines[:12]
    toewijzing = next(v for k, v in natura_docs.items() if k.startswith("toewijzing-"))
    provider_text = " ".join(pdf_text(toewijzing))
    assert "82 – stuks (output)" in provider_text and "4 – per maand" in provider_text


def test_the_demo_letters_carry_the_municipalitys_addresses_and_phone(demo_letters):
    """The catalogue's letter data of Oss: the sender block and the retouradres with the Postbus,
    the bezwaar address of Team Juridische Zaken, and the phone number to call."""
    (_final, documents), _second = demo_letters
    text = " ".join(pdf_text(documents["beschikking"]))
    assert "Team Wmo Gemeente Oss Postbus 5 5340 BA Oss" in text
    assert "Retouradres: Gemeente Oss, Postbus 5, 5340 BA Oss" in text
    assert (
        "Stuur uw bezwaarschrift naar: Het college van burgemeester en wethouders van Oss "
        "Team Juridische Zaken Gemeente Oss Postbus 5 5340 BA Oss"
    ) in text
    assert "telefoon 14 0412" in text and "e-mail wmo@oss.nl" in text
    assert "U kunt ook digitaal bezwaar maken, via www.oss.nl/bezwaar." in text
    toewijzing = next(v for k, v in documents.items() if k.startswith("toewijzing-"))
    provider_text = " ".join(pdf_text(toewijzing))
    assert "Postbus 5" in provider_text and "14 0412" in provider_text


def test_letter_data_with_a_bad_postcode_is_refused_at_its_field(tmp_path):
    source = json.loads(
        (ROOT / "resources" / "catalogues" / "bno-o.json").read_text(encoding="utf-8")
    )
    oss = next(m for m in source["municipalities"] if m["cbs_code"] == "0828")
    oss["letter"]["postal_address"]["postcode"] = "0340 BA"
    path = tmp_path / "bno-o.json"
    path.write_text(json.dumps(source), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert info.value.field == "municipalities[4].letter.postal_address.postcode"
    assert "Een postcode begint niet met 0." in str(info.value)
