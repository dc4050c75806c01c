"""The keukentafelgesprek as recorded data: answers tied to the form version they were given in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from wmo_desk.domain.identifiers import new_id, utcnow


@dataclass(frozen=True)
class Conversation:
    """Answers of one conversation, tied to the form definition version it was held with."""

    case_id: str
    form_id: str
    form_version: str
    held_on: date | None = None
    place: str = ""
    answers: dict[str, object] = field(default_factory=dict)
    completed: bool = False
    current_section: str = ""
    verslag_signed_on: date | None = None
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)
