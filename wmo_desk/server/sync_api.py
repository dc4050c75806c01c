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
from wmo_desk.server.auth_api import ERROR_RESPONSES, CheckedProtocol
from wmo_desk.server.models import Record, User
from wmo_desk.server.push import push_in
from wmo_desk.server.records import payload_for, visible_to
from wmo_desk.server.roles import SignedIn, sync_user
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


# The two routes check the bearer token in their own transaction (``roles.sync_user``), not by
# a dependency of their own thread turn: a request takes one pooled connection and one thread
# turn from the check to the commit, and holds no connection while it waits for a thread.


@router.post(
    "/sync/push",
    response_model=PushResponse,
    dependencies=[CheckedProtocol],
    responses=ERROR_RESPONSES,
)
def push(body: PushRequest, signed: SignedIn, request: Request) -> PushResponse:
    """Send local changes; each gets applied, duplicate, conflict or forbidden."""
    with request.app.state.db.session_scope() as session:
        user = sync_user(session, signed)
        results = push_in(session, user, body.changes, written_in=signed.writer)
        # a pending wipe still takes the changes first: nothing recorded offline is lost
        return PushResponse(results=results, wipe=user.wipe_requested_at is not None)


@router.get(
    "/sync/pull",
    response_model=PullResponse,
    dependencies=[CheckedProtocol],
    responses=ERROR_RESPONSES,
)
def pull(
    signed: SignedIn,
    request: Request,
    since: Annotated[int, Query(ge=0, le=MAX_REVISION)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 500,
) -> PullResponse:
    """Records changed after revision ``since`` that this user may see; page with next_since."""
    with request.app.state.db.session_scope() as session:
        user = sync_user(session, signed)
        return pull_records(session, user, since, limit, written_in=signed.writer)
