"""The sync routes of the server: push and pull over the record store.

Visibility rule (pull and push): a user only ever sees records of their own municipality.
A teamleider sees all of them. A consulent or bw-consulent sees records they own
(``owner_user_id``: for a case the consultant it is assigned to, for other records the
consultant who created them) and records without an owner (municipality-wide reference data),
and may only change records they own or create.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.domain.integrity import document_intact
from wmo_desk.server import approvals, audit_api
from wmo_desk.server.auth_api import ERROR_RESPONSES, CheckedProtocol, CurrentUser
from wmo_desk.server.models import AppliedChange, Record, User
from wmo_desk.server.records import (
    SERVER_OWNED_TYPES,
    WRITE_LOCK,
    Revisions,
    canonical_json,
    payload_for,
    visible_to,
    withdraw_case,
)
from wmo_desk.sync import records
from wmo_desk.sync.protocol import (
    MAX_PULL_LIMIT,
    MAX_REVISION,
    Change,
    ChangeResult,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordOut,
    Refusal,
)

router = APIRouter(prefix="/api/v1")

# Never changed once on the server: a final decision and the documents rendered for it.
IMMUTABLE_TYPES = frozenset({"decision_document"})
FINAL = "definitief"


def _is_teamleider(user: User) -> bool:
    return user.role == "teamleider"


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class _Refusal(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _find(session: Session, record_type: str, record_id: uuid.UUID) -> Record | None:
    return session.scalar(
        select(Record).where(Record.record_type == record_type, Record.record_id == record_id)
    )


def _placement(
    session: Session, change: Change, user: User, existing: Record | None
) -> tuple[uuid.UUID | None, uuid.UUID | None, uuid.UUID | None]:
    """Owner, case and client the record gets, or :class:`_Refusal` when ``user`` may not write it."""
    if change.record_type in SERVER_OWNED_TYPES:
        raise _Refusal("server_owned")
    if change.municipality_code != user.municipality_code or (
        existing is not None and existing.municipality_code != user.municipality_code
    ):
        raise _Refusal("other_municipality")
    teamleider = _is_teamleider(user)
    if change.record_type == "case":
        consultant = _uuid(change.payload.get("consultant_id"))
        client = _uuid(change.payload.get("client_id"))
        if existing is not None and client is None:
            client = existing.client_id
        if teamleider:
            if consultant is not None:
                colleague = session.get(User, consultant)
                if colleague is None or colleague.municipality_code != user.municipality_code:
                    raise _Refusal("unknown_consultant")
            owner = consultant or (existing.owner_user_id if existing is not None else None)
            return owner, change.record_id, client
        if existing is not None and existing.owner_user_id != user.id:
            raise _Refusal("not_yours")
        if not change.deleted and consultant != user.id:
            raise _Refusal("not_yours")
        return user.id, change.record_id, client
    case_id = change.case_id
    if existing is not None and existing.case_id != case_id:
        raise _Refusal("not_yours")
    if case_id is not None:
        case = _find(session, "case", case_id)
        if case is None or case.municipality_code != user.municipality_code:
            raise _Refusal("unknown_case")
        if not teamleider and case.owner_user_id != user.id:
            raise _Refusal("not_yours")
        owner = existing.owner_user_id if existing is not None else user.id
        return owner, case_id, None
    if teamleider:
        if existing is not None:
            return existing.owner_user_id, None, None
        # a client is personal data, never reference data: consultants see it through a case
        return (user.id if change.record_type == "client" else None), None, None
    if existing is not None and existing.owner_user_id != user.id:
        raise _Refusal("not_yours")
    return user.id, None, None


def _require_visible_client(session: Session, user: User, client_id: uuid.UUID) -> None:
    """A case links only to a client its writer already sees: never to another municipality's
    client, and a consultant never to a colleague's (that would hand them its data on pull)."""
    client = _find(session, "client", client_id)
    if client is None or client.municipality_code != user.municipality_code:
        raise _Refusal(Refusal.UNKNOWN_CLIENT)
    if _is_teamleider(user) or client.owner_user_id == user.id:
        return
    linked = session.scalar(
        select(Record.id).where(
            Record.record_type == "case",
            Record.owner_user_id == user.id,
            Record.client_id == client_id,
            Record.municipality_code == user.municipality_code,
        )
    )
    if linked is None:
        raise _Refusal(Refusal.UNKNOWN_CLIENT)


