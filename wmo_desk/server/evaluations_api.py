"""Telephone evaluations (cliëntervaring, CEO Wmo) from the desktops: stored anonymously.

Rules, from the signed-in user and the form (never trusting the body alone):

- a consulent, teamleider or bw-consulent sends (the router carries ``roles.SyncRole``), for
  their own municipality only;
- the form and version are one the server has in ``forms/``, every answer is a question of it
  with one of its listed values (free text, dates and people are never accepted);
- providers are those of the catalogue published for the municipality (the page names them);
  product codes only need the iWmo form (a municipality's own products, such as hulp bij het
  huishouden, are in no regional list);
- the same id again is answered with the stored receipt (idempotent); nothing identifies the
  client, the case or the consultant, so nothing of theirs is stored.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from wmo_desk.domain.evaluations import ANONYMOUS_TYPES, FORM_ID, Outcome
from wmo_desk.domain.forms import FormDefinition, validate_answer
from wmo_desk.formdefs.loader import available_forms
from wmo_desk.paths import forms_dir
from wmo_desk.server.auth_api import ERROR_RESPONSES, CheckedProtocol, CurrentUser
from wmo_desk.server.models import EvaluationReport, User
from wmo_desk.server.web.sources import region_of
from wmo_desk.sync.evaluations import EvaluationIn, EvaluationReceipt

router = APIRouter(prefix="/api/v1")
_LOCK = threading.Lock()

OTHER_MUNICIPALITY_TEXT = "U kunt alleen evaluaties van uw eigen gemeente versturen."
UNKNOWN_FORM_TEXT = (
    "Deze versie van de vragenlijst cliëntervaring kent de server niet. Neem contact op met de "
    "beheerder."
)
UNKNOWN_CATALOGUE_TEXT = (
    "Een aanbieder van deze evaluatie staat niet in de catalogus van uw regio. "
    "Synchroniseer de catalogus en probeer het opnieuw."
)
TAKEN_ID_TEXT = "Deze evaluatie is al door een andere gemeente verstuurd; ze is niet opgeslagen."


def _refuse(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"code": code, "message": message})


@lru_cache(maxsize=1)
def _forms() -> dict[tuple[str, str], FormDefinition]:
    forms, _errors = available_forms(forms_dir())
    return {(f.form_id, f.version): f for f in forms}


def form_for(form_id: str, version: str) -> FormDefinition | None:
    """The questionnaire ``form_id`` at ``version`` as the server has it."""
    return _forms().get((form_id, version))


def answer_problem(form: FormDefinition, answers: dict[str, object]) -> str | None:
    """Why ``answers`` are not answers to ``form`` (a Dutch sentence), or None."""
    for question_id, value in answers.items():
        question = form.question(question_id)
        if question is None:
            return f"De vragenlijst heeft geen vraag ‘{question_id}’."
        if question.type not in ANONYMOUS_TYPES:
            return f"Vraag ‘{question_id}’ wordt niet naar de regio gestuurd (geen keuzevraag)."
        problem = validate_answer(question, value)
        if problem:
            return f"Vraag ‘{question_id}’: {problem}"
    return None


def _receipt(row: EvaluationReport, duplicate: bool) -> EvaluationReceipt:
    return EvaluationReceipt(evaluation_id=row.id, received_at=row.received_at, duplicate=duplicate)


def report(
    session: Session, user: User, body: EvaluationIn, now: datetime
) -> EvaluationReceipt | JSONResponse:
    """Store ``body`` sent by ``user``, or say why not."""
    region = region_of(session, user.municipality_code)
    own = {user.municipality_code} | {
        old for old, new in region.former.items() if new == user.municipality_code
    }
    if body.municipality_code not in own:
        return _refuse(403, "other_municipality", OTHER_MUNICIPALITY_TEXT)
    existing = session.get(EvaluationReport, body.evaluation_id)
    if existing is not None:
        if existing.municipality_code not in own:
            return _refuse(409, "evaluation_taken", TAKEN_ID_TEXT)
        return _receipt(existing, duplicate=True)
    form = form_for(body.form_id, body.form_version) if body.form_id == FORM_ID else None
    if form is None:
        return _refuse(409, "unknown_form", UNKNOWN_FORM_TEXT)
    problem = answer_problem(form, body.answers)
    if problem:
        return _refuse(409, "invalid_answers", problem)
    if any(p not in region.providers for p in body.provider_ids):
        return _refuse(409, "unknown_catalogue_item", UNKNOWN_CATALOGUE_TEXT)
    row = EvaluationReport(
        id=body.evaluation_id,
        municipality_code=user.municipality_code,
        year=body.year,
        outcome=body.outcome.value,
        form_id=body.form_id,
        form_version=body.form_version,
        answers=json.dumps(body.answers, sort_keys=True)
        if body.outcome is Outcome.AFGEROND
        else "{}",
        product_codes=json.dumps(sorted(set(body.product_codes))),
        provider_ids=json.dumps(sorted(set(body.provider_ids))),
        # the month only: a moment or a day could be matched with the task whose outcome was
        # pushed just before (the task is a record of the case on this same server)
        received_at=now.replace(day=1, hour=0, minute=0, second=0, microsecond=0),
    )
    session.add(row)
    session.flush()
    return _receipt(row, duplicate=False)


@router.post(
    "/evaluations",
    response_model=EvaluationReceipt,
    dependencies=[CheckedProtocol],
    responses={
        **ERROR_RESPONSES,
        # 409, not 422: the desktop shows the code and message of a 409 with the evaluation
        409: {"description": "another municipality's id, or a form, answer or provider unknown"},
    },
)
def post_evaluation(body: EvaluationIn, user: CurrentUser, request: Request):
    """Store an anonymous evaluation (idempotent on ``evaluation_id``)."""
    with _LOCK, request.app.state.db.session_scope() as session:
        return report(session, user, body, request.app.state.clock())
