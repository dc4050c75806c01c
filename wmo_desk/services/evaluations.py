"""The telephone evaluation after the keukentafelgesprek (KTO over de toegang, CEO Wmo): scheduled
when the conversation is completed, called from the task list, and its anonymous part sent to
the region at the end of a sync.

The call's outcome is committed when the dialog records it; what leaves the desktop is only the
municipality, the product codes and providers of the case's final decision, the year, the
outcome and the answers chosen from the form's lists (:func:`anonymous_answers`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wmo_desk.domain.decisions import DecisionStatus, DeliveryForm
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.evaluations import (
    DEFAULT_WEEKS,
    FORM_ID,
    MAX_TRIES,
    MAX_WEEKS,
    RETRY_WORKING_DAYS,
    WEEKS_SETTING,
    Evaluation,
    Outcome,
    add_working_days,
    anonymous_answers,
    first_due,
    parse_weeks,
)
from wmo_desk.domain.forms import FormDefinition
from wmo_desk.domain.identifiers import utcnow
from wmo_desk.domain.users import Role, User
from wmo_desk.services.clock import Clock
from wmo_desk.services.profile import Profile
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.conversations import ConversationRepository
from wmo_desk.storage.repositories.decisions import DecisionRepository
from wmo_desk.storage.repositories.evaluations import EvaluationRepository, EvaluationTask
from wmo_desk.storage.repositories.settings import SettingsRepository
from wmo_desk.storage.repositories.users import UserRepository
from wmo_desk.storage.tables import EvaluationRow, UserRow

if TYPE_CHECKING:  # the protocol and the client (pydantic) load with the first sync
    from wmo_desk.sync.client import ServerClient

log = logging.getLogger(__name__)

__all__ = [
    "EvaluationExchange",
    "EvaluationService",
    "EvaluationTask",
    "exchange",
    "forget_handed_on",
    "schedule",
]

NOT_FOUND = UserError("Evaluatie niet gevonden", "Deze evaluatie bestaat niet (meer).")
DONE = UserError("Evaluatie al vastgelegd", "De uitkomst van deze evaluatie is al vastgelegd.")
NOT_YOURS = UserError(
    "Niet uw evaluatie",
    "Deze evaluatie is aan een collega toegewezen. Alleen die collega, de consulent van de casus "
    "of een teamleider kan haar uitvoeren of toewijzen.",
)
# Answers about the connection or the sign-in, not about the evaluation: the sync says so.
_STOP = frozenset(
    {
        "unreachable",
        "token_expired",
        "token_revoked",
        "token_invalid",
        "user_inactive",
        "protocol_outdated",
    }
)
_LATER = frozenset({"server_error", "too_many_attempts"})


def schedule(session: Session, conversation_id: str, clock: Clock) -> Evaluation | None:
    """Put the evaluation of a conversation completed now in its consultant's task list, due
    the set number of weeks later; None when it is already there (completed again)."""
    repo = EvaluationRepository(session)
    if repo.for_conversation(conversation_id) is not None:
        return None
    conversation = ConversationRepository(session).get(conversation_id)
    if conversation is None:
        return None
    case = CaseRepository(session).get(conversation.case_id)
    if case is None:
        return None
    weeks = parse_weeks(SettingsRepository(session).get(WEEKS_SETTING))
    evaluation = Evaluation(
        case_id=case.id,
        conversation_id=conversation_id,
        municipality_code=case.municipality_code,
        assignee_id=case.consultant_id,
        due=first_due(clock.today(), weeks),
        created_at=clock.now(),
    )
    repo.add(evaluation)
    return evaluation


@dataclass(frozen=True)
class EvaluationExchange:
    """What one exchange with the server did."""

    sent: int = 0
    refused: int = 0


class EvaluationService:
    """The evaluations of the current user's municipality."""

    def __init__(self, db: Database, clock: Clock, profile: Profile, forms_dir: Path) -> None:
        self._db = db
        self._clock = clock
        self._profile = profile
        self._forms_dir = forms_dir
        self._form: FormDefinition | None = None

    # --- the setting ------------------------------------------------------------------------

    def weeks(self) -> int:
        """Weeks between completing the conversation and the call."""
        with self._db.session() as session:
            return parse_weeks(SettingsRepository(session).get(WEEKS_SETTING))

    def set_weeks(self, weeks: int) -> None:
        if not 1 <= weeks <= MAX_WEEKS:
            raise UserError(
                "Ongeldig aantal weken",
                f"Kies een termijn van 1 tot en met {MAX_WEEKS} weken (standaard {DEFAULT_WEEKS}).",
            )
        with self._db.session() as session:
            SettingsRepository(session).set(WEEKS_SETTING, str(weeks))

    # --- the list ---------------------------------------------------------------------------

    def form(self) -> FormDefinition:
        """The newest questionnaire in forms/."""
        if self._form is None:
            from wmo_desk.formdefs.loader import available_forms, latest  # with yaml, when needed

            forms, errors = available_forms(self._forms_dir)
            form = latest(forms, FORM_ID)
            if form is None:
                problems = "; ".join(e.message for e in errors if FORM_ID in e.path.name)
                raise UserError(
                    "Geen vragenlijst",
                    "De vragenlijst cliëntervaring ontbreekt of bevat een fout"
                    + (f": {problems}" if problems else "."),
                )
            self._form = form
        return self._form

    def may_see_all(self) -> bool:
        """A team lead oversees every open call of the municipality."""
        return self._profile.user.role is Role.TEAMLEIDER

    def tasks(self, *, everyone: bool = False) -> list[EvaluationTask]:
        """The current user's open evaluations, the earliest due first; ``everyone``: all of
        the municipality (a team lead's overview; anyone else gets their own)."""
        user = self._profile.user
        with self._db.session() as session:
            self._adopt_orphans(session, user.id)
            assignee = None if everyone and self.may_see_all() else user.id
            return EvaluationRepository(session).open_tasks(assignee, user.municipality_code)

    def get(self, evaluation_id: str) -> Evaluation:
        with self._db.session() as session:
            found = EvaluationRepository(session).get(evaluation_id)
        if found is None:
            raise NOT_FOUND
        return found

    def colleagues(self) -> list[User]:
        """Who may take over a call: the users of the same municipality, by name."""
        code = self._profile.municipality_code
        with self._db.session() as session:
            return [u for u in UserRepository(session).all() if u.municipality_code == code]

    def reassign(self, evaluation_id: str, user_id: str) -> None:
        """Give the call to a colleague of the same municipality."""
        if user_id not in {u.id for u in self.colleagues()}:
            raise UserError(
                "Collega niet gevonden",
                "Kies een collega van uw eigen gemeente om de evaluatie aan toe te wijzen.",
            )
        with self._db.session() as session:
            evaluation = self._open(session, evaluation_id)
            repo = EvaluationRepository(session)
            if repo.holds_case(evaluation.case_id):
                # the colleague may not hold the case: what the report needs goes with the task
                products, providers = _decision_of(session, evaluation.case_id)
                repo.reassign(evaluation.id, user_id, products, providers)
            else:
                repo.reassign(evaluation.id, user_id)

    # --- the call ---------------------------------------------------------------------------

    def no_answer(self, evaluation_id: str) -> Evaluation:
        """Geen bereik: tried again in 2 working days; after the third try it is final."""
        with self._db.session() as session:
            evaluation = self._open(session, evaluation_id)
            attempts = evaluation.attempts + 1
            repo = EvaluationRepository(session)
            if attempts >= MAX_TRIES:
                self._record(session, evaluation, Outcome.GEEN_BEREIK, attempts, {})
            else:
                due = add_working_days(self._clock.today(), RETRY_WORKING_DAYS)
                repo.no_answer(evaluation.id, attempts, due)
            found = repo.get(evaluation.id)
        assert found is not None
        return found

    def refuse(self, evaluation_id: str) -> Evaluation:
        """Wil niet meewerken: recorded without answers, not called again."""
        with self._db.session() as session:
            evaluation = self._open(session, evaluation_id)
            self._record(session, evaluation, Outcome.WIL_NIET, evaluation.attempts + 1, {})
            found = EvaluationRepository(session).get(evaluation.id)
        assert found is not None
        return found

    def complete(self, evaluation_id: str, answers: dict) -> Evaluation:
        """Afgerond: the answers given during the call (at least one)."""
        form = self.form()
        anonymous = anonymous_answers(form, answers)
        if not anonymous:
            raise UserError(
                "Nog geen antwoorden",
                "Vul ten minste één antwoord in, of kies ‘Geen bereik’ of ‘Wil niet meewerken’.",
            )
        with self._db.session() as session:
            evaluation = self._open(session, evaluation_id)
            self._record(session, evaluation, Outcome.AFGEROND, evaluation.attempts + 1, anonymous)
            found = EvaluationRepository(session).get(evaluation.id)
        assert found is not None
        return found

    def _open(self, session: Session, evaluation_id: str) -> Evaluation:
        """The open evaluation, when the current user may call or hand it over: its assignee,
        the case's consultant or a team lead (the server holds the same rule)."""
        repo = EvaluationRepository(session)
        evaluation = repo.get(evaluation_id)
        if evaluation is None or evaluation.municipality_code != self._profile.municipality_code:
            raise NOT_FOUND
        if not evaluation.is_open:
            raise DONE
        user = self._profile.user
        case = CaseRepository(session).get(evaluation.case_id)
        mine = user.id in {evaluation.assignee_id, case.consultant_id if case else None}
        if not mine and user.role is not Role.TEAMLEIDER:
            raise NOT_YOURS
        return evaluation

    def _record(
        self,
        session: Session,
        evaluation: Evaluation,
        outcome: Outcome,
        attempts: int,
        answers: dict,
    ) -> None:
        if EvaluationRepository(session).holds_case(evaluation.case_id):
            products, providers = _decision_of(session, evaluation.case_id)
        else:  # a colleague's case: as handed over with the task
            products, providers = list(evaluation.product_codes), list(evaluation.provider_ids)
        EvaluationRepository(session).record(
            evaluation.id,
            outcome,
            attempts=attempts,
            on=self._clock.today(),
            form_version=self.form().version,
            answers=answers,
            product_codes=products,
            provider_ids=providers,
        )
        case = CaseRepository(session).get(evaluation.case_id)
        AuditRepository(session).record(
            self._profile.user.id,
            "evaluation.record",
            case.client_id if case else None,
            evaluation.case_id,
            object_id=evaluation.id,
            detail=outcome.label,
        )

    @staticmethod
    def _adopt_orphans(session: Session, user_id: str) -> None:
        """Evaluations of a local user that is gone (the first sign-in renames the local user
        to the server's id) are the current user's."""
        session.execute(
            update(EvaluationRow)
            .where(
                EvaluationRow.assignee_id.not_in(select(UserRow.id)),
                EvaluationRow.assignee_id != user_id,
                # only calls never synced: a pulled one names a user the pull brought along
                EvaluationRow.server_revision.is_(None),
            )
            .values(assignee_id=user_id, pending=True, modified_at=utcnow())
        )


