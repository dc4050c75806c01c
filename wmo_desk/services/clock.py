"""The time source of the application; tests give a fixed one."""

from __future__ import annotations

from datetime import date, datetime

from wmo_desk.domain.identifiers import utcnow


class Clock:
    """The real clock: the local date for legal terms, UTC for timestamps."""

    def today(self) -> date:
        return datetime.now().date()

    def now(self) -> datetime:
        return utcnow()
