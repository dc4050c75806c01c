"""The verslag of the onderzoek: gather what was recorded, render the PDF, keep it in the database."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING

from wmo_desk.domain.codes import resident_omvang_text
from wmo_desk.domain.dates import nl_date
from wmo_desk.domain.deadlines import case_deadlines, term_end
from wmo_desk.domain.documents import DocumentRef
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.forms import (
    PERSON_FIELDS,
    FormDefinition,
    Question,
    QuestionType,
    visible_questions,
    visible_sections,
)
from wmo_desk.domain.zrm import ZRM_DOMAINS

# The documents (reportlab, Jinja2) are imported in the functions that use them: the window
# starts without them.
if TYPE_CHECKING:
    from wmo_desk.documents.verslag import (
        Participant,
        VerslagData,
        VerslagItem,
        VerslagSection,
    )
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.documents import DocumentService

log = logging.getLogger(__name__)

_ROLE_WORDS = ("deelnemer", "aanwezig", "participant")


def answer_text(question: Question, value: object) -> VerslagItem | None:
    """One answered question as readable Dutch (a table for a list of people)."""
    from wmo_desk.documents.verslag import VerslagItem

    if value is None or value == "" or value == []:
        return None
    kind = question.type
    if kind is QuestionType.PEOPLE and isinstance(value, list):
        headers = {
            "name": "Naam",
            "relation": "Relatie",
            "phone": "Telefoon",
            "role": "Rol",
            "notes": "Opmerkingen",
        }
        used = [f for f in PERSON_FIELDS if any(p.get(f) for p in value)]
        return VerslagItem(
            label=question.label,
            columns=tuple(headers.get(f, f) for f in used),
            rows=tuple(tuple(str(p.get(f, "")) for f in used) for p in value),
        )
    if kind is QuestionType.YES_NO:
        text = "Ja" if value is True else "Nee"
    elif kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        labels = dict(question.options)
        values = value if isinstance(value, list) else [value]
        text = ", ".join(labels.get(v, str(v)) for v in values)
    elif kind is QuestionType.DATE and isinstance(value, str):
        text = nl_date(date.fromisoformat(value))
    elif kind is QuestionType.NUMBER:
        text = str(value).replace(".", ",")
    else:
        text = str(value)
    return VerslagItem(label=question.label, text=text)


def sections_of(form: FormDefinition, answers: dict) -> tuple[VerslagSection, ...]:
    """Every visible section with its answered questions; unanswered optional ones left out."""
    from wmo_desk.documents.verslag import VerslagSection

    result = []
    for section in visible_sections(form, answers):
        items = [
            answer_text(q, answers.get(q.id)) for q in visible_questions(section, answers, form)
        ]
        kept = tuple(i for i in items if i is not None)
        if kept:
            result.append(VerslagSection(title=section.title, items=kept))
    return tuple(result)


def participants_of(
    form: FormDefinition, answers: dict, client: str, consultant: str
) -> tuple[Participant, ...]:
    """Who took part: the first list of people in the form, plus the client and the consultant."""
    from wmo_desk.documents.verslag import Participant

    people = [Participant(client, "cliënt"), Participant(consultant, "Wmo-consulent")]
    for section in form.sections:
        for question in section.questions:
            if question.type is QuestionType.PEOPLE and any(w in question.id for w in _ROLE_WORDS):
                for person in answers.get(question.id) or []:
                    if person.get("name"):
                        people.append(
                            Participant(
                                person["name"], person.get("relation") or person.get("role") or ""
                            )
                        )
                return tuple(people)
    return tuple(people)


def _answered_date(answers: dict, question_id: str) -> date | None:
    value = answers.get(question_id)
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _place(form: FormDefinition, answers: dict) -> str:
    """Where the conversation was held, as answered (``gesprek.plaats``, or the text for 'elders')."""
    other = answers.get("gesprek.plaats_anders")
    if answers.get("gesprek.plaats") == "elders" and isinstance(other, str) and other.strip():
        return other.strip()
    question = form.question("gesprek.plaats")
    value = answers.get("gesprek.plaats")
    return dict(question.options).get(value, "") if question and isinstance(value, str) else ""


class VerslagService:
    """Builds and stores the verslag PDF of a case."""

    def __init__(self, services: AppContext, documents: DocumentService) -> None:
        self._s = services
        self._documents = documents

    def data(self, case_id: str) -> VerslagData:
        from wmo_desk.documents.verslag import (
            Deadline,
            ResultRow,
            VerslagData,
            ZrmRow,
        )

        s = self._s
        found = s.conversation.for_case(case_id)
        if found is None:
            raise UserError(
                "Nog geen gesprek", "Voer eerst het keukentafelgesprek; daarna volgt het verslag."
            )
        conversation, form = found
        view = s.cases.view(case_id)
        client, case = view.client, view.case
        catalogue = s.catalogues.current()
        municipality = catalogue.municipality(client.municipality_code) or catalogue.municipality(
            case.municipality_code
        )
        consultant = view.consultant.name if view.consultant else s.profile.user.name
        history = s.assessment.zrm_history(case_id)
        current = history[-1] if history else None
        previous = history[-2] if len(history) > 1 else None

        def level(assessment, domain):
            if assessment is None:
                return None
            return next((x.level for x in assessment.scores if x.domain == domain), None)

        zrm = (
            tuple(
                ZrmRow(
                    domain=d,
                    level=level(current, d),
                    previous_level=level(previous, d),
                    note=next((x.note for x in current.scores if x.domain == d), "")
                    if current
                    else "",
                )
                for d in ZRM_DOMAINS
            )
            if current
            else ()
        )
        names = {c.code: c.name for c in catalogue.care_forms}
        products = {p.code: p.name for p in catalogue.products}
        results = tuple(
            ResultRow(
                area=(f"{r.household_member}: " if r.household_member else "")
                + names.get(r.care_form, r.care_form),
                description=r.description,
                level_or_category=(
                    f"{r.result_area} {r.level}"
                    if r.result_area
                    else products.get(r.product_code, r.product_code)
                )
                # the omvang agreed, in the resident's words ("3 uur per week")
                + (
                    f", {resident_omvang_text(r.volume, r.unit, r.frequency)}"
                    if r.volume is not None
                    else ""
                ),
                term=r.term_end or "",
            )
            for r in s.assessment.results(case_id)
        )
        today = s.clock.today()
        deadlines = [
            Deadline(d.kind.label + " uiterlijk", d.due)
            for d in case_deadlines(case, today)
            if d.binding
        ]
        if case.aanvraag_date is None:
            signed_by = today
            deadlines.append(
                Deadline(
                    "Beschikking uiterlijk (als u vandaag tekent)",
                    term_end(signed_by, timedelta(weeks=2)),
                )
            )
        sender = catalogue.sender(case.municipality_code)
        contact = s.work_contact.for_letter(
            view.consultant.id if view.consultant else s.profile.user.id,
            sender.letter.phone if sender.letter else "",
            sender.letter.email if sender.letter else "",
        )
        return VerslagData(
            municipality_name=municipality.name if municipality else case.municipality_code,
            municipality_code=case.municipality_code,
            municipality_address_lines=sender.sender_lines(),
            consultant_phone=contact.phone,
            consultant_email=contact.email,
            region_name=catalogue.region_name,
            client_name=client.display_name,
            client_bsn=client.bsn,
            client_birth_date=client.birth_date,
            client_address_lines=(client.address.street_line(), client.address.place_line()),
            conversation_date=_answered_date(conversation.answers, "gesprek.datum")
            or conversation.held_on
            or today,
            conversation_place=_place(form, conversation.answers) or conversation.place,
            participants=participants_of(
                form, conversation.answers, client.display_name, consultant
            ),
            consultant_name=consultant,
            sections=sections_of(form, conversation.answers),
            zrm=zrm,
            results=results,
            next_steps=str(conversation.answers.get("conclusie.vervolg") or ""),
            deadlines=tuple(deadlines),
            form_title=form.title,
            form_version=form.version,
            document_date=today,
            zrm_date=current.assessed_on if current else None,
            previous_zrm_date=previous.assessed_on if previous else None,
        )

    def render(self, case_id: str) -> DocumentRef:
        """Render the verslag and keep it in the database (logged as made); returns its reference."""
        from wmo_desk.documents.verslag import render_verslag

        data = self.data(case_id)
        pdf = render_verslag(data)
        filename = f"verslag-{case_id[:8]}-{data.document_date.isoformat()}.pdf"
        ref = self._documents.store(case_id, "verslag", filename, pdf)
        log.info("verslag rendered for case %s (%d bytes)", case_id, len(pdf))
        return ref
