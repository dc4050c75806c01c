"""The team lead's queries: open work per consultant, and provisions that end within a period."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, case, func, select
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
    ) -> list[tuple[str, str, str, date, str, str, str, str | None]]:
        """Provisions of final decisions whose end falls in ``first`` … ``last``, in open cases.

        The end is the newest toewijzing's where the provision has them (an extension is a new
        version of the toewijzing, not a new decision); a provision of a decision that a later
        final decision replaces is left out. Rows: (case id, client sort name, product code,
        end, consultant id, consultant name, delivery form, provision id), by end date.
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
        query = (
            select(
                CaseRow.id,
                ClientRow.sort_name,
                ProvisionRow.product_code,
                ProvisionRow.end,
                CaseRow.consultant_id,
                UserRow.name,
                ProvisionRow.delivery_form,
                ProvisionRow.id,
            )
            .join(DecisionRow, DecisionRow.id == ProvisionRow.decision_id)
            .join(CaseRow, CaseRow.id == DecisionRow.case_id)
            .join(ClientRow, ClientRow.id == CaseRow.client_id)
            .join(UserRow, UserRow.id == CaseRow.consultant_id)
            .where(
                ProvisionRow.deleted.is_(False),
                DecisionRow.deleted.is_(False),
                DecisionRow.status == DecisionStatus.DEFINITIEF.value,
                DecisionRow.id.not_in(replaced),
                CaseRow.deleted.is_(False),
                CaseRow.municipality_code == municipality_code,
                CaseRow.stage != Stage.AFGESLOTEN.value,
            )
        )
        if consultant_id is not None:
            query = query.where(CaseRow.consultant_id == consultant_id)
        rows = self._session.execute(query).all()
        ends = self._allocation_ends([r[7] for r in rows])
        found = []
        for r in rows:
            # no toewijzing (pgb, or not yet allocated): the decision's own end date
            end = ends[r[7]] if r[7] in ends else r[3]
            if end is not None and first <= end <= last:
                found.append((r[0], r[1], r[2], end, r[4], r[5], r[6], r[7]))
        return sorted(found, key=lambda f: (f[3], f[1], f[7]))

    def _allocation_ends(self, provision_ids: list[str]) -> dict[str, date | None]:
        """The last end of the current toewijzingen of each provision (None: one runs on)."""
        if not provision_ids:
            return {}
        rows = self._session.execute(
            select(
                AllocationRow.provision_id,
                AllocationRow.number,
                AllocationRow.version,
                AllocationRow.end,
            )
            .where(AllocationRow.provision_id.in_(provision_ids), AllocationRow.deleted.is_(False))
            .order_by(AllocationRow.number, AllocationRow.version)
        ).all()
        latest: dict[str, dict[int, date | None]] = defaultdict(dict)
        for provision_id, number, _version, end in rows:
            latest[provision_id][number] = end
        return {
            pid: None if None in by_number.values() else max(by_number.values())  # type: ignore[type-var]
            for pid, by_number in latest.items()
        }
