"""The beschikking (the decision letter on a Wmo application) as a PDF for a window envelope.

The caller passes plain data (:class:`BeschikkingData`) with all texts already in Dutch; the
fixed wording comes from the Jinja2 templates in ``resources/templates/beschikking/``, which a
municipality may override. Page 1 is laid out for a standard Dutch window envelope (window on
the left, 20 mm from the left and 50 mm from the top, 90 × 45 mm).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from babel.numbers import format_currency
from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus.flowables import Flowable

from wmo_desk.documents import layout
from wmo_desk.documents.fonts import BOLD, REGULAR, register_fonts
from wmo_desk.documents.layout import CONTENT_WIDTH, long_date, para, paragraphs
from wmo_desk.documents.templates import Labels, Texts, make_environment, template_folders
from wmo_desk.domain.decisions import DecisionOutcome, DeliveryForm

PDF_TITLE = "Besluit Wmo"
# h3 without keepWithNext, which would make reportlab keep the title with the whole table.
_PROVISION_TITLE = ParagraphStyle("provision_title", parent=layout.STYLES["h3"], keepWithNext=0)

# The window of a standard Dutch envelope (venster links), measured from the top-left corner.
WINDOW_LEFT = 20 * mm
WINDOW_TOP = 50 * mm
WINDOW_WIDTH = 90 * mm
WINDOW_HEIGHT = 45 * mm
# Right column of page 1: the municipality's address and the date/kenmerk block.
INFO_LEFT = 114 * mm
# Page 1's text starts below the window.
FIRST_FRAME_TOP = WINDOW_TOP + WINDOW_HEIGHT + 8 * mm


@dataclass(frozen=True)
class Addressee:
    """The three lines in the envelope window: name, street, postcode and PLACE."""

    name_line: str
    street_line: str
    postcode_place_line: str


@dataclass(frozen=True)
class ProvisionText:
    """One maatwerkvoorziening as the letter states it (all texts already in Dutch).

    ``omvang`` is a text such as ``"4 uur per week"`` or ``"Basis per maand"``. Natura needs
    ``provider_name``; pgb needs ``pgb_cents`` (eurocents), ``pgb_purpose`` and ``pgb_period``
    (how often the amount is given, e.g. ``"per jaar"``).
    """

    category_code: str
    category_name: str
    product_code: str
    product_name: str
    result: str
    omvang: str
    start: date
    end: date | None
    delivery_form: DeliveryForm
    provider_name: str = ""
    pgb_cents: int | None = None
    pgb_purpose: str = ""
    pgb_period: str = ""

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError("the einddatum lies before the ingangsdatum")
        if self.delivery_form is DeliveryForm.NATURA and not self.provider_name:
            raise ValueError("zorg in natura needs a provider")
        pgb_incomplete = self.pgb_cents is None or self.pgb_cents <= 0 or not self.pgb_purpose
        if self.delivery_form is DeliveryForm.PGB and pgb_incomplete:
            raise ValueError("a pgb needs a positive amount and what it is for")


@dataclass(frozen=True)
class BeschikkingData:
    """Everything the decision letter shows. Plain data: no database rows, no Qt.

    ``objection_deadline`` is the last day to object, computed by the domain (6 weeks after the
    letter is sent, Algemene termijnenwet). ``contribution_cents`` is the abonnementstarief per
    ``contribution_period``; the paragraph is left out when nothing is granted.
    """

    municipality_name: str
    municipality_code: str
    municipality_address_lines: tuple[str, ...]
    addressee: Addressee
    salutation: str
    document_date: date
    kenmerk: str
    outcome: DecisionOutcome
    provisions: tuple[ProvisionText, ...]
    motivation: str
    objection_deadline: date
    objection_addressee: str
    objection_address_lines: tuple[str, ...]
    approver_name: str
    approver_function: str
    consultant_name: str
    subject: str = "Besluit op uw aanvraag Wmo"
    consultant_phone: str = ""
    consultant_email: str = ""
    application_date: date | None = None
    verslag_date: date | None = None
    contribution_cents: int | None = None
    contribution_period: str = "per maand"
    contribution_year: int | None = None
    return_address: str = ""
    replaces_kenmerk: str = ""
    #: where to object online (``www.oss.nl/bezwaar``); empty: by letter only
    objection_online: str = ""

    def __post_init__(self) -> None:
        refused = self.outcome is DecisionOutcome.AFGEWEZEN
        if refused and self.provisions:
            raise ValueError("a refusal grants no provisions")
        if not refused and not self.provisions:
            raise ValueError("a grant needs at least one provision")
        if not self.motivation.strip():
            raise ValueError("every decision needs a motivering")


def format_euros(cents: int) -> str:
    """``€ 1.234,56``: an amount in eurocents as Dutch letters write it."""
    return format_currency(cents / 100, "EUR", locale="nl_NL")


def render_beschikking(
    data: BeschikkingData, *, template_override_dir: Path | None = None
) -> bytes:
    """The decision letter as PDF bytes: the same data always gives the same bytes.

    Args:
        data: what to show.
        template_override_dir: a folder laid out like ``resources/templates`` whose
            ``beschikking/*.j2`` files win over the municipality's and the shipped ones.

    Raises:
        jinja2.UndefinedError: a template uses a variable that does not exist.
        jinja2.TemplateError: a template is broken or missing.
    """
    register_fonts()
    rl_config.invariant = 1  # see render_verslag: every wmo_desk PDF is reproducible
    env = make_environment(template_folders(data.municipality_code, template_override_dir))
    texts = Texts(env, "beschikking", _variables(data))
    heads = texts.labels("headings.txt.j2")

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, **layout.document_options(PDF_TITLE, PDF_TITLE, data.municipality_name)
    )
    page_height = layout.PAGE_SIZE[1]
    first = Frame(
        layout.MARGIN_LEFT,
        layout.MARGIN_BOTTOM,
        CONTENT_WIDTH,
        page_height - FIRST_FRAME_TOP - layout.MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="first",
    )
    later = Frame(
        layout.MARGIN_LEFT,
        layout.MARGIN_BOTTOM,
        CONTENT_WIDTH,
        page_height - layout.MARGIN_TOP - layout.MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="later",
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                "first",
                [first],
                onPage=partial(_first_page, data=data, heads=heads),
                autoNextPageTemplate="later",
            ),
            PageTemplate("later", [later]),
        ]
    )
    footer = layout.Footer(
        left=heads.footer_left,
        centre=heads.footer_centre,
        page_label=heads.page_label,
        header=heads.running_header,
    )
    doc.build(_story(data, texts, heads), canvasmaker=partial(layout.FooterCanvas, footer=footer))
    return buffer.getvalue()


def _variables(data: BeschikkingData) -> dict[str, Any]:
    """The variables every beschikking template may use (see resources/templates/README.md)."""
    pgb = [p for p in data.provisions if p.delivery_form is DeliveryForm.PGB]
    return {
        "municipality_name": data.municipality_name,
        "return_address_text": data.return_address or ", ".join(data.municipality_address_lines),
        "salutation": data.salutation,
        "document_date": long_date(data.document_date),
        "kenmerk": data.kenmerk,
        "subject": data.subject,
        "outcome": data.outcome.value,
        "application_date": long_date(data.application_date) if data.application_date else "",
        "verslag_date": long_date(data.verslag_date) if data.verslag_date else "",
        "replaces_kenmerk": data.replaces_kenmerk,
        "has_natura": len(pgb) < len(data.provisions),
        "has_pgb": bool(pgb),
        "motivation": data.motivation,
        "contribution_amount": (
            format_euros(data.contribution_cents) if data.contribution_cents is not None else ""
        ),
        "contribution_period": data.contribution_period,
        "contribution_year": data.contribution_year or data.document_date.year,
        "objection_deadline": long_date(data.objection_deadline),
        "objection_addressee": data.objection_addressee,
        "objection_address_lines": list(data.objection_address_lines),
        "objection_online": data.objection_online,
        "approver_name": data.approver_name,
        "approver_function": data.approver_function,
        "consultant_name": data.consultant_name,
        "consultant_phone": data.consultant_phone,
        "consultant_email": data.consultant_email,
    }


def _first_page(canvas: Canvas, doc: BaseDocTemplate, *, data: BeschikkingData, heads: Labels):
    """Letterhead, the address in the envelope window and the date/kenmerk block on page 1."""
    top = layout.PAGE_SIZE[1]

    def place(flowable: Flowable, x: float, y_from_top: float, width: float) -> float:
        _w, height = flowable.wrapOn(canvas, width, top)
        flowable.drawOn(canvas, x, top - y_from_top - height)
        return height

    canvas.saveState()
    place(para(heads.letterhead_name, "letterhead"), layout.MARGIN_LEFT, layout.MARGIN_TOP, 90 * mm)
    info_width = layout.PAGE_SIZE[0] - layout.MARGIN_RIGHT - INFO_LEFT
    lines = [para(line, "small") for line in data.municipality_address_lines]
    y = layout.MARGIN_TOP
    for line in lines:
        y += place(line, INFO_LEFT, y, info_width)

    inner = WINDOW_LEFT + 5 * mm
    place(para(heads.return_address, "small"), inner, WINDOW_TOP + 5 * mm, WINDOW_WIDTH - 10 * mm)
    address = "\n".join(
        (data.addressee.name_line, data.addressee.street_line, data.addressee.postcode_place_line)
    )
    place(para(address, "address"), inner, WINDOW_TOP + 13 * mm, WINDOW_WIDTH - 10 * mm)

    rows: list[tuple[str, str | Flowable]] = [
        (heads.date_label, long_date(data.document_date)),
        (heads.reference_label, data.kenmerk),
    ]
    rows.append((heads.contact_label, data.consultant_name))
    if data.consultant_phone:
        rows.append((heads.phone_label, data.consultant_phone))
    # The labels take what the widest needs, so a kenmerk (20 characters) fits on one line;
    # a longer one a municipality makes is set smaller rather than broken mid-number.
    padding = 4  # the table's right padding of the label column
    label_width = max(stringWidth(label, BOLD, 9) for label, _v in rows) + padding + 2 * mm
    value_width = info_width - label_width
    if data.consultant_email:
        rows.append((heads.email_label, layout.email_value(data.consultant_email, value_width)))
    size = 9.0
    while size > 6.5 and stringWidth(data.kenmerk, REGULAR, size) + 2 * padding > value_width:
        size -= 0.5
    if size < 9:
        style = ParagraphStyle("kenmerk", parent=layout.STYLES["cell"], fontSize=size)
        rows[1] = (heads.reference_label, Paragraph(layout.markup(data.kenmerk), style))
    place(layout.plain_pairs(rows, [label_width, value_width]), INFO_LEFT, WINDOW_TOP, info_width)
    canvas.restoreState()


def _story(data: BeschikkingData, texts: Texts, heads: Labels) -> list[Flowable]:
    subject = f"<b>{layout.markup(heads.subject_label)}:</b> {layout.markup(data.subject)}"
    story: list[Flowable] = [Paragraph(subject, layout.STYLES["body"]), Spacer(1, 4 * mm)]
    story += paragraphs(texts.render("intro.txt.j2"))
    story += [para(heads.decision_heading, "h2"), *paragraphs(texts.render("decision.txt.j2"))]
    if data.provisions:
        story += layout.heading(heads.provisions_heading)
        for provision in data.provisions:
            story += _provision(provision, heads)
        story += paragraphs(texts.render("provisions.txt.j2"))
    story += layout.heading(heads.motivation_heading)
    story += paragraphs(texts.render("motivation.txt.j2"))
    if data.provisions and data.contribution_cents is not None:
        story += layout.heading(heads.contribution_heading)
        story += paragraphs(texts.render("contribution.txt.j2"))
    story += layout.heading(heads.objection_heading)
    story += paragraphs(texts.render("objection.txt.j2"))
    story += layout.heading(heads.questions_heading)
    story += paragraphs(texts.render("closing.txt.j2"))
    story += _signature(data, texts)
    return story


def _provision(p: ProvisionText, heads: Labels) -> list[Flowable]:
    if p.delivery_form is DeliveryForm.PGB:
        period = f"{long_date(p.start)} – {long_date(p.end)}" if p.end else long_date(p.start)
        delivery = [
            para(heads.pgb_label, "cell_bold"),
            para(f"{heads.pgb_amount_label}: {format_euros(p.pgb_cents or 0)} {p.pgb_period}"),
            para(f"{heads.pgb_purpose_label}: {p.pgb_purpose}"),
            para(f"{heads.pgb_period_label}: {period}"),
        ]
    else:
        delivery = [para(f"{heads.natura_label} {heads.natura_provider} {p.provider_name}")]
    rows: list[tuple[str, str | list[Flowable]]] = [
        (heads.category_label, f"{p.category_name} (categorie {p.category_code})"),
        (heads.product_label, f"{p.product_name} (productcode {p.product_code})"),
        (heads.result_label, p.result),
        (heads.omvang_label, p.omvang),
        (heads.start_label, long_date(p.start)),
        (heads.end_label, long_date(p.end) if p.end else heads.no_end),
        (heads.delivery_label, delivery),
    ]
    widths = [CONTENT_WIDTH * 0.36, CONTENT_WIDTH * 0.64]
    # Not kept together: a second provision would leave half a page empty. The table splits
    # between rows; its title moves along when less than 3 cm is left.
    title = Paragraph(layout.markup(p.category_name), _PROVISION_TITLE)
    return [CondPageBreak(30 * mm), title, layout.label_table(rows, widths), Spacer(1, 4 * mm)]


def _signature(data: BeschikkingData, texts: Texts) -> list[Flowable]:
    block: list[Flowable] = [Spacer(1, 4 * mm), *paragraphs(texts.render("signature.txt.j2"))]
    block += [Spacer(1, 14 * mm), para(data.approver_name, "cell_bold")]
    block.append(para(data.approver_function))
    return [CondPageBreak(45 * mm), KeepTogether(block)]
