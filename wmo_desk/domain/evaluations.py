"""The telephone evaluation after a keukentafelgesprek (KTO over de toegang, CEO Wmo): when it is
due, what a call can end in, and which answers may leave the desktop (anonymous ones only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from wmo_desk.domain.forms import FormDefinition, QuestionType, has_answer
from wmo_desk.domain.holidays import is_term_end_day
from wmo_desk.domain.identifiers import new_id, utcnow

FORM_ID = "clientervaring"
#: the setting (weeks after the conversation was completed) and its default
WEEKS_SETTING = "evaluation_weeks"
DEFAULT_WEEKS = 6
MAX_WEEKS = 26
#: tries before "geen bereik" is final; a try again is due this many working days later
MAX_TRIES = 3
RETRY_WORKING_DAYS = 2
#: only these answers leave the desktop: a choice from the list cannot name anyone
ANONYMOUS_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.YES_NO})


class Outcome(StrEnum):
    """How an evaluation ended."""

    AFGEROND = "afgerond"
    GEEN_BEREIK = "geen_bereik"
    WIL_NIET = "wil_niet_meewerken"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.AFGEROND: "Afgerond",
    Outcome.GEEN_BEREIK: "Geen bereik",
    Outcome.WIL_NIET: "Wil niet meewerken",
}


@dataclass(frozen=True)
class Evaluation:
    """One telephone evaluation of a closed keukentafelgesprek, in someone's task list.

    Open while ``outcome`` is None; ``attempts`` counts the calls without an answer so far.
    ``product_codes`` and ``provider_ids`` are those of the case's final decision when the
    outcome was recorded (they go to the region, the case and client never do)."""

    case_id: str
    conversation_id: str
    municipality_code: str
    assignee_id: str
    due: date
    attempts: int = 0
    outcome: Outcome | None = None
    form_id: str = FORM_ID
    form_version: str = ""
    answers: dict[str, object] = field(default_factory=dict)
    product_codes: tuple[str, ...] = ()
    provider_ids: tuple[str, ...] = ()
    recorded_on: date | None = None
    sent_at: datetime | None = None
    refused: str = ""
    #: whom to call, for a colleague who does not hold the case: emptied once the call is
    #: recorded (it is needed for the call only)
    client_name: str = ""
    phone: str = ""
    #: the id the anonymous report goes to the region with: not the task's id, so the region's
    #: answers cannot be linked to the task (and its case); set by the desktop that records it
    report_id: str | None = None
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.outcome is None


def record_problem(
    outcome: Outcome | None,
    recorded_on: date | None,
    attempts: int,
    client_name: str,
    phone: str,
    product_codes: tuple[str, ...] | list[str] = (),
    provider_ids: tuple[str, ...] | list[str] = (),
) -> tuple[str, str] | None:
    """What is wrong with an evaluation task as it travels: (field, Dutch sentence), or None.

    Both sides check it: the desktop before it sends, the server before it stores. Once the
    call is recorded the task keeps neither whom to call nor the decision's products and
    providers: those go, for the recorded call, only in the anonymous report."""
    if (outcome is None) != (recorded_on is None):
        return (
            "recorded_on",
            "vul de uitkomst en de datum van vastleggen allebei in, of geen van beide.",
        )
    if outcome is Outcome.GEEN_BEREIK and attempts < MAX_TRIES:
        return "attempts", f"geen bereik is pas definitief na {MAX_TRIES} pogingen."
    if outcome is not None and (client_name or phone):
        return "phone", "na het gesprek blijven naam en telefoonnummer niet bij de evaluatie."
    if outcome is not None and (product_codes or provider_ids):
        return (
            "product_codes",
            "na het gesprek gaan producten en aanbieders alleen anoniem naar de regio.",
        )
    return None


def first_due(completed_on: date, weeks: int) -> date:
    """The day the call is due: ``weeks`` after the conversation was completed, on a working day."""
    return next_working_day(completed_on + timedelta(weeks=weeks))


def next_working_day(day: date) -> date:
    while not is_term_end_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """``count`` working days (no weekend, no general holiday) after ``day``."""
    while count > 0:
        day += timedelta(days=1)
        if is_term_end_day(day):
            count -= 1
    return day


def parse_weeks(text: str | None) -> int:
    """The weeks setting as stored; the default when it is missing or not a sensible number."""
    if text and text.strip().isdigit():
        value = int(text.strip())
        if 1 <= value <= MAX_WEEKS:
            return value
    return DEFAULT_WEEKS


def anonymous_answers(form: FormDefinition, answers: dict) -> dict[str, str | bool]:
    """The answers that may go to the region: choices from a list, of questions the form has.

    Free text, dates, numbers and people are left out (they could name or point to someone)."""
    shown: dict[str, str | bool] = {}
    for question_id, value in answers.items():
        question = form.question(question_id)
        if question is None or question.type not in ANONYMOUS_TYPES or not has_answer(value):
            continue
        is_yes_no = question.type is QuestionType.YES_NO and isinstance(value, bool)
        if is_yes_no or (isinstance(value, str) and value in {v for v, _ in question.options}):
            shown[question_id] = value
    return shown
