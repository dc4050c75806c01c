"""Applying a push: the rules per change, over rows read in a few statements, written in bulk.

A push is applied in two steps. **Planning** runs every change through the rules in order
(who may write it, is it a valid record, is it final, approved, in conflict) against a
:class:`_View` of the records it touches, loaded with one ``SELECT`` per record type; what a
change writes goes into the view, so a later change of the same push sees it. **Writing**
numbers the planned writes with revisions and stores them with one bulk statement per kind
(new records, changed records, applied change ids).

Revisions are ``max + 1`` in commit order (pull cursors rely on it), so numbering and writing
happen under the writer lock (:data:`WRITE_LOCK` in the process, an advisory lock across
processes on PostgreSQL). Planning does not hold it where it can be checked afterwards: on
PostgreSQL a consultant's push of cases, clients and conversations is planned without the lock;
under the lock the revisions of every row it read are read again, and if another writer changed
one in between, the push is planned again, now holding the lock. Pushes whose rules read more
than rows (approvals, numbers, a team lead's reassignments) and every push on SQLite (one writer
per file anyway) are planned under the lock from the start.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from wmo_desk.domain.integrity import document_intact
from wmo_desk.server import approvals
from wmo_desk.server.db import ServerDatabase, lock_revision_writers
from wmo_desk.server.models import SYNC_ROLES, AppliedChange, Record, User
from wmo_desk.server.records import (
    CATALOGUE_NAMESPACE,
    SERVER_OWNED_TYPES,
    WRITE_LOCK,
    canonical_json,
    hold_connection,
)
from wmo_desk.sync import records
from wmo_desk.sync.protocol import Change, ChangeResult, Refusal, WithdrawalPayload

# Never changed once on the server: a final decision and the documents rendered for it.
IMMUTABLE_TYPES = frozenset({"decision_document"})
FINAL = "definitief"
# an evaluation task; once its outcome is recorded, never changed again
EVALUATION = "evaluation"
# Their rules read the approvals and issued numbers, which the approval routes change under
# the writer lock: a push holding one of these is planned under it.
APPROVAL_TYPES = frozenset({"decision", "decision_document", "allocation", "provision"})
_CHUNK = 500  # ids per IN (...) list
_RECORDS = Record.__table__
_COLUMNS = (
    "record_type",
    "record_id",
    "municipality_code",
    "owner_user_id",
    "case_id",
    "client_id",
    "revision",
    "payload",
    "deleted",
    "updated_at",
    "written_in",
)


@dataclass(eq=False)
class Row:
    """A record as planning sees it: read from the store, or written by this push."""

    record_type: str
    record_id: uuid.UUID
    municipality_code: str
    owner_user_id: uuid.UUID | None
    case_id: uuid.UUID | None
    client_id: uuid.UUID | None
    revision: int | None
    payload: str
    deleted: bool
    updated_at: datetime | None = None
    written_in: str | None = None
    id: int | None = None  # primary key; None until a new record is written
    read_revision: int | None = None  # as read from the store, to check it did not change


@dataclass
class _Write:
    row: Row
    applied: Change | None = None  # the change whose application this is


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _chunks(values: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _batches(ids_by_type: dict[str, list[uuid.UUID]]) -> list[ColumnElement[bool]]:
    """Conditions on the records table that together match the given (type, id) pairs: four
    lists of at most 500 ids per condition, so a statement never binds more than 2,000."""
    parts = [
        and_(_RECORDS.c.record_type == record_type, _RECORDS.c.record_id.in_(chunk))
        for record_type, ids in ids_by_type.items()
        for chunk in _chunks(ids)
    ]
    return [or_(*parts[start : start + 4]) for start in range(0, len(parts), 4)]


class _Refusal(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


class _View:
    """The records one push reads, by (type, id): loaded once, then changed in memory."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: dict[tuple[str, uuid.UUID], Row | None] = {}
        self.users: dict[uuid.UUID, User | None] = {}
        # set when planning read something the recheck under the lock does not cover
        self.unchecked = False

    def load(self, keys: Iterable[tuple[str, uuid.UUID]]) -> None:
        wanted: dict[str, list[uuid.UUID]] = {}
        for record_type, record_id in keys:
            if (record_type, record_id) not in self.rows:
                self.rows[(record_type, record_id)] = None
                wanted.setdefault(record_type, []).append(record_id)
        # the record types of a push in one statement (a case with its client: one round trip)
        for found_in in _batches(wanted):
            for found in self.session.execute(select(_RECORDS).where(found_in)).mappings():
                row = Row(**{name: found[name] for name in _COLUMNS}, id=found["id"])
                row.read_revision = row.revision
                self.rows[(row.record_type, row.record_id)] = row

    def find(self, record_type: str, record_id: uuid.UUID) -> Row | None:
        if (record_type, record_id) not in self.rows:
            self.load([(record_type, record_id)])
        return self.rows[(record_type, record_id)]

    def user(self, user_id: uuid.UUID) -> User | None:
        if user_id not in self.users:
            self.users[user_id] = self.session.get(User, user_id)
        return self.users[user_id]

    def belonging(self, case_id: uuid.UUID) -> list[Row]:
        """The records of a case other than the case itself, as they stand in this push."""
        self.unchecked = True  # a record added to the case meanwhile would be missed
        ids = self.session.execute(
            select(_RECORDS.c.record_type, _RECORDS.c.record_id).where(
                _RECORDS.c.case_id == case_id, _RECORDS.c.record_type != "case"
            )
        ).all()
        self.load(ids)
        return [
            row
            for (kind, _), row in self.rows.items()
            if row is not None and kind != "case" and row.case_id == case_id
        ]

    def client_linked(self, user: User, client_id: uuid.UUID) -> bool:
        """Whether one of the user's cases points at the client, in the store or this push."""
        for (kind, _), row in self.rows.items():
            if (
                kind == "case"
                and row is not None
                and row.owner_user_id == user.id
                and row.client_id == client_id
                and row.municipality_code == user.municipality_code
            ):
                return True
        self.unchecked = True
        found = self.session.scalar(
            select(_RECORDS.c.id).where(
                _RECORDS.c.record_type == "case",
                _RECORDS.c.owner_user_id == user.id,
                _RECORDS.c.client_id == client_id,
                _RECORDS.c.municipality_code == user.municipality_code,
            )
        )
        return found is not None

    def changed_since_read(self) -> bool:
        """Whether another writer changed, added or removed a row this view read."""
        return self.recheck()[0]

    def recheck(self) -> tuple[bool, int]:
        """:meth:`changed_since_read`, and the highest revision stored now: one statement for
        both while the push holds the lock (up to four lists of 500 ids per statement)."""
        by_type: dict[str, list[uuid.UUID]] = {}
        for record_type, record_id in self.rows:
            by_type.setdefault(record_type, []).append(record_id)
        current: dict[tuple[str, uuid.UUID], int] = {}
        last = 0
        for found_in in _batches(by_type) or [false()]:
            # one row even when no record matches: (SELECT 1) LEFT JOIN records ON ...
            query = select(
                select(func.max(_RECORDS.c.revision))
                .correlate(None)  # over the whole table, not the joined row
                .scalar_subquery()
                .label("last"),
                _RECORDS.c.record_type,
                _RECORDS.c.record_id,
                _RECORDS.c.revision,
            ).select_from(select(literal(1).label("one")).subquery().outerjoin(_RECORDS, found_in))
            for top, record_type, record_id, revision in self.session.execute(query):
                last = max(last, top or 0)
                if record_type is not None:
                    current[(record_type, record_id)] = revision
        changed = any(
            current.get(key) != (None if row is None or row.id is None else row.read_revision)
            for key, row in self.rows.items()
        )
        return changed, last


