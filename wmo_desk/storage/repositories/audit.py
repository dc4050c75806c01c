"""The local access log (NEN 7513 style): who read or changed which client file, when."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.domain.identifiers import utcnow
from wmo_desk.storage.tables import AuditRow


class AuditRepository:
    """Append-only access log entries."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, user_id: str, action: str, client_id: str | None, case_id: str | None) -> None:
        self._session.add(
            AuditRow(
                at=utcnow(), user_id=user_id, action=action, client_id=client_id, case_id=case_id
            )
        )

    def for_client(self, client_id: str) -> list[tuple[str, str, str]]:
        """(ISO time, user id, action) of every entry for ``client_id``, oldest first."""
        rows = self._session.scalars(
            select(AuditRow).where(AuditRow.client_id == client_id).order_by(AuditRow.id)
        )
        return [(r.at.isoformat(), r.user_id, r.action) for r in rows]
