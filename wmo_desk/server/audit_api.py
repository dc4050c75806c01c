"""The access log on the server (NEN 7513): devices' chains pushed, its own lines, inzage, wipe.

Each desktop profile (a device) pushes its hash chain (``wmo_desk/domain/audit.py``); the
server checks that every line continues the chain it holds and stores it append-only (the
database refuses UPDATE and DELETE, migration s0005). A device is bound to the first user who
pushes for it. The server writes lines of its own (``source`` 'server', device 'server', no seq
or hash): what each pull handed out per client, each inzage report, each remote wipe.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session
from starlette.responses import JSONResponse

from wmo_desk.domain.audit import GENESIS, ChainBreak, action_label, chain_break
from wmo_desk.server import auth
from wmo_desk.server.auth_api import ERROR_RESPONSES, CheckedProtocol, CurrentUser
from wmo_desk.server.models import AuditDevice, AuditLogEntry, Record, User
from wmo_desk.sync.protocol import (
    SERVER_DEVICE,
    AuditPushRequest,
    AuditPushResponse,
    InzageEntry,
    InzageResponse,
    WipeDoneRequest,
)

router = APIRouter(prefix="/api/v1")

TEAMLEIDER = "teamleider"
# One chain writer at a time within a server process (SQLite: one process per file); across
# processes on PostgreSQL the device row is locked (SELECT ... FOR UPDATE).
AUDIT_LOCK = threading.Lock()
# Records only the server writes hold no client's file (a withdrawal names a client id only).
_NOT_A_FILE = frozenset({"user", "catalogue", "withdrawal"})


class AuditRefused(Exception):
    """A call the access log refuses: HTTP ``status``, a ``code`` and a Dutch ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


