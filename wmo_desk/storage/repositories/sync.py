"""Sync state in the desktop database: the outbox of local changes and the conflicts (the pull
side, inbox and twins, in :mod:`sync_pull`).

How a row travels (the payload) is in :mod:`sync_payloads`."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from wmo_desk.domain.identifiers import utcnow
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.evaluations import EvaluationRepository
from wmo_desk.storage.repositories.settings import SettingsRepository
from wmo_desk.storage.repositories.sync_payloads import (
    FORM_SNAPSHOT_KEY,
    LOCAL_ID_KEY,
    RECORD_TYPES,
    fill_row,
    is_withdrawn_twin,
    payload_of,
    payload_of_values,
    plain,
    same_version,
    wire_id,
)
from wmo_desk.storage.repositories.sync_pull import PullSide, chunks, expire_loaded
from wmo_desk.storage.tables import (
    CaseEventRow,
    CaseRow,
    DecisionRow,
    EvaluationRow,
    FormSnapshotRow,
    ProvisionRow,
    SyncConflictRow,
    SyncOutboxRow,
    UserRow,
    ZrmAssessmentRow,
)
from wmo_desk.sync.apply import with_kept_client
from wmo_desk.sync.engine import Answer, answer_to, goes_back, still_as_sent

CURSOR_KEY = "sync.cursor"
# a conflict record of this kind: a row this desktop holds back (it breaks the record rules)
HELD = "held"
LAST_SYNC_KEY = "sync.last_at"


@dataclass(frozen=True)
class OutgoingChange:
    change_id: str
    record_type: str
    record_id: str
    case_id: str | None
    base_revision: int | None
    deleted: bool
    payload: dict[str, Any]


@dataclass(frozen=True)
class Conflict:
    """Both versions of a record, for the user to choose from (or a refused change to read)."""

    id: str
    kind: str
    reason: str
    record_type: str
    record_id: str
    case_id: str | None
    local_payload: dict[str, Any]
    local_deleted: bool
    server_payload: dict[str, Any] | None
    server_deleted: bool
    server_revision: int | None
    detected_at: datetime
    resolved_at: datetime | None
    resolution: str
    detail: str = ""


def _conflict(row: SyncConflictRow) -> Conflict:
    return Conflict(
        id=row.id,
        kind=row.kind,
        reason=row.reason,
        record_type=row.record_type,
        record_id=row.record_id,
        case_id=row.case_id,
        local_payload=row.local_payload,
        local_deleted=row.local_deleted,
        server_payload=row.server_payload,
        server_deleted=row.server_deleted,
        server_revision=row.server_revision,
        detected_at=row.detected_at,
        resolved_at=row.resolved_at,
        resolution=row.resolution,
        detail=row.detail or "",
    )


class SyncRepository(PullSide):
    """Outbox, inbox, cursor and conflicts of one desktop database."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._case_of_decision: dict[str, str | None] = {}

    # --- bookkeeping -----------------------------------------------------------------------

    def cursor(self) -> int:
        return int(SettingsRepository(self._session).get(CURSOR_KEY, "0") or 0)

    def set_cursor(self, value: int) -> None:
        SettingsRepository(self._session).set(CURSOR_KEY, str(value))

    def last_sync(self) -> datetime | None:
        value = SettingsRepository(self._session).get(LAST_SYNC_KEY)
        return datetime.fromisoformat(value) if value else None

    def set_last_sync(self, at: datetime) -> None:
        SettingsRepository(self._session).set(LAST_SYNC_KEY, at.isoformat())

    def pending_count(self) -> int:
        """Local changes still to send (users are the server's); a row waiting for the user to
        settle a conflict is not sent, so it is not counted here but as a conflict."""
        blocked = self._blocked_ids()
        return sum(
            self._session.scalar(
                select(func.count())
                .select_from(model)
                .where(model.pending, model.id.not_in(blocked))
            )
            or 0
            for model in RECORD_TYPES.values()
        )

    # --- which case a record belongs to -----------------------------------------------------

    def _decision_case(self, decision_id: str | None) -> str | None:
        if decision_id is None:
            return None
        if decision_id not in self._case_of_decision:
            self._case_of_decision[decision_id] = self._session.scalar(
                select(DecisionRow.case_id).where(DecisionRow.id == decision_id)
            )
        return self._case_of_decision[decision_id]

    def case_of(self, record_type: str, row_or_payload: Any) -> str | None:
        get = (
            row_or_payload.get
            if isinstance(row_or_payload, dict)
            else lambda key: getattr(row_or_payload, key, None)
        )
        if record_type == "case":
            return get("id")
        if record_type == "client":
            return None
        if record_type in ("provision", "decision_document"):
            return self._decision_case(get("decision_id"))
        if record_type == "allocation":
            decision_id = self._session.scalar(
                select(ProvisionRow.decision_id).where(ProvisionRow.id == get("provision_id"))
            )
            return self._decision_case(decision_id)
        return get("case_id")

    # --- push ------------------------------------------------------------------------------

    def _blocked_ids(self) -> set[str]:
        return set(
            self._session.scalars(
                select(SyncConflictRow.record_id).where(
                    SyncConflictRow.resolved_at.is_(None), SyncConflictRow.kind == "conflict"
                )
            )
        )

    def _settle_equal_conflicts(self) -> None:
        """An open conflict whose two versions have come to say the same (both desktops merged
        twin clients, say) needs no choice: it is settled and the row goes on."""
        open_conflicts = self._session.scalars(
            select(SyncConflictRow).where(
                SyncConflictRow.resolved_at.is_(None), SyncConflictRow.kind == "conflict"
            )
        )
        kept_of: dict[str, str | None] | None = None
        for conflict in open_conflicts:
            row = self._row(conflict.record_type, conflict.record_id)
            if row is None:
                continue
            current = {} if row.deleted else payload_of(row)
            if kept_of is None and conflict.record_type == "case":
                kept_of = self._kept_of()
            server = with_kept_client(conflict.record_type, conflict.server_payload, kept_of or {})
            if same_version(current, row.deleted, server, conflict.server_deleted):
                conflict.resolved_at = utcnow()
                conflict.resolution = "gelijk"
                self._adopt(
                    row,
                    conflict.server_payload,
                    server,
                    conflict.server_deleted,
                    conflict.server_revision,
                )
        self._session.flush()

    def prepare_outbox(self) -> int:
        """Give every pending row without a prepared change one (unless it is in conflict)."""
        # the protocol's record rules (pydantic) load with the first sync, not with the window
        from wmo_desk.sync import records

        self._settle_equal_conflicts()
        queued = set(self._session.scalars(select(SyncOutboxRow.record_id)))
        blocked = self._blocked_ids()
        snapshots: dict[tuple[str, str], FormSnapshotRow | None] = {}
        prepared: list[dict[str, Any]] = []
        # a client or case the protocol refuses holds back the records that depend on it
        waiting: set[str] = set()
        for record_type, model in RECORD_TYPES.items():
            table = model.__table__  # type: ignore[attr-defined]
            # plain rows: read only, and much cheaper than ORM objects for thousands of rows
            for row in self._session.execute(select(table).where(table.c.pending)):
                if row.id in queued or row.id in blocked:
                    continue
                depends_on = row.client_id if record_type == "case" else None
                if depends_on in waiting or self.case_of(record_type, row) in waiting:
                    waiting.add(row.id)
                    continue
                payload = {} if row.deleted else payload_of_values(model, row._mapping)
                if wire_id(row.id) != row.id and not row.deleted:
                    payload[LOCAL_ID_KEY] = row.id
                if record_type == "conversation" and not row.deleted:
                    key = (row.form_id, row.form_version)
                    if key not in snapshots:
                        snapshots[key] = self._session.get(FormSnapshotRow, key)
                    snapshot = snapshots[key]
                    if snapshot is not None:
                        payload[FORM_SNAPSHOT_KEY] = {
                            "definition": snapshot.definition,
                            "sha256": snapshot.sha256,
                        }
                if not row.deleted:
                    # the storage edge: the row leaves as the protocol's record, checked by the
                    # same rules the server applies (a row that breaks them is not sent). The
                    # payload goes as built: dump(parse(p)) == p for every valid payload
                    # (tests/sync/test_records.py), so dumping it again would change nothing.
                    try:
                        records.parse(record_type, payload)
                    except records.RecordError as exc:
                        self._refuse_locally(record_type, row, payload, exc.problem.message)
                        waiting.add(row.id)
                        continue
                prepared.append(
                    {
                        "change_id": str(uuid.uuid4()),
                        "record_type": record_type,
                        "record_id": row.id,
                        "case_id": self.case_of(record_type, row),
                        "base_revision": row.server_revision,
                        "deleted": row.deleted,
                        "payload": payload,
                    }
                )
        if prepared:
            # one INSERT, in the order prepared (the outbox is sent in that order); on the
            # table, not the ORM class: its bulk path costs more than the statement itself
            self._session.execute(insert(SyncOutboxRow.__table__), prepared)
        self._session.flush()
        return len(prepared)

    def _refuse_locally(
        self, record_type: str, row: Any, payload: dict[str, Any], message: str
    ) -> None:
        """A row the protocol does not accept stays here, pending, shown once as refused with
        the reason; it goes when it is corrected."""
        from wmo_desk.sync.protocol import Refusal

        already = self._session.scalar(
            select(SyncConflictRow.id).where(
                SyncConflictRow.record_id == row.id,
                SyncConflictRow.kind == HELD,
                SyncConflictRow.reason == Refusal.INVALID.value,
                SyncConflictRow.resolved_at.is_(None),
                SyncConflictRow.detail == message,
            )
        )
        if already is not None:
            return
        self._add_conflict(
            HELD, Refusal.INVALID.value, record_type, row.id,
            self.case_of(record_type, row), plain(payload), False, None, False, None, message,
        )  # fmt: skip

    def outbox(self, limit: int) -> list[OutgoingChange]:
        # plain rows, not ORM objects: read once and sent, never changed here
        rows = self._session.execute(
            select(
                SyncOutboxRow.change_id, SyncOutboxRow.record_type, SyncOutboxRow.record_id,
                SyncOutboxRow.case_id, SyncOutboxRow.base_revision, SyncOutboxRow.deleted,
                SyncOutboxRow.payload,
            ).order_by(SyncOutboxRow.seq).limit(limit)
        )  # fmt: skip
        return [OutgoingChange(*row) for row in rows]

    def outbox_size(self) -> int:
        return self._session.scalar(select(func.count()).select_from(SyncOutboxRow)) or 0

    def _row(self, record_type: str, record_id: str) -> Any:
        return self._session.get(RECORD_TYPES[record_type], record_id)

    def confirmed(self, change: OutgoingChange, revision: int) -> None:
        """The server holds ``change`` at ``revision``; the row is done unless edited since."""
        row = self._row(change.record_type, change.record_id)
        if row is not None:
            sent = plain(change.payload)
            self._take_revision(row, sent, change.deleted, revision)
        self._session.execute(
            delete(SyncOutboxRow).where(SyncOutboxRow.change_id == change.change_id)
        )

    def confirmed_all(self, confirmed: list[tuple[OutgoingChange, int]]) -> None:
        """:meth:`confirmed` for a whole batch: one query per record type for the rows, one
        UPDATE per outcome, one DELETE of the changes from the outbox."""
        if not confirmed:
            return
        self._session.flush()
        by_type: dict[str, list[tuple[OutgoingChange, int]]] = defaultdict(list)
        for change, revision in confirmed:
            by_type[change.record_type].append((change, revision))
        for record_type, changes in by_type.items():
            model = RECORD_TYPES[record_type]
            rows = self._rows_by_id(model, (change.record_id for change, _ in changes))
            done: list[dict[str, Any]] = []
            edited_since: list[dict[str, Any]] = []
            for change, revision in changes:
                row = rows.get(change.record_id)
                if row is None:
                    continue
                # as _take_revision: done unless the row differs from what was sent
                current = {} if row.deleted else payload_of_values(model, row._mapping)
                if still_as_sent(current, row.deleted, plain(change.payload), change.deleted):
                    done.append({"id": row.id, "server_revision": revision, "pending": False})
                else:
                    edited_since.append({"id": row.id, "server_revision": revision})
            for values in (done, edited_since):
                if values:
                    self._session.execute(update(model), values)
            expire_loaded(self._session, model, rows)
        for chunk in chunks([change.change_id for change, _ in confirmed]):
            self._session.execute(delete(SyncOutboxRow).where(SyncOutboxRow.change_id.in_(chunk)))

    def _take_revision(
        self, row: Any, version: dict[str, Any], deleted: bool, revision: int | None
    ) -> None:
        """The server holds ``version`` at ``revision``: the row is done unless it differs
        (then it is pushed again, on top of that revision)."""
        row.server_revision = revision
        current = {} if row.deleted else payload_of(row)
        if still_as_sent(current, row.deleted, version, deleted):
            row.pending = False

    def _adopt(
        self,
        row: Any,
        raw: dict[str, Any] | None,
        version: dict[str, Any] | None,
        deleted: bool,
        revision: int | None,
    ) -> None:
        """The row says what the server's ``version`` says (times aside): it takes that
        version, times and all, and is done; unless this desktop reads the server's version
        otherwise (a case of a withdrawn twin client), then that goes back to the server."""
        if not deleted:
            fill_row(row, version or {})
        row.deleted = bool(deleted)
        row.server_revision = revision
        row.pending = goes_back(version, raw)

    def conflicted(
        self,
        change: OutgoingChange,
        *,
        server_revision: int | None,
        server_payload: dict[str, Any] | None,
        server_deleted: bool,
    ) -> bool:
        """The server has another version: keep both, stop pushing until the user chose.

        Returns whether the user has to choose (False when both versions say the same)."""
        self._session.execute(
            delete(SyncOutboxRow).where(SyncOutboxRow.change_id == change.change_id)
        )
        row = self._row(change.record_type, change.record_id)
        sent = plain(change.payload)
        raw = server_payload
        if change.record_type == "case":
            server_payload = with_kept_client("case", server_payload, self._kept_of())
        current = None if row is None else {} if row.deleted else payload_of(row)
        answer = answer_to(
            sent, change.deleted, current, row is not None and row.deleted, server_payload,
            server_deleted, server_revision, withdrawn_twin=is_withdrawn_twin(row),
        )  # fmt: skip
        if answer is Answer.SEND_AS_NEW:
            if row is not None:
                row.server_revision = None
            return False
        if answer is Answer.TOMBSTONE_ON_TOP:
            row.server_revision = server_revision
            row.pending = not server_deleted
            return False
        if change.record_type == "evaluation" and answer is Answer.ADOPT:
            # another desktop's version of the call holds: a report recorded here is not sent
            EvaluationRepository(self._session).not_taken(change.record_id)
        if answer is Answer.ADOPT:
            self._adopt(row, raw, server_payload, server_deleted, server_revision)
            return False
        if answer is Answer.REBASE:
            if row is not None:
                row.server_revision = server_revision
            return False
        self._add_conflict(
            "conflict",
            "",
            change.record_type,
            change.record_id,
            change.case_id,
            sent,
            change.deleted,
            plain(server_payload) if server_payload is not None else None,
            bool(server_deleted),
            server_revision,
        )
        return True

    def refused(
        self,
        change: OutgoingChange,
        reason: str,
        *,
        server_revision: int | None = None,
        server_payload: dict[str, Any] | None = None,
        detail: str | None = None,
    ) -> None:
        """The server refused the change: kept for the user to read, no longer pushed.

        With the server's version (a final decision) the row takes that version back."""
        self._session.execute(
            delete(SyncOutboxRow).where(SyncOutboxRow.change_id == change.change_id)
        )
        row = self._row(change.record_type, change.record_id)
        if row is not None:
            row.pending = False
            if server_payload is not None and server_revision is not None:
                fill_row(row, plain(server_payload))
                row.deleted = False
                row.server_revision = server_revision
        self._add_conflict(
            "refused",
            reason,
            change.record_type,
            change.record_id,
            change.case_id,
            plain(change.payload),
            change.deleted,
            None,
            False,
            None,
            detail or "",
        )

    def _add_conflict(self, kind, reason, record_type, record_id, case_id, local, local_deleted,
                      server, server_deleted, server_revision, detail="") -> None:  # fmt: skip
        if record_type == "evaluation":
            # this desktop's version of a call did not hold (refused, in conflict, taken away):
            # a report recorded here is not sent
            EvaluationRepository(self._session).not_taken(record_id)
        self._session.add(
            SyncConflictRow(
                id=str(uuid.uuid4()),
                kind=kind,
                reason=reason,
                record_type=record_type,
                record_id=record_id,
                case_id=case_id,
                local_payload=local,
                local_deleted=local_deleted,
                server_payload=server,
                server_deleted=server_deleted,
                server_revision=server_revision,
                detected_at=utcnow(),
                resolution="",
                detail=detail,
            )
        )
        self._session.flush()

    # --- identity --------------------------------------------------------------------------

    def rekey_user(self, old_id: str, new_id: str) -> None:
        """The server knows this user as ``new_id``: every reference moves along."""
        if old_id == new_id:
            return
        self._session.execute(text("PRAGMA defer_foreign_keys = ON"))
        old = self._session.get(UserRow, old_id)
        if old is None:
            return
        if self._session.get(UserRow, new_id) is None:
            self._session.add(
                UserRow(
                    id=new_id,
                    name=old.name,
                    role=old.role,
                    municipality_code=old.municipality_code,
                    created_at=old.created_at,
                    modified_at=utcnow(),
                    pending=False,
                )
            )
            self._session.flush()
        now = utcnow()
        self._session.execute(
            update(CaseRow)
            .where(CaseRow.consultant_id == old_id)
            .values(consultant_id=new_id, pending=True, modified_at=now)
        )
        for model, column in (
            (CaseEventRow, CaseEventRow.actor_id),
            (ZrmAssessmentRow, ZrmAssessmentRow.assessor_id),
            (DecisionRow, DecisionRow.proposed_by),
            (DecisionRow, DecisionRow.approved_by),
            (EvaluationRow, EvaluationRow.assignee_id),
        ):
            self._session.execute(
                update(model)
                .where(column == old_id)
                .values({column.key: new_id, "pending": True, "modified_at": now})
            )
        # the access log is append-only: its entries keep the local id, and say it became new_id
        AuditRepository(self._session).record(
            old_id, "account.linked", None, None, object_id=new_id
        )
        settings = SettingsRepository(self._session)
        if settings.get("user_id") == old_id:
            settings.set("user_id", new_id)
        self._session.delete(old)
        self._session.flush()

    def update_user(self, user_id: str, name: str, role: str, municipality_code: str) -> None:
        row = self._session.get(UserRow, user_id)
        if row is None:
            now = utcnow()
            row = UserRow(id=user_id, created_at=now)
            self._session.add(row)
        row.name = name
        row.role = role
        row.municipality_code = municipality_code
        row.modified_at = utcnow()
        row.pending = False
        self._session.flush()

    # --- conflicts -------------------------------------------------------------------------

    def conflicts(self, *, open_only: bool = True, case_id: str | None = None) -> list[Conflict]:
        query = select(SyncConflictRow).order_by(SyncConflictRow.detected_at)
        if open_only:
            query = query.where(SyncConflictRow.resolved_at.is_(None))
        if case_id is not None:
            query = query.where(SyncConflictRow.case_id == case_id)
        return [_conflict(r) for r in self._session.scalars(query)]

    def refresh_local_versions(self) -> None:
        """An open conflict's local version is the row as it is now: the user may have gone
        on editing it, and resolving must neither undo nor drop that work."""
        open_conflicts = self._session.scalars(
            select(SyncConflictRow).where(
                SyncConflictRow.resolved_at.is_(None), SyncConflictRow.kind == "conflict"
            )
        )
        for conflict in open_conflicts:
            row = self._row(conflict.record_type, conflict.record_id)
            if row is None or not row.pending:
                continue
            current = {} if row.deleted else payload_of(row)
            if current != conflict.local_payload or row.deleted != conflict.local_deleted:
                conflict.local_payload = current
                conflict.local_deleted = row.deleted
        self._session.flush()

    def cases_in_conflict(self) -> set[str]:
        return {
            c
            for c in self._session.scalars(
                select(SyncConflictRow.case_id).where(SyncConflictRow.resolved_at.is_(None))
            )
            if c
        }

    def resolve(self, conflict_id: str, payload: dict[str, Any], deleted: bool, how: str) -> None:
        """Settle a conflict with ``payload`` (the server's, the local one, or a mix).

        Equal to the server's version: the row takes it and is done. Otherwise the row gets
        the chosen version and is pushed again on top of the server's revision."""
        conflict = self._session.get(SyncConflictRow, conflict_id)
        if conflict is None or conflict.resolved_at is not None:
            return
        conflict.resolved_at = utcnow()
        conflict.resolution = how
        if conflict.kind != "conflict":
            return
        model = RECORD_TYPES[conflict.record_type]
        row = self._session.get(model, conflict.record_id)
        if row is None:
            row = model(id=conflict.record_id)
            self._session.add(row)
        if not deleted:
            fill_row(row, payload)
        row.deleted = deleted
        row.server_revision = conflict.server_revision
        same_as_server = deleted == conflict.server_deleted and (conflict.server_payload or {}) == (
            {} if deleted else payload
        )
        row.pending = not same_as_server
        if row.pending:
            row.modified_at = utcnow()
        self._session.flush()
