"""The sync routes of the server: push and pull over the record store.

Visibility rule (pull and push): a user only ever sees records of their own municipality.
A teamleider sees all of them. A consulent or bw-consulent sees records they own
(``owner_user_id``: for a case the consultant it is assigned to, for other records the
consultant who created them) and records without an owner (municipality-wide reference data),
and may only change records they own or create.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import case, null
from sqlalchemy.orm import Session

from wmo_desk.server import audit_api
from wmo_desk.server.auth_api import ERROR_RESPONSES, CheckedProtocol, CurrentUser
from wmo_desk.server.models import Record, User
from wmo_desk.server.push import apply_push
from wmo_desk.server.records import payload_for, visible_to
from wmo_desk.sync.protocol import (
    MAX_PULL_LIMIT,
    MAX_REVISION,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordOut,
)

router = APIRouter(prefix="/api/v1")
# what a pull reads of a record (its payload as ``body``, or NULL for the puller's own)
_PULLED = (
    Record.record_type,
    Record.record_id,
    Record.municipality_code,
    Record.owner_user_id,
    Record.case_id,
    Record.client_id,
    Record.revision,
    Record.deleted,
    Record.updated_at,
)


def pull_records(
    session: Session, user: User, since: int, limit: int, *, written_in: str | None = None
) -> PullResponse:
    """Records visible to ``user`` with revision > ``since``, oldest first, ``limit`` at most;
    what goes out per client is logged (``server.sent``). Versions the sign-in ``written_in``
    pushed itself are passed over (the desktop has them; the cursor moves past them). While a
    remote wipe is pending for the user, nothing goes out: the answer only says ``wipe``."""
    if user.wipe_requested_at is not None:
        return PullResponse(records=[], next_since=since, more=False, wipe=True)
    # the payload of the pusher's own versions is not even read
    body = (
        Record.payload
        if written_in is None
        else case((Record.written_in == written_in, null()), else_=Record.payload)
    )
    # plain rows with the record's attribute names, not ORM objects: read once, never written
    query = (
        visible_to(user)
        .with_only_columns(*_PULLED, body.label("body"))
        .where(Record.revision > since)
        .order_by(Record.revision)
        .limit(limit + 1)
    )
    scanned = [(row, row.body) for row in session.execute(query)]
    more = len(scanned) > limit
    scanned = scanned[:limit]
    rows = [(record, text) for record, text in scanned if text is not None]
    audit_api.record_sent(session, user, [record for record, _ in rows])  # type: ignore[misc]
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
                payload=payload_for(r, user, text),
                updated_at=r.updated_at,
            )
            for r, text in rows
        ],
        next_since=scanned[-1][0].revision if scanned else since,
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
    results = apply_push(
        request.app.state.db, user, body.changes, written_in=getattr(request.state, "session", None)
    )
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
        return pull_records(
            session, user, since, limit, written_in=getattr(request.state, "session", None)
        )