def _is_teamleider(user: User) -> bool:
    return user.role == "teamleider"


def _placement(
    view: _View, change: Change, user: User, existing: Row | None
) -> tuple[uuid.UUID | None, uuid.UUID | None, uuid.UUID | None]:
    """Owner, case and client the record gets, or :class:`_Refusal` when ``user`` may not write it."""
    if change.record_type in SERVER_OWNED_TYPES:
        raise _Refusal("server_owned")
    if change.municipality_code != user.municipality_code or (
        existing is not None and existing.municipality_code != user.municipality_code
    ):
        raise _Refusal("other_municipality")
    teamleider = _is_teamleider(user)
    if change.record_type == EVALUATION:
        return _evaluation_placement(view, change, user, existing)
    if change.record_type == "case":
        consultant = _uuid(change.payload.get("consultant_id"))
        client = _uuid(change.payload.get("client_id"))
        if existing is not None and client is None:
            client = existing.client_id
        if teamleider:
            if consultant is not None:
                colleague = view.user(consultant)
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
        case = view.find("case", case_id)
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


def _evaluation_placement(
    view: _View, change: Change, user: User, existing: Row | None
) -> tuple[uuid.UUID | None, uuid.UUID | None, uuid.UUID | None]:
    """An evaluation task is written by the case's consultant, a team lead, or the colleague it
    is assigned to (who may not hold the case); a new one, or a tombstone, only by the first
    two. Its owner is the assignee, an active colleague of the municipality who syncs (the one
    who sees it besides the case's consultant). Its case and conversation never change; a
    conversation has one call."""
    case_id = change.case_id
    if case_id is None or (existing is not None and existing.case_id != case_id):
        raise _Refusal(Refusal.NOT_YOURS)
    case = view.find("case", case_id)
    if case is None or case.municipality_code != user.municipality_code:
        raise _Refusal(Refusal.UNKNOWN_CASE)
    teamleider = _is_teamleider(user)
    live = existing is not None and not existing.deleted
    if change.deleted:
        # a case removed since: the call goes with it (its owner may clear it too)
        owner_of_call = live and existing.owner_user_id == user.id  # type: ignore[union-attr]
        if not (teamleider or case.owner_user_id == user.id or (case.deleted and owner_of_call)):
            raise _Refusal(Refusal.NOT_YOURS)
        return (existing.owner_user_id if existing is not None else user.id), case_id, None
    if case.deleted:
        raise _Refusal(Refusal.UNKNOWN_CASE)
    assigned_to_me = live and existing.owner_user_id == user.id  # type: ignore[union-attr]
    if not (teamleider or case.owner_user_id == user.id or assigned_to_me):
        raise _Refusal(Refusal.CALL_NOT_YOURS)
    conversation = str(change.payload.get("conversation_id"))
    if existing is not None and existing.payload != canonical_json({}):
        if json.loads(existing.payload).get("conversation_id") != conversation:
            raise _Refusal(Refusal.CALL_NOT_YOURS)
    else:
        found = view.find("conversation", _uuid(conversation) or uuid.UUID(int=0))
        if found is None or found.deleted or found.case_id != case_id:
            raise _Refusal(Refusal.UNKNOWN_CASE)
        for other in view.belonging(case_id):
            if (
                other.record_type == EVALUATION
                and other.record_id != change.record_id
                and not other.deleted
                and json.loads(other.payload).get("conversation_id") == conversation
            ):
                raise _Refusal(Refusal.CALL_EXISTS)
    assignee = _uuid(change.payload.get("assignee_id"))
    colleague = view.user(assignee) if assignee is not None else None
    if (
        colleague is None
        or colleague.municipality_code != user.municipality_code
        or colleague.role not in SYNC_ROLES
        or not colleague.active
    ):
        raise _Refusal(Refusal.UNKNOWN_ASSIGNEE)
    return colleague.id, case_id, None