def _refused(refusal: AuditRefused) -> JSONResponse:
    return JSONResponse(
        status_code=refusal.status, content={"code": refusal.code, "message": refusal.message}
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _broken(reason: str) -> AuditRefused:
    return AuditRefused(
        409,
        "audit_chain_broken",
        f"Het toegangslog van dit apparaat sluit niet aan op wat de server heeft: {reason}. "
        "Er is niets van opgeslagen.",
    )


OTHER_USERS_DEVICE = AuditRefused(
    403,
    "device_of_other_user",
    "Dit apparaat is gekoppeld aan een andere gebruiker. Meld u aan met dat account of "
    "neem contact op met de beheerder.",
)


def server_entry(
    user: User,
    action: str,
    *,
    client_id: str | None = None,
    object_id: str | None = None,
    detail: str = "",
    at: datetime | None = None,
    municipality_code: str | None = None,
) -> dict[str, Any]:
    """The row of a line the server writes itself, about ``user`` (who got or did it); in the
    log of ``municipality_code`` (the one the data belong to; by default the user's)."""
    moment = at or _now()
    return dict(
        municipality_code=municipality_code or user.municipality_code,
        source="server",
        device_id=SERVER_DEVICE,
        seq=None,
        at=moment,
        user_id=str(user.id),
        pushed_by=user.id,
        action=action,
        client_id=client_id,
        case_id=None,
        object_id=object_id,
        detail=detail,
        prev_hash=None,
        hash=None,
        received_at=moment,
    )


_AUDIT_ENTRIES = AuditLogEntry.__table__


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        # one Core executemany on the table, in the session's transaction (so a pull's lines
        # commit or roll back with what they record): a pull stays one round trip for its log,
        # however many clients, without the ORM bulk insert's bookkeeping per row
        session.execute(insert(_AUDIT_ENTRIES), rows)


# --- push ------------------------------------------------------------------------------------


def _device(session: Session, device_id: str) -> AuditDevice | None:
    return session.scalar(
        select(AuditDevice).where(AuditDevice.device_id == device_id).with_for_update()
    )


def _check_authors(session: Session, user: User, fresh: list) -> None:
    """No new line may name another server user than the one pushing: that would put a read
    in a colleague's name. A line may name an id the server does not know: a desktop's own
    user id from before its first sign-in (its ``account.linked`` line ties it to the pusher)."""
    pusher = str(user.id)
    others = {e.user_id for e in fresh if e.user_id != pusher}
    ids = []
    for value in others:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue  # not an id the server hands out, so nobody's
    named = set(session.scalars(select(User.id).where(User.id.in_(ids)))) if ids else set()
    for entry in fresh:
        try:
            colleague = entry.user_id != pusher and uuid.UUID(entry.user_id) in named
        except ValueError:
            colleague = False
        if colleague:
            raise AuditRefused(
                403,
                "audit_other_user",
                f"Regel {entry.seq} van het toegangslog noemt een andere gebruiker dan wie "
                "aangemeld is. Er is niets van opgeslagen.",
            )


def push_entries(session: Session, user: User, body: AuditPushRequest) -> AuditPushResponse:
    """Store the entries that continue ``body.device_id``'s chain; repeated ones are skipped
    when identical. A break anywhere refuses the whole request (:class:`AuditRefused`)."""
    device = _device(session, body.device_id)
    if device is not None and device.user_id != user.id:
        raise OTHER_USERS_DEVICE
    head_seq = device.last_seq if device is not None else 0
    head_hash = device.last_hash if device is not None else GENESIS
    wipe = user.wipe_requested_at is not None
    entries = [e.to_entry() for e in body.entries]
    if not entries:
        return AuditPushResponse(stored_through=head_seq, last_hash=head_hash, wipe=wipe)

    first, last = entries[0].seq, entries[-1].seq
    stored: dict[int, str] = {}
    if first <= head_seq:
        # a retry: the line before the batch and the repeated lines must be those stored
        rows = session.execute(
            select(AuditLogEntry.seq, AuditLogEntry.hash).where(
                AuditLogEntry.device_id == body.device_id,
                AuditLogEntry.seq >= first - 1,
                AuditLogEntry.seq <= min(last, head_seq),
            )
        )
        stored = {seq: hash_ for seq, hash_ in rows if seq is not None and hash_ is not None}
        after_seq, after_hash = first - 1, (stored.get(first - 1, "") if first > 1 else GENESIS)
    else:
        after_seq, after_hash = head_seq, head_hash
    problem: ChainBreak | None = chain_break(entries, after_seq=after_seq, after_hash=after_hash)
    if problem is not None:
        raise _broken(problem.reason)
    for entry in entries:
        if entry.seq <= head_seq and stored.get(entry.seq) != entry.hash:
            raise _broken(f"regel {entry.seq} is anders dan de regel die de server al heeft")

    fresh = [e for e in entries if e.seq > head_seq]
    _check_authors(session, user, fresh)
    received = _now()
    _insert(
        session,
        [
            dict(
                municipality_code=user.municipality_code,
                source="desktop",
                device_id=e.device_id,
                seq=e.seq,
                at=e.at,
                user_id=e.user_id,
                pushed_by=user.id,
                action=e.action,
                client_id=e.client_id,
                case_id=e.case_id,
                object_id=e.object_id,
                detail=e.detail,
                prev_hash=e.prev_hash,
                hash=e.hash,
                received_at=received,
            )
            for e in fresh
        ],
    )
    if fresh:
        if device is None:
            device = AuditDevice(device_id=body.device_id, user_id=user.id)
            session.add(device)
        device.last_seq, device.last_hash = fresh[-1].seq, fresh[-1].hash
        head_seq, head_hash = device.last_seq, device.last_hash
        session.flush()
    return AuditPushResponse(stored_through=head_seq, last_hash=head_hash, wipe=wipe)


# --- what the regional website showed --------------------------------------------------------


def record_signal_read(session: Session, user: User, signal: Any) -> None:
    """One ``signal.web_read`` line each time the meldpunt or the toezichthouder opens a
    signal on the website (what happened, possibly about a client): in the log of the
    municipality the signal came from, with its client when one is linked, so the client's
    inzage lists who read it."""
    _insert(
        session,
        [
            server_entry(
                user,
                "signal.web_read",
                client_id=str(signal.client_id) if signal.client_id else None,
                object_id=str(signal.id),
                detail=f"signaal gelezen door {user.role}",
                municipality_code=signal.municipality_code,
            )
        ],
    )


# --- what a pull handed out ------------------------------------------------------------------


def record_sent(session: Session, user: User, records: Iterable[Record]) -> None:
    """One ``server.sent`` line per client whose file (the client, or a record of one of its
    cases) went to ``user`` in a pull. Tombstones hold no data and are not counted."""
    counts: Counter[str] = Counter()
    case_clients: dict[uuid.UUID, uuid.UUID | None] = {}
    belonging: list[Record] = []
    for record in records:
        if record.deleted or record.record_type in _NOT_A_FILE:
            continue
        if record.record_type == "client":
            counts[str(record.record_id)] += 1
        elif record.record_type == "case":
            case_clients[record.record_id] = record.client_id
            if record.client_id is not None:
                counts[str(record.client_id)] += 1
        elif record.case_id is not None:
            belonging.append(record)
    missing = {r.case_id for r in belonging} - case_clients.keys()
    if missing:
        rows = session.execute(
            select(Record.record_id, Record.client_id).where(
                Record.record_type == "case", Record.record_id.in_(missing)
            )
        )
        case_clients.update((case_id, client_id) for case_id, client_id in rows)
    for record in belonging:
        client = case_clients.get(record.case_id) if record.case_id is not None else None
        if client is not None:
            counts[str(client)] += 1
    at = _now()
    _insert(
        session,
        [
            server_entry(user, "server.sent", client_id=client, detail=_records(n), at=at)
            for client, n in sorted(counts.items())
        ],
    )


def _records(count: int) -> str:
    return "1 record" if count == 1 else f"{count} records"


# --- inzage ----------------------------------------------------------------------------------


def inzage(session: Session, user: User, client_id: uuid.UUID) -> InzageResponse:
    """Every line about ``client_id`` in the user's municipality, desktop and server, oldest
    first; for a team lead of the client's municipality only. Logged as ``inzage.report``."""
    if user.role != TEAMLEIDER:
        raise AuditRefused(
            403,
            "not_teamleider",
            "Alleen een teamleider van de gemeente van de cliënt maakt een inzageoverzicht.",
        )
    client = session.scalar(
        select(Record).where(Record.record_type == "client", Record.record_id == client_id)
    )
    if client is None:
        raise AuditRefused(404, "unknown_client", "De server kent deze cliënt niet.")
    if client.municipality_code != user.municipality_code:
        raise AuditRefused(403, "other_municipality", "Deze cliënt hoort bij een andere gemeente.")
    cases = [
        str(case_id)
        for case_id in session.scalars(
            select(Record.record_id).where(
                Record.record_type == "case", Record.client_id == client_id
            )
        )
    ]
    about = AuditLogEntry.client_id == str(client_id)
    if cases:
        about = or_(about, AuditLogEntry.case_id.in_(cases))
    rows = list(
        session.scalars(
            select(AuditLogEntry)
            .where(AuditLogEntry.municipality_code == user.municipality_code, about)
            .order_by(AuditLogEntry.at, AuditLogEntry.id)
        )
    )
    people = _users(session, {row.user_id for row in rows})
    entries = [
        InzageEntry(
            at=row.at,
            user_id=row.user_id,
            user_name=people[row.user_id].display_name if row.user_id in people else None,
            role=people[row.user_id].role if row.user_id in people else None,
            device_id=row.device_id,
            action=row.action,
            action_label=action_label(row.action),
            client_id=row.client_id,
            case_id=row.case_id,
            object_id=row.object_id,
            detail=row.detail,
            source="server" if row.source == "server" else "desktop",
        )
        for row in rows
    ]
    _insert(
        session,
        [
            server_entry(
                user, "inzage.report", client_id=str(client_id), detail=f"{len(entries)} regels"
            )
        ],
    )
    return InzageResponse(client_id=client_id, entries=entries)


def _users(session: Session, ids: set[str]) -> dict[str, User]:
    """The accounts among ``ids`` (a desktop's user id is text; an account's a UUID)."""
    parsed = {}
    for text in ids:
        try:
            parsed[uuid.UUID(text)] = text
        except ValueError:
            continue
    if not parsed:
        return {}
    found = session.scalars(select(User).where(User.id.in_(parsed.keys())))
    return {parsed[user.id]: user for user in found}


# --- remote wipe -----------------------------------------------------------------------------


def wipe_done(session: Session, user: User, device_id: str) -> None:
    """The device wiped its profile: log it, clear the pending wipe, revoke every session."""
    account = session.get(User, user.id)
    if account is None or account.wipe_requested_at is None:
        raise AuditRefused(
            409, "no_wipe_pending", "Er is voor dit account geen wissen op afstand aangevraagd."
        )
    device = _device(session, device_id)
    if device is not None and device.user_id != user.id:
        raise OTHER_USERS_DEVICE
    _insert(session, [server_entry(account, "device.wiped", object_id=device_id)])
    account.wipe_requested_at = None
    session.flush()
    auth.revoke_sessions(session, account.username)


# --- routes ----------------------------------------------------------------------------------

_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    404: {"description": "unknown_client"},
    409: {"description": "audit_chain_broken, conflict or no_wipe_pending"},
}


