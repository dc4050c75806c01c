"""Decisions with their provisions, and the documents rendered when they became final."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wmo_desk.domain.decisions import (
    Allocation,
    Decision,
    DecisionOutcome,
    DecisionStatus,
    DeliveryForm,
    Provision,
)
from wmo_desk.domain.errors import UserError
from wmo_desk.storage.tables import (
    AllocationRow,
    CaseRow,
    DecisionDocumentRow,
    DecisionRow,
    ProvisionRow,
)
from wmo_desk.sync.engine import document_id

_PROVISION_FIELDS = (
    "product_code",
    "result",
    "start",
    "end",
    "volume",
    "unit",
    "frequency",
    "provider_id",
    "pgb_cents",
)


class DecisionRepository:
    """Decisions; a final one is never written again."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def save(self, decision: Decision) -> None:
        """Insert or update ``decision`` and replace its provisions; refuses to touch a final one."""
        row = self._session.get(DecisionRow, decision.id)
        if row is not None and row.status == DecisionStatus.DEFINITIEF.value:
            raise UserError(
                "Besluit is definitief", "Een definitief besluit wordt nooit meer gewijzigd."
            )
        if row is None:
            row = DecisionRow(id=decision.id, created_at=decision.created_at, deleted=False)
            self._session.add(row)
        row.case_id = decision.case_id
        row.outcome = decision.outcome.value
        row.motivation = decision.motivation
        row.status = decision.status.value
        row.proposed_by = decision.proposed_by
        row.approved_by = decision.approved_by
        row.kenmerk = decision.kenmerk
        row.decision_date = decision.decision_date
        row.replaces_id = decision.replaces_id
        row.proposer_phone = decision.proposer_phone
        row.proposer_email = decision.proposer_email
        row.modified_at = decision.modified_at
        row.pending = True
        self._session.flush()
        # Updated in place; a removed provision becomes a tombstone, so the removal syncs too.
        existing = {
            r.id: r
            for r in self._session.scalars(
                select(ProvisionRow).where(ProvisionRow.decision_id == decision.id)
            )
        }
        kept = {p.id for p in decision.provisions}
        for provision_id, prow in existing.items():
            if provision_id not in kept and not prow.deleted:
                prow.deleted = True
                prow.pending = True
                prow.modified_at = decision.modified_at
        for p in decision.provisions:
            prow = existing.get(p.id)
            if prow is None:
                prow = ProvisionRow(
                    id=p.id, decision_id=decision.id, created_at=decision.modified_at
                )
                self._session.add(prow)
            prow.delivery_form = p.delivery_form.value
            prow.modified_at = decision.modified_at
            prow.pending = True
            prow.deleted = False
            for name in _PROVISION_FIELDS:
                setattr(prow, name, getattr(p, name))
        self._session.flush()

    def get(self, decision_id: str) -> Decision | None:
        row = self._session.get(DecisionRow, decision_id)
        return self._to_domain(row) if row and not row.deleted else None

    def for_case(self, case_id: str) -> list[Decision]:
        rows = self._session.scalars(
            select(DecisionRow)
            .where(DecisionRow.case_id == case_id, DecisionRow.deleted.is_(False))
            .order_by(DecisionRow.created_at)
        )
        return [self._to_domain(r) for r in rows]

    def submitted(self, municipality_code: str) -> list[tuple[Decision, str]]:
        """Proposals waiting for approval in the municipality, oldest first, with their case's client id."""
        rows = self._session.execute(
            select(DecisionRow, CaseRow.client_id)
            .join(CaseRow, CaseRow.id == DecisionRow.case_id)
            .where(
                DecisionRow.status == DecisionStatus.INGEDIEND.value,
                CaseRow.municipality_code == municipality_code,
            )
            .order_by(DecisionRow.modified_at)
        ).all()
        return [(self._to_domain(r[0]), r[1]) for r in rows]

    def count_final(self, municipality_code: str, year: int) -> int:
        """How many decisions of the municipality became final in ``year`` (for the next kenmerk)."""
        prefix = f"WMO-{municipality_code}-{year}-%"
        return (
            self._session.scalar(
                select(func.count())
                .select_from(DecisionRow)
                .where(DecisionRow.kenmerk.like(prefix))
            )
            or 0
        )

    def used_allocation_numbers(self) -> set[int]:
        """Toewijzingnummers already given out in this profile's municipality."""
        return set(self._session.scalars(select(AllocationRow.number)))

    def add_allocation(self, allocation: Allocation) -> None:
        row = AllocationRow(
            id=allocation.id,
            created_at=allocation.created_at,
            modified_at=allocation.modified_at,
            pending=True,
            deleted=False,
        )
        for name in (
            "provision_id",
            "number",
            "version",
            "provider_id",
            "product_category",
            "product_code",
            "start",
            "end",
            "volume",
            "unit",
            "frequency",
            "change_reason",
        ):
            setattr(row, name, getattr(allocation, name))
        self._session.add(row)

    def current_allocations(self, decision_id: str) -> list[Allocation]:
        """The newest version of every toewijzing of the decision, by number."""
        rows = self._session.scalars(
            select(AllocationRow)
            .join(ProvisionRow, ProvisionRow.id == AllocationRow.provision_id)
            .where(ProvisionRow.decision_id == decision_id)
            .order_by(AllocationRow.number, AllocationRow.version)
        )
        latest: dict[int, AllocationRow] = {}
        for row in rows:
            latest[row.number] = row
        return [
            Allocation(
                id=r.id,
                provision_id=r.provision_id,
                number=r.number,
                version=r.version,
                provider_id=r.provider_id,
                product_category=r.product_category,
                product_code=r.product_code,
                start=r.start,
                end=r.end,
                volume=r.volume,
                unit=r.unit,
                frequency=r.frequency,
                change_reason=r.change_reason,
                created_at=r.created_at,
                modified_at=r.modified_at,
            )
            for r in latest.values()
        ]

    def add_document(
        self, decision_id: str, kind: str, filename: str, content: bytes, created_at
    ) -> str:
        digest = hashlib.sha256(content).hexdigest()
        self._session.add(
            DecisionDocumentRow(
                id=document_id(decision_id, kind),
                decision_id=decision_id,
                kind=kind,
                filename=filename,
                sha256=digest,
                content=content,
                created_at=created_at,
                modified_at=created_at,
                pending=True,
                deleted=False,
            )
        )
        return digest

    def documents(self, decision_id: str) -> list[tuple[str, str, bytes, str]]:
        """(kind, filename, content, stored sha256) of the decision's documents."""
        rows = self._session.scalars(
            select(DecisionDocumentRow).where(DecisionDocumentRow.decision_id == decision_id)
        )
        return [(r.kind, r.filename, r.content, r.sha256) for r in rows]

    def _to_domain(self, row: DecisionRow) -> Decision:
        provisions = self._session.scalars(
            select(ProvisionRow)
            .where(ProvisionRow.decision_id == row.id, ProvisionRow.deleted.is_(False))
            .order_by(ProvisionRow.start, ProvisionRow.id)
        )
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
            proposer_phone=row.proposer_phone or "",
            proposer_email=row.proposer_email or "",
            created_at=row.created_at,
            modified_at=row.modified_at,
            provisions=tuple(
                Provision(
                    id=p.id,
                    decision_id=p.decision_id,
                    delivery_form=DeliveryForm(p.delivery_form),
                    **{n: getattr(p, n) for n in _PROVISION_FIELDS},
                )
                for p in provisions
            ),
        )