def _require_visible_client(view: _View, user: User, client_id: uuid.UUID) -> None:
    """A case links only to a client its writer already sees: never to another municipality's
    client, and a consultant never to a colleague's (that would hand them its data on pull)."""
    client = view.find("client", client_id)
    if client is None or client.municipality_code != user.municipality_code:
        raise _Refusal(Refusal.UNKNOWN_CLIENT)
    if _is_teamleider(user) or client.owner_user_id == user.id:
        return
    if not view.client_linked(user, client_id):
        raise _Refusal(Refusal.UNKNOWN_CLIENT)


def _approval_problem(
    session: Session, user: User, change: Change, existing: Row | None
) -> Refusal | None:
    """What the server's approval decides: a decision becomes final only as approved there,
    documents come only from its approver, toewijzingen carry only numbers it issued."""
    kind = change.record_type
    if kind == "decision":
        if not change.deleted and change.payload.get("status") == FINAL:
            return approvals.final_decision_problem(
                session,
                user,
                change.record_id,
                change.payload,
                existing,  # type: ignore[arg-type]
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
        return approvals.provision_problem(
            session,
            change.payload,
            existing,  # type: ignore[arg-type]
            change.deleted,
        )
    return None


def _record_problem(change: Change) -> str | None:
    """What is wrong with the record, in Dutch, by the domain's rules (the same the desktop
    checks); a record refers to the case it travels with."""
    problem = records.validate(change.record_type, change.payload) or records.change_problem(
        change.record_type, change.payload
    )
    if problem is not None:
        return problem.message
    if "case_id" in change.payload and str(change.payload["case_id"]) != str(change.case_id):
        return "Casus: het record hoort bij een andere casus dan waarmee het is verstuurd."
    if change.record_type == EVALUATION and change.payload.get("municipality_code") != (
        change.municipality_code
    ):
        return "Gemeente: de evaluatie hoort bij een andere gemeente dan waarmee ze is verstuurd."
    return None


def _is_final(row: Row) -> bool:
    if row.deleted:
        return False
    if row.record_type in IMMUTABLE_TYPES:
        return True
    if row.record_type == EVALUATION:
        return json.loads(row.payload).get("outcome") is not None
    return row.record_type == "decision" and json.loads(row.payload).get("status") == FINAL


def _checksum_ok(change: Change) -> bool:
    """A decision document's content must match the SHA-256 it came with."""
    if change.record_type != "decision_document" or change.deleted:
        return True
    return document_intact(change.payload)


def _server_version(row: Row | None) -> dict:
    """The stored version a refusal or conflict sends back, so the desktop shows what holds."""
    if row is None:
        return {"revision": None, "server_payload": None, "server_deleted": None}
    return {
        "revision": row.revision,
        "server_payload": json.loads(row.payload),
        "server_deleted": row.deleted,
    }


@dataclass
class _Plan:
    """What a push writes, in order, and the answer to each change (revisions filled in later)."""

    view: _View
    user: User
    written_in: str | None
    now: datetime
    writes: list[_Write] = field(default_factory=list)
    results: list[ChangeResult] = field(default_factory=list)
    applied_at: dict[int, int] = field(default_factory=dict)  # result index -> write index
    # a refusal or conflict that sent back a version written earlier in this push: the number
    # that version gets (result index -> write index)
    shown_at: dict[int, int] = field(default_factory=dict)
    last_write: dict[int, int] = field(default_factory=dict)  # id(row) -> its latest write
    seen: dict[uuid.UUID, int] = field(default_factory=dict)  # change ids applied before
    planned_ids: set[uuid.UUID] = field(default_factory=set)

    def write(self, row: Row, applied: Change | None = None) -> int:
        row.updated_at = self.now
        row.written_in = self.written_in if applied is not None else None
        row.revision = None  # numbered when written
        self.view.rows[(row.record_type, row.record_id)] = row
        self.writes.append(_Write(row, applied))
        self.last_write[id(row)] = len(self.writes) - 1
        return len(self.writes) - 1


def _apply(plan: _Plan, change: Change) -> ChangeResult:
    view, user = plan.view, plan.user
    if change.change_id in plan.seen:
        return ChangeResult(
            change_id=change.change_id, status="duplicate", revision=plan.seen[change.change_id]
        )
    if change.change_id in plan.planned_ids:
        # delivered twice in one push: the first delivery's answer
        return ChangeResult(change_id=change.change_id, status="duplicate")
    existing = view.find(change.record_type, change.record_id)
    try:
        owner, case_id, client_id = _placement(view, change, user, existing)
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
            reason=Refusal.RECORDED if existing.record_type == EVALUATION else Refusal.FINAL,
            revision=existing.revision,
            server_payload=json.loads(existing.payload),
            server_deleted=False,
        )
    problem = _approval_problem(view.session, user, change, existing)
    if problem is not None:
        return ChangeResult(
            change_id=change.change_id,
            status="forbidden",
            reason=problem,
            **_server_version(existing),
        )
    current = existing.revision if existing is not None else None
    if existing is not None and current is None:
        # written earlier in this same push: the desktop sends a record once per push
        current = -1
    if change.base_revision != current:
        return ChangeResult(
            change_id=change.change_id, status="conflict", **_server_version(existing)
        )
    if (
        change.record_type == "case"
        and not change.deleted
        and client_id is not None
        and (existing is None or existing.client_id != client_id)
    ):
        try:
            _require_visible_client(view, user, client_id)
        except _Refusal as refusal:
            return ChangeResult(
                change_id=change.change_id, status="forbidden", reason=refusal.reason
            )
    former_owner = existing.owner_user_id if existing is not None else None
    reassigned = existing is not None and change.record_type == "case" and former_owner != owner
    # a case moved to another client (the same resident registered twice, merged): the
    # consultant of the case may not have that client yet
    client_moved = (
        existing is not None and change.record_type == "case" and existing.client_id != client_id
    )
    row = existing or Row(
        record_type=change.record_type,
        record_id=change.record_id,
        municipality_code=change.municipality_code,
        owner_user_id=None,
        case_id=None,
        client_id=None,
        revision=None,
        payload="",
        deleted=False,
    )
    row.municipality_code = change.municipality_code
    row.owner_user_id = owner
    row.case_id = case_id
    row.client_id = client_id
    row.payload = payload
    row.deleted = change.deleted
    index = plan.write(row, change)
    plan.planned_ids.add(change.change_id)
    result = ChangeResult(change_id=change.change_id, status="applied")
    plan.applied_at[len(plan.results)] = index
    if reassigned:
        _restamp(plan, row, former_owner)
        if former_owner is not None:
            _withdraw(plan, row, former_owner)
    elif change.record_type == EVALUATION and former_owner not in (None, owner):
        _call_taken_from(plan, row, former_owner)  # type: ignore[arg-type]
    elif client_moved and client_id is not None:
        client = view.find("client", client_id)
        if client is not None:
            plan.write(client)
    return result


