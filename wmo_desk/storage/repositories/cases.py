"""Cases and their timelines: rows <-> :class:`wmo_desk.domain.cases.Case`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.domain.cases import (
    Case,
    CaseEvent,
    Channel,
    CloseReason,
    EventKind,
    HoldPeriod,
    Reporter,
    Stage,
)
from wmo_desk.domain.deadlines import DeadlineKind, next_deadline
from wmo_desk.storage.tables import CaseEventRow, CaseRow

_INFORMATIONAL = [k.value for k in (DeadlineKind.PERSOONLIJK_PLAN, DeadlineKind.BEZWAAR)]


def _holds_to_json(holds: tuple[HoldPeriod, ...]) -> list[dict]:
    return [
        {
            "start": h.start.isoformat(),
            "end": h.end.isoformat() if h.end else None,
            "reason": h.reason,
        }
        for h in holds
    ]


def _holds_from_json(data: list[dict]) -> tuple[HoldPeriod, ...]:
    return tuple(
        HoldPeriod(
            start=date.fromisoformat(h["start"]),
            end=date.fromisoformat(h["end"]) if h["end"] else None,
            reason=h["reason"],
        )
        for h in data
    )


def case_from_row(row: CaseRow) -> Case:
    """The domain case a row stores."""
    return Case(
        id=row.id,
        client_id=row.client_id,
        municipality_code=row.municipality_code,
        consultant_id=row.consultant_id,
        stage=Stage(row.stage),
        melding_date=row.melding_date,
        reported_by=Reporter(row.reported_by),
        channel=Channel(row.channel),
        request_text=row.request_text,
        aanvraag_date=row.aanvraag_date,
        decision_sent_date=row.decision_sent_date,
        holds=_holds_from_json(row.holds or []),
        close_reason=CloseReason(row.close_reason) if row.close_reason else None,
        close_note=row.close_note,
        closed_date=row.closed_date,
        created_at=row.created_at,
        modified_at=row.modified_at,
    )


def fill_case_row(row: CaseRow, case: Case, today: date) -> None:
    """Copy ``case`` into ``row`` and refresh the denormalised next deadline."""
    row.client_id = case.client_id
    row.municipality_code = case.municipality_code
    row.consultant_id = case.consultant_id
    row.stage = case.stage.value
    row.melding_date = case.melding_date
    row.reported_by = case.reported_by.value
    row.channel = case.channel.value
    row.request_text = case.request_text
    row.aanvraag_date = case.aanvraag_date
    row.decision_sent_date = case.decision_sent_date
    row.holds = _holds_to_json(case.holds)
    row.on_hold = case.is_on_hold
    row.close_reason = case.close_reason.value if case.close_reason else None
    row.close_note = case.close_note
    row.closed_date = case.closed_date
    row.modified_at = case.modified_at
    row.pending = True
    deadline = next_deadline(case, today)
    row.next_deadline = deadline.due if deadline else None
    row.next_deadline_kind = deadline.kind.value if deadline else None


class CaseRepository:
    """Cases and their append-only timelines."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def save(self, case: Case, today: date, events: tuple[CaseEvent, ...] = ()) -> None:
        """Insert or update ``case`` with its new timeline entries, in the caller's transaction."""
        row = self._session.get(CaseRow, case.id)
        if row is None:
            row = CaseRow(id=case.id, created_at=case.created_at, deleted=False)
            self._session.add(row)
        fill_case_row(row, case, today)
        # No ORM relationships: flush so the case exists before its events (foreign key).
        self._session.flush()
        for event in events:
            self._session.add(
                CaseEventRow(
                    id=event.id,
                    case_id=event.case_id,
                    kind=event.kind.value,
                    text=event.text,
                    actor_id=event.actor_id,
                    actor_name=event.actor_name,
                    at=event.at,
                    created_at=event.at,
                    modified_at=event.at,
                    pending=True,
                    deleted=False,
                )
            )

    def get(self, case_id: str) -> Case | None:
        row = self._session.get(CaseRow, case_id)
        return case_from_row(row) if row and not row.deleted else None

    def for_client(self, client_id: str) -> list[Case]:
        rows = self._session.scalars(
            select(CaseRow)
            .where(CaseRow.client_id == client_id, CaseRow.deleted.is_(False))
            .order_by(CaseRow.melding_date.desc())
        )
        return [case_from_row(r) for r in rows]

    def timeline(self, case_id: str) -> list[CaseEvent]:
        """The case's history, oldest first."""
        rows = self._session.scalars(
            select(CaseEventRow)
            .where(CaseEventRow.case_id == case_id, CaseEventRow.deleted.is_(False))
            .order_by(CaseEventRow.at, CaseEventRow.id)
        )
        return [
            CaseEvent(
                id=r.id,
                case_id=r.case_id,
                kind=EventKind(r.kind),
                text=r.text,
                actor_id=r.actor_id,
                actor_name=r.actor_name,
                at=r.at,
            )
            for r in rows
        ]

    def refresh_deadlines(self, today: date) -> int:
        """Recompute stored deadlines that may have moved since they were saved.

        Only cases on hold (their terms grow every day) and cases whose stored deadline has
        passed (an informational term drops out) can be stale; returns how many were touched.
        """
        stale = self._session.scalars(
            select(CaseRow).where(
                CaseRow.deleted.is_(False),
                CaseRow.stage != Stage.AFGESLOTEN.value,
                # binding terms stay put once overdue; only a hold or a passed
                # informational term (persoonlijk plan, bezwaar) can move the next deadline
                (CaseRow.on_hold.is_(True))
                | (
                    (CaseRow.next_deadline < today) & CaseRow.next_deadline_kind.in_(_INFORMATIONAL)
                ),
            )
        )
        count = 0
        for row in stale:
            deadline = next_deadline(case_from_row(row), today)
            new_due = deadline.due if deadline else None
            new_kind = deadline.kind.value if deadline else None
            if (new_due, new_kind) != (row.next_deadline, row.next_deadline_kind):
                row.next_deadline, row.next_deadline_kind = new_due, new_kind
                count += 1
        return count
