"""Page, styles and building blocks (tables, ruled lines, footer) shared by the PDF documents."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from xml.sax.saxutils import escape

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from wmo_desk.documents.fonts import BOLD, REGULAR

PAGE_SIZE = A4
MARGIN_LEFT = MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 24 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT

ACCENT = colors.HexColor("#1f4e79")
SHADE = colors.HexColor("#e9eff6")
RULE = colors.HexColor("#a9b8c8")
MUTED = colors.HexColor("#555555")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _style(name: str, **kw) -> ParagraphStyle:
    # bulletFontName defaults to Helvetica: set it so no base-14 font can sneak into the PDF.
    base = {"fontName": REGULAR, "bulletFontName": REGULAR, "fontSize": 9.5, "leading": 13}
    return ParagraphStyle(name, **{**base, **kw})


STYLES: dict[str, ParagraphStyle] = {
    "body": _style("body", spaceAfter=5),
    "cell": _style("cell", fontSize=9, leading=12),
    # Later paragraphs of a table cell: space above, none below (that would pad the cell).
    "cell_next": _style("cell_next", fontSize=9, leading=12, spaceBefore=5),
    "cell_bold": _style("cell_bold", fontName=BOLD, fontSize=9, leading=12),
    "compact": _style("compact", fontSize=8.5, leading=11),
    "compact_bold": _style("compact_bold", fontName=BOLD, fontSize=8.5, leading=11),
    "small": _style("small", fontSize=8, leading=10.5, textColor=MUTED),
    # The addressee in an envelope window: a little larger, for the post's sorting machines.
    "address": _style("address", fontSize=10, leading=13.5),
    "letterhead": _style("letterhead", fontName=BOLD, fontSize=13, leading=16, textColor=ACCENT),
    "title": _style(
        "title",
        fontName=BOLD,
        fontSize=15,
        leading=19,
        textColor=ACCENT,
        spaceBefore=6,
        spaceAfter=8,
    ),
    # No keepWithNext: reportlab cannot keep a heading with a KeepTogether block and would
    # keep it with a whole table instead. heading() starts a new page when little room is left.
    "h2": _style(
        "h2",
        fontName=BOLD,
        fontSize=11.5,
        leading=15,
        textColor=ACCENT,
        spaceBefore=10,
        spaceAfter=4,
    ),
    "h3": _style(
        "h3", fontName=BOLD, fontSize=9.5, leading=13, spaceBefore=4, spaceAfter=2, keepWithNext=1
    ),
}


def long_date(day: date) -> str:
    """``13 april 2026``: the Dutch long date, from the locale data, never ``strftime``."""
    return format_date(day, format="long", locale="nl_NL")


def markup(text: str) -> str:
    """Plain text as reportlab Paragraph markup: ``<`` and ``&`` escaped, newlines kept."""
    clean = _CONTROL.sub("", text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n"))
    return escape(clean).replace("\n", "<br/>")


def paragraphs(text: str, style: str = "body") -> list[Paragraph]:
    """One Paragraph per blank-line-separated block of plain ``text`` (nothing when empty)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip().replace("\r\n", "\n"))]
    later = STYLES.get(f"{style}_next", STYLES[style])
    return [
        Paragraph(markup(b), STYLES[style] if i == 0 else later)
        for i, b in enumerate(b for b in blocks if b)
    ]


def para(text: str, style: str = "cell") -> Paragraph:
    """One Paragraph of plain ``text``."""
    return Paragraph(markup(text), STYLES[style])


def heading(text: str) -> list[Flowable]:
    """A section heading, moved to the next page when fewer than 4 cm are left below it."""
    return [CondPageBreak(40 * mm), para(text, "h2")]


def checkbox(text: str) -> Paragraph:
    """An empty box to tick, then ``text``."""
    return Paragraph(f'<font size="13">\u2610</font>&nbsp;&nbsp;{markup(text)}', STYLES["body"])


def _base_table_style() -> list[tuple]:
    return [
        ("FONT", (0, 0), (-1, -1), REGULAR, 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]


def label_table(rows: Sequence[tuple[str, str | list[Flowable]]], widths: Sequence[float]) -> Table:
    """Label (bold, left) and value (right) pairs; long values wrap and may split over pages."""
    data = [
        [para(label, "cell_bold"), value if isinstance(value, list) else para(value)]
        for label, value in rows
    ]
    style = [*_base_table_style(), ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE)]
    return Table(data, colWidths=list(widths), style=TableStyle(style), splitInRow=1, hAlign="LEFT")


def email_value(address: str, width: float) -> str | Paragraph:
    """An e-mail address for a value cell ``width`` wide: as is when it fits on one line, else
    broken after the @ (Paragraph would break it at any hyphen, mid-name)."""
    room = width - 8  # the cell's left and right padding
    if "@" not in address or stringWidth(address, REGULAR, 9) <= room:
        return address
    local, domain = address.rsplit("@", 1)
    return Paragraph(f"{markup(local)}@<br/>{markup(domain)}", STYLES["cell"])