def _restamp(plan: _Plan, case: Row, former_owner: uuid.UUID | None) -> None:
    """After a reassignment, the case's records and client get new revisions so the new
    consultant's next pull brings them. A client the former consultant registered goes with
    the case: they see it from now on only through a case of their own."""
    for row in plan.view.belonging(case.record_id):
        if row.record_type == EVALUATION and former_owner is not None:
            _hand_over(plan.view, row, former_owner, case.owner_user_id)
        plan.write(row)
    if case.client_id is not None:
        client = plan.view.find("client", case.client_id)
        if client is not None:
            if former_owner is not None and client.owner_user_id == former_owner:
                client.owner_user_id = case.owner_user_id
            plan.write(client)


def _hand_over(view: _View, row: Row, former_owner: uuid.UUID, new_owner: uuid.UUID | None) -> None:
    """An open call of the consultant a case was taken from goes to the case's new consultant
    (one handed to a colleague stays with the colleague; a recorded one is done), when that
    consultant may be assigned a call (an active colleague who syncs)."""
    if row.deleted or new_owner is None or row.owner_user_id != former_owner:
        return
    colleague = view.user(new_owner)
    if colleague is None or colleague.role not in SYNC_ROLES or not colleague.active:
        return
    payload = json.loads(row.payload)
    if payload.get("outcome") is not None:
        return
    payload["assignee_id"] = str(new_owner)
    row.payload = canonical_json(payload)
    row.owner_user_id = new_owner


