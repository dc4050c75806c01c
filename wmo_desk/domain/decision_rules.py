"""Rules of a beschikking: what a valid proposal is, the four-eyes approval, and final means final."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from wmo_desk.domain.catalogue import Catalogue
from wmo_desk.domain.deadlines import term_end
from wmo_desk.domain.decisions import (
    Decision,
    DecisionOutcome,
    DecisionStatus,
    DeliveryForm,
    Provision,
)
from wmo_desk.domain.errors import FieldErrors, UserError
from wmo_desk.domain.identifiers import utcnow

PER_WEEK = "2"
BEZWAAR_TERM = timedelta(weeks=6)
EDITABLE = frozenset({DecisionStatus.CONCEPT, DecisionStatus.TERUGGESTUURD})


def provision_errors(provision: Provision, catalogue: Catalogue, index: int) -> dict[str, str]:
    """Dutch messages per field of one provision (keys like ``provisions[0].end``)."""
    key = f"provisions[{index}]."
    errors: dict[str, str] = {}
    product = catalogue.product(provision.product_code)
    if product is None:
        errors[key + "product_code"] = "Kies een product uit de catalogus van de regio."
    if not provision.result.strip():
        errors[key + "result"] = "Beschrijf het resultaat dat deze voorziening moet bereiken."
    if provision.frequency == PER_WEEK and provision.end is None:
        errors[key + "end"] = "Bij een omvang per week is een einddatum verplicht."
    if provision.end is not None and provision.end < provision.start:
        errors[key + "end"] = "De einddatum ligt vóór de ingangsdatum."
    if not catalogue.contract_start <= provision.start <= catalogue.contract_end:
        errors[key + "start"] = "De ingangsdatum valt buiten de contractperiode van de catalogus."
    if provision.end is not None and provision.end > catalogue.contract_end:
        errors[key + "end"] = (
            "De einddatum valt na het einde van de contractperiode van de catalogus."
        )
    if provision.volume is not None and provision.volume <= 0:
        errors[key + "volume"] = "De omvang is een positief getal."
    if provision.delivery_form is DeliveryForm.NATURA and not provision.provider_id:
        errors[key + "provider_id"] = "Kies de aanbieder die de cliënt koos (zorg in natura)."
    if provision.delivery_form is DeliveryForm.PGB:
        if not provision.pgb_cents or provision.pgb_cents <= 0:
            errors[key + "pgb_cents"] = "Vul het bedrag van het persoonsgebonden budget in."
        elif (
            product is not None
            and product.tariff_cents is not None
            and provision.pgb_cents > product.tariff_cents
        ):
            errors[key + "pgb_cents"] = (
                "Een pgb mag niet hoger zijn dan het tarief voor zorg in natura."
            )
    return errors


def check_decision(decision: Decision, catalogue: Catalogue) -> None:
    """Raise :class:`FieldErrors` naming every field that is wrong (DOMAIN.md §3-4)."""
    errors: dict[str, str] = {}
    if not decision.motivation.strip():
        errors["motivation"] = (
            "Een besluit heeft een motivering; bij een afwijzing is die verplicht."
        )
    if decision.outcome is DecisionOutcome.AFGEWEZEN:
        if decision.provisions:
            errors["provisions"] = "Bij een afwijzing worden geen voorzieningen toegekend."
    elif not decision.provisions:
        errors["provisions"] = "Voeg ten minste één voorziening toe, of kies voor afwijzen."
    for i, provision in enumerate(decision.provisions):
        errors.update(provision_errors(provision, catalogue, i))
    if errors:
        raise FieldErrors(errors)


def _require_editable(decision: Decision) -> None:
    if decision.status not in EDITABLE:
        raise UserError(
            "Besluit is niet te wijzigen",
            "Een ingediend of definitief besluit kan niet meer worden gewijzigd. "
            "Een correctie is een nieuw besluit dat naar dit besluit verwijst.",
        )


def edit(decision: Decision, **changes: object) -> Decision:
    """A changed proposal; refused once submitted or final."""
    _require_editable(decision)
    return replace(decision, modified_at=utcnow(), **changes)  # type: ignore[arg-type]


def submit(decision: Decision, catalogue: Catalogue) -> Decision:
    """The consultant submits the proposal to a team lead (after it passes every check)."""
    _require_editable(decision)
    check_decision(decision, catalogue)
    return replace(decision, status=DecisionStatus.INGEDIEND, modified_at=utcnow())


def return_for_changes(decision: Decision, comment: str) -> tuple[Decision, str]:
    """The team lead returns a submitted proposal with a comment."""
    if decision.status is not DecisionStatus.INGEDIEND:
        raise UserError("Niet ingediend", "Alleen een ingediend voorstel kan worden teruggestuurd.")
    if not comment.strip():
        raise FieldErrors({"comment": "Schrijf erbij wat er moet veranderen."})
    return replace(
        decision, status=DecisionStatus.TERUGGESTUURD, modified_at=utcnow()
    ), comment.strip()


def approve(decision: Decision, approver_id: str, kenmerk: str, on: date) -> Decision:
    """Four eyes: a team lead other than the proposer makes the decision final, with kenmerk and date."""
    if decision.status is not DecisionStatus.INGEDIEND:
        raise UserError("Niet ingediend", "Alleen een ingediend voorstel kan worden goedgekeurd.")
    if approver_id == decision.proposed_by:
        raise UserError(
            "Vier-ogenprincipe",
            "U kunt uw eigen voorstel niet goedkeuren; een andere teamleider moet dat doen.",
        )
    return replace(
        decision,
        status=DecisionStatus.DEFINITIEF,
        approved_by=approver_id,
        kenmerk=kenmerk,
        decision_date=on,
        modified_at=utcnow(),
    )


def correction_of(final: Decision, proposed_by: str) -> Decision:
    """A new concept that corrects a final decision and refers to it; the final one stays as it is."""
    if final.status is not DecisionStatus.DEFINITIEF:
        raise UserError(
            "Nog niet definitief",
            "Alleen een definitief besluit wordt met een nieuw besluit gecorrigeerd.",
        )
    return Decision(
        case_id=final.case_id,
        outcome=final.outcome,
        motivation=final.motivation,
        proposed_by=proposed_by,
        provisions=tuple(replace(p, decision_id="") for p in final.provisions),
        replaces_id=final.id,
    )


def bezwaar_last_day(sent_on: date) -> date:
    """The last day to object: six weeks after the day the decision was sent (Atw applied)."""
    return term_end(sent_on, BEZWAAR_TERM)


def kenmerk_for(municipality_code: str, year: int, sequence: int) -> str:
    """``WMO-0828-2026-000123``: unique per municipality and year."""
    return f"WMO-{municipality_code}-{year}-{sequence:06d}"