def plain_pairs(rows: Sequence[tuple[str, str | Flowable]], widths: Sequence[float]) -> Table:
    """Label and value pairs without rules: the compact blocks under the letterhead."""
    data = [
        [para(label, "cell_bold"), value if isinstance(value, Flowable) else para(value)]
        for label, value in rows
    ]
    style = [
        *_base_table_style(),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    return Table(data, colWidths=list(widths), style=TableStyle(style), hAlign="LEFT")


def grid_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str | list[Flowable]]],
    widths: Sequence[float] | None = None,
    *,
    compact: bool = False,
) -> Table:
    """A table with a shaded header row that is repeated on every page it spans.

    ``compact`` uses a slightly smaller type, for wide tables such as the ZRM.
    """
    if widths is None:
        widths = [CONTENT_WIDTH / len(header)] * len(header)
    body, bold = ("compact", "compact_bold") if compact else ("cell", "cell_bold")
    data: list[list] = [[para(h, bold) for h in header]]
    data += [[c if isinstance(c, list) else para(c, body) for c in row] for row in rows]
    style = [
        *_base_table_style(),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
    ]
    return Table(
        data,
        colWidths=list(widths),
        style=TableStyle(style),
        repeatRows=1,
        splitInRow=1,
        hAlign="LEFT",
    )


def side_by_side(left: list[Flowable], right: list[Flowable], split: float = 0.5) -> Table:
    """Two columns of flowables next to each other (letterhead, client and conversation data)."""
    widths = [CONTENT_WIDTH * split, CONTENT_WIDTH * (1 - split)]
    style = [
        # Table calls setFont even for cells of flowables: without this, Helvetica is embedded.
        ("FONT", (0, 0), (-1, -1), REGULAR, 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), 6 * mm),
        ("RIGHTPADDING", (1, 0), (1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
    return Table([[left, right]], colWidths=widths, style=TableStyle(style), hAlign="LEFT")


def write_lines(
    labels: Sequence[str], label_width: float, height: float = 9 * mm, last_height: float = 0
) -> Table:
    """Labels with an empty ruled line to write on (name, date, signature, remarks).

    ``last_height`` makes the last line taller: room for a signature.
    """
    data = [[para(label, "cell_bold"), ""] for label in labels]
    style = [
        *_base_table_style(),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
    ]
    widths = [label_width, CONTENT_WIDTH - label_width]
    return Table(
        data,
        colWidths=widths,
        rowHeights=[height] * (len(labels) - 1) + [max(height, last_height)],
        style=TableStyle(style),
        hAlign="LEFT",
    )


class Footer:
    """What every page carries at the bottom (and, from page 2, a small running header)."""

    def __init__(self, left: str, centre: str, page_label: Callable[[int, int], str], header: str):
        self.left = left
        self.centre = centre  # drawn bold before the page number, e.g. "Vertrouwelijk"
        self.page_label = page_label
        self.header = header

    def draw(self, canvas: Canvas, page: int, page_count: int) -> None:
        width, _height = PAGE_SIZE
        x0, x1 = MARGIN_LEFT, width - MARGIN_RIGHT
        y = 13 * mm
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(x0, y + 4 * mm, x1, y + 4 * mm)
        canvas.setFillColor(MUTED)
        page_text = self.page_label(page, page_count)
        canvas.setFont(REGULAR, 7.5)
        canvas.drawRightString(x1, y, page_text)
        right = x1 - canvas.stringWidth(page_text, REGULAR, 7.5) - 5 * mm
        canvas.setFont(BOLD, 7.5)
        canvas.drawRightString(right, y, self.centre)
        # A long form title shrinks rather than running into "Vertrouwelijk".
        room = right - canvas.stringWidth(self.centre, BOLD, 7.5) - 5 * mm - x0
        size = min(7.5, 7.5 * room / max(canvas.stringWidth(self.left, REGULAR, 7.5), 1))
        canvas.setFont(REGULAR, size)
        canvas.drawString(x0, y, self.left)
        if page > 1 and self.header:
            canvas.setFont(REGULAR, 7.5)
            canvas.drawString(x0, PAGE_SIZE[1] - 12 * mm, self.header)
        canvas.restoreState()


class FooterCanvas(Canvas):
    """A canvas that holds its pages back until the end, so each can say "pagina 1 van 3"."""

    def __init__(self, *args, footer: Footer, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        count = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._footer.draw(self, number, count)
            super().showPage()
        super().save()


def document_options(title: str, subject: str, municipality_name: str) -> dict:
    """The page and metadata settings every wmo_desk PDF shares (no personal data in metadata)."""
    return {
        "pagesize": PAGE_SIZE,
        "leftMargin": MARGIN_LEFT,
        "rightMargin": MARGIN_RIGHT,
        "topMargin": MARGIN_TOP,
        "bottomMargin": MARGIN_BOTTOM,
        "title": title,
        "author": f"Gemeente {municipality_name}",
        "subject": subject,
        "creator": "wmo_desk",
        "invariant": 1,
        "initialFontName": REGULAR,
        "lang": "nl-NL",
    }
