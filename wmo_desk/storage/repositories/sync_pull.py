"""Sync state in the desktop database, the pull side: staging pulled pages in the inbox and
applying them in one transaction (newest version of each record, parents first), twin clients.

Applying is set-based: the rows a page touches are read with one query per record type and the
plain cases (a new row, a newer version of a row without local changes, a tombstone) are written
with one INSERT and one UPDATE per record type. A record that needs more (local changes, a twin
client, a withdrawn twin, a damaged document) goes the one-record way, :meth:`_apply_record`,
after what came before it is written, so it sees the database exactly as before.

A mixin of :class:`~wmo_desk.storage.repositories.sync.SyncRepository`, which adds the push side
and the conflict records these methods use (``_add_conflict``, ``_adopt``, ``case_of``)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from wmo_desk.domain.identifiers import utcnow
from wmo_desk.domain.integrity import document_intact
from wmo_desk.storage.repositories.sync_payloads import (
    FORM_SNAPSHOT_KEY,
    LOCAL_ID_KEY,
    RECORD_TYPES,
    WITHDRAWN_MARK,
    fill_row,
    is_withdrawn_twin,
    payload_of,
    plain,
    row_values,
    same_version,
    withdrawn_bsn,
)
from wmo_desk.storage.repositories.withdrawal import apply_withdrawal
from wmo_desk.storage.tables import (
    CaseRow,
    ClientRow,
    FormSnapshotRow,
    SyncConflictRow,
    SyncInboxRow,
    SyncOutboxRow,
    UserRow,
)
from wmo_desk.sync.engine import kept_of_withdrawn, twin_gives_way
from wmo_desk.sync.protocol import UserPayload, WithdrawalPayload

_ORDER = {name: i for i, name in enumerate(["user", "catalogue", *RECORD_TYPES])}
log = logging.getLogger(__name__)
_SERVER_PAYLOADS = {"user": UserPayload, "withdrawal": WithdrawalPayload}
# ids per IN (...) query: well below SQLite's limit of bound parameters
_CHUNK = 500


def chunks(items: list[Any]) -> Iterator[list[Any]]:
    """``items`` in slices small enough for one ``IN (...)``."""
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class _Writes:
    """The plain rows of one record type to insert, to update and to make tombstones of: one
    statement each (executemany; rows of one list have the same keys, so it stays one)."""

    def __init__(self, model: type) -> None:
        self.model = model
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.tombstones: list[dict[str, Any]] = []

    def write(self, session: Session) -> None:
        if self.inserts:
            session.execute(insert(self.model), self.inserts)
        for rows in (self.updates, self.tombstones):
            if rows:
                session.execute(update(self.model), rows)
        expire_loaded(
            session,
            self.model,
            (v["id"] for v in itertools.chain(self.inserts, self.updates, self.tombstones)),
        )
        self.inserts, self.updates, self.tombstones = [], [], []


def expire_loaded(session: Session, model: type, ids: Iterable[str]) -> None:
    """After a bulk statement: a row of ``model`` loaded earlier in this session reads the
    written values when it is used again."""
    for record_id in ids:
        loaded = session.identity_map.get(session.identity_key(model, record_id))
        if loaded is not None:
            session.expire(loaded)


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


class PullSide:
    """What a pull does to the desktop database; needs the rest of ``SyncRepository``."""

    _session: Session

    def stage(self, records: list[dict[str, Any]], next_cursor: int) -> None:
        """Keep a pulled page and move the cursor past it, in the same transaction."""
        if records:
            self._session.execute(
                insert(SyncInboxRow),
                [
                    {
                        "record_type": record["record_type"],
                        "record_id": str(
                            record["payload"].get(LOCAL_ID_KEY) or record["record_id"]
                        ),
                        "revision": record["revision"],
                        "deleted": record["deleted"],
                        "municipality_code": record["municipality_code"],
                        "payload": record["payload"],
                    }
                    for record in records
                ],
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
        self._session.flush()
        # plain rows (with the inbox's attribute names), not ORM objects: read once, never written
        staged = self._session.execute(select(SyncInboxRow.__table__).order_by(SyncInboxRow.seq))
        # the newest version of each record only, applied parents first
        newest: dict[tuple[str, str], Any] = {}
        for row in staged:
            key = (row.record_type, row.record_id)
            if key not in newest or newest[key].revision < row.revision:
                newest[key] = row
        ordered = sorted(newest.values(), key=lambda r: (_ORDER.get(r.record_type, 99), r.revision))
        applied = 0
        for record_type, run in itertools.groupby(ordered, key=lambda r: r.record_type):
            if record_type in RECORD_TYPES:
                applied += self._apply_records(record_type, list(run))
                continue
            for record in run:
                if not _server_record_intact(record):
                    continue
                if record.record_type == "user":
                    self._apply_user(record)
                elif record.record_type == "withdrawal":
                    # last: a case given back in the same pull has a newer revision and stays
                    self._session.flush()
                    applied += apply_withdrawal(self._session, record.payload, record.revision)
        self._session.execute(delete(SyncInboxRow))
        self._session.flush()
        return applied

    def _rows_by_id(self, model: type, ids: Iterable[str]) -> dict[str, Any]:
        """The rows of ``model`` with these ids, as plain values (one query per chunk)."""
        table = model.__table__  # type: ignore[attr-defined]
        found: dict[str, Any] = {}
        for chunk in chunks(sorted(set(ids))):
            for row in self._session.execute(select(table).where(table.c.id.in_(chunk))):
                found[row.id] = row
        return found

    def _client_ids_by_bsn(self, bsns: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunks(sorted({b for b in bsns if b is not None})):
            for client_id, bsn in self._session.execute(
                select(ClientRow.id, ClientRow.bsn).where(ClientRow.bsn.in_(chunk))
            ):
                found[bsn] = client_id
        return found

    def _apply_records(self, record_type: str, records: list[Any]) -> int:
        """Apply the newest versions of records of one type, in revision order; returns how many
        were applied. The same outcome, record for record, as :meth:`_apply_record` on each."""
        model = RECORD_TYPES[record_type]
        session = self._session
        session.flush()
        existing = self._rows_by_id(model, (r.record_id for r in records))
        writes = _Writes(model)
        is_client = record_type == "client"
        # the local client holding each BSN a pulled client has (a twin, when another's)
        owner_of_bsn: dict[str, str] = {}
        if is_client:
            bsns = [r.payload.get("bsn") for r in records if not r.deleted]
            bsns += [row.bsn for row in existing.values()]
            owner_of_bsn = self._client_ids_by_bsn(bsns)
        kept_of: dict[str, str | None] = {}
        users: dict[str, str] = {}  # consultants to add, with the municipality of the first case
        snapshots: dict[tuple[Any, Any], dict[str, Any]] = {}
        known_snapshots: set[tuple[Any, Any]] = set()
        if record_type == "case":
            kept_of = {
                client_id: kept_of_withdrawn(bsn)
                for client_id, bsn in session.execute(
                    select(ClientRow.id, ClientRow.bsn).where(
                        ClientRow.bsn.startswith(WITHDRAWN_MARK, autoescape=True)
                    )
                )
            }
        if record_type == "conversation":
            known_snapshots = set(
                session.execute(select(FormSnapshotRow.form_id, FormSnapshotRow.version)).tuples()
            )

        def write() -> None:
            if users:
                known = set(self._rows_by_id(UserRow, users))
                now = utcnow()
                new_users = [
                    {"id": user_id, "name": "Onbekende medewerker", "role": "consulent",
                     "municipality_code": code, "created_at": now, "modified_at": now,
                     "pending": False}
                    for user_id, code in users.items()
                    if user_id not in known
                ]  # fmt: skip
                if new_users:
                    session.execute(insert(UserRow), new_users)
                users.clear()
            if snapshots:
                session.execute(
                    insert(FormSnapshotRow),
                    [
                        {"form_id": key[0], "version": key[1], "definition": snapshot["definition"],
                         "sha256": snapshot["sha256"]}
                        for key, snapshot in snapshots.items()
                    ],
                )  # fmt: skip
                known_snapshots.update(snapshots)
                snapshots.clear()
            writes.write(session)

        applied = 0
        for record in records:
            row = existing.get(record.record_id)
            if row is not None and row.server_revision == record.revision:
                continue
            one_by_one = row is not None and (
                row.pending or (is_client and row.bsn.startswith(WITHDRAWN_MARK))
            )
            if not one_by_one and not record.deleted:
                if record_type == "decision_document":
                    one_by_one = not document_intact(record.payload)
                elif is_client and row is None:
                    owner = owner_of_bsn.get(record.payload.get("bsn"))
                    one_by_one = owner is not None and owner != record.record_id
            if one_by_one:
                write()
                applied += self._apply_record(record)
                session.flush()
                if is_client:
                    # a twin gave way or was kept: its BSN and state are read again
                    touched = {record.payload.get("bsn"), row.bsn if row is not None else None}
                    touched.discard(None)
                    ids = [i for i, r in existing.items() if r.bsn in touched] + [record.record_id]
                    existing.update(self._rows_by_id(model, ids))
                    for bsn in touched:
                        owner_of_bsn.pop(bsn, None)
                    owner_of_bsn.update(self._client_ids_by_bsn(touched))
                continue
            if record.deleted:
                if row is not None:
                    writes.tombstones.append(
                        {"id": record.record_id, "deleted": True,
                         "server_revision": record.revision, "pending": False}
                    )  # fmt: skip
                applied += 1
                continue
            payload = dict(record.payload)
            snapshot = payload.pop(FORM_SNAPSHOT_KEY, None)
            payload.pop(LOCAL_ID_KEY, None)
            if record_type == "conversation" and snapshot:
                key = (payload.get("form_id"), payload.get("form_version"))
                if key not in known_snapshots and key not in snapshots:
                    snapshots[key] = snapshot
            moved = False
            if record_type == "case":
                consultant = payload.get("consultant_id")
                if consultant and consultant not in users:
                    users[consultant] = record.municipality_code
                kept = _kept(kept_of, payload.get("client_id"))
                moved = kept != payload.get("client_id")
                payload["client_id"] = kept
            values = row_values(model, payload)
            values.update(
                id=record.record_id,
                deleted=False,
                pending=moved,  # a case of a withdrawn twin goes back with the client kept
                server_revision=record.revision,
            )
            (writes.inserts if row is None else writes.updates).append(values)
            if is_client and "bsn" in values:
                if row is not None and owner_of_bsn.get(row.bsn) == record.record_id:
                    del owner_of_bsn[row.bsn]
                owner_of_bsn[values["bsn"]] = record.record_id
            applied += 1
        write()
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


def _kept(kept_of: dict[str, str | None], client_id: str | None) -> str | None:
    """:meth:`PullSide._kept_client` over the withdrawn twins read beforehand."""
    seen = set()
    while client_id and client_id not in seen:
        seen.add(client_id)
        kept = kept_of.get(client_id)
        if kept is None:
            break
        client_id = kept
    return client_id