@router.post(
    "/audit",
    response_model=AuditPushResponse,
    dependencies=[CheckedProtocol],
    responses=_RESPONSES,
)
def push_route(
    body: AuditPushRequest, user: CurrentUser, request: Request
) -> AuditPushResponse | JSONResponse:
    """Send a device's next access-log lines; answers how far the server holds its chain."""
    try:
        with AUDIT_LOCK, request.app.state.db.session_scope() as session:
            return push_entries(session, user, body)
    except AuditRefused as refusal:
        return _refused(refusal)


@router.get(
    "/audit/clients/{client_id}",
    response_model=InzageResponse,
    dependencies=[CheckedProtocol],
    responses=_RESPONSES,
)
def inzage_route(
    client_id: Annotated[uuid.UUID, Path()], user: CurrentUser, request: Request
) -> InzageResponse | JSONResponse:
    """The inzage report of a client (AVG art. 15): who did what with the file, when, where."""
    try:
        with request.app.state.db.session_scope() as session:
            return inzage(session, user, client_id)
    except AuditRefused as refusal:
        return _refused(refusal)


@router.post(
    "/wipe/done",
    status_code=204,
    response_class=Response,
    dependencies=[CheckedProtocol],
    responses=_RESPONSES,
)
def wipe_done_route(body: WipeDoneRequest, user: CurrentUser, request: Request) -> Response:
    """The desktop wiped its profile after a remote wipe: every session of the user ends."""
    try:
        with AUDIT_LOCK, request.app.state.db.session_scope() as session:
            wipe_done(session, user, body.device_id)
    except AuditRefused as refusal:
        return _refused(refusal)
    return Response(status_code=204)
