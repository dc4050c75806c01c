"""The local access log (NEN 7513): who read or changed which client file, when, on this device.

Entries form a hash chain (``domain/audit.py``); the table refuses UPDATE and DELETE (migration
0007). What has reached the server is remembered in the setting ``audit_pushed_seq``, not in
the entries, so nothing in the log ever changes.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wmo_desk.domain.audit import AuditEntry, ChainBreak, chain_break, make_entry
from wmo_desk.domain.identifiers import utcnow
from wmo_desk.storage.repositories.settings import SettingsRepository
from wmo_desk.storage.tables import AuditRow

DEVICE_KEY = "device_id"
PUSHED_KEY = "audit_pushed_seq"


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq or 0,
        at=row.at,
        user_id=row.user_id,
        device_id=row.device_id,
        action=row.action,
        client_id=row.client_id,
        case_id=row.case_id,
        object_id=row.object_id,
        detail=row.detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class AuditRepository:
    """Append-only, hash-chained access log entries of this device."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def device_id(self) -> str:
        """This profile's device id (made once, at the first entry)."""
        settings = SettingsRepository(self._session)
        device = settings.get(DEVICE_KEY)
        if device is None:
            device = str(uuid.uuid4())
            settings.set(DEVICE_KEY, device)
        return device

    def _last(self) -> AuditEntry | None:
        row = self._session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
        return _entry(row) if row else None

    def record(
        self,
        user_id: str,
        action: str,
        client_id: str | None,
        case_id: str | None,
        *,
        object_id: str | None = None,
        detail: str = "",
    ) -> AuditEntry:
        """Append one entry after the newest (in this session's transaction)."""
        self._session.flush()
        entry = make_entry(
            self._last(),
            at=utcnow(),
            user_id=user_id,
            device_id=self.device_id(),
            action=action,
            client_id=client_id,
            case_id=case_id,
            object_id=object_id,
            detail=detail,
        )
        self._session.add(
            AuditRow(
                seq=entry.seq,
                at=entry.at,
                user_id=entry.user_id,
                device_id=entry.device_id,
                action=entry.action,
                client_id=entry.client_id,
                case_id=entry.case_id,
                object_id=entry.object_id,
                detail=entry.detail,
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
        )
        self._session.flush()
        return entry

    def for_client(self, client_id: str) -> list[tuple[str, str, str]]:
        """(ISO time, user id, action) of every entry for ``client_id``, oldest first."""
        rows = self._session.scalars(
            select(AuditRow).where(AuditRow.client_id == client_id).order_by(AuditRow.seq)
        )
        return [(r.at.isoformat(), r.user_id, r.action) for r in rows]

    def entries(self, after_seq: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """The entries after ``after_seq`` in chain order."""
        query = select(AuditRow).where(AuditRow.seq > after_seq).order_by(AuditRow.seq)
        if limit is not None:
            query = query.limit(limit)
        return [_entry(row) for row in self._session.scalars(query)]

    def verify(self) -> ChainBreak | None:
        """Where the local chain was changed, removed from or added to; None when intact."""
        rows = self._session.scalars(select(AuditRow).order_by(AuditRow.id))
        return chain_break(_entry(row) for row in rows)

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(AuditRow)) or 0

    def pushed_seq(self) -> int:
        """The last entry the server has stored."""
        return int(SettingsRepository(self._session).get(PUSHED_KEY, "0") or 0)

    def mark_pushed(self, seq: int) -> None:
        SettingsRepository(self._session).set(PUSHED_KEY, str(seq))
