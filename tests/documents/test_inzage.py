"""The inzage report (AVG art. 15) as PDF and CSV: what the client reads, in Dutch, Amsterdam time."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from wmo_desk.documents.inzage import (
    CSV_HEADER,
    InzageData,
    InzageRow,
    render_inzage_csv,
    render_inzage_pdf,
)

START = datetime(2026, 3, 2, 8, 15, 30, tzinfo=UTC)  # winter time: 09:15:30 in Oss
SUMMER = datetime(2026, 7, 14, 12, 0, 5, tzinfo=UTC)  # summer time: 14:00:05


def sample(rows: int = 3) -> InzageData:
    fixed = (
        InzageRow(START, "Sanne de Wit", "Wmo-consulent", "Dossier geopend", "", "werkplek 3f2a9c1b", "Werkplek"),
        InzageRow(SUMMER, "Sanne de Wit", "Wmo-consulent", "Document opgeslagen buiten wmo_desk", "beschikking", "werkplek 3f2a9c1b", "Werkplek"),
        InzageRow(SUMMER + timedelta(days=1), "Ruud Verhoeven", "Teamleider", "Door de server verstrekt", "3 onderdelen", "regionale server", "Regionale server"),
    )  # fmt: skip
    extra = tuple(
        InzageRow(SUMMER + timedelta(days=2, minutes=i), f"Medewerker {i}", "Wmo-consulent", "Dossier geopend", "", "werkplek 0badc0de", "Werkplek")
        for i in range(max(0, rows - 3))
    )  # fmt: skip
    return InzageData(
        municipality_name="Oss",
        client_name="J.P. de Vries",
        client_bsn="111222333",
        client_birth_date=date(1948, 5, 17),
        period_start=START.date(),
        period_end=date(2026, 11, 23),
        made_on=datetime(2026, 11, 23, 13, 45, tzinfo=UTC),
        made_by="Ruud Verhoeven (Teamleider)",
        rows=(fixed + extra)[:rows],
    )


def pdf_text(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return render_inzage_pdf(sample())


def test_the_client_reads_who_did_what_when_in_dutch(sample_pdf):
    text = " ".join(pdf_text(sample_pdf))
    assert "Overzicht van inzage in uw dossier" in text
    assert "artikel 15 van de Algemene verordening gegevensbescherming (AVG)" in text
    assert "NEN 7513" in text
    assert "Gemeente Oss" in text
    for part in ("J.P. de Vries", "1112.22.333", "17 mei 1948"):
        assert part in text
    assert "2 maart 2026 tot en met 23 november 2026" in text
    assert "Ruud Verhoeven (Teamleider)" in text
    assert "23 november 2026 om 14:45" in text  # made on, Amsterdam time
    # the rows, in Amsterdam time (winter and summer), in Dutch
    assert "2 mrt 2026 09:15:30" in text
    assert "14 jul 2026 14:00:05" in text
    assert "15 jul 2026 14:00:05" in text
    for part in (
        "Sanne de Wit", "Wmo-consulent", "Dossier geopend", "Document opgeslagen buiten wmo_desk",
        "beschikking", "werkplek 3f2a9c1b", "Door de server verstrekt", "3 onderdelen",
        "Regionale server", "pagina 1 van 1", "Vertrouwelijk",
    ):  # fmt: skip
        assert part in text, part
    english = re.compile(
        r"\b(page|records?|Monday|Mar|Jul|Nov|AM|PM|UTC|unknown|None|desktop|server\.)\b"
    )
    assert not english.findall(text), english.findall(text)


def test_the_metadata_holds_nothing_personal(sample_pdf):
    info = PdfReader(io.BytesIO(sample_pdf)).metadata
    values = " ".join(str(v) for v in info.values())
    assert "Vries" not in values and "111222333" not in values
    assert info.title == "Overzicht van inzage in uw dossier"


def test_a_long_log_repeats_the_table_header_on_every_page():
    pages = pdf_text(render_inzage_pdf(sample(rows=120)))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "Datum en tijd Wie Wat Toelichting Apparaat Bron" in page
        assert f"pagina {number} van {len(pages)}" in page
    assert "Medewerker 116" in pages[-1]


def test_an_empty_log_says_so():
    data = replace(sample(), rows=(), period_start=None)
    text = " ".join(pdf_text(render_inzage_pdf(data)))
    assert "In deze periode is niets over uw dossier vastgelegd." in text
    assert "Periode 23 november 2026" in text


def test_the_same_data_gives_the_same_bytes():
    assert render_inzage_pdf(sample()) == render_inzage_pdf(sample())


def test_the_csv_opens_in_dutch_excel():
    raw = render_inzage_csv(sample())
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[0][:3] == ["Datum", "Tijd", "Wie"]
    assert rows[1:] == [
        ["02-03-2026", "09:15:30", "Sanne de Wit", "Wmo-consulent", "Dossier geopend", "", "werkplek 3f2a9c1b", "Werkplek"],
        ["14-07-2026", "14:00:05", "Sanne de Wit", "Wmo-consulent", "Document opgeslagen buiten wmo_desk", "beschikking", "werkplek 3f2a9c1b", "Werkplek"],
        ["15-07-2026", "14:00:05", "Ruud Verhoeven", "Teamleider", "Door de server verstrekt", "3 onderdelen", "regionale server", "Regionale server"],
    ]  # fmt: skip
    # nothing about the client but the lines themselves
    assert "Vries" not in raw.decode("utf-8-sig")


def test_a_csv_cell_is_never_a_formula():
    row = InzageRow(START, "=HYPERLINK(1)", "", "-1", "@x", "+a", "Werkplek")
    rows = list(
        csv.reader(
            io.StringIO(render_inzage_csv(replace(sample(), rows=(row,))).decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[1][2:] == ["'=HYPERLINK(1)", "", "'-1", "'@x", "'+a", "Werkplek"]
