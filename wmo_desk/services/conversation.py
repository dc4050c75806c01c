"""The keukentafelgesprek of a case: which form, the answers (saved continuously), completion."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from wmo_desk.domain.cases import TRANSITIONS, Case, Stage, move_to_stage
from wmo_desk.domain.conversation import Conversation
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.forms import FormDefinition, Question, from_dict, missing_required, to_dict
from wmo_desk.services import evaluations
from wmo_desk.services.clock import Clock
from wmo_desk.services.profile import Profile
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.conversations import ConversationRepository

if TYPE_CHECKING:  # the form loader (and yaml) load with the first form read
    from wmo_desk.formdefs.loader import FormDefinitionError

log = logging.getLogger(__name__)

FORM_ID = "keukentafelgesprek"

#: Questions of a form answered at the start from what the melding already says (the
#: consultant reads it back with the client and corrects it; nothing is typed twice).
PREFILL: dict[str, Callable[[Case], str]] = {
    "hulpvraag.vraag": lambda case: case.request_text.strip(),
}


def prefilled_answers(form: FormDefinition, case: Case) -> dict[str, object]:
    """The answers a new conversation starts with: :data:`PREFILL` for the questions ``form`` has."""
    asked = {q.id for section in form.sections for q in section.questions}
    answers: dict[str, object] = {}
    for question_id, source in PREFILL.items():
        value = source(case)
        if question_id in asked and value:
            answers[question_id] = value
    return answers


class ConversationService:
    """Starts conversations, keeps their answers and the exact form version they used."""

    def __init__(self, db: Database, clock: Clock, profile: Profile, forms_dir: Path) -> None:
        self._db = db
        self._clock = clock
        self._profile = profile
        self._forms_dir = forms_dir
        self._forms: list[FormDefinition] | None = None
        self.form_errors: list[FormDefinitionError] = []

    def offered_forms(self) -> list[FormDefinition]:
        """The valid versions of the keukentafelgesprek in forms/ (other forms there, such as
        the cliëntervaring questionnaire, are not conversations); malformed ones are in
        :attr:`form_errors` and not offered."""
        if self._forms is None:
            from wmo_desk.formdefs.loader import available_forms  # with yaml, when first needed

            forms, self.form_errors = available_forms(self._forms_dir)
            self._forms = [f for f in forms if f.form_id == FORM_ID]
            for error in self.form_errors:
                log.warning("form definition refused: %s", error.message)
        return self._forms

    def for_case(self, case_id: str) -> tuple[Conversation, FormDefinition] | None:
        """The case's conversation with the definition it was held with, or None."""
        with self._db.session() as session:
            repo = ConversationRepository(session)
            conversation = repo.for_case(case_id)
            if conversation is None:
                return None
            data = repo.snapshot(conversation.form_id, conversation.form_version)
        if data is None:
            raise UserError(
                "Formulier ontbreekt", "Het gespreksformulier van dit gesprek is niet bewaard."
            )
        return conversation, from_dict(data)

    def start(self, case_id: str, form_id: str = FORM_ID) -> tuple[Conversation, FormDefinition]:
        """Begin the conversation with the newest version of ``form_id``; keeps a snapshot of it."""
        from wmo_desk.formdefs.loader import latest

        forms = self.offered_forms()
        form = latest(forms, form_id)
        if form is None:
            problems = (
                "; ".join(e.message for e in self.form_errors)
                or "het gespreksformulier is niet meegeleverd met deze installatie"
            )
            raise UserError(
                "Geen gespreksformulier", f"Het keukentafelgesprek kan niet starten: {problems}"
            )
        user = self._profile.user
        with self._db.session() as session:
            case = CaseRepository(session).get(case_id)
            if case is None:
                raise UserError("Dossier niet gevonden", "Dit dossier bestaat niet (meer).")
            conversation = Conversation(
                case_id=case_id,
                form_id=form.form_id,
                form_version=form.version,
                held_on=self._clock.today(),
                answers=prefilled_answers(form, case),
                current_section=form.sections[0].id if form.sections else "",
            )
            repo = ConversationRepository(session)
            repo.keep_snapshot(form.form_id, form.version, to_dict(form))
            repo.add(conversation)
            AuditRepository(session).record(user.id, "conversation.start", case.client_id, case_id)
        return conversation, form

    def save_answers(self, conversation_id: str, answers: dict, current_section: str) -> None:
        """Autosave: store the answers as they are now (called about once a second while typing)."""
        with self._db.session() as session:
            ConversationRepository(session).save_answers(conversation_id, answers, current_section)

    def complete(self, conversation_id: str, form: FormDefinition, answers: dict) -> list[Question]:
        """Mark the conversation complete; returns the required questions still open (then nothing changes)."""
        missing = missing_required(form, answers)
        if missing:
            return missing
        with self._db.session() as session:
            repo = ConversationRepository(session)
            repo.save_answers(conversation_id, answers, "")
            repo.set_completed(conversation_id, True)
            # the telephone evaluation (cliëntervaring) goes in the consultant's task list
            evaluations.schedule(session, conversation_id, self._clock)
        return []

    def record_signed(self, case_id: str, conversation_id: str, signed_on: date) -> None:
        """The client signed the verslag on ``signed_on``: that is the aanvraag; the 2-week term starts.

        The case moves to *aanvraag* (from onderzoek via verslag when needed) in the same transaction.
        """
        if signed_on > self._clock.today():
            raise UserError("Ongeldige datum", "De datum van ondertekening ligt in de toekomst.")
        user = self._profile.user
        actor = (user.id, user.name)
        with self._db.session() as session:
            cases = CaseRepository(session)
            conversations = ConversationRepository(session)
            case = cases.get(case_id)
            conversation = conversations.get(conversation_id)
            if case is None or conversation is None:
                raise UserError("Niet gevonden", "Dit dossier of gesprek bestaat niet (meer).")
            if not conversation.completed:
                raise UserError(
                    "Gesprek niet afgerond",
                    "Rond het gesprek eerst af; daarna kan het verslag worden getekend.",
                )
            events = []
            for step in (Stage.ONDERZOEK, Stage.VERSLAG, Stage.AANVRAAG):
                if case.stage is not step and step in TRANSITIONS[case.stage]:
                    case, event = move_to_stage(case, step, signed_on, actor)
                    events.append(event)
            if case.stage is not Stage.AANVRAAG:
                raise UserError(
                    "Deze stap kan niet", f"Het dossier staat in fase '{case.stage.label}'."
                )
            cases.save(case, self._clock.today(), tuple(events))
            conversations.set_signed(conversation_id, signed_on)
            AuditRepository(session).record(user.id, "verslag.signed", case.client_id, case_id)

    def reload_forms(self) -> None:
        self._forms = None
