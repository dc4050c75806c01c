"""The HTTP API of the server: login, health, and the sync push/pull over the record store.

Visibility rule (pull and push): a user only ever sees records of their own municipality.
A teamleider sees all of them. A consulent or bw-consulent sees records they own
(``owner_user_id``: for a case the consultant it is assigned to, for other records the
consultant who created them) and records without an owner (municipality-wide reference data),
and may only change records they own or create.
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from wmo_desk.domain.integrity import document_intact
from wmo_desk.server import auth
from wmo_desk.server.models import AppliedChange, Record, User
from wmo_desk.server.records import (
    SERVER_OWNED_TYPES,
    Revisions,
    canonical_json,
    payload_for,
    visible_to,
    withdraw_case,
)

router = APIRouter(prefix="/api/v1")

MAX_CHANGES_PER_PUSH = 500
MAX_PULL_LIMIT = 1000
# Revisions are max+1 per change; one writer at a time keeps them unique and gap-free in order.
_push_lock = threading.Lock()
# Never changed once on the server: a final decision and the documents rendered for it.
IMMUTABLE_TYPES = frozenset({"decision_document"})
FINAL = "definitief"

Status = Literal["applied", "duplicate", "conflict", "forbidden"]
Reason = Literal[
    "other_municipality",
    "not_yours",
    "unknown_case",
    "unknown_consultant",
    "final",
    "checksum",
    "server_owned",
]


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class UserOut(BaseModel):
    id: uuid.UUID
    username: str
    display_name: str
    role: str
    municipality_code: str


class LoginResponse(BaseModel):
    token: str
    expires_at: datetime
    user: UserOut


class Change(BaseModel):
    change_id: uuid.UUID
    record_type: str = Field(pattern=r"^[a-z][a-z_]{0,39}$", examples=["case", "client"])
    record_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^\d{4}$", examples=["0828"])
    base_revision: int | None = Field(default=None, ge=0)
    case_id: uuid.UUID | None = Field(
        default=None, description="The case this record belongs to (not for a case or a client)."
    )
    deleted: bool = False
    payload: dict[str, Any] = Field(default_factory=dict)


class PushRequest(BaseModel):
    changes: list[Change] = Field(max_length=MAX_CHANGES_PER_PUSH)


class ChangeResult(BaseModel):
    change_id: uuid.UUID
    status: Status
    revision: int | None = Field(
        default=None,
        description="applied/duplicate: its revision; conflict and refused as final: the server's.",
    )
    server_payload: dict[str, Any] | None = Field(
        default=None,
        description="conflict, and forbidden for reason final: the version the server kept.",
    )
    server_deleted: bool | None = None
    reason: Reason | None = Field(default=None, description="forbidden only: why.")


class PushResponse(BaseModel):
    results: list[ChangeResult]


class RecordOut(BaseModel):
    record_type: str
    record_id: uuid.UUID
    municipality_code: str
    owner_user_id: uuid.UUID | None
    case_id: uuid.UUID | None = None
    revision: int
    deleted: bool
    payload: dict[str, Any]
    updated_at: datetime


class PullResponse(BaseModel):
    records: list[RecordOut]
    next_since: int = Field(description="Pass as ?since= in the next pull.")
    more: bool


class Health(BaseModel):
    status: Literal["ok"]


def _user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        municipality_code=user.municipality_code,
    )


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


def _restamp(session: Session, case: Record, revisions: Revisions) -> None:
    """After a reassignment, the case's records and client get new revisions so the new
    consultant's next pull brings them."""
    belonging = session.scalars(
        select(Record).where(Record.case_id == case.record_id, Record.record_type != "case")
    )
    for record in belonging:
        record.revision = revisions.next()
    if case.client_id is not None:
        client = _find(session, "client", case.client_id)
        if client is not None:
            client.revision = revisions.next()
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
    if not _checksum_ok(change):
        return ChangeResult(change_id=change.change_id, status="forbidden", reason="checksum")
    current = existing.revision if existing is not None else None
    if change.base_revision != current:
        return ChangeResult(
            change_id=change.change_id,
            status="conflict",
            revision=current,
            server_payload=json.loads(existing.payload) if existing is not None else None,
            server_deleted=existing.deleted if existing is not None else None,
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
        _restamp(session, existing, revisions)
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
    """Records visible to ``user`` with revision > ``since``, oldest first, ``limit`` at most."""
    query = visible_to(user).where(Record.revision > since)
    rows = list(session.scalars(query.order_by(Record.revision).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
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


CurrentUser = Annotated[User, Depends(auth.current_user)]

_login_schema = LoginRequest.model_json_schema()


@router.post(
    "/login",
    response_model=LoginResponse,
    responses={401: {"description": "bad_credentials or user_inactive"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _login_schema},
                "application/x-www-form-urlencoded": {"schema": _login_schema},
            },
        }
    },
)
async def login(request: Request) -> LoginResponse | JSONResponse:
    """Log in with username and password (JSON or form); returns a bearer token."""
    body = await request.body()
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
    else:
        try:
            fields = json.loads(body or b"{}")
        except ValueError:
            fields = None
    try:
        credentials = LoginRequest.model_validate(fields)
    except ValidationError:
        return JSONResponse(
            status_code=422,
            content={"code": "bad_request", "message": "Geef gebruikersnaam en wachtwoord."},
        )

    def _login() -> LoginResponse:
        with request.app.state.db.session_scope() as session:
            issued = auth.login(
                session,
                credentials.username,
                credentials.password,
                lifetime=request.app.state.token_lifetime,
            )
            return LoginResponse(
                token=issued.token, expires_at=issued.expires_at, user=_user_out(issued.user)
            )

    return await run_in_threadpool(_login)


@router.get("/health", response_model=Health)
def health(request: Request) -> Health:
    """Answers when the server runs and its database can be read."""
    with request.app.state.db.session_scope() as session:
        session.execute(text("SELECT 1"))
    return Health(status="ok")


@router.post("/sync/push", response_model=PushResponse)
def push(body: PushRequest, user: CurrentUser, request: Request) -> PushResponse:
    """Send local changes; each gets applied, duplicate, conflict or forbidden."""
    db = request.app.state.db
    with _push_lock, db.session_scope() as session:
        db.writer_lock(session)
        return PushResponse(results=push_changes(session, user, body.changes))


@router.get("/sync/pull", response_model=PullResponse)
def pull(
    user: CurrentUser,
    request: Request,
    since: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 500,
) -> PullResponse:
    """Records changed after revision ``since`` that this user may see; page with next_since."""
    with request.app.state.db.session_scope() as session:
        return pull_records(session, user, since, limit)