def _decision_of(session: Session, case_id: str) -> tuple[list[str], list[str]]:
    """The product codes and providers of the case's final decisions (none: empty lists)."""
    decisions = DecisionRepository(session)
    products: set[str] = set()
    providers: set[str] = set()
    for decision in decisions.for_case(case_id):
        if decision.status is not DecisionStatus.DEFINITIEF:
            continue
        for provision in decision.provisions:
            products.add(provision.product_code)
            if provision.delivery_form is DeliveryForm.NATURA and provision.provider_id:
                providers.add(provision.provider_id)
        providers.update(a.provider_id for a in decisions.current_allocations(decision.id))
    return sorted(p for p in products if p), sorted(p for p in providers if p)


def forget_handed_on(db: Database) -> int:
    """Remove the tasks of cases not held here that are someone else's now or recorded, once
    the server has them and their report, if this desktop recorded one, is sent (the end of a
    sync): a colleague's client's name and number do not stay on this laptop."""
    with db.session() as session:
        me = SettingsRepository(session).get("user_id")
        if not me:
            return 0
        return EvaluationRepository(session).forget_others(me)


def exchange(db: Database, client: ServerClient, token: str) -> EvaluationExchange:
    """Send the recorded evaluations the server has not received yet.

    A refusal is kept with the evaluation and not sent again; a lost connection raises
    :class:`wmo_desk.sync.client.ServerError` (what was confirmed so far is kept)."""
    from wmo_desk.sync.client import ServerError
    from wmo_desk.sync.evaluations import EvaluationIn

    with db.session() as session:
        unsent = EvaluationRepository(session).unsent()
    sent = refused = 0
    for evaluation in unsent:
        assert evaluation.outcome is not None and evaluation.recorded_on is not None
        try:
            assert evaluation.report_id is not None
            body = EvaluationIn(
                evaluation_id=evaluation.report_id,
                municipality_code=evaluation.municipality_code,
                year=evaluation.recorded_on.year,
                outcome=evaluation.outcome,
                form_id=evaluation.form_id,
                form_version=evaluation.form_version,
                answers=evaluation.answers,
                product_codes=list(evaluation.product_codes),
                provider_ids=list(evaluation.provider_ids),
            )
            client.report_evaluation(token, body)
        except ValueError:  # pydantic's ValidationError: never sendable as it is
            with db.session() as session:
                EvaluationRepository(session).refused(
                    evaluation.id, "De evaluatie is ongeldig en kan niet worden verzonden."
                )
            refused += 1
            continue
        except ServerError as exc:
            if exc.code in _STOP:
                raise
            if exc.code in _LATER:
                log.warning("an evaluation was not taken now (%s); sent again later", exc.code)
                continue
            with db.session() as session:
                EvaluationRepository(session).refused(evaluation.id, exc.message)
            refused += 1
            continue
        with db.session() as session:
            # when this desktop had the receipt (the server keeps only the month)
            EvaluationRepository(session).received(evaluation.id, utcnow())
        sent += 1
    return EvaluationExchange(sent=sent, refused=refused)
