"""Approval under mandate, on the server: who may approve, and the numbers only it hands out.

A decision becomes final only here. A team lead of the case's municipality approves a
submitted decision the server holds, never their own proposal (four eyes); the server records
who approved it and when and issues the kenmerk and the toewijzingnummers, unique per
municipality and never reused. The approving desktop then renders the documents with them and
pushes the final decision, its toewijzingen and documents, which the push accepts only as
approved here (see :func:`final_decision_problem`, :func:`document_problem`).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import JSONResponse

from wmo_desk.domain.allocation_rules import MAX_NUMBER
from wmo_desk.domain.decision_rules import kenmerk_for
from wmo_desk.server.auth_api import ERROR_RESPONSES, CheckedProtocol, CurrentUser
from wmo_desk.server.models import AllocationNumber, Approval, Record, User
from wmo_desk.server.records import WRITE_LOCK, hold_connection
from wmo_desk.sync.engine import TIMES
from wmo_desk.sync.protocol import (
    ApprovalRequest,
    ApprovalResponse,
    NumberRequest,
    NumberResponse,
    Refusal,
    refusal_text,
)

router = APIRouter(prefix="/api/v1")

SUBMITTED = "ingediend"
FINAL = "definitief"
TEAMLEIDER = "teamleider"
# What approval changes in a decision; everything else must stay as it was approved.
APPROVAL_FIELDS = frozenset({"status", "approved_by", "kenmerk", "decision_date", "modified_at"})
# The legal date of a decision is the date in the Netherlands.
_DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


class ApprovalRefused(Exception):
    """An approval or number the server will not give; ``status`` is the HTTP status."""

    def __init__(self, status: int, reason: Refusal, message: str | None = None) -> None:
        super().__init__(reason.value)
        self.status = status
        self.reason = reason
        self.message = message or refusal_text(reason)


def _record(session: Session, record_type: str, record_id: uuid.UUID) -> Record | None:
    return session.scalar(
        select(Record).where(Record.record_type == record_type, Record.record_id == record_id)
    )


def _payload(record: Record) -> dict[str, Any]:
    return json.loads(record.payload)


def _answer(approval: Approval, numbers: dict[uuid.UUID, int]) -> ApprovalResponse:
    return ApprovalResponse(
        decision_id=approval.decision_id,
        kenmerk=approval.kenmerk,
        decision_date=approval.decision_date,
        approved_by=approval.approved_by,
        approved_at=approval.approved_at,
        numbers=numbers,
    )


def _issued(session: Session, decision_id: uuid.UUID) -> dict[uuid.UUID, int]:
    rows = session.scalars(
        select(AllocationNumber)
        .where(AllocationNumber.decision_id == decision_id)
        .order_by(AllocationNumber.number)
    )
    numbers: dict[uuid.UUID, int] = {}
    for row in rows:
        numbers.setdefault(row.provision_id, row.number)
    return numbers


def _next_number(session: Session, municipality_code: str) -> int:
    last = session.scalar(
        select(func.max(AllocationNumber.number)).where(
            AllocationNumber.municipality_code == municipality_code
        )
    )
    number = (last or 0) + 1
    if number > MAX_NUMBER:
        raise ApprovalRefused(
            409, Refusal.UNKNOWN_NUMBER, "Alle toewijzingnummers (tot 999999999) zijn uitgegeven."
        )
    return number


def _issue(
    session: Session,
    user: User,
    municipality_code: str,
    decision_id: uuid.UUID,
    provision_id: uuid.UUID,
    now: datetime,
) -> int:
    number = _next_number(session, municipality_code)
    session.add(
        AllocationNumber(
            municipality_code=municipality_code,
            number=number,
            provision_id=provision_id,
            decision_id=decision_id,
            issued_to=user.id,
            issued_at=now,
        )
    )
    session.flush()
    return number


def _decision_of_user_municipality(session: Session, user: User, decision_id: uuid.UUID) -> Record:
    decision = _record(session, "decision", decision_id)
    # another municipality's decision is "unknown": its existence is not told
    if decision is None or decision.deleted or decision.municipality_code != user.municipality_code:
        raise ApprovalRefused(404, Refusal.UNKNOWN_DECISION)
    return decision


def approve(
    session: Session,
    user: User,
    decision_id: uuid.UUID,
    allocate: list[uuid.UUID],
    now: datetime | None = None,
) -> ApprovalResponse:
    """Approve ``decision_id`` as ``user``; a retry by the same team lead gets the same answer.

    Call with the writer lock held: kenmerk sequences and numbers are max + 1."""
    if user.role != TEAMLEIDER:
        raise ApprovalRefused(403, Refusal.NOT_TEAMLEIDER)
    decision = _decision_of_user_municipality(session, user, decision_id)
    earlier = session.get(Approval, decision_id)
    if earlier is not None:
        if earlier.approved_by != user.id:
            raise ApprovalRefused(409, Refusal.FINAL)
        return _answer(earlier, _issued(session, decision_id))
    payload = _payload(decision)
    if payload.get("status") != SUBMITTED:
        raise ApprovalRefused(409, Refusal.NOT_SUBMITTED)
    if str(payload.get("proposed_by")) == str(user.id):
        raise ApprovalRefused(403, Refusal.OWN_PROPOSAL)
    if decision.case_id is None:
        raise ApprovalRefused(409, Refusal.UNKNOWN_CASE)
    provisions = []
    for provision_id in dict.fromkeys(allocate):
        provision = _record(session, "provision", provision_id)
        if (
            provision is None
            or provision.deleted
            or str(_payload(provision).get("decision_id")) != str(decision_id)
        ):
            raise ApprovalRefused(
                422,
                Refusal.INVALID,
                "Een voorziening om toe te wijzen hoort niet bij dit besluit. "
                "Synchroniseer en probeer het opnieuw.",
            )
        provisions.append(provision_id)
    moment = now or datetime.now(UTC)
    on = moment.astimezone(_DUTCH_TIME).date()
    sequence = (
        session.scalar(
            select(func.max(Approval.sequence)).where(
                Approval.municipality_code == user.municipality_code, Approval.year == on.year
            )
        )
        or 0
    ) + 1
    approval = Approval(
        decision_id=decision_id,
        municipality_code=user.municipality_code,
        case_id=decision.case_id,
        proposed_by=uuid.UUID(str(payload.get("proposed_by"))),
        approved_by=user.id,
        approved_at=moment,
        decision_date=on,
        year=on.year,
        sequence=sequence,
        kenmerk=kenmerk_for(user.municipality_code, on.year, sequence),
    )
    session.add(approval)
    session.flush()
    numbers = {
        p: _issue(session, user, user.municipality_code, decision_id, p, moment) for p in provisions
    }
    return _answer(approval, numbers)


def new_number(
    session: Session, user: User, provision_id: uuid.UUID, now: datetime | None = None
) -> NumberResponse:
    """A new toewijzingnummer for a provision of an approved decision (a change of provider),
    for a team lead of the municipality or the consultant of the case."""
    provision = _record(session, "provision", provision_id)
    if (
        provision is None
        or provision.deleted
        or provision.municipality_code != user.municipality_code
    ):
        raise ApprovalRefused(404, Refusal.UNKNOWN_DECISION)
    decision_id = uuid.UUID(str(_payload(provision).get("decision_id")))
    approval = session.get(Approval, decision_id)
    if approval is None:
        raise ApprovalRefused(409, Refusal.NOT_APPROVED)
    if user.role != TEAMLEIDER:
        case = _record(session, "case", approval.case_id)
        if case is None or case.owner_user_id != user.id:
            raise ApprovalRefused(403, Refusal.NOT_YOURS)
    number = _issue(
        session,
        user,
        user.municipality_code,
        decision_id,
        provision_id,
        now or datetime.now(UTC),
    )
    return NumberResponse(provision_id=provision_id, number=number)


# --- what the push accepts of approved decisions ---------------------------------------------


def _without(payload: dict[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in keys and not k.startswith("_")}


def final_decision_problem(
    session: Session,
    user: User,
    record_id: uuid.UUID,
    payload: dict[str, Any],
    stored: Record | None,
) -> Refusal | None:
    """Whether a pushed final decision (status definitief) is the one approved on the server:
    approved by this team lead, with the server's kenmerk and date, and otherwise as approved."""
    approval = session.get(Approval, record_id)
    if approval is None:
        return Refusal.NOT_APPROVED
    if approval.approved_by != user.id:
        return Refusal.NOT_APPROVER
    if (
        payload.get("kenmerk") != approval.kenmerk
        or str(payload.get("approved_by")) != str(approval.approved_by)
        or payload.get("decision_date") != approval.decision_date.isoformat()
    ):
        return Refusal.NOT_APPROVED
    if stored is None or stored.deleted:
        return Refusal.NOT_APPROVED
    if _without(payload, APPROVAL_FIELDS) != _without(_payload(stored), APPROVAL_FIELDS):
        return Refusal.NOT_APPROVED
    return None


