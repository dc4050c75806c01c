"""Signals to the meldpunt on this desktop: rows <-> :class:`wmo_desk.domain.signals.Signal`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wmo_desk.domain.signals import Signal, SignalKind, SignalStatus
from wmo_desk.storage.repositories.settings import SettingsRepository
from wmo_desk.storage.tables import SignalRow, UserRow

#: the ``since`` of the next status pull (``GET /api/v1/signals/mine``)
CURSOR_KEY = "signals_status_cursor"


def _signal(row: SignalRow) -> Signal:
    return Signal(
        id=row.id,
        reporter_id=row.reporter_id,
        case_id=row.case_id,
        provider_id=row.provider_id,
        provider_name=row.provider_name,
        kind=SignalKind(row.kind),
        what_happened=row.what_happened,
        occurred_on=row.occurred_on,
        client_id=row.client_id,
        consent_on=row.consent_on,
        created_at=row.created_at,
        status=SignalStatus(row.status) if row.status else None,
        status_at=row.status_at,
        refused=row.refused,
    )


class SignalRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, signal: Signal) -> None:
        self._session.add(
            SignalRow(
                id=signal.id,
                reporter_id=signal.reporter_id,
                case_id=signal.case_id,
                provider_id=signal.provider_id,
                provider_name=signal.provider_name,
                kind=signal.kind.value,
                what_happened=signal.what_happened,
                occurred_on=signal.occurred_on,
                client_id=signal.client_id,
                consent_on=signal.consent_on,
                created_at=signal.created_at,
                sent_at=None,
                status=None,
                status_at=None,
                refused="",
            )
        )
        self._session.flush()

    def get(self, signal_id: str) -> Signal | None:
        row = self._session.get(SignalRow, signal_id)
        return _signal(row) if row else None

    def mine(self, reporter_id: str, case_id: str | None = None) -> list[Signal]:
        """``reporter_id``'s signals (of ``case_id`` only, if given), newest first."""
        query = select(SignalRow).where(SignalRow.reporter_id == reporter_id)
        if case_id is not None:
            query = query.where(SignalRow.case_id == case_id)
        rows = self._session.scalars(query.order_by(SignalRow.created_at.desc(), SignalRow.id))
        return [_signal(r) for r in rows]

    def adopt_orphans(self, reporter_id: str) -> int:
        """Give ``reporter_id`` the signals of a local user that is gone: the first sign-in
        renames the local user to the server's id (``SyncRepository.rekey_user``)."""
        known = select(UserRow.id)
        result = self._session.execute(
            update(SignalRow)
            .where(SignalRow.reporter_id.not_in(known), SignalRow.reporter_id != reporter_id)
            .values(reporter_id=reporter_id)
        )
        return result.rowcount or 0

    def unsent(self, reporter_id: str) -> list[Signal]:
        """Signals not yet received by the server and not refused, oldest first."""
        rows = self._session.scalars(
            select(SignalRow)
            .where(
                SignalRow.reporter_id == reporter_id,
                SignalRow.sent_at.is_(None),
                SignalRow.refused == "",
            )
            .order_by(SignalRow.created_at, SignalRow.id)
        )
        return [_signal(r) for r in rows]

    def received(self, signal_id: str, at: datetime, status: SignalStatus) -> None:
        row = self._session.get(SignalRow, signal_id)
        if row is not None:
            row.sent_at = at
            if row.status is None:
                row.status, row.status_at = status.value, at

    def refused(self, signal_id: str, message: str) -> None:
        row = self._session.get(SignalRow, signal_id)
        if row is not None:
            row.refused = message or "De server heeft het signaal geweigerd."

    def set_status(self, signal_id: str, status: SignalStatus, at: datetime) -> bool:
        """The server's status; False for a signal this desktop does not have."""
        row = self._session.get(SignalRow, signal_id)
        if row is None:
            return False
        row.status, row.status_at = status.value, at
        if row.sent_at is None:
            row.sent_at = at
        return True

    def cursor(self) -> int:
        value = SettingsRepository(self._session).get(CURSOR_KEY, "0") or "0"
        return int(value) if value.isdigit() else 0

    def set_cursor(self, since: int) -> None:
        SettingsRepository(self._session).set(CURSOR_KEY, str(since))
