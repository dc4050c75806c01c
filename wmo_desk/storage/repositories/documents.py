"""Documents made on this laptop (the verslag), kept only inside the database."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.domain.documents import StoredDocument
from wmo_desk.storage.tables import CaseRow, DecisionDocumentRow, DecisionRow, StoredDocumentRow


def _document(row: StoredDocumentRow) -> StoredDocument:
    return StoredDocument(
        id=row.id,
        case_id=row.case_id,
        kind=row.kind,
        filename=row.filename,
        sha256=row.sha256,
        content=row.content,
        created_at=row.created_at,
        created_by=row.created_by,
    )


class StoredDocumentRepository:
    """Rows of ``stored_documents`` as :class:`StoredDocument`; written once, never changed."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, document: StoredDocument) -> None:
        """Store ``document``; its ``sha256`` must be the one of its content."""
        if hashlib.sha256(document.content).hexdigest() != document.sha256:
            raise ValueError("sha256 does not match the content")
        self._session.add(
            StoredDocumentRow(
                id=document.id,
                case_id=document.case_id,
                kind=document.kind,
                filename=document.filename,
                sha256=document.sha256,
                content=document.content,
                created_at=document.created_at,
                created_by=document.created_by,
            )
        )
        self._session.flush()

    def get(self, document_id: str) -> StoredDocument | None:
        row = self._session.get(StoredDocumentRow, document_id)
        return _document(row) if row else None

    def latest(self, case_id: str, kind: str) -> StoredDocument | None:
        """The newest document of ``kind`` for the case."""
        row = self._session.scalars(
            select(StoredDocumentRow)
            .where(StoredDocumentRow.case_id == case_id, StoredDocumentRow.kind == kind)
            .order_by(StoredDocumentRow.created_at.desc(), StoredDocumentRow.id.desc())
            .limit(1)
        ).first()
        return _document(row) if row else None

    def for_case(self, case_id: str) -> list[StoredDocument]:
        """Every document of the case, oldest first."""
        rows = self._session.scalars(
            select(StoredDocumentRow)
            .where(StoredDocumentRow.case_id == case_id)
            .order_by(StoredDocumentRow.created_at, StoredDocumentRow.id)
        )
        return [_document(row) for row in rows]

    def has_content(self, case_id: str, kind: str, sha256: str) -> bool:
        """Whether the case already holds a document of ``kind`` with this content."""
        found = self._session.scalar(
            select(StoredDocumentRow.id).where(
                StoredDocumentRow.case_id == case_id,
                StoredDocumentRow.kind == kind,
                StoredDocumentRow.sha256 == sha256,
            )
        )
        return found is not None

    def case_for_prefix(self, prefix: str) -> tuple[str, str] | None:
        """(case id, client id) of the one case whose id starts with ``prefix``; None if not one."""
        if not prefix or any(c in prefix for c in "%_\\"):
            return None
        rows = self._session.execute(
            select(CaseRow.id, CaseRow.client_id).where(CaseRow.id.startswith(prefix)).limit(2)
        ).all()
        return (rows[0][0], rows[0][1]) if len(rows) == 1 else None

    def client_of(self, case_id: str) -> str | None:
        """The client id of the case."""
        return self._session.scalar(select(CaseRow.client_id).where(CaseRow.id == case_id))

    def decision_document(self, document_id: str) -> tuple[str, str, bytes, str] | None:
        """(kind, filename, content, stored sha256) of one of a final decision's documents."""
        row = self._session.get(DecisionDocumentRow, document_id)
        if row is None or row.deleted:
            return None
        return row.kind, row.filename, row.content, row.sha256

    def decision_documents(self, decision_id: str) -> list[tuple[str, str, str, str, str]]:
        """(id, kind, filename, case id, client id) of a final decision's documents, the letter
        first, then as they were made."""
        rows = self._session.execute(
            select(
                DecisionDocumentRow.id,
                DecisionDocumentRow.kind,
                DecisionDocumentRow.filename,
                CaseRow.id,
                CaseRow.client_id,
            )
            .join(DecisionRow, DecisionRow.id == DecisionDocumentRow.decision_id)
            .join(CaseRow, CaseRow.id == DecisionRow.case_id)
            .where(
                DecisionDocumentRow.decision_id == decision_id,
                DecisionDocumentRow.deleted.is_(False),
            )
            .order_by(DecisionDocumentRow.created_at, DecisionDocumentRow.id)
        ).all()
        found = [tuple(r) for r in rows]
        found.sort(key=lambda r: r[1] != "beschikking")  # stable: the rest keep their order
        return found  # type: ignore[return-value]