def approved(session: Session, decision_id: object) -> Approval | None:
    try:
        return session.get(Approval, uuid.UUID(str(decision_id)))
    except ValueError:
        return None


def document_problem(session: Session, user: User, payload: dict[str, Any]) -> Refusal | None:
    """A decision document only for a decision approved on the server, from its approver."""
    approval = approved(session, payload.get("decision_id"))
    if approval is None:
        return Refusal.NOT_APPROVED
    if approval.approved_by != user.id:
        return Refusal.NOT_APPROVER
    return None


def allocation_problem(
    session: Session, municipality_code: str, payload: dict[str, Any]
) -> Refusal | None:
    """A toewijzing carries a number the server issued for its provision."""
    try:
        number = int(payload.get("number"))  # type: ignore[arg-type]
        provision_id = uuid.UUID(str(payload.get("provision_id")))
    except (TypeError, ValueError):
        return Refusal.UNKNOWN_NUMBER
    issued = session.get(AllocationNumber, (municipality_code, number))
    if issued is None or issued.provision_id != provision_id:
        return Refusal.UNKNOWN_NUMBER
    return None


def provision_problem(
    session: Session, payload: dict[str, Any], stored: Record | None, deleted: bool
) -> Refusal | None:
    """A provision of an approved decision no longer changes (its times aside)."""
    decision_id = payload.get("decision_id") if payload else None
    if decision_id is None and stored is not None:
        decision_id = _payload(stored).get("decision_id")
    if approved(session, decision_id) is None:
        return None
    if stored is None or deleted or stored.deleted:
        return Refusal.FINAL
    if _without(payload, frozenset(TIMES)) != _without(_payload(stored), frozenset(TIMES)):
        return Refusal.FINAL
    return None