def _approval_problem(
    session: Session, user: User, change: Change, existing: Record | None
) -> Refusal | None:
    """What the server's approval decides: a decision becomes final only as approved there,
    documents come only from its approver, toewijzingen carry only numbers it issued."""
    kind = change.record_type
    if kind == "decision":
        if not change.deleted and change.payload.get("status") == FINAL:
            return approvals.final_decision_problem(
                session, user, change.record_id, change.payload, existing
            )
        if approvals.decision_locked(session, change.record_id):
            return Refusal.FINAL
        return None
    if kind == "decision_document":
        if change.deleted:
            return Refusal.FINAL
        return approvals.document_problem(session, user, change.payload)
    if kind == "allocation" and not change.deleted:
        return approvals.allocation_problem(session, user.municipality_code, change.payload)
    if kind == "provision":
        return approvals.provision_problem(session, change.payload, existing, change.deleted)
    return None


def _record_problem(change: Change) -> str | None:
    """What is wrong with the record, in Dutch, by the domain's rules (the same the desktop
    checks); a record refers to the case it travels with."""
    problem = records.validate(change.record_type, change.payload)
    if problem is not None:
        return problem.message
    if "case_id" in change.payload and str(change.payload["case_id"]) != str(change.case_id):
        return "Casus: het record hoort bij een andere casus dan waarmee het is verstuurd."
    return None


def _is_final(record: Record) -> bool:
    if record.deleted:
        return False
    if record.record_type in IMMUTABLE_TYPES:
        return True
    return record.record_type == "decision" and json.loads(record.payload).get("status") == FINAL


def _checksum_ok(change: Change) -> bool:
    """A decision document's content must match the SHA-256 it came with."""
    if change.record_type != "decision_document" or change.deleted:
        return True
    return document_intact(change.payload)


def _restamp(
    session: Session, case: Record, revisions: Revisions, former_owner: uuid.UUID | None
) -> None:
    """After a reassignment, the case's records and client get new revisions so the new
    consultant's next pull brings them. A client the former consultant registered goes with
    the case: they see it from now on only through a case of their own."""
    belonging = session.scalars(
        select(Record).where(Record.case_id == case.record_id, Record.record_type != "case")
    )
    for record in belonging:
        record.revision = revisions.next()
    if case.client_id is not None:
        client = _find(session, "client", case.client_id)
        if client is not None:
            client.revision = revisions.next()
            if former_owner is not None and client.owner_user_id == former_owner:
                client.owner_user_id = case.owner_user_id
    session.flush()


