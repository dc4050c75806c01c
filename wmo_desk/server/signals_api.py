"""Signals to the regional meldpunt: the desktop reports, the meldpunt sets the status.

Rules, all from the signed-in user (never from the body):

- a consulent, teamleider or bw-consulent reports (the router carries ``roles.SyncRole``);
- the provider is one of the catalogue published for the reporter's municipality (the region's);
- a client is referenced only with consent (the protocol refuses it otherwise) and only a
  client the reporter sees on the server (``records.visible_to``);
- a second report with the same id by the same user is answered with the stored receipt; the
  same id by someone else is refused;
- the reporter reads back the status of their own signals only.

The status changes (:func:`change_status`) are the web pages' (wmo_desk/server/web/meldpunt.py).
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.server.audit_api import server_entry
from wmo_desk.server.auth_api import ERROR_RESPONSES, CheckedProtocol, CurrentUser
from wmo_desk.server.db import lock_revision_writers
from wmo_desk.server.models import AuditLogEntry, Record, SignalReport, SignalStatusChange, User
from wmo_desk.server.records import visible_to
from wmo_desk.server.web.sources import region_of
from wmo_desk.sync.protocol import MAX_REVISION
from wmo_desk.sync.signals import (
    MAX_SIGNAL_NOTE,
    MAX_STATUS_PAGE,
    SignalIn,
    SignalReceipt,
    SignalStatus,
    SignalStatusOut,
    SignalStatusPage,
)

router = APIRouter(prefix="/api/v1")
# status_seq is the newest history id: ids must be handed out and committed in order, so
# writers go one at a time (across processes on PostgreSQL: the writers' advisory lock).
_LOCK = threading.Lock()

UNKNOWN_PROVIDER_TEXT = (
    "Deze aanbieder staat niet in de catalogus van uw gemeente of regio. Werk de catalogus bij "
    "(synchroniseer) en kies de aanbieder opnieuw."
)
UNKNOWN_CLIENT_TEXT = (
    "De gekoppelde cliënt is niet bekend op de server of is niet een cliënt van u. Synchroniseer "
    "eerst, of meld het signaal zonder cliënt."
)
TAKEN_ID_TEXT = "Dit signaal is al door iemand anders gemeld; het is niet opgeslagen."


def _refuse(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"code": code, "message": message})


def _receipt(signal: SignalReport, duplicate: bool) -> SignalReceipt:
    return SignalReceipt(
        signal_id=signal.id,
        status=SignalStatus(signal.status),
        received_at=signal.received_at,
        duplicate=duplicate,
    )


def _history(
    session: Session, signal: SignalReport, status: SignalStatus, by: User, now: datetime, note: str
) -> None:
    entry = SignalStatusChange(
        signal_id=signal.id, status=status.value, at=now, by_user_id=by.id, note=note
    )
    session.add(entry)
    session.flush()
    signal.status = status.value
    signal.status_at = now
    signal.status_seq = entry.id


def report(
    session: Session, user: User, body: SignalIn, now: datetime
) -> SignalReceipt | JSONResponse:
    """Store ``body`` as reported by ``user``, or say why not."""
    lock_revision_writers(session)
    existing = session.get(SignalReport, body.signal_id)
    if existing is not None:
        if existing.reporter_id != user.id:
            return _refuse(409, "signal_taken", TAKEN_ID_TEXT)
        return _receipt(existing, duplicate=True)
    providers = region_of(session, user.municipality_code).providers
    if body.provider_id not in providers:
        return _refuse(409, "unknown_provider", UNKNOWN_PROVIDER_TEXT)
    if body.client_id is not None:
        seen = session.scalar(
            visible_to(user)
            .with_only_columns(Record.id)
            .where(
                Record.record_type == "client",
                Record.record_id == body.client_id,
                Record.deleted.is_(False),
            )
        )
        if seen is None:
            return _refuse(403, "unknown_client", UNKNOWN_CLIENT_TEXT)
    signal = SignalReport(
        id=body.signal_id,
        municipality_code=user.municipality_code,
        reporter_id=user.id,
        provider_id=body.provider_id,
        provider_name=providers[body.provider_id][:300],
        kind=body.kind.value,
        what_happened=body.what_happened,
        occurred_on=body.occurred_on,
        client_id=body.client_id,
        consent_on=body.consent_on,
        status=SignalStatus.ONTVANGEN.value,
        received_at=now,
        status_at=now,
        status_seq=0,
    )
    session.add(signal)
    session.flush()
    _history(session, signal, SignalStatus.ONTVANGEN, user, now, "")
    if body.client_id is not None:
        # the client's file now has a reference at the meldpunt: part of the inzage
        session.add(
            AuditLogEntry(
                **server_entry(
                    user,
                    "signal.received",
                    client_id=str(body.client_id),
                    object_id=str(signal.id),
                    detail="signaal met toestemming van de cliënt",
                    at=now,
                )
            )
        )
    return _receipt(signal, duplicate=False)


def statuses(session: Session, user: User, since: int, limit: int) -> SignalStatusPage:
    """``user``'s own signals whose status changed after ``since``, in order of change."""
    rows = list(
        session.scalars(
            select(SignalReport)
            .where(SignalReport.reporter_id == user.id, SignalReport.status_seq > since)
            .order_by(SignalReport.status_seq)
            .limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return SignalStatusPage(
        signals=[
            SignalStatusOut(
                signal_id=r.id,
                status=SignalStatus(r.status),
                changed_at=r.status_at,
                seq=r.status_seq,
            )
            for r in rows
        ],
        next_since=rows[-1].status_seq if rows else since,
        more=more,
    )


class StatusRefused(Exception):
    """A status change the meldpunt may not make; ``message`` is Dutch."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def change_status(
    db, user: User, signal_id: uuid.UUID, status: SignalStatus, note: str, now: datetime
) -> None:
    """The meldpunt sets ``status`` with ``note``; a history row records who, when and why."""
    if user.role != "meldpunt":
        raise StatusRefused("Alleen het meldpunt wijzigt de status van een signaal.")
    note = note.strip()
    if len(note) > MAX_SIGNAL_NOTE:
        raise StatusRefused(f"De toelichting is te lang (meer dan {MAX_SIGNAL_NOTE} tekens).")
    with _LOCK, db.session_scope() as session:
        lock_revision_writers(session)
        signal = session.get(SignalReport, signal_id)
        if signal is None or not in_region(session, user, signal):
            raise StatusRefused("Dit signaal bestaat niet (meer).")
        if signal.status == status.value:
            raise StatusRefused(f"Het signaal heeft de status ‘{status.label}’ al.")
        _history(session, signal, status, user, now, note)


def region_codes(session: Session, user: User) -> list[str]:
    """The municipalities whose signals the meldpunt of ``user``'s region sees."""
    return region_of(session, user.municipality_code).codes


def in_region(session: Session, user: User, signal: SignalReport) -> bool:
    return signal.municipality_code in region_codes(session, user)


def _now() -> datetime:
    return datetime.now(UTC)


@router.post(
    "/signals",
    response_model=SignalReceipt,
    dependencies=[CheckedProtocol],
    responses={**ERROR_RESPONSES, 409: {"description": "the id is someone else's signal"}},
)
def post_signal(body: SignalIn, user: CurrentUser, request: Request):
    """Report a signal to the meldpunt (idempotent on ``signal_id``)."""
    with _LOCK, request.app.state.db.session_scope() as session:
        return report(session, user, body, _now())


@router.get(
    "/signals/mine",
    response_model=SignalStatusPage,
    dependencies=[CheckedProtocol],
    responses=ERROR_RESPONSES,
)
def my_signals(
    user: CurrentUser,
    request: Request,
    since: Annotated[int, Query(ge=0, le=MAX_REVISION)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_STATUS_PAGE)] = MAX_STATUS_PAGE,
) -> SignalStatusPage:
    """The statuses of the signals this user reported, changed after ``since``."""
    with request.app.state.db.session_scope() as session:
        return statuses(session, user, since, limit)
