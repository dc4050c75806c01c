"""The provider the client chose (keuzevrijheid), and when a reason is needed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from wmo_desk.domain.errors import FieldErrors
from wmo_desk.domain.identifiers import new_id, utcnow

#: A choice outside the nearest few must be explained (DOMAIN.md §6).
NEAREST_WITHOUT_REASON = 3


@dataclass(frozen=True)
class ProviderChoice:
    """A recorded choice; names are copied so the case keeps them if the catalogue drops the provider."""

    case_id: str
    care_form: str
    provider_id: str
    provider_name: str
    provider_agb: str
    location_id: str
    location_label: str
    chosen_on: date
    product_code: str = ""
    distance_km: float | None = None
    rank: int | None = None
    reason: str = ""
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)


def check_choice(choice: ProviderChoice) -> None:
    """A choice beyond the three nearest needs the client's reason, in Dutch at the field."""
    if (choice.rank is None or choice.rank > NEAREST_WITHOUT_REASON) and not choice.reason.strip():
        raise FieldErrors(
            {
                "reason": "Deze aanbieder hoort niet bij de drie dichtstbijzijnde: noteer waarom de cliënt voor deze aanbieder kiest."
            }
        )