def _call_taken_from(plan: _Plan, call: Row, former_owner: uuid.UUID) -> None:
    """A call handed away from a colleague who does not hold its case: their desktop is told
    (a withdrawal of the case, which for them is the call alone) and removes its copy, with
    whom it said to call. The case's consultant and team leads still see the call."""
    case = plan.view.find("case", call.case_id) if call.case_id is not None else None
    former = plan.view.user(former_owner)
    if case is None or case.owner_user_id == former_owner or former is None:
        return
    if _is_teamleider(former):
        return
    _withdraw(plan, case, former_owner, client=False)


def _withdraw(plan: _Plan, case: Row, former_owner: uuid.UUID, *, client: bool = True) -> None:
    """Tell the consultant a case was taken from that the case and its records are no longer
    theirs: their desktop removes its copy (unless the case comes back to them later).
    ``client``: name the case's client (not to a colleague who only had a call of it)."""
    record_id = uuid.uuid5(CATALOGUE_NAMESPACE, f"withdrawal:{case.record_id}:{former_owner}")
    row = plan.view.find("withdrawal", record_id) or Row(
        record_type="withdrawal",
        record_id=record_id,
        municipality_code=case.municipality_code,
        owner_user_id=former_owner,
        case_id=None,
        client_id=None,
        revision=None,
        payload="",
        deleted=False,
    )
    row.municipality_code = case.municipality_code
    row.owner_user_id = former_owner
    row.case_id = None
    row.client_id = None
    row.deleted = False
    row.payload = canonical_json(
        WithdrawalPayload(
            case_id=case.record_id,
            client_id=case.client_id if client else None,
            user_id=former_owner,
        ).model_dump(mode="json")
    )
    plan.write(row)