def decision_locked(session: Session, record_id: uuid.UUID) -> bool:
    """An approved decision changes only into its final version."""
    return session.get(Approval, record_id) is not None


# --- routes ----------------------------------------------------------------------------------


def _refused(refusal: ApprovalRefused) -> JSONResponse:
    return JSONResponse(
        status_code=refusal.status,
        content={"code": refusal.reason.value, "message": refusal.message},
    )


_RESPONSES = {
    **ERROR_RESPONSES,
    404: {"description": "unknown_decision"},
    409: {"description": "not_submitted, final or not_approved"},
}


@router.post(
    "/decisions/{decision_id}/approve",
    response_model=ApprovalResponse,
    dependencies=[CheckedProtocol],
    responses=_RESPONSES,
)
def approve_route(
    decision_id: Annotated[uuid.UUID, Path()],
    body: ApprovalRequest,
    user: CurrentUser,
    request: Request,
) -> ApprovalResponse | JSONResponse:
    """Approve a submitted decision (team leads, four eyes): kenmerk and toewijzingnummers."""
    db = request.app.state.db
    try:
        with db.session_scope() as session:
            hold_connection(session)
            with WRITE_LOCK:
                db.writer_lock(session)
                return approve(session, user, decision_id, body.allocate)
    except ApprovalRefused as refusal:
        return _refused(refusal)


@router.post(
    "/allocation-numbers",
    response_model=NumberResponse,
    dependencies=[CheckedProtocol],
    responses=_RESPONSES,
)
def number_route(
    body: NumberRequest, user: CurrentUser, request: Request
) -> NumberResponse | JSONResponse:
    """A new toewijzingnummer for a provision of an approved decision (change of provider)."""
    db = request.app.state.db
    try:
        with db.session_scope() as session:
            hold_connection(session)
            with WRITE_LOCK:
                db.writer_lock(session)
                return new_number(session, user, body.provision_id)
    except ApprovalRefused as refusal:
        return _refused(refusal)
