"""The verslag (report of the onderzoek) as a PDF the client reads, signs and returns.

The caller turns the conversation into plain data (:class:`VerslagData`): answers already in
Dutch text, unanswered optional questions left out. The fixed wording comes from the Jinja2
templates in ``resources/templates/verslag/``, which a municipality may override.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from wmo_desk.documents import layout
from wmo_desk.documents.fonts import register_fonts
from wmo_desk.documents.layout import CONTENT_WIDTH, long_date, para, paragraphs
from wmo_desk.documents.templates import Labels, Texts, make_environment, template_folders
from wmo_desk.domain.bsn import format_bsn
from wmo_desk.domain.zrm import ZRM_LEVELS, level_text

PDF_TITLE = "Verslag onderzoek Wmo"


@dataclass(frozen=True)
class Participant:
    """Someone at the conversation: ``("mevrouw A. de Vries", "dochter, mantelzorger")``."""

    name: str
    role: str


@dataclass(frozen=True)
class VerslagItem:
    """One answered question: a text answer, or a small table (e.g. the people in the network).

    With ``columns`` set, ``rows`` is shown as a table and ``text`` (optional) above it.
    """

    label: str
    text: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        if self.rows and any(len(r) != len(self.columns) for r in self.rows):
            raise ValueError(f"every row of {self.label!r} needs {len(self.columns)} cells")


@dataclass(frozen=True)
class VerslagSection:
    """A section of the conversation form with its answered questions."""

    title: str
    items: tuple[VerslagItem, ...]


@dataclass(frozen=True)
class ZrmRow:
    """One ZRM domain: this score, the previous score (None: n.v.t./onbekend) and a note."""

    domain: str
    level: int | None
    previous_level: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        for level in (self.level, self.previous_level):
            if level is not None and level not in ZRM_LEVELS:
                raise ValueError(f"ZRM level {level} is not 1-5")


@dataclass(frozen=True)
class ResultRow:
    """An agreed result; ``term`` is a text ("1 jaar") or the date it must be reached."""

    area: str
    description: str
    level_or_category: str
    term: str | date


@dataclass(frozen=True)
class Deadline:
    """A date the client should know, e.g. ``Deadline("Besluit uiterlijk", date(2026, 4, 27))``."""

    label: str
    day: date


@dataclass(frozen=True)
class VerslagData:
    """Everything the verslag shows. Plain data: no database rows, no Qt.

    ``municipality_name`` is the bare name ("Oss"); ``municipality_code`` its CBS code, used to
    find the municipality's own templates ("" for none). The BSN is shown in full: the verslag
    goes to the client. Nothing personal goes into the PDF's metadata.
    """

    municipality_name: str
    municipality_code: str
    municipality_address_lines: tuple[str, ...]
    region_name: str
    client_name: str
    client_bsn: str
    client_birth_date: date
    client_address_lines: tuple[str, ...]
    conversation_date: date
    conversation_place: str
    participants: tuple[Participant, ...]
    consultant_name: str
    sections: tuple[VerslagSection, ...]
    zrm: tuple[ZrmRow, ...]
    results: tuple[ResultRow, ...]
    next_steps: str
    deadlines: tuple[Deadline, ...]
    form_title: str
    form_version: str
    document_date: date
    consultant_phone: str = ""
    consultant_email: str = ""
    zrm_date: date | None = None
    previous_zrm_date: date | None = None
    reference: str = ""


def render_verslag(data: VerslagData, *, template_override_dir: Path | None = None) -> bytes:
    """The verslag as PDF bytes: the same data always gives the same bytes.

    Args:
        data: what to show.
        template_override_dir: a folder laid out like ``resources/templates`` whose
            ``verslag/*.j2`` files win over the municipality's and the shipped ones.

    Raises:
        jinja2.UndefinedError: a template uses a variable that does not exist.
        jinja2.TemplateError: a template is broken or missing.
    """
    register_fonts()
    # Invariant mode fixes the creation date and the document ID. It is a process-wide
    # setting and is left on deliberately: restoring it would race with a render in
    # another thread, and every wmo_desk PDF should be reproducible anyway.
    rl_config.invariant = 1
    env = make_environment(template_folders(data.municipality_code, template_override_dir))
    texts = Texts(env, "verslag", _variables(data))
    heads = texts.labels("headings.txt.j2")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, **layout.document_options(PDF_TITLE, heads.title, data.municipality_name)
    )
    footer = layout.Footer(
        left=heads.footer_form,
        centre=heads.confidential,
        page_label=heads.page_label,
        header=heads.running_header,
    )
    doc.build(_story(data, texts, heads), canvasmaker=partial(layout.FooterCanvas, footer=footer))
    return buffer.getvalue()


def _variables(data: VerslagData) -> dict[str, Any]:
    """The variables every verslag template may use (see resources/templates/README.md)."""
    return {
        "municipality_name": data.municipality_name,
        "region_name": data.region_name,
        "client_name": data.client_name,
        "conversation_date": long_date(data.conversation_date),
        "conversation_place": data.conversation_place,
        "consultant_name": data.consultant_name,
        "consultant_phone": data.consultant_phone,
        "consultant_email": data.consultant_email,
        "document_date": long_date(data.document_date),
        "reference": data.reference,
        "zrm_date": long_date(data.zrm_date) if data.zrm_date else "",
        "previous_zrm_date": long_date(data.previous_zrm_date) if data.previous_zrm_date else "",
        "has_zrm": bool(data.zrm),
        "has_results": bool(data.results),
        "next_steps": data.next_steps,
        "deadlines": [{"label": d.label, "date": long_date(d.day)} for d in data.deadlines],
        "form_title": data.form_title,
        "form_version": data.form_version,
    }


def _story(data: VerslagData, texts: Texts, heads: Labels) -> list[Flowable]:
    story: list[Flowable] = []
    story += _letterhead(data, heads)
    story.append(Paragraph(layout.markup(heads.title), layout.STYLES["title"]))
    story += paragraphs(texts.render("intro.txt.j2"))
    story += _client_and_conversation(data, heads)
    story += _participants(data, heads)
    for section in data.sections:
        story += _section(section)
    story += _zrm(data, texts, heads)
    story += _results(data, texts, heads)
    story += _next_steps(data, texts, heads)
    story += _signature(data, texts, heads)
    return story


def _letterhead(data: VerslagData, heads: Labels) -> list[Flowable]:
    left = [para(heads.letterhead_name, "letterhead")]
    left += [para(line, "small") for line in data.municipality_address_lines]
    right_rows = [(heads.date_label, long_date(data.document_date))]
    if data.reference:
        right_rows.append((heads.reference_label, data.reference))
    if data.region_name:
        right_rows.append((heads.region_label, data.region_name))
    right = [layout.plain_pairs(right_rows, [22 * mm, 58 * mm])]
    return [layout.side_by_side(left, right, split=0.53), Spacer(1, 6 * mm)]


def _client_and_conversation(data: VerslagData, heads: Labels) -> list[Flowable]:
    client = [
        (heads.name_label, data.client_name),
        (heads.bsn_label, format_bsn(data.client_bsn)),
        (heads.birth_date_label, long_date(data.client_birth_date)),
        (heads.address_label, "\n".join(data.client_address_lines)),
    ]
    talk: list[tuple[str, str | Flowable]] = [
        (heads.conversation_date_label, long_date(data.conversation_date)),
        (heads.place_label, data.conversation_place),
        (heads.consultant_label, data.consultant_name),
    ]
    if data.consultant_phone:
        talk.append((heads.phone_label, data.consultant_phone))
    half = CONTENT_WIDTH / 2 - 3 * mm
    widths = [31 * mm, half - 31 * mm]
    if data.consultant_email:
        talk.append((heads.email_label, layout.email_value(data.consultant_email, widths[1])))
    left = [para(heads.client_heading, "h3"), layout.plain_pairs(client, widths)]
    right = [para(heads.conversation_heading, "h3"), layout.plain_pairs(talk, widths)]
    return [Spacer(1, 2 * mm), layout.side_by_side(left, right)]


def _participants(data: VerslagData, heads: Labels) -> list[Flowable]:
    if not data.participants:
        return []
    rows = [(p.name, p.role) for p in data.participants]
    widths = [CONTENT_WIDTH * 0.45, CONTENT_WIDTH * 0.55]
    return [
        *layout.heading(heads.participants_heading),
        layout.grid_table([heads.name_label, heads.role_label], rows, widths),
    ]


def _section(section: VerslagSection) -> list[Flowable]:
    """Text answers as label/answer rows; a table answer breaks the rows with its own table."""
    out: list[Flowable] = layout.heading(section.title)
    pending: list[tuple[str, list[Flowable]]] = []
    widths = [CONTENT_WIDTH * 0.34, CONTENT_WIDTH * 0.66]

    def flush() -> None:
        if pending:
            out.append(layout.label_table(pending, widths))
            pending.clear()

    for item in section.items:
        if item.columns:
            flush()
            out += [para(item.label, "h3"), *paragraphs(item.text, "cell")]
            out += [layout.grid_table(item.columns, item.rows), Spacer(1, 3 * mm)]
        else:
            pending.append((item.label, paragraphs(item.text, "cell") or [para("–")]))
    flush()
    return out


def _zrm(data: VerslagData, texts: Texts, heads: Labels) -> list[Flowable]:
    out: list[Flowable] = layout.heading(heads.zrm_heading)
    out += paragraphs(texts.render("zrm.txt.j2"))
    if not data.zrm:
        return out
    with_previous = any(r.previous_level is not None for r in data.zrm) or bool(
        data.previous_zrm_date
    )
    score = heads.zrm_score_label
    if data.zrm_date:
        score += f"\n({long_date(data.zrm_date)})"
    if with_previous:
        previous = heads.zrm_previous_label
        if data.previous_zrm_date:
            previous += f"\n({long_date(data.previous_zrm_date)})"
        header = [heads.zrm_domain_label, previous, score, heads.zrm_note_label]
        rows = [
            (r.domain, level_text(r.previous_level), level_text(r.level), r.note) for r in data.zrm
        ]
        # Wide enough for "4 – voldoende zelfredzaam" on one line, so the scores line up.
        widths = [0.235, 0.255, 0.255, 0.255]
    else:
        header = [heads.zrm_domain_label, score, heads.zrm_note_label]
        rows = [(r.domain, level_text(r.level), r.note) for r in data.zrm]
        widths = [0.26, 0.26, 0.48]
    table = layout.grid_table(header, rows, [CONTENT_WIDTH * w for w in widths], compact=True)
    out.append(table)
    return out


def _results(data: VerslagData, texts: Texts, heads: Labels) -> list[Flowable]:
    out: list[Flowable] = layout.heading(heads.results_heading)
    out += paragraphs(texts.render("results.txt.j2"))
    if not data.results:
        return out
    header = [
        heads.result_area_label,
        heads.result_description_label,
        heads.result_level_label,
        heads.result_term_label,
    ]
    rows = [
        (
            r.area,
            r.description,
            r.level_or_category,
            long_date(r.term) if isinstance(r.term, date) else r.term,
        )
        for r in data.results
    ]
    widths = [CONTENT_WIDTH * w for w in (0.22, 0.42, 0.19, 0.17)]
    out.append(layout.grid_table(header, rows, widths))
    return out


def _next_steps(data: VerslagData, texts: Texts, heads: Labels) -> list[Flowable]:
    out: list[Flowable] = layout.heading(heads.next_steps_heading)
    out += paragraphs(texts.render("next_steps.txt.j2"))
    if data.deadlines:
        rows = [(d.label, long_date(d.day)) for d in data.deadlines]
        widths = [CONTENT_WIDTH * 0.5, CONTENT_WIDTH * 0.5]
        out += [para(heads.deadlines_heading, "h3"), layout.label_table(rows, widths)]
    return out


def _signature(data: VerslagData, texts: Texts, heads: Labels) -> list[Flowable]:
    block: list[Flowable] = [para(heads.signature_heading, "h2")]
    block += paragraphs(texts.render("signature.txt.j2"))
    block.append(layout.checkbox(heads.agree_label))
    block.append(layout.checkbox(heads.disagree_label))
    block.append(layout.write_lines(["", "", ""], 6 * mm, height=7 * mm))
    block.append(Spacer(1, 3 * mm))
    labels = [heads.name_label, heads.date_label, heads.signature_label]
    block.append(layout.write_lines(labels, 32 * mm, last_height=16 * mm))
    # The whole block on one page: a client signs what he sees next to his signature.
    return [CondPageBreak(40 * mm), KeepTogether(block)]