def _plan(session: Session, user: User, changes: list[Change], written_in: str | None) -> _Plan:
    view = _View(session)
    keys: set[tuple[str, uuid.UUID]] = set()
    for change in changes:
        keys.add((change.record_type, change.record_id))
        if change.case_id is not None:
            keys.add(("case", change.case_id))
        if change.record_type == "case":
            client = _uuid(change.payload.get("client_id"))
            if client is not None:
                keys.add(("client", client))
    view.load(sorted(keys, key=lambda key: (key[0], str(key[1]))))
    plan = _Plan(view=view, user=user, written_in=written_in, now=datetime.now(UTC))
    ids = [change.change_id for change in changes]
    for chunk in _chunks(ids):
        plan.seen.update(
            session.execute(
                select(AppliedChange.change_id, AppliedChange.revision).where(
                    AppliedChange.change_id.in_(chunk)
                )
            ).all()
        )
    for change in changes:
        result = _apply(plan, change)
        row = view.rows.get((change.record_type, change.record_id))
        if result.status in ("conflict", "forbidden") and row is not None and row.revision is None:
            # it answered with a version this push wrote before: numbered when written
            plan.shown_at[len(plan.results)] = plan.last_write[id(row)]
        plan.results.append(result)
    return plan


def _store(session: Session, plan: _Plan, last: int | None = None) -> list[ChangeResult]:
    """Number the planned writes (under the writer lock) and write them in bulk; ``last`` is
    the highest revision stored, when read under the lock already."""
    if last is None:
        last = session.scalar(select(func.max(Record.revision))) or 0
    revisions = [last + 1 + i for i in range(len(plan.writes))]
    for write, revision in zip(plan.writes, revisions, strict=True):
        write.row.revision = revision
    final: dict[int, Row] = {}
    for write in plan.writes:
        final[id(write.row)] = write.row  # a row written twice is stored once, as it ends
    new = [row for row in final.values() if row.id is None]
    changed = [row for row in final.values() if row.id is not None]
    if new:
        session.execute(
            insert(_RECORDS), [{name: getattr(r, name) for name in _COLUMNS} for r in new]
        )
    if changed:
        session.execute(
            update(_RECORDS)
            .where(_RECORDS.c.id == bindparam("row_id"))
            .values(
                {
                    name: bindparam(name)
                    for name in _COLUMNS
                    if name not in ("record_type", "record_id")
                }
            ),
            [
                {
                    "row_id": r.id,
                    **{n: getattr(r, n) for n in _COLUMNS if n not in ("record_type", "record_id")},
                }
                for r in changed
            ],
            execution_options={"synchronize_session": False},
        )
    applied = [
        {
            "change_id": write.applied.change_id,
            "user_id": plan.user.id,
            "applied_at": plan.now,
            "revision": revision,
        }
        for write, revision in zip(plan.writes, revisions, strict=True)
        if write.applied is not None
    ]
    if applied:
        session.execute(insert(AppliedChange.__table__), applied)
    results = list(plan.results)
    for result_index, write_index in (plan.applied_at | plan.shown_at).items():
        results[result_index] = results[result_index].model_copy(
            update={"revision": revisions[write_index]}
        )
    # a change delivered twice in one push answers as its first delivery
    by_change = {r.change_id: r.revision for r in results if r.status == "applied"}
    for i, result in enumerate(results):
        if result.status == "duplicate" and result.revision is None:
            results[i] = result.model_copy(update={"revision": by_change.get(result.change_id)})
    return results


