"""Sync state in the desktop database: the outbox of local changes, pulled records, conflicts.

How a row travels (the payload) is in :mod:`sync_payloads`."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from wmo_desk.domain.identifiers import utcnow
from wmo_desk.domain.integrity import document_intact
from wmo_desk.storage.repositories.settings import SettingsRepository
from wmo_desk.storage.repositories.sync_payloads import (
    FORM_SNAPSHOT_KEY,
    LOCAL_ID_KEY,
    RECORD_TYPES,
    fill_row,
    is_withdrawn_twin,
    payload_of,
    plain,
    same_version,
    wire_id,
    withdrawn_bsn,
)
from wmo_desk.storage.repositories.withdrawal import apply_withdrawal
from wmo_desk.storage.tables import (
    AuditRow,
    CaseEventRow,
    CaseRow,
    ClientRow,
    DecisionRow,
    FormSnapshotRow,
    ProvisionRow,
    SyncConflictRow,
    SyncInboxRow,
    SyncOutboxRow,
    UserRow,
    ZrmAssessmentRow,
)
from wmo_desk.sync import records
from wmo_desk.sync.engine import kept_of_withdrawn, twin_gives_way
from wmo_desk.sync.protocol import Refusal, UserPayload, WithdrawalPayload

_ORDER = {name: i for i, name in enumerate(["user", "catalogue", *RECORD_TYPES])}
CURSOR_KEY = "sync.cursor"
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


log = logging.getLogger(__name__)
_SERVER_PAYLOADS = {"user": UserPayload, "withdrawal": WithdrawalPayload}


def _server_record_intact(record: SyncInboxRow) -> bool:
    """A record only the server writes is applied only as the protocol defines it."""
    model = _SERVER_PAYLOADS.get(record.record_type)
    if model is None or record.deleted:
        return True
    try:
        model.model_validate(record.payload)
    except ValidationError:
        log.warning("pulled %s record %s does not match the protocol", record.record_type,
                    record.record_id)  # fmt: skip
        return False
    return True


class SyncRepository:
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
        for conflict in open_conflicts:
            row = self._row(conflict.record_type, conflict.record_id)
            if row is None:
                continue
            current = {} if row.deleted else payload_of(row)
            server = self._with_kept_client(conflict.record_type, conflict.server_payload)
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
        self._settle_equal_conflicts()
        queued = set(self._session.scalars(select(SyncOutboxRow.record_id)))
        blocked = self._blocked_ids()
        added = 0
        # a client or case the protocol refuses holds back the records that depend on it
        waiting: set[str] = set()
        for record_type, model in RECORD_TYPES.items():
            for row in self._session.scalars(select(model).where(model.pending)):
                if row.id in queued or row.id in blocked:
                    continue
                depends_on = row.client_id if record_type == "case" else None
                if depends_on in waiting or self.case_of(record_type, row) in waiting:
                    waiting.add(row.id)
                    continue
                payload = {} if row.deleted else payload_of(row)
                if wire_id(row.id) != row.id and not row.deleted:
                    payload[LOCAL_ID_KEY] = row.id
                if record_type == "conversation" and not row.deleted:
                    snapshot = self._session.get(FormSnapshotRow, (row.form_id, row.form_version))
                    if snapshot is not None:
                        payload[FORM_SNAPSHOT_KEY] = {
                            "definition": snapshot.definition,
                            "sha256": snapshot.sha256,
                        }
                if not row.deleted:
                    # the storage edge: the row leaves as the protocol's record, checked by the
                    # same rules the server applies (a row that breaks them is not sent)
                    try:
                        payload = records.dump(records.parse(record_type, payload))
                    except records.RecordError as exc:
                        self._refuse_locally(record_type, row, payload, exc.problem.message)
                        waiting.add(row.id)
                        continue
                self._session.add(
                    SyncOutboxRow(
                        change_id=str(uuid.uuid4()),
                        record_type=record_type,
                        record_id=row.id,
                        case_id=self.case_of(record_type, row),
                        base_revision=row.server_revision,
                        deleted=row.deleted,
                        payload=payload,
                    )
                )
                added += 1
        self._session.flush()
        return added

    def _refuse_locally(
        self, record_type: str, row: Any, payload: dict[str, Any], message: str
    ) -> None:
        """A row the protocol does not accept stays here, pending, shown once as refused with
        the reason; it goes when it is corrected."""
        already = self._session.scalar(
            select(SyncConflictRow.id).where(
                SyncConflictRow.record_id == row.id,
                SyncConflictRow.kind == "refused",
                SyncConflictRow.reason == Refusal.INVALID.value,
                SyncConflictRow.resolved_at.is_(None),
                SyncConflictRow.detail == message,
            )
        )
        if already is not None:
            return
        self._add_conflict(
            "refused", Refusal.INVALID.value, record_type, row.id,
            self.case_of(record_type, row), plain(payload), False, None, False, None, message,
        )  # fmt: skip

    def outbox(self, limit: int) -> list[OutgoingChange]:
        rows = self._session.scalars(select(SyncOutboxRow).order_by(SyncOutboxRow.seq).limit(limit))
        return [
            OutgoingChange(
                r.change_id, r.record_type, r.record_id, r.case_id, r.base_revision, r.deleted,
                r.payload,
            )
            for r in rows
        ]  # fmt: skip

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

    def _take_revision(
        self, row: Any, version: dict[str, Any], deleted: bool, revision: int | None
    ) -> None:
        """The server holds ``version`` at ``revision``: the row is done unless it differs
        (then it is pushed again, on top of that revision)."""
        row.server_revision = revision
        current = {} if row.deleted else payload_of(row)
        if row.deleted == deleted and (deleted or current == version):
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
        row.pending = plain(version or {}) != plain(raw or {})

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
        if server_payload is None and server_revision is None:
            # The server has never seen it (a server restored from backup): send it as new.
            if row is not None:
                row.server_revision = None
            return False
        sent = plain(change.payload)
        if is_withdrawn_twin(row):
            # a twin this desktop withdrew: the tombstone goes on top of the server's version
            row.server_revision = server_revision
            row.pending = not server_deleted
            return False
        raw = server_payload
        server_payload = self._with_kept_client(change.record_type, server_payload)
        if same_version(sent, change.deleted, server_payload, server_deleted):
            # Both sides say the same (a note added to the case on two desktops re-sends the
            # unchanged case): nothing to choose. The row takes the server's version, or,
            # edited since it was sent, goes on from the server's revision.
            if row is not None:
                current = {} if row.deleted else payload_of(row)
                if same_version(current, row.deleted, server_payload, server_deleted):
                    self._adopt(row, raw, server_payload, server_deleted, server_revision)
                else:
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

    # --- pull ------------------------------------------------------------------------------

    def stage(self, records: list[dict[str, Any]], next_cursor: int) -> None:
        """Keep a pulled page and move the cursor past it, in the same transaction."""
        for record in records:
            self._session.add(
                SyncInboxRow(
                    record_type=record["record_type"],
                    record_id=str(record["payload"].get(LOCAL_ID_KEY) or record["record_id"]),
                    revision=record["revision"],
                    deleted=record["deleted"],
                    municipality_code=record["municipality_code"],
                    payload=record["payload"],
                )
            )
        self.set_cursor(next_cursor)
        self._session.flush()

    def staged_catalogues(self) -> list[dict[str, Any]]:
        rows = self._session.scalars(
            select(SyncInboxRow)
            .where(SyncInboxRow.record_type == "catalogue", SyncInboxRow.deleted.is_(False))
            .order_by(SyncInboxRow.seq)
        )
        return [r.payload for r in rows]

    def staged_count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(SyncInboxRow)) or 0

    def apply_staged(self) -> int:
        """Apply every staged record (users first, then in dependency order); empty the inbox.

        A row with local changes the server has not seen keeps them: when the server's
        version is newer, both are kept as a conflict."""
        self._session.execute(text("PRAGMA defer_foreign_keys = ON"))
        staged = list(self._session.scalars(select(SyncInboxRow)))
        # the newest version of each record only, applied parents first
        newest: dict[tuple[str, str], SyncInboxRow] = {}
        for row in staged:
            key = (row.record_type, row.record_id)
            if key not in newest or newest[key].revision < row.revision:
                newest[key] = row
        ordered = sorted(newest.values(), key=lambda r: (_ORDER.get(r.record_type, 99), r.revision))
        applied = 0
        for record in ordered:
            if not _server_record_intact(record):
                continue
            if record.record_type == "user":
                self._apply_user(record)
            elif record.record_type in RECORD_TYPES:
                applied += self._apply_record(record)
            elif record.record_type == "withdrawal":
                # last: a case given back in the same pull has a newer revision and stays
                self._session.flush()
                applied += apply_withdrawal(self._session, record.payload, record.revision)
        self._session.execute(delete(SyncInboxRow))
        self._session.flush()
        return applied

    def _apply_user(self, record: SyncInboxRow) -> None:
        row = self._session.get(UserRow, record.record_id)
        payload = record.payload
        if row is None:
            twin = self._session.scalar(
                select(UserRow).where(
                    UserRow.server_revision.is_(None),
                    UserRow.name == payload.get("name"),
                    UserRow.role == payload.get("role"),
                )
            )
            if twin is not None:
                self.rekey_user(twin.id, record.record_id)
                row = self._session.get(UserRow, record.record_id)
        if row is None:
            now = utcnow()
            row = UserRow(id=record.record_id, created_at=now)
            self._session.add(row)
        row.name = payload.get("name", row.name or "")
        row.role = payload.get("role", row.role or "consulent")
        row.municipality_code = record.municipality_code
        row.modified_at = utcnow()
        row.deleted = record.deleted
        row.pending = False
        row.server_revision = record.revision

    def _apply_record(self, record: SyncInboxRow) -> int:
        model = RECORD_TYPES[record.record_type]
        row = self._session.get(model, record.record_id)
        if row is not None and row.server_revision == record.revision:
            return 0
        if is_withdrawn_twin(row):
            # a twin this desktop withdrew: its tombstone goes on top of any newer version
            row.server_revision = record.revision
            row.pending = not record.deleted
            return 0
        if row is not None and row.pending:
            if record.revision != row.server_revision:
                current = {} if row.deleted else payload_of(row)
                server = self._with_kept_client(record.record_type, record.payload)
                if same_version(current, row.deleted, server, record.deleted):
                    self._adopt(row, record.payload, server, record.deleted, record.revision)
                else:
                    self._note_server_version(row, record)
            return 0
        if record.deleted:
            if row is not None:
                row.deleted = True
                row.server_revision = record.revision
                row.pending = False
            return 1
        if record.record_type == "decision_document" and not document_intact(record.payload):
            # checked here too: a document of a final decision must be exactly what was signed
            self._add_conflict(
                "refused", "checksum", record.record_type,
                record.payload.get(LOCAL_ID_KEY) or record.record_id,
                self.case_of(record.record_type, record.payload), {}, False,
                {k: v for k, v in record.payload.items() if k != "content"}, False,
                record.revision,
            )  # fmt: skip
            return 0
        payload = dict(record.payload)
        snapshot = payload.pop(FORM_SNAPSHOT_KEY, None)
        payload.pop(LOCAL_ID_KEY, None)
        if record.record_type == "conversation" and snapshot:
            key = (payload.get("form_id"), payload.get("form_version"))
            if self._session.get(FormSnapshotRow, key) is None:
                self._session.add(
                    FormSnapshotRow(
                        form_id=key[0],
                        version=key[1],
                        definition=snapshot["definition"],
                        sha256=snapshot["sha256"],
                    )
                )
        moved = False
        if record.record_type == "case":
            self._ensure_user(payload.get("consultant_id"), record.municipality_code)
            kept = self._kept_client(payload.get("client_id"))
            moved = kept != payload.get("client_id")
            payload["client_id"] = kept
        twin = None
        if record.record_type == "client" and row is None:
            twin = self._twin_client(record.record_id, payload)
            if twin is not None and twin.id < record.record_id:
                # the same resident, registered on two desktops: every desktop keeps the
                # client with the smaller id, and withdraws the other where it sees both
                row = model(id=record.record_id)
                self._session.add(row)
                fill_row(row, payload)
                row.server_revision = record.revision
                row.pending = False
                self._withdraw_twin(row, twin.id)
                return 0
        if row is None:
            row = model(id=record.record_id)
            self._session.add(row)
        fill_row(row, payload)
        row.deleted = False
        row.pending = moved  # a case of a withdrawn twin goes back with the client kept
        row.server_revision = record.revision
        self._session.flush()
        if twin is not None:
            self._withdraw_twin(twin, record.record_id)
        return 1

    def _note_server_version(self, row: Any, record: SyncInboxRow) -> None:
        """Keep the server's newer version beside the local one in an (open) conflict."""
        existing = self._session.scalar(
            select(SyncConflictRow).where(
                SyncConflictRow.record_id == record.record_id,
                SyncConflictRow.kind == "conflict",
                SyncConflictRow.resolved_at.is_(None),
            )
        )
        server = plain(record.payload)
        if existing is not None:
            existing.server_payload = server
            existing.server_deleted = record.deleted
            existing.server_revision = record.revision
            return
        self._session.execute(
            delete(SyncOutboxRow).where(SyncOutboxRow.record_id == record.record_id)
        )
        self._add_conflict(
            "conflict",
            "",
            record.record_type,
            record.record_id,
            self.case_of(record.record_type, row),
            {} if row.deleted else payload_of(row),
            row.deleted,
            server,
            record.deleted,
            record.revision,
        )

    def _ensure_user(self, user_id: str | None, municipality_code: str) -> None:
        if user_id and self._session.get(UserRow, user_id) is None:
            now = utcnow()
            self._session.add(
                UserRow(
                    id=user_id,
                    name="Onbekende medewerker",
                    role="consulent",
                    municipality_code=municipality_code,
                    created_at=now,
                    modified_at=now,
                    pending=False,
                )
            )
            self._session.flush()

    def _twin_client(self, server_id: str, payload: dict[str, Any]) -> ClientRow | None:
        """Another client with the BSN of the pulled client ``server_id``. When that one
        gives way, it does so at once: the BSN (unique) must be free for the one kept."""
        twin = self._session.scalar(
            select(ClientRow).where(ClientRow.bsn == payload.get("bsn"), ClientRow.id != server_id)
        )
        if twin is not None and twin_gives_way(server_id, twin.id):
            twin.bsn = withdrawn_bsn(server_id, twin.id)
            self._session.flush()
        return twin

    def _with_kept_client(
        self, record_type: str, payload: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """A case's payload as this desktop reads it: with the client kept in place of a
        withdrawn twin (two desktops may have moved the case, one to a twin of the other)."""
        if record_type != "case" or not payload or "client_id" not in payload:
            return payload
        return {**payload, "client_id": self._kept_client(payload["client_id"])}

    def _kept_client(self, client_id: str | None) -> str | None:
        """The client kept in place of ``client_id`` when that one was withdrawn as a twin."""
        seen = set()
        while client_id and client_id not in seen:
            seen.add(client_id)
            row = self._session.get(ClientRow, client_id)
            kept = kept_of_withdrawn(row.bsn) if row is not None else None
            if kept is None:
                break
            client_id = kept
        return client_id

    def _withdraw_twin(self, twin: ClientRow, kept_id: str) -> None:
        """The twin of client ``kept_id`` gives way: its cases move to that client, and the
        server is told to withdraw it (when it has it)."""
        twin.bsn = withdrawn_bsn(kept_id, twin.id)
        twin.deleted = True
        twin.pending = twin.server_revision is not None
        twin.modified_at = utcnow()
        self._session.flush()
        self._session.execute(
            update(CaseRow)
            .where(CaseRow.client_id == twin.id)
            .values(client_id=kept_id, pending=True, modified_at=utcnow())
        )
        self._session.execute(delete(SyncOutboxRow).where(SyncOutboxRow.record_id == twin.id))
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
        ):
            self._session.execute(
                update(model)
                .where(column == old_id)
                .values({column.key: new_id, "pending": True, "modified_at": now})
            )
        self._session.execute(
            update(AuditRow).where(AuditRow.user_id == old_id).values(user_id=new_id)
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