def _apply(session: Session, user: User, change: Change, revisions: Revisions) -> ChangeResult:
    seen = session.get(AppliedChange, change.change_id)
    if seen is not None:
        return ChangeResult(change_id=change.change_id, status="duplicate", revision=seen.revision)
    existing = _find(session, change.record_type, change.record_id)
    try:
        owner, case_id, client_id = _placement(session, change, user, existing)
    except _Refusal as refusal:
        return ChangeResult(change_id=change.change_id, status="forbidden", reason=refusal.reason)
    if not _checksum_ok(change):
        return ChangeResult(change_id=change.change_id, status="forbidden", reason="checksum")
    problem = None if change.deleted else _record_problem(change)
    if problem is not None:
        return ChangeResult(
            change_id=change.change_id, status="forbidden", reason=Refusal.INVALID, detail=problem
        )
    # A tombstone keeps no client data.
    payload = canonical_json({} if change.deleted else change.payload)
    if existing is not None and _is_final(existing):
        if payload == existing.payload and not change.deleted:
            return ChangeResult(
                change_id=change.change_id, status="duplicate", revision=existing.revision
            )
        # the final version goes back, so a desktop holding another one can put it right
        return ChangeResult(
            change_id=change.change_id,
            status="forbidden",
            reason="final",
            revision=existing.revision,
            server_payload=json.loads(existing.payload),
            server_deleted=False,
        )
    problem = _approval_problem(session, user, change, existing)
    if problem is not None:
        # the server's version goes back, so the desktop shows what holds
        return ChangeResult(
            change_id=change.change_id,
            status="forbidden",
            reason=problem,
            revision=existing.revision if existing is not None else None,
            server_payload=json.loads(existing.payload) if existing is not None else None,
            server_deleted=existing.deleted if existing is not None else None,
        )
    current = existing.revision if existing is not None else None
    if change.base_revision != current:
        return ChangeResult(
            change_id=change.change_id,
            status="conflict",
            revision=current,
            server_payload=json.loads(existing.payload) if existing is not None else None,
            server_deleted=existing.deleted if existing is not None else None,
        )
    if (
        change.record_type == "case"
        and not change.deleted
        and client_id is not None
        and (existing is None or existing.client_id != client_id)
    ):
        try:
            _require_visible_client(session, user, client_id)
        except _Refusal as refusal:
            return ChangeResult(
                change_id=change.change_id, status="forbidden", reason=refusal.reason
            )
    now = datetime.now(UTC)
    former_owner = existing.owner_user_id if existing is not None else None
    reassigned = existing is not None and change.record_type == "case" and former_owner != owner
    # a case moved to another client (the same resident registered twice, merged): the
    # consultant of the case may not have that client yet
    client_moved = (
        existing is not None and change.record_type == "case" and existing.client_id != client_id
    )
    if existing is None:
        existing = Record(record_type=change.record_type, record_id=change.record_id)
        session.add(existing)
    revision = revisions.next()
    existing.municipality_code = change.municipality_code
    existing.owner_user_id = owner
    existing.case_id = case_id
    existing.client_id = client_id
    existing.revision = revision
    existing.payload = payload
    existing.deleted = change.deleted
    existing.updated_at = now
    session.add(
        AppliedChange(
            change_id=change.change_id, user_id=user.id, applied_at=now, revision=revision
        )
    )
    session.flush()
    if reassigned:
        _restamp(session, existing, revisions, former_owner)
        if former_owner is not None:
            withdraw_case(session, existing, former_owner, revisions)
    elif client_moved and client_id is not None:
        client = _find(session, "client", client_id)
        if client is not None:
            client.revision = revisions.next()
            session.flush()
    return ChangeResult(change_id=change.change_id, status="applied", revision=revision)


def push_changes(session: Session, user: User, changes: list[Change]) -> list[ChangeResult]:
    """Apply ``changes`` in order; each is applied once, however often it is delivered."""
    revisions = Revisions(session)
    return [_apply(session, user, change, revisions) for change in changes]


def pull_records(session: Session, user: User, since: int, limit: int) -> PullResponse:
    """Records visible to ``user`` with revision > ``since``, oldest first, ``limit`` at most;
    what goes out per client is logged (``server.sent``). While a remote wipe is pending for
    the user, nothing goes out: the answer only says ``wipe``."""
    if user.wipe_requested_at is not None:
        return PullResponse(records=[], next_since=since, more=False, wipe=True)
    query = visible_to(user).where(Record.revision > since)
    rows = list(session.scalars(query.order_by(Record.revision).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    audit_api.record_sent(session, user, rows)
    return PullResponse(
        records=[
            RecordOut(
                record_type=r.record_type,
                record_id=r.record_id,
                municipality_code=r.municipality_code,
                owner_user_id=r.owner_user_id,
                case_id=r.case_id,
                revision=r.revision,
                deleted=r.deleted,
                payload=payload_for(r, user),
                updated_at=r.updated_at,
            )
            for r in rows
        ],
        next_since=rows[-1].revision if rows else since,
        more=more,
    )


@router.post(
    "/sync/push",
    response_model=PushResponse,
    dependencies=[CheckedProtocol],
    responses=ERROR_RESPONSES,
)
def push(body: PushRequest, user: CurrentUser, request: Request) -> PushResponse:
    """Send local changes; each gets applied, duplicate, conflict or forbidden."""
    db = request.app.state.db
    with WRITE_LOCK, db.session_scope() as session:
        db.writer_lock(session)
        results = push_changes(session, user, body.changes)
        # a pending wipe still takes the changes first: nothing recorded offline is lost
        return PushResponse(results=results, wipe=user.wipe_requested_at is not None)


@router.get(
    "/sync/pull",
    response_model=PullResponse,
    dependencies=[CheckedProtocol],
    responses=ERROR_RESPONSES,
)
def pull(
    user: CurrentUser,
    request: Request,
    since: Annotated[int, Query(ge=0, le=MAX_REVISION)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 500,
) -> PullResponse:
    """Records changed after revision ``since`` that this user may see; page with next_since."""
    with request.app.state.db.session_scope() as session:
        return pull_records(session, user, since, limit)
