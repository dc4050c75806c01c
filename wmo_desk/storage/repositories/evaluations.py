"""Telephone evaluations on this desktop: rows <-> :class:`wmo_desk.domain.evaluations.Evaluation`,
and the task list's rows (the case, the client to call)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.domain.evaluations import Evaluation, Outcome
from wmo_desk.storage.tables import CaseRow, ClientRow, EvaluationRow, UserRow


def _evaluation(row: EvaluationRow) -> Evaluation:
    return Evaluation(
        id=row.id,
        case_id=row.case_id,
        conversation_id=row.conversation_id,
        municipality_code=row.municipality_code,
        assignee_id=row.assignee_id,
        due=row.due,
        attempts=row.attempts,
        outcome=Outcome(row.outcome) if row.outcome else None,
        form_id=row.form_id,
        form_version=row.form_version,
        answers=dict(row.answers or {}),
        product_codes=tuple(row.product_codes or ()),
        provider_ids=tuple(row.provider_ids or ()),
        recorded_on=row.recorded_on,
        sent_at=row.sent_at,
        refused=row.refused,
        created_at=row.created_at,
    )


@dataclass(frozen=True)
class EvaluationTask:
    """An open evaluation as the task list shows it: whom to call, at which number."""

    evaluation: Evaluation
    client_name: str
    phone: str
    assignee_name: str


class EvaluationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, evaluation: Evaluation) -> None:
        self._session.add(
            EvaluationRow(
                id=evaluation.id,
                case_id=evaluation.case_id,
                conversation_id=evaluation.conversation_id,
                municipality_code=evaluation.municipality_code,
                assignee_id=evaluation.assignee_id,
                due=evaluation.due,
                attempts=evaluation.attempts,
                outcome=None,
                form_id=evaluation.form_id,
                form_version=evaluation.form_version,
                answers={},
                product_codes=[],
                provider_ids=[],
                recorded_on=None,
                created_at=evaluation.created_at,
                sent_at=None,
                refused="",
            )
        )
        self._session.flush()

    def get(self, evaluation_id: str) -> Evaluation | None:
        row = self._session.get(EvaluationRow, evaluation_id)
        return _evaluation(row) if row else None

    def for_conversation(self, conversation_id: str) -> Evaluation | None:
        row = self._session.scalar(
            select(EvaluationRow).where(EvaluationRow.conversation_id == conversation_id)
        )
        return _evaluation(row) if row else None

    def open_tasks(self, assignee_id: str | None, municipality_code: str) -> list[EvaluationTask]:
        """The open evaluations of ``assignee_id`` (everyone's of the municipality when None),
        the earliest due first."""
        query = (
            select(EvaluationRow, ClientRow, UserRow.name)
            .join(CaseRow, CaseRow.id == EvaluationRow.case_id)
            .join(ClientRow, ClientRow.id == CaseRow.client_id)
            .outerjoin(UserRow, UserRow.id == EvaluationRow.assignee_id)
            .where(
                EvaluationRow.outcome.is_(None),
                EvaluationRow.municipality_code == municipality_code,
            )
            .order_by(EvaluationRow.due, EvaluationRow.created_at, EvaluationRow.id)
        )
        if assignee_id is not None:
            query = query.where(EvaluationRow.assignee_id == assignee_id)
        tasks = []
        for row, client, assignee in self._session.execute(query):
            name = " ".join(p for p in (client.initials, client.prefix, client.surname) if p)
            tasks.append(EvaluationTask(_evaluation(row), name, client.phone, assignee or ""))
        return tasks

    def reassign(self, evaluation_id: str, assignee_id: str) -> None:
        row = self._session.get(EvaluationRow, evaluation_id)
        if row is not None:
            row.assignee_id = assignee_id

    def no_answer(self, evaluation_id: str, attempts: int, due: date) -> None:
        """One more call without an answer; tried again on ``due``."""
        row = self._session.get(EvaluationRow, evaluation_id)
        if row is not None:
            row.attempts, row.due = attempts, due

    def record(
        self,
        evaluation_id: str,
        outcome: Outcome,
        *,
        attempts: int,
        on: date,
        form_version: str,
        answers: dict,
        product_codes: list[str],
        provider_ids: list[str],
    ) -> None:
        row = self._session.get(EvaluationRow, evaluation_id)
        if row is None:
            return
        row.outcome = outcome.value
        row.attempts = attempts
        row.recorded_on = on
        row.form_version = form_version
        row.answers = answers
        row.product_codes = product_codes
        row.provider_ids = provider_ids

    def unsent(self) -> list[Evaluation]:
        """Recorded evaluations the server has not received and has not refused, oldest first."""
        rows = self._session.scalars(
            select(EvaluationRow)
            .where(
                EvaluationRow.outcome.is_not(None),
                EvaluationRow.sent_at.is_(None),
                EvaluationRow.refused == "",
            )
            .order_by(EvaluationRow.recorded_on, EvaluationRow.id)
        )
        return [_evaluation(r) for r in rows]

    def received(self, evaluation_id: str, at: datetime) -> None:
        row = self._session.get(EvaluationRow, evaluation_id)
        if row is not None:
            row.sent_at = at

    def refused(self, evaluation_id: str, message: str) -> None:
        row = self._session.get(EvaluationRow, evaluation_id)
        if row is not None:
            row.refused = message or "De server heeft de evaluatie geweigerd."
