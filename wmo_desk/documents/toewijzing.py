"""The toewijzing (the order to a provider) as a PDF, with the same data as the WMO301 export.

The client's data are only those iWmo asks for (BSN, name, birth date, sex, address). The fixed
wording comes from the Jinja2 templates in ``resources/templates/toewijzing/``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from wmo_desk.documents import layout
from wmo_desk.documents.beschikking import format_euros
from wmo_desk.documents.fonts import register_fonts
from wmo_desk.documents.layout import CONTENT_WIDTH, long_date, para, paragraphs
from wmo_desk.documents.templates import Labels, Texts, make_environment, template_folders
from wmo_desk.documents.wmo301 import SEXES, AllocatedProduct, ClientIdentity
from wmo_desk.domain.bsn import format_bsn
from wmo_desk.domain.codes import CHANGE_REASONS, FREQUENCIES, PRODUCT_CATEGORIES, UNITS

PDF_TITLE = "Toewijzing Wmo"


@dataclass(frozen=True)
class ToewijzingData:
    """One toewijzing (one version of one ToegewezenProduct) for one provider.

    ``product`` is the same value the WMO301 export takes; ``product_name`` names its code
    (e.g. ``"Hulp bij het huishouden basis"``, "" for an aspecific toewijzing).
    """

    municipality_name: str
    municipality_code: str
    municipality_address_lines: tuple[str, ...]
    provider_name: str
    provider_agb: str
    client: ClientIdentity
    product: AllocatedProduct
    version: int
    consultant_name: str
    product_name: str = ""
    consultant_phone: str = ""
    consultant_email: str = ""

    def __post_init__(self) -> None:
        if self.version < 1:
            raise ValueError("versions count from 1")
        if not (len(self.provider_agb) == 8 and self.provider_agb.isdigit()):
            raise ValueError("an AGB code is 8 digits")


def render_toewijzing(data: ToewijzingData, *, template_override_dir: Path | None = None) -> bytes:
    """The toewijzing as PDF bytes: the same data always gives the same bytes.

    Raises:
        jinja2.UndefinedError: a template uses a variable that does not exist.
        jinja2.TemplateError: a template is broken or missing.
    """
    register_fonts()
    rl_config.invariant = 1  # see render_verslag: every wmo_desk PDF is reproducible
    env = make_environment(template_folders(data.municipality_code, template_override_dir))
    texts = Texts(env, "toewijzing", _variables(data))
    heads = texts.labels("headings.txt.j2")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, **layout.document_options(PDF_TITLE, PDF_TITLE, data.municipality_name)
    )
    footer = layout.Footer(
        left=heads.footer_left,
        centre=heads.confidential,
        page_label=heads.page_label,
        header=heads.running_header,
    )
    doc.build(_story(data, texts, heads), canvasmaker=partial(layout.FooterCanvas, footer=footer))
    return buffer.getvalue()


def _variables(data: ToewijzingData) -> dict[str, Any]:
    """The variables every toewijzing template may use (see resources/templates/README.md)."""
    reason = data.product.change_reason
    return {
        "municipality_name": data.municipality_name,
        "municipality_code": data.municipality_code,
        "provider_name": data.provider_name,
        "provider_agb": data.provider_agb,
        "allocation_number": str(data.product.number),
        "version": data.version,
        "change_reason_code": reason,
        "change_reason": CHANGE_REASONS.get(reason, "").lower() if reason else "",
        "consultant_name": data.consultant_name,
        "consultant_phone": data.consultant_phone,
        "consultant_email": data.consultant_email,
    }


def _story(data: ToewijzingData, texts: Texts, heads: Labels) -> list[Flowable]:
    product = data.product
    widths = [CONTENT_WIDTH * 0.36, CONTENT_WIDTH * 0.64]
    story: list[Flowable] = _letterhead(data, heads)
    story.append(Paragraph(layout.markup(heads.title), layout.STYLES["title"]))
    story += paragraphs(texts.render("intro.txt.j2"))
    if product.change_reason:
        story += paragraphs(texts.render("change.txt.j2"))

    story += layout.heading(heads.allocation_heading)
    moment = f"{long_date(product.allocated_on)}, {product.allocated_at.strftime('%H:%M:%S')}"
    # Number and version stand in the block at the top, where a provider looks for them.
    rows: list[tuple[str, str]] = [(heads.allocated_at_label, moment)]
    if product.change_reason:
        reason = CHANGE_REASONS[product.change_reason]
        rows.append((heads.change_label, f"{product.change_reason} – {reason}"))
    category = PRODUCT_CATEGORIES[product.category]
    rows.append((heads.category_label, f"{product.category} – {category}"))
    if product.product_code:
        code = product.product_code
        rows.append(
            (heads.product_label, f"{code} – {data.product_name}" if data.product_name else code)
        )
    else:
        rows.append((heads.product_label, heads.aspecific))
    if product.volume is not None:
        rows.append((heads.volume_label, str(product.volume)))
        rows.append((heads.unit_label, f"{product.unit} – {UNITS[product.unit]}"))
        frequency = FREQUENCIES[product.frequency]
        rows.append((heads.frequency_label, f"{product.frequency} – {frequency}"))
    if product.budget_cents is not None:
        rows.append((heads.budget_label, format_euros(product.budget_cents)))
    rows.append((heads.start_label, long_date(product.start)))
    rows.append((heads.end_label, long_date(product.end) if product.end else heads.no_end))
    if product.comment.strip():
        rows.append((heads.comment_label, product.comment.strip()))
    story.append(layout.label_table(rows, widths))

    story += layout.heading(heads.client_heading)
    person = data.client
    client_rows = [
        (heads.bsn_label, format_bsn(person.bsn)),
        (heads.name_label, person.name.display()),
        (heads.birth_date_label, long_date(person.birth_date)),
        (heads.sex_label, f"{person.sex} – {SEXES[person.sex]}"),
        (heads.address_label, "\n".join(person.address.lines())),
    ]
    story.append(layout.label_table(client_rows, widths))
    story += _parties(data, heads)
    story += [Spacer(1, 4 * mm), *paragraphs(texts.render("contact.txt.j2"))]
    return story


def _letterhead(data: ToewijzingData, heads: Labels) -> list[Flowable]:
    left = [para(heads.letterhead_name, "letterhead")]
    left += [para(line, "small") for line in data.municipality_address_lines]
    rows = [
        (heads.date_label, long_date(data.product.allocated_on)),
        (heads.number_label, str(data.product.number)),
        (heads.version_label, str(data.version)),
    ]
    right = [layout.plain_pairs(rows, [37 * mm, 43 * mm])]
    return [layout.side_by_side(left, right, split=0.53), Spacer(1, 6 * mm)]


def _parties(data: ToewijzingData, heads: Labels) -> list[Flowable]:
    municipality: list[tuple[str, str | Flowable]] = [
        (heads.name_label, f"Gemeente {data.municipality_name}"),
        (heads.cbs_label, data.municipality_code),
        (heads.contact_label, data.consultant_name),
    ]
    if data.consultant_phone:
        municipality.append((heads.phone_label, data.consultant_phone))
    provider = [(heads.name_label, data.provider_name), (heads.agb_label, data.provider_agb)]
    half = CONTENT_WIDTH / 2 - 3 * mm
    widths = [30 * mm, half - 30 * mm]
    if data.consultant_email:
        email = layout.email_value(data.consultant_email, widths[1])
        municipality.append((heads.email_label, email))
    left = [para(heads.municipality_heading, "h3"), layout.plain_pairs(municipality, widths)]
    right = [para(heads.provider_heading, "h3"), layout.plain_pairs(provider, widths)]
    return [Spacer(1, 6 * mm), layout.side_by_side(left, right)]