def _plan_outside_lock(session: Session, user: User, changes: list[Change]) -> bool:
    return (
        session.get_bind().dialect.name == "postgresql"
        and not _is_teamleider(user)
        and not any(change.record_type in APPROVAL_TYPES for change in changes)
    )


def apply_push(
    db: ServerDatabase, user: User, changes: list[Change], *, written_in: str | None = None
) -> list[ChangeResult]:
    """:func:`push_in` in a transaction of its own."""
    with db.session_scope() as session:
        return push_in(session, user, changes, written_in=written_in)


def push_in(
    session: Session, user: User, changes: list[Change], *, written_in: str | None = None
) -> list[ChangeResult]:
    """Apply ``changes`` in order, in ``session``'s transaction, and commit it; each is applied
    once, however often it is delivered.

    ``written_in`` names the sign-in that pushes (the SHA-256 of its token): its own pulls skip
    what this push wrote. The writer lock is held from numbering to commit. Its connection is
    checked out before :data:`WRITE_LOCK` is taken, as everywhere (:func:`hold_connection`): a
    holder of the lock never waits for the pool.
    """
    if _plan_outside_lock(session, user, changes):
        plan = _plan(session, user, changes, written_in)
        if not plan.writes:
            return plan.results
        with WRITE_LOCK:
            lock_revision_writers(session)
            # read after the lock is granted: every earlier writer has committed
            changed, last = plan.view.recheck()
            if plan.view.unchecked or changed:
                # under the lock now: ``last`` stays the maximum while it is held
                plan = _plan(session, user, changes, written_in)
            results = _store(session, plan, last)
            session.commit()
        return results
    hold_connection(session)
    with WRITE_LOCK:
        lock_revision_writers(session)
        results = _store(session, _plan(session, user, changes, written_in))
        session.commit()
    return results
