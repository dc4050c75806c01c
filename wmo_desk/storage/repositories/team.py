"""The team lead's queries: open work per consultant, and provisions that end within a period."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Subquery, and_, case, func, select, type_coerce
from sqlalchemy.orm import Session

from wmo_desk.domain.cases import Stage
from wmo_desk.domain.deadlines import DeadlineKind
from wmo_desk.domain.decisions import DecisionStatus
from wmo_desk.storage.tables import (
    AllocationRow,
    CaseRow,
    ClientRow,
    DecisionRow,
    ProvisionRow,
    UserRow,
)

#: the terms whose passing is the municipality's breach: the ones a team lead counts
_BINDING = (DeadlineKind.ONDERZOEK.value, DeadlineKind.BESLISSING.value)


class TeamRepository:
    """Reads across the consultants of one municipality (rows as plain tuples; the service
    makes its read models of them)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def workload(
        self, municipality_code: str, today: date, week_end: date
    ) -> list[tuple[str, str, str, int, int, int, int]]:
        """Per user of the municipality: (id, name, role, open, overdue, due by ``week_end``,
        on hold), counting only open (not closed, not deleted) cases and binding terms.

        Users without open cases are included (a new consultant has an empty list)."""
        binding = CaseRow.next_deadline_kind.in_(_BINDING)
        overdue = and_(binding, CaseRow.next_deadline < today)
        due_soon = and_(binding, CaseRow.next_deadline >= today, CaseRow.next_deadline <= week_end)
        rows = self._session.execute(
            select(
                UserRow.id,
                UserRow.name,
                UserRow.role,
                func.count(CaseRow.id),
                func.coalesce(func.sum(case((overdue, 1), else_=0)), 0),
                func.coalesce(func.sum(case((due_soon, 1), else_=0)), 0),
                func.coalesce(func.sum(case((CaseRow.on_hold.is_(True), 1), else_=0)), 0),
            )
            .outerjoin(
                CaseRow,
                and_(
                    CaseRow.consultant_id == UserRow.id,
                    CaseRow.deleted.is_(False),
                    CaseRow.municipality_code == municipality_code,
                    CaseRow.stage != Stage.AFGESLOTEN.value,
                ),
            )
            .where(UserRow.deleted.is_(False), UserRow.municipality_code == municipality_code)
            .group_by(UserRow.id, UserRow.name, UserRow.role)
            .order_by(UserRow.name, UserRow.id)
        ).all()
        return [(r[0], r[1], r[2], int(r[3]), int(r[4]), int(r[5]), int(r[6])) for r in rows]

    def ending_provisions(
        self, municipality_code: str, first: date, last: date, consultant_id: str | None = None
    ) -> list[tuple[str, str, str, date, str, str, str, str]]:
        """Provisions of final decisions whose end falls in ``first`` … ``last``, in open cases.

        The end is the newest toewijzing's where the provision has them (an extension is a new
        version of the toewijzing, not a new decision; while one runs on without an end, the
        provision does not end); a provision of a decision that a later final decision replaces
        is left out. Rows: (case id, client sort name, product code, end, consultant id,
        consultant name, delivery form, provision id), by end date.
        """
        replaced = (
            select(DecisionRow.replaces_id)
            .where(
                DecisionRow.replaces_id.is_not(None),
                DecisionRow.status == DecisionStatus.DEFINITIEF.value,
                DecisionRow.deleted.is_(False),
            )
            .scalar_subquery()
        )
        ends = self._allocation_ends()
        # no toewijzing (pgb, or not yet allocated): the decision's own end date
        end = type_coerce(
            case((ends.c.provision_id.is_(None), ProvisionRow.end), else_=ends.c.end), Date
        )
        query = (
            select(
                CaseRow.id,
                ClientRow.sort_name,
                ProvisionRow.product_code,
                end,
                CaseRow.consultant_id,
                UserRow.name,
                ProvisionRow.delivery_form,
                ProvisionRow.id,
            )
            .join(DecisionRow, DecisionRow.id == ProvisionRow.decision_id)
            .join(CaseRow, CaseRow.id == DecisionRow.case_id)
            .join(ClientRow, ClientRow.id == CaseRow.client_id)
            .join(UserRow, UserRow.id == CaseRow.consultant_id)
            .outerjoin(ends, ends.c.provision_id == ProvisionRow.id)
            .where(
                ProvisionRow.deleted.is_(False),
                DecisionRow.deleted.is_(False),
                DecisionRow.status == DecisionStatus.DEFINITIEF.value,
                DecisionRow.id.not_in(replaced),
                CaseRow.deleted.is_(False),
                CaseRow.municipality_code == municipality_code,
                CaseRow.stage != Stage.AFGESLOTEN.value,
                end >= first,
                end <= last,
            )
            .order_by(end, ClientRow.sort_name, ProvisionRow.id)
        )
        if consultant_id is not None:
            query = query.where(CaseRow.consultant_id == consultant_id)
        return [tuple(r) for r in self._session.execute(query).all()]  # type: ignore[misc]

    @staticmethod
    def _allocation_ends() -> Subquery:
        """Per provision with toewijzingen: the last end of their current versions (the
        highest version of each number), NULL while one of them runs on without an end."""
        newest = (
            select(
                AllocationRow.provision_id,
                AllocationRow.number,
                func.max(AllocationRow.version).label("version"),
            )
            .where(AllocationRow.deleted.is_(False))
            .group_by(AllocationRow.provision_id, AllocationRow.number)
            .subquery()
        )
        return (
            select(
                AllocationRow.provision_id,
                type_coerce(
                    case(
                        # count(end) skips NULLs: fewer than the rows means one runs on
                        (func.count(AllocationRow.end) < func.count(), None),
                        else_=func.max(AllocationRow.end),
                    ),
                    Date,
                ).label("end"),
            )
            .join(
                newest,
                and_(
                    newest.c.provision_id == AllocationRow.provision_id,
                    newest.c.number == AllocationRow.number,
                    newest.c.version == AllocationRow.version,
                ),
            )
            .where(AllocationRow.deleted.is_(False))
            .group_by(AllocationRow.provision_id)
            .subquery()
        )
