"""Telephone evaluations on this desktop: rows <-> :class:`wmo_desk.domain.evaluations.Evaluation`,
and the task list's rows (whom to call, at which number).

A task is a synchronised record: every change marks it pending. It may be a colleague's case
this desktop does not hold (handed over): the name and number then come with the task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wmo_desk.domain.evaluations import Evaluation, Outcome
from wmo_desk.domain.identifiers import new_id, utcnow
from wmo_desk.storage.tables import (
    CaseRow,
    ClientRow,
    EvaluationRow,
    SyncConflictRow,
    SyncOutboxRow,
    UserRow,
)


def _client_name(client: ClientRow) -> str:
    return " ".join(p for p in (client.initials, client.prefix, client.surname) if p)


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
        # for an open call what the task carries; for a recorded one what its report names
        product_codes=tuple((row.report_product_codes if row.outcome else row.product_codes) or ()),
        provider_ids=tuple((row.report_provider_ids if row.outcome else row.provider_ids) or ()),
        recorded_on=row.recorded_on,
        sent_at=row.sent_at,
        refused=row.refused,
        client_name=row.client_name,
        phone=row.phone,
        report_id=row.report_id,
        created_at=row.created_at,
        modified_at=row.modified_at,
    )


def _without_contact(payload: dict | None) -> dict | None:
    if not payload:
        return payload
    return {**payload, **{k: "" for k in ("client_name", "phone") if k in payload}}


def _changed(row: EvaluationRow) -> None:
    row.pending = True
    row.modified_at = utcnow()


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

    def contact(self, case_id: str) -> tuple[str, str]:
        """The name and telephone number of the case's client, when this desktop holds them."""
        client = self._session.scalar(
            select(ClientRow)
            .join(CaseRow, CaseRow.client_id == ClientRow.id)
            .where(CaseRow.id == case_id)
        )
        return (_client_name(client)[:300], client.phone[:30]) if client else ("", "")

    def add(self, evaluation: Evaluation) -> None:
        name, phone = self.contact(evaluation.case_id)
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
                modified_at=evaluation.created_at,
                sent_at=None,
                refused="",
                client_name=name,
                phone=phone,
                report_id=None,
                pending=True,
                deleted=False,
            )
        )
        self._session.flush()

    def _live(self, evaluation_id: str) -> EvaluationRow | None:
        row = self._session.get(EvaluationRow, evaluation_id)
        return row if row is not None and not row.deleted else None

    def get(self, evaluation_id: str) -> Evaluation | None:
        row = self._live(evaluation_id)
        return _evaluation(row) if row else None

    def for_conversation(self, conversation_id: str) -> Evaluation | None:
        row = self._session.scalar(
            select(EvaluationRow).where(EvaluationRow.conversation_id == conversation_id)
        )
        return _evaluation(row) if row else None

    def holds_case(self, case_id: str) -> bool:
        case = self._session.get(CaseRow, case_id)
        return case is not None and not case.deleted

    def open_tasks(self, assignee_id: str | None, municipality_code: str) -> list[EvaluationTask]:
        """The open evaluations of ``assignee_id`` (everyone's of the municipality when None),
        the earliest due first."""
        # the client as this desktop holds it (a number changed since), else what the task says
        query = (
            select(EvaluationRow, ClientRow, UserRow.name)
            .outerjoin(CaseRow, CaseRow.id == EvaluationRow.case_id)
            .outerjoin(ClientRow, ClientRow.id == CaseRow.client_id)
            .outerjoin(UserRow, UserRow.id == EvaluationRow.assignee_id)
            .where(
                EvaluationRow.outcome.is_(None),
                EvaluationRow.deleted.is_(False),
                EvaluationRow.municipality_code == municipality_code,
            )
            .order_by(EvaluationRow.due, EvaluationRow.created_at, EvaluationRow.id)
        )
        if assignee_id is not None:
            query = query.where(EvaluationRow.assignee_id == assignee_id)
        tasks = []
        for row, client, assignee in self._session.execute(query):
            if client is not None and not client.deleted:
                name, phone = _client_name(client), client.phone
            else:
                name, phone = row.client_name, row.phone
            tasks.append(EvaluationTask(_evaluation(row), name, phone, assignee or ""))
        return tasks

    def reassign(
        self,
        evaluation_id: str,
        assignee_id: str,
        product_codes: list[str] | None = None,
        provider_ids: list[str] | None = None,
    ) -> None:
        """Hand the call to ``assignee_id``; with the client's current number when this
        desktop holds the case, and the decision's products and providers when known."""
        row = self._live(evaluation_id)
        if row is None:
            return
        row.assignee_id = assignee_id
        if self.holds_case(row.case_id):
            name, phone = self.contact(row.case_id)
            if name:
                row.client_name, row.phone = name, phone
        if product_codes is not None and provider_ids is not None:
            row.product_codes, row.provider_ids = product_codes, provider_ids
        _changed(row)

    def no_answer(self, evaluation_id: str, attempts: int, due: date) -> None:
        """One more call without an answer; tried again on ``due``."""
        row = self._live(evaluation_id)
        if row is not None:
            row.attempts, row.due = attempts, due
            _changed(row)

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
        row = self._live(evaluation_id)
        if row is None:
            return
        row.outcome = outcome.value
        row.attempts = attempts
        row.recorded_on = on
        row.form_version = form_version
        row.answers = answers
        row.report_product_codes = product_codes
        row.report_provider_ids = provider_ids
        # whom to call, and the decision's products and providers, are not kept with the task
        # once the call is recorded; the report goes under an id of its own, which the task
        # does not carry
        row.client_name = row.phone = ""
        row.product_codes, row.provider_ids = [], []
        row.report_id = new_id()
        row.sent_at, row.refused = None, ""
        _changed(row)

    def not_taken(self, evaluation_id: str) -> None:
        """The server did not take this desktop's version of the call (refused, or another
        version holds): a report recorded here is not sent, its answers not kept."""
        row = self._session.get(EvaluationRow, evaluation_id)
        if row is not None and row.report_id is not None and row.sent_at is None:
            row.report_id, row.answers = None, {}
            row.report_product_codes, row.report_provider_ids = [], []

    def unsent(self) -> list[Evaluation]:
        """Evaluations recorded on this desktop, whose recording the server holds, with a
        report it has not received and has not refused, oldest first (also of a case taken
        away since: the report is due)."""
        rows = self._session.scalars(
            select(EvaluationRow)
            .where(
                EvaluationRow.outcome.is_not(None),
                EvaluationRow.report_id.is_not(None),
                EvaluationRow.pending.is_(False),
                EvaluationRow.server_revision.is_not(None),
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

    def forget_others(self, user_id: str) -> int:
        """Remove the tasks of cases this desktop does not hold that it has no reason to keep:
        handed to someone else, recorded, or taken away (a tombstone) — once the server has
        them, nothing about them waits for the user, and no report is still to send (a
        colleague's client stays off this laptop)."""
        held = select(CaseRow.id).where(CaseRow.deleted.is_(False))
        unsettled = select(SyncConflictRow.record_id).where(SyncConflictRow.resolved_at.is_(None))
        gone = list(
            self._session.scalars(
                select(EvaluationRow.id).where(
                    (EvaluationRow.assignee_id != user_id)
                    | EvaluationRow.outcome.is_not(None)
                    | EvaluationRow.deleted,
                    EvaluationRow.case_id.not_in(held),
                    EvaluationRow.pending.is_(False),
                    EvaluationRow.id.not_in(unsettled),
                    (EvaluationRow.report_id.is_(None))
                    | (EvaluationRow.sent_at.is_not(None))
                    | (EvaluationRow.refused != ""),
                )
            )
        )
        # what a settled conflict or refusal kept of such a call, or of one gone already (taken
        # away): without whom it said to call
        kept = select(EvaluationRow.id).where(EvaluationRow.id.not_in(gone))
        for conflict in self._session.scalars(
            select(SyncConflictRow).where(
                SyncConflictRow.record_type == "evaluation",
                SyncConflictRow.resolved_at.is_not(None),
                SyncConflictRow.record_id.not_in(kept),
            )
        ):
            local, server = (
                _without_contact(p) for p in (conflict.local_payload, conflict.server_payload)
            )
            if (local, server) != (conflict.local_payload, conflict.server_payload):
                conflict.local_payload, conflict.server_payload = local, server
        if gone:
            self._session.execute(delete(EvaluationRow).where(EvaluationRow.id.in_(gone)))
        self._session.flush()
        return len(gone)

    def withdraw_calls(self, withdrawn: dict[str, int]) -> int:
        """Calls taken from this desktop's user, of cases it does not hold (case id -> the
        withdrawal's revision): removed, unless handed back since (a newer revision) — a
        recorded one whose report is still to send stays as a tombstone until it is sent."""
        gone = 0
        for case_id, revision in withdrawn.items():
            if self.holds_case(case_id):
                continue  # the case's own withdrawal (or the case itself) decides
            rows = self._session.scalars(
                select(EvaluationRow).where(EvaluationRow.case_id == case_id)
            )
            for row in rows:
                if (row.server_revision or 0) > revision:
                    continue
                self._session.execute(
                    delete(SyncOutboxRow).where(SyncOutboxRow.record_id == row.id)
                )
                report_due = row.report_id is not None and row.sent_at is None and row.refused == ""
                if report_due and not row.pending:
                    row.deleted, row.client_name, row.phone = True, "", ""
                else:
                    self._session.delete(row)
                gone += 1
        self._session.flush()
        return gone

    def give_way_to(self, pulled: list[Any]) -> int:
        """A call of the same conversation made on another desktop first (the conversation
        completed on two laptops before either synced): the server's call holds, the one
        made here and never taken by the server goes (one call per conversation)."""
        theirs = {
            str(r.payload.get("conversation_id")): r.record_id
            for r in pulled
            if not r.deleted and r.payload.get("conversation_id")
        }
        if not theirs:
            return 0
        mine = self._session.scalars(
            select(EvaluationRow).where(
                EvaluationRow.conversation_id.in_(sorted(theirs)),
                EvaluationRow.server_revision.is_(None),
            )
        ).all()
        gone = [row for row in mine if theirs[row.conversation_id] != row.id]
        for row in gone:
            self._session.execute(delete(SyncOutboxRow).where(SyncOutboxRow.record_id == row.id))
            self._session.delete(row)
        self._session.flush()
        return len(gone)
