"""The record store: revisions, server-published records (users, catalogues) and what a user sees.

Every change gets the next revision (max + 1): pull cursors rely on each committed revision
being higher than every revision committed before it, so writers are serialised (a thread lock
in one process, :meth:`ServerDatabase.writer_lock` across processes on PostgreSQL).
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from wmo_desk.server.db import lock_revision_writers
from wmo_desk.server.models import Record, User
from wmo_desk.sync.protocol import UserPayload, WithdrawalPayload

# Records only the server writes: accounts (so desktops know colleagues' names) and catalogues.
SERVER_OWNED_TYPES = frozenset({"user", "catalogue", "withdrawal"})
# Beschermd-wonen capacity in a catalogue is for this role only.
BW_ROLE = "bw-consulent"
_BW_FIELDS = ("bw_places", "bw_clients")
# Revisions and issued numbers are max + 1: one writer at a time within a server process (across
# processes on PostgreSQL: ServerDatabase.writer_lock).
# Whoever takes it holds its database connection already (hold_connection): the lock's holder
# never waits for the pool, whose connections may all be with requests waiting for the lock.
WRITE_LOCK = threading.Lock()
CATALOGUE_NAMESPACE = uuid.UUID("5d3c7e1e-2f7a-4b0e-9a55-6b7e0c2d9f10")


def hold_connection(session: Session) -> None:
    """Check ``session``'s connection out of the pool now, before :data:`WRITE_LOCK` is taken."""
    session.connection()


def canonical_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class Revisions:
    """Hands out the next revision numbers within one writing transaction."""

    def __init__(self, session: Session) -> None:
        lock_revision_writers(session)
        self.last = session.scalar(select(func.max(Record.revision))) or 0

    def next(self) -> int:
        self.last += 1
        return self.last


def publish(
    session: Session,
    *,
    record_type: str,
    record_id: uuid.UUID,
    municipality_code: str,
    payload: dict[str, Any],
    revisions: Revisions | None = None,
    owner: uuid.UUID | None = None,
) -> int:
    """Insert or replace a server-owned record, visible to everyone of the municipality or,
    with ``owner``, to that user (and the team leads) only."""
    revisions = revisions or Revisions(session)
    record = session.scalar(
        select(Record).where(Record.record_type == record_type, Record.record_id == record_id)
    )
    if record is None:
        record = Record(record_type=record_type, record_id=record_id)
        session.add(record)
    record.municipality_code = municipality_code
    record.owner_user_id = owner
    record.case_id = None
    record.revision = revisions.next()
    record.payload = canonical_json(payload)
    record.deleted = False
    record.updated_at = datetime.now(UTC)
    session.flush()
    return record.revision


def publish_user(session: Session, user: User) -> int:
    """Colleagues' desktops learn the user's name and role (never the password hash)."""
    return publish(
        session,
        record_type="user",
        record_id=user.id,
        municipality_code=user.municipality_code,
        payload=UserPayload(name=user.display_name, role=user.role, active=user.active).model_dump(
            mode="json"
        ),
    )


def withdraw_case(
    session: Session, case: Record, former_owner: uuid.UUID, revisions: Revisions
) -> int:
    """Tell the consultant a case was taken from that the case and its records are no longer
    theirs: their desktop removes its copy (unless the case comes back to them later)."""
    return publish(
        session,
        record_type="withdrawal",
        record_id=uuid.uuid5(CATALOGUE_NAMESPACE, f"withdrawal:{case.record_id}:{former_owner}"),
        municipality_code=case.municipality_code,
        payload=WithdrawalPayload(
            case_id=case.record_id, client_id=case.client_id, user_id=former_owner
        ).model_dump(mode="json"),
        revisions=revisions,
        owner=former_owner,
    )


def catalogue_record_id(region_code: str, municipality_code: str) -> uuid.UUID:
    return uuid.uuid5(CATALOGUE_NAMESPACE, f"{region_code}:{municipality_code}")


def publish_catalogue(session: Session, catalogue: dict[str, Any]) -> list[int]:
    """One record per municipality of the region: the whole catalogue as published."""
    revisions = Revisions(session)
    return [
        publish(
            session,
            record_type="catalogue",
            record_id=catalogue_record_id(catalogue["region_code"], m["cbs_code"]),
            municipality_code=m["cbs_code"],
            payload=catalogue,
            revisions=revisions,
        )
        for m in catalogue["municipalities"]
    ]


def visible_to(user: User) -> Select[tuple[Record]]:
    """Records of the user's municipality that the user may see.

    A team lead sees all of them. A consultant sees the cases assigned to them and everything
    belonging to those cases (including the client), records they made outside a case, the
    evaluation calls assigned to them (also of a colleague's case: the task alone, with whom to
    call, not the case or its client), and server-owned or ownerless reference records.
    """
    query = select(Record).where(Record.municipality_code == user.municipality_code)
    if user.role == "teamleider":
        return query
    my_cases = select(Record.record_id).where(
        Record.record_type == "case",
        Record.owner_user_id == user.id,
        Record.municipality_code == user.municipality_code,
    )
    my_clients = select(Record.client_id).where(
        Record.record_type == "case",
        Record.owner_user_id == user.id,
        Record.municipality_code == user.municipality_code,
        Record.client_id.is_not(None),
    )
    return query.where(
        or_(
            Record.case_id.in_(my_cases),
            and_(
                Record.case_id.is_(None),
                or_(Record.owner_user_id == user.id, Record.owner_user_id.is_(None)),
            ),
            and_(Record.record_type == "client", Record.record_id.in_(my_clients)),
            and_(Record.record_type == "evaluation", Record.owner_user_id == user.id),
        )
    )


def payload_for(record: Record, user: User, text: str | None = None) -> dict[str, Any]:
    """The payload (``text``, or the record's) as ``user`` may read it: catalogues lose BW
    capacity except for bw-consulent."""
    payload = json.loads(record.payload if text is None else text)
    if record.record_type == "catalogue" and user.role != BW_ROLE:
        for provider in payload.get("providers", []):
            for location in provider.get("locations", []):
                for field in _BW_FIELDS:
                    location.pop(field, None)
    return payload
