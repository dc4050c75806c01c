"""The local access log (NEN 7513): who read or changed which client file, when, on this device.

Entries form a hash chain (``domain/audit.py``); the table refuses UPDATE and DELETE (migration
0007). What has reached the server is remembered in the setting ``audit_pushed_seq``, not in
the entries, so nothing in the log ever changes.

A use case records its entries in its session; they are appended when that session commits,
in a short transaction of their own that takes SQLite's write lock first (``BEGIN IMMEDIATE``)
and one at a time per process (:class:`AuditWriter`). So a read stays a read — the GUI's
search and the sync's long write never meet in one transaction — and two threads can never
give two entries the same place in the chain. A use case that fails logs nothing.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from wmo_desk.domain.audit import AuditEntry, ChainBreak, chain_break, make_entry
from wmo_desk.domain.identifiers import utcnow
from wmo_desk.storage.repositories.settings import SettingsRepository
from wmo_desk.storage.tables import AuditRow

log = logging.getLogger(__name__)

DEVICE_KEY = "device_id"
PUSHED_KEY = "audit_pushed_seq"
DRAFTS = "audit_drafts"


@dataclass(frozen=True)
class AuditDraft:
    """An entry waiting for its session to commit (it gets its place in the chain then)."""

    at: datetime
    user_id: str
    action: str
    client_id: str | None
    case_id: str | None
    object_id: str | None
    detail: str


_COLUMNS = (
    "seq, at, user_id, device_id, action, client_id, case_id, object_id, detail, prev_hash, hash"
)


def _stored_time(at: datetime) -> str:
    """``at`` as SQLAlchemy's SQLite DateTime stores it (UTC, naive, microseconds)."""
    return at.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _read_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class AuditWriter:
    """Appends committed use cases' entries to the chain, one append at a time.

    A use case's own append does not wait for SQLite's write lock (a keystroke in the caseload
    search must not stall behind a sync's long transaction); when the lock is taken, the
    entries wait in memory and a
    background thread appends them as soon as the lock is free — also before the database
    closes. Their times are those of the reads, so the order of the chain stays true."""

    #: how long a use case's own append waits for the write lock, in milliseconds: not at all
    QUICK_MS = 0

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._inbox = threading.Lock()  # guards _waiting, held only for a moment
        self._writing = threading.Lock()  # one append at a time
        self._waiting: list[AuditDraft] = []
        self._deferred = False
        self._wake = threading.Event()
        self._retrying: threading.Thread | None = None

    def append(self, drafts: list[AuditDraft], *, wait_ms: int | None = None) -> int:
        """Chain and store ``drafts`` (and any still waiting); returns how many were stored.

        Never waits for another thread's append: the entries then join the queue it writes."""
        with self._inbox:
            self._waiting.extend(drafts)
            if not self._waiting:
                return 0
        patient = wait_ms is not None and wait_ms > 0
        if not self._writing.acquire(blocking=patient, timeout=wait_ms / 1000 if patient else -1):
            self._retry_later()
            return 0
        try:
            with self._inbox:
                batch = list(self._waiting)
            try:
                stored = self._write(batch, self.QUICK_MS if wait_ms is None else wait_ms)
            except Exception as exc:  # the lock not granted in time, the disk full, ...
                log.debug("access-log append postponed (%s)", type(exc).__name__)
                self._retry_later()
                return 0
            with self._inbox:
                del self._waiting[: len(batch)]
                self._deferred = bool(self._waiting) and self._deferred
            return stored
        finally:
            self._writing.release()

    def flush(self) -> None:
        """Append what waits, waiting for the lock as long as SQLite's busy timeout allows."""
        for _attempt in range(3):
            if not self._waiting:
                return
            self.append([], wait_ms=5000)
        if self._waiting:
            log.warning("%d access-log entries could not be written", len(self._waiting))

    def _retry_later(self) -> None:
        self._wake.set()
        if self._retrying is None or not self._retrying.is_alive():
            self._retrying = threading.Thread(target=self._retry, name="audit-log", daemon=True)
            self._retrying.start()

    def _retry(self) -> None:
        while self._waiting:
            self._wake.wait(0.2)
            self._wake.clear()
            self.append([], wait_ms=2000)

    def defer(self, drafts: list[AuditDraft]) -> None:
        """Keep ``drafts`` for the next append (their session ran inside another one)."""
        with self._inbox:
            self._waiting.extend(drafts)
            self._deferred = True

    @property
    def deferred(self) -> bool:
        return self._deferred

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def _write(self, drafts: list[AuditDraft], wait_ms: int) -> int:
        proxied = self._engine.raw_connection()
        raw = proxied.driver_connection
        previous_level = raw.isolation_level
        raw.isolation_level = None  # autocommit: this method runs its own transaction
        try:
            cursor = raw.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
            try:
                cursor.execute("BEGIN IMMEDIATE")
            finally:
                cursor.execute("PRAGMA busy_timeout = 5000")
            try:
                row = cursor.execute(
                    "SELECT value FROM settings WHERE key = ?", (DEVICE_KEY,)
                ).fetchone()
                if row is None:
                    device = str(uuid.uuid4())
                    cursor.execute(
                        "INSERT INTO settings (key, value) VALUES (?, ?)", (DEVICE_KEY, device)
                    )
                else:
                    device = row[0]
                last = cursor.execute(
                    f"SELECT {_COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                previous = (
                    AuditEntry(
                        seq=last[0],
                        at=_read_time(last[1]),
                        user_id=last[2],
                        device_id=last[3],
                        action=last[4],
                        client_id=last[5],
                        case_id=last[6],
                        object_id=last[7],
                        detail=last[8],
                        prev_hash=last[9],
                        hash=last[10],
                    )
                    if last
                    else None
                )
                for draft in drafts:
                    previous = make_entry(
                        previous,
                        at=draft.at,
                        user_id=draft.user_id,
                        device_id=device,
                        action=draft.action,
                        client_id=draft.client_id,
                        case_id=draft.case_id,
                        object_id=draft.object_id,
                        detail=draft.detail,
                    )
                    e = previous
                    cursor.execute(
                        f"INSERT INTO audit_log ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            e.seq,
                            _stored_time(e.at),
                            e.user_id,
                            e.device_id,
                            e.action,
                            e.client_id,
                            e.case_id,
                            e.object_id,
                            e.detail,
                            e.prev_hash,
                            e.hash,
                        ),
                    )
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            finally:
                cursor.close()
        finally:
            raw.isolation_level = previous_level
            proxied.close()
        return len(drafts)


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
    ) -> AuditDraft:
        """Log one entry; it joins the chain when this session commits (nothing if it fails)."""
        draft = AuditDraft(
            at=utcnow(),
            user_id=user_id,
            action=action,
            client_id=client_id,
            case_id=case_id,
            object_id=object_id,
            detail=detail,
        )
        self._session.info.setdefault(DRAFTS, []).append(draft)
        return draft

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
