"""The team lead's queries: open work per consultant, and provisions that end within a period."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Subquery, and_, case, func, literal, select, type_coerce, union_all
from sqlalchemy.orm import Session

from wmo_desk.domain.cases import Case, Stage
from wmo_desk.domain.deadlines import DeadlineKind
from wmo_desk.domain.decisions import (
    Decision,
    DecisionOutcome,
    DecisionStatus,
    DeliveryForm,
    Provision,
)
from wmo_desk.storage.repositories.cases import case_from_row
from wmo_desk.storage.tables import (
    AllocationRow,
    CaseResultRow,
    CaseRow,
    ClientRow,
    DecisionRow,
    ProvisionRow,
    UserRow,
)

#: the terms whose passing is the municipality's breach: the ones a team lead counts
_BINDING = (DeadlineKind.ONDERZOEK.value, DeadlineKind.BESLISSING.value)
#: a case in these stages is still on its way to a decision: a herindicatie under way
_UNDER_WAY = tuple(s.value for s in (Stage.MELDING, Stage.ONDERZOEK, Stage.VERSLAG, Stage.AANVRAAG))


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
    ) -> list[tuple[str, str, str, date, str, str, str, str, str]]:
        """Provisions of final decisions whose end falls in ``first`` … ``last``, in open cases.

        The end is the newest toewijzing's where the provision has them (an extension is a new
        version of the toewijzing, not a new decision; while one runs on without an end, the
        provision does not end); a provision of a decision that a later final decision replaces
        is left out. Rows: (case id, client sort name, product code, end, consultant id,
        consultant name, delivery form, provision id, client id), by end date.
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
                CaseRow.client_id,
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

    def submitted_proposals(
        self, municipality_code: str
    ) -> list[tuple[Decision, Case, str, str, str]]:
        """The proposals waiting for approval in the municipality, oldest first, in one query:
        (decision with its provisions, its case, client id, client display name, proposer's
        name; empty when unknown)."""
        rows = self._session.execute(
            select(
                DecisionRow,
                CaseRow,
                ClientRow.id,
                ClientRow.initials,
                ClientRow.prefix,
                ClientRow.surname,
                UserRow.name,
                ProvisionRow,
            )
            .join(CaseRow, CaseRow.id == DecisionRow.case_id)
            .join(ClientRow, ClientRow.id == CaseRow.client_id)
            .outerjoin(UserRow, UserRow.id == DecisionRow.proposed_by)
            .outerjoin(
                ProvisionRow,
                and_(ProvisionRow.decision_id == DecisionRow.id, ProvisionRow.deleted.is_(False)),
            )
            .where(
                DecisionRow.status == DecisionStatus.INGEDIEND.value,
                DecisionRow.deleted.is_(False),
                CaseRow.deleted.is_(False),
                CaseRow.municipality_code == municipality_code,
            )
            .order_by(DecisionRow.modified_at, DecisionRow.id, ProvisionRow.start, ProvisionRow.id)
        ).all()
        found: dict[str, tuple[DecisionRow, Case, str, str, str]] = {}
        provisions: dict[str, list[Provision]] = {}
        for decision, case_row, client_id, initials, prefix, surname, proposer, p in rows:
            if decision.id not in found:
                name = " ".join(part for part in (initials, prefix, surname) if part)
                found[decision.id] = (
                    decision,
                    case_from_row(case_row),
                    client_id,
                    name,
                    proposer or "",
                )
                provisions[decision.id] = []
            if p is not None:
                provisions[decision.id].append(_provision(p))
        return [
            (_decision(row, tuple(provisions[row.id])), case, client_id, name, proposer)
            for row, case, client_id, name, proposer in found.values()
        ]

    def cases_under_way(
        self, municipality_code: str, client_ids: list[str]
    ) -> list[tuple[str, str, date, str, str]]:
        """The open cases of these clients that have not reached a decision yet (melding to
        aanvraag), each with what it names so far: the product or care form of its agreed
        results and of its proposed (not final) provisions.

        Rows: (client id, case id, melding date, product code, care form), one per product or
        care form named; a case that names none yet gives one row with both empty. One query
        for the whole list, however many clients."""
        if not client_ids:
            return []
        open_case = and_(
            CaseRow.deleted.is_(False),
            CaseRow.municipality_code == municipality_code,
            CaseRow.stage.in_(_UNDER_WAY),
            CaseRow.client_id.in_(client_ids),
        )
        results = select(
            CaseResultRow.case_id.label("case_id"),
            CaseResultRow.product_code.label("product_code"),
            CaseResultRow.care_form.label("care_form"),
        ).where(CaseResultRow.deleted.is_(False))
        proposed = (
            select(
                DecisionRow.case_id.label("case_id"),
                ProvisionRow.product_code.label("product_code"),
                literal("").label("care_form"),
            )
            .join(ProvisionRow, ProvisionRow.decision_id == DecisionRow.id)
            .where(
                DecisionRow.deleted.is_(False),
                ProvisionRow.deleted.is_(False),
                DecisionRow.status != DecisionStatus.DEFINITIEF.value,
            )
        )
        named = union_all(results, proposed).subquery()
        query = (
            select(
                CaseRow.client_id,
                CaseRow.id,
                CaseRow.melding_date,
                func.coalesce(named.c.product_code, ""),
                func.coalesce(named.c.care_form, ""),
            )
            .outerjoin(named, named.c.case_id == CaseRow.id)
            .where(open_case)
            .order_by(CaseRow.melding_date, CaseRow.id)
        )
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


def _provision(row: ProvisionRow) -> Provision:
    return Provision(
        id=row.id,
        decision_id=row.decision_id,
        product_code=row.product_code,
        result=row.result,
        start=row.start,
        end=row.end,
        delivery_form=DeliveryForm(row.delivery_form),
        volume=row.volume,
        unit=row.unit,
        frequency=row.frequency,
        provider_id=row.provider_id,
        pgb_cents=row.pgb_cents,
    )


def _decision(row: DecisionRow, provisions: tuple[Provision, ...]) -> Decision:
    return Decision(
        id=row.id,
        case_id=row.case_id,
        outcome=DecisionOutcome(row.outcome),
        motivation=row.motivation,
        status=DecisionStatus(row.status),
        proposed_by=row.proposed_by,
        approved_by=row.approved_by,
        kenmerk=row.kenmerk,
        decision_date=row.decision_date,
        replaces_id=row.replaces_id,
        created_at=row.created_at,
        modified_at=row.modified_at,
        provisions=provisions,
    )
