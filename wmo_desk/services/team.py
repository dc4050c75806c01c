"""The team lead's overviews: the team's workload, provisions that end soon (herindicatie), and
the approval queue with proposer and cost per year."""

from __future__ import annotations

import calendar
import os
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from wmo_desk.domain import costs
from wmo_desk.domain.catalogue import Catalogue, Product
from wmo_desk.domain.dates import nl_date
from wmo_desk.domain.deadlines import Deadline, DeadlineKind, case_deadlines
from wmo_desk.domain.decisions import Decision, DeliveryForm, Provision
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.users import Role
from wmo_desk.services.catalogue import CatalogueService
from wmo_desk.services.clock import Clock
from wmo_desk.services.profile import Profile
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.team import TeamRepository

if TYPE_CHECKING:
    from wmo_desk.services.context import AppContext

#: the horizons the herindicatie list offers, in months; the first start shows DEFAULT_MONTHS
HORIZONS = (1, 3, 6)
DEFAULT_MONTHS = 3
#: the same list with the same number of results within this time is logged once
REPEAT_SECONDS = 5.0


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the last day of a shorter month)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def yearly_cost_cents(provision: Provision, product: Product | None) -> int | None:
    """What the provision costs over a full year at the catalogue tariff (a pgb at its own
    amount, per the product's tariff period); None when the tariff or omvang does not say.
    The rule is the domain's (:func:`wmo_desk.domain.costs.yearly_cost_cents`), the same the
    regional monitor uses."""
    return costs.yearly_cost_cents(
        in_catalogue=product is not None,
        tariff_cents=product.tariff_cents if product is not None else None,
        tariff_period=product.tariff_period if product is not None else "",
        is_pgb=provision.delivery_form is DeliveryForm.PGB,
        pgb_cents=provision.pgb_cents,
        volume=provision.volume,
        unit=provision.unit,
        frequency=provision.frequency,
        start=provision.start,
        end=provision.end,
    )


@dataclass(frozen=True)
class DecisionCost:
    """The cost per year of a decision's provisions.

    Attributes:
        cents: the sum of the provisions whose cost is known (0 without provisions).
        unpriced: how many provisions have no tariff or an omvang the tariff cannot count.
        demo: a tariff used is a demo value, not the contracted one.
    """

    cents: int
    unpriced: int
    demo: bool
    provisions: int


def decision_cost(decision: Decision, catalogue: Catalogue) -> DecisionCost:
    total, unpriced, demo = 0, 0, False
    for provision in decision.provisions:
        product = catalogue.product(provision.product_code)
        cost = yearly_cost_cents(provision, product)
        if cost is None:
            unpriced += 1
            continue
        total += cost
        demo = demo or bool(product and product.tariff_is_demo)
    return DecisionCost(total, unpriced, demo, len(decision.provisions))


@dataclass(frozen=True)
class ConsultantLoad:
    """One consultant's open work (``user_id`` empty in the total row)."""

    user_id: str
    name: str
    open: int
    overdue: int
    due_this_week: int
    on_hold: int


@dataclass(frozen=True)
class Workload:
    """The team's work today: a row per consultant, the total, and the end of this week."""

    consultants: tuple[ConsultantLoad, ...]
    total: ConsultantLoad
    week_end: date


@dataclass(frozen=True)
class EndingProvision:
    """A provision whose end date comes within the chosen horizon: time for a herindicatie."""

    case_id: str
    client_sort_name: str
    product_code: str
    product_name: str
    end: date
    consultant_id: str
    consultant_name: str
    delivery_form: DeliveryForm
    provision_id: str
    #: the melding date of the client's newer case that re-assesses this product, if any
    renewal_melding: date | None = None
    renewal_case_id: str = ""

    @property
    def renewal_text(self) -> str:
        """``herindicatie loopt (melding 02-12-2026)``; empty when none is under way."""
        if self.renewal_melding is None:
            return ""
        return f"herindicatie loopt (melding {nl_date(self.renewal_melding)})"


@dataclass(frozen=True)
class Proposal:
    """A submitted proposal as the approval queue shows it."""

    decision: Decision
    client_id: str
    client_name: str
    proposer_name: str
    deadline: Deadline | None
    cost: DecisionCost


def _renewal(
    case_id: str,
    client_id: str,
    code: str,
    product: Product | None,
    under_way: list[tuple[str, str, date, str, str]],
    catalogue: Catalogue,
) -> tuple[str, date] | None:
    """The newest other case of the client, before its decision, that names the same product
    or its care form (Basis becoming Extra is the same herindicatie): (case id, melding).

    A case that names no product yet (only a melding) is not counted: the list would hide a
    provision on a guess."""
    care_form = product.care_form if product else ""
    found = None
    for client, other, melding, other_code, other_form in under_way:
        if client != client_id or other == case_id:
            continue
        if not other_form and other_code:
            named = catalogue.product(other_code)
            other_form = named.care_form if named else ""
        if (other_code and other_code == code) or (care_form and other_form == care_form):
            found = (other, melding)  # rows come oldest first: the newest wins
    return found


