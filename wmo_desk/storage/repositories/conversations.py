"""Conversations and the form snapshots they were held with."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wmo_desk.domain.conversation import Conversation
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.identifiers import utcnow
from wmo_desk.storage.tables import ConversationRow, FormSnapshotRow


def _to_domain(row: ConversationRow) -> Conversation:
    return Conversation(
        id=row.id,
        case_id=row.case_id,
        form_id=row.form_id,
        form_version=row.form_version,
        held_on=row.held_on,
        place=row.place,
        answers=dict(row.answers or {}),
        completed=row.completed,
        current_section=row.current_section,
        verslag_signed_on=row.verslag_signed_on,
        created_at=row.created_at,
        modified_at=row.modified_at,
    )


class ConversationRepository:
    """One conversation per case (the newest counts); answers are saved whole, often."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, conversation: Conversation) -> None:
        self._session.add(
            ConversationRow(
                id=conversation.id,
                case_id=conversation.case_id,
                form_id=conversation.form_id,
                form_version=conversation.form_version,
                held_on=conversation.held_on,
                place=conversation.place,
                answers=conversation.answers,
                completed=conversation.completed,
                current_section=conversation.current_section,
                verslag_signed_on=conversation.verslag_signed_on,
                created_at=conversation.created_at,
                modified_at=conversation.modified_at,
                pending=True,
                deleted=False,
            )
        )

    def for_case(self, case_id: str) -> Conversation | None:
        row = self._session.scalars(
            select(ConversationRow)
            .where(ConversationRow.case_id == case_id, ConversationRow.deleted.is_(False))
            .order_by(ConversationRow.created_at.desc())
            .limit(1)
        ).first()
        return _to_domain(row) if row else None

    def get(self, conversation_id: str) -> Conversation | None:
        row = self._session.get(ConversationRow, conversation_id)
        return _to_domain(row) if row and not row.deleted else None

    def save_answers(self, conversation_id: str, answers: dict, current_section: str) -> None:
        """Store the answers as they are now: one small UPDATE, cheap enough to run every second."""
        self._session.execute(
            update(ConversationRow)
            .where(ConversationRow.id == conversation_id)
            .values(
                answers=answers, current_section=current_section, modified_at=utcnow(), pending=True
            )
        )

    def set_completed(self, conversation_id: str, completed: bool) -> None:
        self._session.execute(
            update(ConversationRow)
            .where(ConversationRow.id == conversation_id)
            .values(completed=completed, modified_at=utcnow(), pending=True)
        )

    def set_signed(self, conversation_id: str, signed_on: date) -> None:
        self._session.execute(
            update(ConversationRow)
            .where(ConversationRow.id == conversation_id)
            .values(verslag_signed_on=signed_on, modified_at=utcnow(), pending=True)
        )

    # --- snapshots of form definitions ---------------------------------------------------

    def keep_snapshot(self, form_id: str, version: str, definition: dict) -> None:
        """Store the definition of ``form_id`` ``version`` once; a different one under the same
        version is a mistake in forms/ and is refused rather than silently replacing history."""
        digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
        row = self._session.get(FormSnapshotRow, (form_id, version))
        if row is None:
            self._session.add(
                FormSnapshotRow(
                    form_id=form_id, version=version, definition=definition, sha256=digest
                )
            )
        elif row.sha256 != digest:
            raise UserError(
                "Formulier gewijzigd",
                f"Gespreksformulier '{form_id}' versie {version} is aangepast nadat het al in gesprekken "
                "is gebruikt. Geef het aangepaste formulier een nieuw versienummer.",
            )

    def snapshot(self, form_id: str, version: str) -> dict | None:
        row = self._session.get(FormSnapshotRow, (form_id, version))
        return row.definition if row else None
