"""Toewijzingen (iWmo WMO301): numbering, and which changes make a new version or a new number."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from wmo_desk.domain.decisions import Allocation, Provision
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.identifiers import new_id, utcnow

MAX_NUMBER = 999_999_999
REASON_EXTENSION = "04"  # herbeoordeling: verlenging
REASON_SHORTENING = "05"  # herbeoordeling: verkorting
REASON_OTHER_PROVIDER = "09"  # overstap andere aanbieder


def next_number(used: set[int]) -> int:
    """The next free toewijzingnummer of a municipality (positive, at most nine digits)."""
    number = max(used, default=0) + 1
    if number > MAX_NUMBER:
        raise UserError("Nummers op", "Alle toewijzingnummers (tot 999999999) zijn gebruikt.")
    return number


def allocate(provision: Provision, provider_id: str, category: str, number: int) -> Allocation:
    """The first toewijzing of a natura provision."""
    return Allocation(
        provision_id=provision.id,
        number=number,
        version=1,
        provider_id=provider_id,
        product_category=category,
        product_code=provision.product_code,
        start=provision.start,
        end=provision.end,
        volume=provision.volume,
        unit=provision.unit,
        frequency=provision.frequency,
    )


def change_period_or_volume(
    current: Allocation, end: date | None, volume: int | None
) -> Allocation:
    """Shorten or extend the end date, or change the volume: a new version of the same toewijzing."""
    if end is not None and end < current.start:
        raise UserError("Ongeldige datum", "De einddatum ligt vóór de ingangsdatum.")
    if end == current.end and volume == current.volume:
        raise UserError("Geen wijziging", "Einddatum en omvang zijn gelijk gebleven.")
    reason = current.change_reason
    if end != current.end:
        reason = (
            REASON_EXTENSION
            if (current.end is None or (end is not None and end > current.end))
            else REASON_SHORTENING
        )
    return replace(
        current,
        id=new_id(),
        version=current.version + 1,
        end=end,
        volume=volume,
        change_reason=reason,
        created_at=utcnow(),
        modified_at=utcnow(),
    )


def change_provider(
    current: Allocation, new_provider_id: str, switch_on: date, new_number: int
) -> tuple[Allocation, Allocation]:
    """A change of provider: the old toewijzing ends (RedenWijziging 09), a new one gets a new number."""
    if new_provider_id == current.provider_id:
        raise UserError("Zelfde aanbieder", "Kies een andere aanbieder.")
    if switch_on <= current.start:
        raise UserError(
            "Ongeldige datum",
            "De overstap moet na de ingangsdatum van de huidige toewijzing liggen.",
        )
    ended = replace(
        current,
        id=new_id(),
        version=current.version + 1,
        end=switch_on - timedelta(days=1),
        change_reason=REASON_OTHER_PROVIDER,
        created_at=utcnow(),
        modified_at=utcnow(),
    )
    successor = Allocation(
        provision_id=current.provision_id,
        number=new_number,
        version=1,
        provider_id=new_provider_id,
        product_category=current.product_category,
        product_code=current.product_code,
        start=switch_on,
        end=current.end,
        volume=current.volume,
        unit=current.unit,
        frequency=current.frequency,
    )
    return ended, successor