class TeamService:
    """Overviews across the consultants of the profile's municipality.

    The workload and the approval queue are for team leads; the herindicatie list shows a
    team lead the whole municipality and a consultant their own cases.
    """

    def __init__(
        self, db: Database, clock: Clock, profile: Profile, catalogues: CatalogueService
    ) -> None:
        self._db = db
        self._clock = clock
        self._profile = profile
        self._catalogues = catalogues
        self._last_logged: tuple[str, int, float] | None = None

    @classmethod
    def of(cls, ctx: AppContext) -> TeamService:
        """The service for the context's current profile."""
        assert ctx.profile is not None
        return cls(ctx.db, ctx.clock, ctx.profile, ctx.catalogues)

    @property
    def is_team_lead(self) -> bool:
        return self._profile.user.role is Role.TEAMLEIDER

    def _require_teamlead(self) -> None:
        if not self.is_team_lead:
            raise UserError(
                "Geen bevoegdheid", "Alleen een teamleider ziet het werk van het hele team."
            )

    def workload(self) -> Workload:
        """Open cases, overdue and due this week (to Sunday) per consultant; binding terms only."""
        self._require_teamlead()
        today = self._clock.today()
        week_end = today + timedelta(days=6 - today.weekday())
        # the stored next deadlines are today's: the caseload (Mijn dossiers, always open in
        # the window) refreshes them once a day and on every reload, before this is read
        with self._db.session() as session:
            rows = TeamRepository(session).workload(
                self._profile.municipality_code, today, week_end
            )
        loads = tuple(
            ConsultantLoad(uid, name, n_open, late, soon, held)
            for uid, name, role, n_open, late, soon, held in rows
            # a team lead is listed only when cases were given to them
            if role != Role.TEAMLEIDER.value or n_open
        )
        total = ConsultantLoad(
            "",
            "Totaal",
            sum(c.open for c in loads),
            sum(c.overdue for c in loads),
            sum(c.due_this_week for c in loads),
            sum(c.on_hold for c in loads),
        )
        return Workload(loads, total, week_end)

    def herindicaties(self, months: int = DEFAULT_MONTHS) -> list[EndingProvision]:
        """Provisions ending from today to ``months`` ahead, soonest first (the read is logged
        with the number of rows, never the clients)."""
        today = self._clock.today()
        mine = None if self.is_team_lead else self._profile.user.id
        catalogue = self._catalogues.current()
        with self._db.session() as session:
            rows = TeamRepository(session).ending_provisions(
                self._profile.municipality_code, today, add_months(today, months), mine
            )
            under_way = TeamRepository(session).cases_under_way(
                self._profile.municipality_code, sorted({r[8] for r in rows})
            )
            self._log(session, "herindicatie.list", len(rows))
        result = []
        for case_id, sort_name, code, end, consultant_id, consultant, form, pid, client in rows:
            product = catalogue.product(code)
            renewal = _renewal(case_id, client, code, product, under_way, catalogue)
            result.append(
                EndingProvision(
                    case_id=case_id,
                    client_sort_name=sort_name,
                    product_code=code,
                    product_name=product.name if product else code,
                    end=end,
                    consultant_id=consultant_id,
                    consultant_name=consultant,
                    delivery_form=DeliveryForm(form),
                    provision_id=pid,
                    renewal_melding=renewal[1] if renewal else None,
                    renewal_case_id=renewal[0] if renewal else "",
                )
            )
        return result

    def approval_queue(self) -> list[Proposal]:
        """The proposals waiting in the municipality, oldest first, with who proposed them,
        the decision term and the cost per year (read in one query, however long the queue).

        The list is logged with its number of rows, never the clients: a file counts as read
        when its proposal is shown (:meth:`proposal_shown`)."""
        self._require_teamlead()
        today = self._clock.today()
        catalogue = self._catalogues.current()
        with self._db.session() as session:
            rows = TeamRepository(session).submitted_proposals(self._profile.municipality_code)
            result = [
                Proposal(
                    decision=decision,
                    client_id=client_id,
                    client_name=client_name,
                    proposer_name=proposer,
                    deadline=next(
                        (
                            d
                            for d in case_deadlines(case, today)
                            if d.kind is DeadlineKind.BESLISSING
                        ),
                        None,
                    ),
                    cost=decision_cost(decision, catalogue),
                )
                for decision, case, client_id, client_name, proposer in rows
            ]
            self._log(session, "approval.list", len(result))
        return result

    def proposal_shown(self, proposal: Proposal) -> None:
        """The team lead sees the proposal's details (motivation, provisions): its case file
        counts as read."""
        self._require_teamlead()
        with self._db.session() as session:
            AuditRepository(session).record(
                self._profile.user.id, "case.read", proposal.client_id, proposal.decision.case_id
            )

    def preview_letter(self, ctx: AppContext, decision: Decision) -> Path:
        """The beschikking as it would read if approved today, marked as a concept, in the
        private folder of temporary copies (removed when wmo_desk closes). Nothing is stored."""
        from wmo_desk.services.decision_documents import DecisionDocuments

        self._require_teamlead()
        concept = replace(
            decision,
            kenmerk="CONCEPT",
            decision_date=self._clock.today(),
            approved_by=self._profile.user.id,
        )
        [(_kind, _name, content)] = [
            d for d in DecisionDocuments(ctx)(concept, []) if d[0] == "beschikking"
        ]
        folder = ctx.documents.open_dir
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = folder / f"voorbeeld-beschikking-{decision.id[:8]}.pdf"
            fd = os.open(
                path,
                os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0),
                0o600,
            )
            with os.fdopen(fd, "wb") as f:
                f.write(content)
        except OSError as exc:
            raise UserError(
                "Voorbeeld niet gemaakt",
                f"Er kon geen tijdelijk bestand worden gemaakt ({exc.strerror or exc}).",
            ) from exc
        return path

    def _log(self, session, action: str, count: int) -> None:
        # a refresh of the same list seconds later is the same look, logged once
        now = time.monotonic()
        last = self._last_logged
        if last is not None and last[:2] == (action, count) and now - last[2] < REPEAT_SECONDS:
            return
        self._last_logged = (action, count, now)
        AuditRepository(session).record(
            self._profile.user.id, action, None, None, detail=f"{count} resultaten"
        )
