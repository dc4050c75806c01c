"""The inzage report (AVG art. 15): who looked at or changed a client's file, when, as PDF and CSV.

The caller turns the server's access log (NEN 7513) into plain data (:class:`InzageData`):
names, roles and actions already in Dutch words. Times are shown in Dutch, Amsterdam time.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from wmo_desk.documents import layout
from wmo_desk.documents.fonts import register_fonts
from wmo_desk.documents.layout import CONTENT_WIDTH, long_date, para
from wmo_desk.domain.bsn import format_bsn

PDF_TITLE = "Overzicht van inzage in uw dossier"
INTRO = (
    "Op grond van artikel 15 van de Algemene verordening gegevensbescherming (AVG) ziet u "
    "hieronder wie uw dossier wanneer heeft ingezien of gewijzigd, zoals vastgelegd in het "
    "toegangslog dat de gemeente volgens de norm NEN 7513 bijhoudt."
)
NO_ROWS = "In deze periode is niets over uw dossier vastgelegd."
HEADER = ("Datum en tijd", "Wie", "Wat", "Toelichting", "Apparaat", "Bron")
CSV_HEADER = ("Datum", "Tijd", "Wie", "Rol", "Wat", "Toelichting", "Apparaat", "Bron")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LOCALE = "nl_NL"
# A cell starting with one of these is a formula to a spreadsheet: it is prefixed with '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class InzageRow:
    """One line of the access log, in the words of the report.

    Attributes:
        at: when (timezone-aware; shown in Amsterdam time).
        who: the person's name ("Sanne de Wit"), or a description when unknown.
        role: the role in words ("Wmo-consulent"), "" when unknown.
        what: the action ("Dossier geopend").
        detail: counts or kinds ("beschikking", "3 onderdelen"), "" for none.
        device: short name of the device ("werkplek 3f2a9c1b", "regionale server").
        source: where the line was written ("Werkplek", "Regionale server").
    """

    at: datetime
    who: str
    role: str
    what: str
    detail: str
    device: str
    source: str

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("inzage times are timezone-aware")


@dataclass(frozen=True)
class InzageData:
    """Everything the inzage report shows. Plain data: no database rows, no Qt.

    ``municipality_name`` is the bare name ("Oss"). The BSN is shown in full: the report goes to
    the client. Nothing personal goes into the PDF's metadata. ``period_start`` is None when the
    log holds nothing about the client.
    """

    municipality_name: str
    client_name: str
    client_bsn: str
    client_birth_date: date
    period_start: date | None
    period_end: date
    made_on: datetime
    made_by: str
    rows: tuple[InzageRow, ...]


def local_time(at: datetime, pattern: str = "d MMM y HH:mm:ss") -> str:
    """``23 nov 2026 10:05:07``: ``at`` in Amsterdam time, in Dutch words (Babel)."""
    return format_datetime(at, pattern, tzinfo=AMSTERDAM, locale=LOCALE)


def period_text(data: InzageData) -> str:
    """``1 maart 2026 tot en met 23 november 2026`` (or from the day the report is made)."""
    start = data.period_start or data.period_end
    if start == data.period_end:
        return long_date(start)
    return f"{long_date(start)} tot en met {long_date(data.period_end)}"


def render_inzage_pdf(data: InzageData) -> bytes:
    """The report as PDF bytes: the same data always gives the same bytes."""
    register_fonts()
    rl_config.invariant = 1  # as in verslag.py: reproducible PDFs, set process-wide on purpose
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, **layout.document_options(PDF_TITLE, "Inzage (AVG art. 15)", data.municipality_name)
    )
    footer = layout.Footer(
        left=f"{PDF_TITLE} · gemaakt op {local_time(data.made_on, 'd MMMM y')}",
        centre="Vertrouwelijk",
        page_label=lambda page, count: f"pagina {page} van {count}",
        header=PDF_TITLE,  # no name on the later pages: the first one says whose
    )
    doc.build(_story(data), canvasmaker=partial(layout.FooterCanvas, footer=footer))
    return buffer.getvalue()


def _story(data: InzageData) -> list[Flowable]:
    story: list[Flowable] = []
    left = [para(f"Gemeente {data.municipality_name}", "letterhead"), para("Team Wmo", "small")]
    right = [
        layout.plain_pairs(
            [
                ("Datum", long_date(data.made_on.astimezone(AMSTERDAM).date())),
                ("Gemaakt door", data.made_by),
            ],
            [28 * mm, 52 * mm],
        )
    ]
    story += [layout.side_by_side(left, right, split=0.53), Spacer(1, 6 * mm)]
    story.append(Paragraph(layout.markup(PDF_TITLE), layout.STYLES["title"]))
    story.append(para(INTRO, "body"))
    story.append(Spacer(1, 2 * mm))
    client = [
        ("Naam", data.client_name),
        ("BSN", format_bsn(data.client_bsn)),
        ("Geboortedatum", long_date(data.client_birth_date)),
        ("Periode", period_text(data)),
        ("Aantal regels", str(len(data.rows))),
        ("Gemaakt op", local_time(data.made_on, "d MMMM y 'om' HH:mm")),
    ]
    story.append(layout.plain_pairs(client, [32 * mm, CONTENT_WIDTH - 32 * mm]))
    story += layout.heading("Wie heeft uw dossier ingezien of gewijzigd")
    if not data.rows:
        story.append(para(NO_ROWS, "body"))
        return story
    rows = [
        (
            local_time(r.at),
            [para(r.who, "compact_bold"), *([para(r.role, "compact")] if r.role else [])],
            r.what,
            r.detail,
            r.device,
            r.source,
        )
        for r in data.rows
    ]
    widths = [CONTENT_WIDTH * w for w in (0.17, 0.21, 0.22, 0.15, 0.14, 0.11)]
    story.append(layout.grid_table(HEADER, rows, widths, compact=True))
    return story


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def render_inzage_csv(data: InzageData) -> bytes:
    """One row per line of the log, for Dutch Excel: UTF-8 with BOM, ``;`` between the cells,
    date ``23-11-2026`` and time ``10:05:07`` in Amsterdam time."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in data.rows:
        writer.writerow(
            [
                local_time(r.at, "dd-MM-y"),
                local_time(r.at, "HH:mm:ss"),
                *(_cell(v) for v in (r.who, r.role, r.what, r.detail, r.device, r.source)),
            ]
        )
    return out.getvalue().encode("utf-8-sig")
