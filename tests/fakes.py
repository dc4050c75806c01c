"""Hand-written fakes shared by the tests (no mock.patch): a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time


class FakeClock:
    """A clock that says what the test tells it."""

    def __init__(self, today: date) -> None:
        self.day = today

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, time(10, 0), tzinfo=UTC)
