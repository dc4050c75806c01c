"""Provider choices: rows <-> :class:`wmo_desk.domain.choices.ProviderChoice`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.domain.choices import ProviderChoice
from wmo_desk.storage.tables import ProviderChoiceRow

_FIELDS = (
    "case_id",
    "care_form",
    "product_code",
    "provider_id",
    "provider_name",
    "provider_agb",
    "location_id",
    "location_label",
    "distance_km",
    "rank",
    "reason",
    "chosen_on",
)


class ChoiceRepository:
    """Every choice is kept; the newest per care form counts."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, choice: ProviderChoice) -> None:
        row = ProviderChoiceRow(
            id=choice.id,
            created_at=choice.created_at,
            modified_at=choice.modified_at,
            pending=True,
            deleted=False,
        )
        for name in _FIELDS:
            setattr(row, name, getattr(choice, name))
        self._session.add(row)

    def for_case(self, case_id: str) -> list[ProviderChoice]:
        """The current choice per care form, newest first."""
        rows = self._session.scalars(
            select(ProviderChoiceRow)
            .where(ProviderChoiceRow.case_id == case_id, ProviderChoiceRow.deleted.is_(False))
            .order_by(ProviderChoiceRow.created_at.desc())
        )
        seen: set[str] = set()
        result = []
        for r in rows:
            if r.care_form in seen:
                continue
            seen.add(r.care_form)
            result.append(
                ProviderChoice(
                    id=r.id,
                    created_at=r.created_at,
                    modified_at=r.modified_at,
                    **{n: getattr(r, n) for n in _FIELDS},
                )
            )
        return result
