"""Users of wmo_desk and their roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from wmo_desk.domain.identifiers import new_id, utcnow


class Role(StrEnum):
    """What a user may do (DOMAIN.md §1)."""

    CONSULENT = "consulent"
    TEAMLEIDER = "teamleider"
    BW_CONSULENT = "bw-consulent"

    @property
    def label(self) -> str:
        return {
            "consulent": "Wmo-consulent",
            "teamleider": "Teamleider",
            "bw-consulent": "Consulent beschermd wonen",
        }[self.value]


@dataclass(frozen=True)
class User:
    """A person working with wmo_desk for one municipality."""

    name: str
    role: Role
    municipality_code: str
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)
