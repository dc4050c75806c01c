"""Decisions in a case: propose, submit, the team lead's queue, return or approve; final means final."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from wmo_desk.domain.allocation_rules import (
    allocate,
    change_period_or_volume,
    change_provider,
)
from wmo_desk.domain.cases import CaseEvent, EventKind, record_decision
from wmo_desk.domain.decision_rules import approve, edit, return_for_changes, submit
from wmo_desk.domain.decisions import Allocation, Decision, DecisionOutcome, DeliveryForm
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.users import Role
from wmo_desk.services.catalogue import CatalogueService
from wmo_desk.services.clock import Clock
from wmo_desk.services.mandate import DemoMandate, MandateSource
from wmo_desk.services.profile import Profile
from wmo_desk.services.work_contact import read_work_contact
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.decisions import DecisionRepository
from wmo_desk.storage.repositories.settings import SettingsRepository

log = logging.getLogger(__name__)

#: Renders the final documents: (decision, its toewijzingen) -> [(kind, filename, bytes)].
Renderer = Callable[[Decision, list[Allocation]], list[tuple[str, str, bytes]]]
#: Renders changed toewijzingen: (decision, allocations, date) -> [(kind, filename, bytes)].
AllocationRenderer = Callable[[Decision, list[Allocation], date], list[tuple[str, str, bytes]]]
#: raises UserError when a toewijzing's WMO301 could not be made (before anything is approved)
AllocationCheck = Callable[[Decision, list[Allocation], date], None]


class DecisionService:
    """The four-eyes flow; documents are rendered once, on approval, and stored with their SHA-256."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        profile: Profile,
        catalogues: CatalogueService,
        renderer: Renderer | None = None,
        allocation_renderer: AllocationRenderer | None = None,
        mandate: MandateSource | None = None,
        message_check: AllocationCheck | None = None,
    ) -> None:
        self._db = db
        self._message_check = message_check
        self._clock = clock
        self._profile = profile
        self._catalogues = catalogues
        self._renderer = renderer
        self._allocation_renderer = allocation_renderer
        # without a source (tests of this service alone) the demo's local numbering
        self._mandate = mandate or (
            lambda: DemoMandate(db, clock, profile.municipality_code, profile.user.id)
        )

    def _note(self, session, case_id: str, text: str) -> None:
        user = self._profile.user
        case = CaseRepository(session).get(case_id)
        assert case is not None
        CaseRepository(session).save(
            case,
            self._clock.today(),
            (
                CaseEvent(
                    case_id=case_id,
                    kind=EventKind.NOTE,
                    text=text,
                    actor_id=user.id,
                    actor_name=user.name,
                ),
            ),
        )
        AuditRepository(session).record(user.id, "decision", case.client_id, case_id)

    def propose(self, case_id: str, outcome: DecisionOutcome, motivation: str) -> Decision:
        decision = Decision(
            case_id=case_id,
            outcome=outcome,
            motivation=motivation,
            proposed_by=self._profile.user.id,
        )
        with self._db.session() as session:
            DecisionRepository(session).save(decision)
        return decision

    def save(self, decision: Decision, **changes: object) -> Decision:
        changed = edit(decision, **changes)
        with self._db.session() as session:
            DecisionRepository(session).save(changed)
        return changed

    def submit(self, decision: Decision) -> Decision:
        submitted = submit(decision, self._catalogues.current())
        with self._db.session() as session:
            # the letters name the proposer; they are rendered at the team lead's desktop
            own = read_work_contact(SettingsRepository(session), self._profile.user.id)
            submitted = replace(submitted, proposer_phone=own.phone, proposer_email=own.email)
            DecisionRepository(session).save(submitted)
            self._note(session, decision.case_id, "Besluit ter goedkeuring ingediend")
        return submitted

    def queue(self) -> list[Decision]:
        """Proposals waiting in this municipality, oldest first (team leads only)."""
        self._require_teamlead()
        with self._db.session() as session:
            return [
                d
                for d, _client in DecisionRepository(session).submitted(
                    self._profile.municipality_code
                )
            ]

    def return_for_changes(self, decision: Decision, comment: str) -> Decision:
        self._require_teamlead()
        returned, text = return_for_changes(decision, comment)
        with self._db.session() as session:
            DecisionRepository(session).save(returned)
            self._note(session, decision.case_id, f"Besluit teruggestuurd: {text}")
        return returned

    def approve(self, decision: Decision) -> Decision:
        """Make final: the server (the mandate) checks the approver and gives the kenmerk, the
        date and the toewijzingnummers; the documents are then rendered once and stored with
        their SHA-256 in the same transaction as the final decision (all or nothing)."""
        self._require_teamlead()
        # the desktop checks the same rules first, for a good message before any call
        approve(decision, self._profile.user.id, "", self._clock.today())
        catalogue = self._catalogues.current()
        natura = []
        for provision in decision.provisions:
            product = catalogue.product(provision.product_code)
            if provision.delivery_form is DeliveryForm.NATURA and provision.provider_id and product:
                natura.append((provision, product.category))
        if self._message_check is not None:
            # the server's approval cannot be taken back: every message must be valid first
            # (the toewijzingnummers are not known yet; 1 stands in for each)
            drafts = [allocate(p, p.provider_id, c, 1) for p, c in natura if p.provider_id]
            self._message_check(decision, drafts, self._clock.today())
        grant = self._mandate().approve(decision, [p.id for p, _c in natura])
        final = approve(decision, grant.approved_by, grant.kenmerk, grant.decision_date)
        allocations = [
            allocate(provision, provision.provider_id, category, grant.numbers[provision.id])
            for provision, category in natura
            if provision.provider_id
        ]
        # rendered before the write transaction: rendering reads the case (and logs that read)
        documents = self._renderer(final, allocations) if self._renderer else []
        with self._db.session() as session:
            repo = DecisionRepository(session)
            repo.save(final)
            for allocation in allocations:
                repo.add_allocation(allocation)
            for kind, filename, content in documents:
                repo.add_document(final.id, kind, filename, content, self._clock.now())
            self._decided(session, final)
            self._note(session, decision.case_id, f"Besluit goedgekeurd, kenmerk {final.kenmerk}")
        log.info("decision %s approved", final.id)
        return final

    def _decided(self, session, final: Decision) -> None:
        """The case's phase follows the approval: the decision term is met on the decision date."""
        cases = CaseRepository(session)
        case = cases.get(final.case_id)
        assert case is not None and final.decision_date is not None
        user = self._profile.user
        moved, event = record_decision(
            case, final.decision_date, final.kenmerk, (user.id, user.name)
        )
        if event is not None:
            cases.save(moved, self._clock.today(), (event,))

    def allocations(self, decision_id: str) -> list[Allocation]:
        with self._db.session() as session:
            return DecisionRepository(session).current_allocations(decision_id)

    def _store_allocations(
        self, decision: Decision, allocations: list[Allocation], note: str
    ) -> None:
        today = self._clock.today()
        documents = (
            self._allocation_renderer(decision, allocations, today)
            if self._allocation_renderer
            else []
        )
        with self._db.session() as session:
            repo = DecisionRepository(session)
            for allocation in allocations:
                repo.add_allocation(allocation)
            for kind, filename, content in documents:
                repo.add_document(decision.id, kind, filename, content, self._clock.now())
            self._note(session, decision.case_id, note)

    def change_period_or_volume(
        self, decision: Decision, current: Allocation, end: date | None, volume: int | None
    ) -> Allocation:
        """A new version of the same toewijzing (iWmo: shorten/extend the end date or change the volume)."""
        changed = change_period_or_volume(current, end, volume)
        self._store_allocations(
            decision, [changed], f"Toewijzing {current.number} gewijzigd (versie {changed.version})"
        )
        return changed

    def change_provider(
        self, decision: Decision, current: Allocation, provider_id: str, switch_on: date
    ) -> tuple[Allocation, Allocation]:
        """The old toewijzing ends (RedenWijziging 09); the new provider gets a new number."""
        change_provider(current, provider_id, switch_on, 0)  # wrong input costs no number
        number = self._mandate().new_number(current.provision_id)
        ended, successor = change_provider(current, provider_id, switch_on, number)
        self._store_allocations(
            decision,
            [ended, successor],
            f"Andere aanbieder: toewijzing {current.number} beëindigd, nieuwe toewijzing {successor.number}",
        )
        return ended, successor

    def documents(self, decision_id: str) -> list[tuple[str, str, bytes]]:
        """The stored documents, each checked against its SHA-256 (a mismatch is refused)."""
        with self._db.session() as session:
            stored = DecisionRepository(session).documents(decision_id)
        for _kind, filename, content, digest in stored:
            if hashlib.sha256(content).hexdigest() != digest:
                raise UserError(
                    "Document beschadigd",
                    f"{filename} komt niet overeen met de vastgelegde controlesom.",
                )
        return [(k, f, c) for k, f, c, _d in stored]

    def for_case(self, case_id: str) -> list[Decision]:
        with self._db.session() as session:
            return DecisionRepository(session).for_case(case_id)

    def _require_teamlead(self) -> None:
        if self._profile.user.role is not Role.TEAMLEIDER:
            raise UserError(
                "Geen bevoegdheid", "Alleen een teamleider beoordeelt en keurt besluiten goed."
            )
