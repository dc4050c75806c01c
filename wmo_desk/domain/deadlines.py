"""The legal clock of a case: which terms run, when they end, and what comes next.

Terms (DOMAIN.md §2): persoonlijk plan 7 days and onderzoek 6 weeks from the melding
(Wmo 2015 art. 2.3.2), decision 2 weeks from the aanvraag (art. 2.3.5), bezwaar 6 weeks from
the date the beschikking was sent (Awb art. 6:7). A term counts from the day after the event;
one that ends on a weekend day or general holiday ends on the next day that is none of these
(Algemene termijnenwet art. 1). Days on hold (opschorting) extend a term that was running.
The decision term is met when the team lead approves the decision (stage *besloten*), not
when the letter is sent: the term is about deciding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from wmo_desk.domain.cases import Case, HoldPeriod, Stage
from wmo_desk.domain.holidays import next_term_end_day


class DeadlineKind(StrEnum):
    """The statutory terms wmo_desk tracks."""

    PERSOONLIJK_PLAN = "persoonlijk_plan"
    ONDERZOEK = "onderzoek"
    BESLISSING = "beslissing"
    BEZWAAR = "bezwaar"

    @property
    def label(self) -> str:
        return {
            "persoonlijk_plan": "Persoonlijk plan",
            "onderzoek": "Onderzoek afgerond",
            "beslissing": "Beschikking",
            "bezwaar": "Bezwaartermijn",
        }[self.value]


#: (term, stages in which the term is running, whether missing it is the municipality's fault)
_RULES: dict[DeadlineKind, tuple[timedelta, frozenset[Stage], bool]] = {
    DeadlineKind.PERSOONLIJK_PLAN: (
        timedelta(days=7),
        frozenset({Stage.MELDING, Stage.ONDERZOEK}),
        False,
    ),
    DeadlineKind.ONDERZOEK: (
        timedelta(weeks=6),
        frozenset({Stage.MELDING, Stage.ONDERZOEK}),
        True,
    ),
    DeadlineKind.BESLISSING: (
        timedelta(weeks=2),
        frozenset({Stage.AANVRAAG, Stage.BESLOTEN}),
        True,
    ),
    DeadlineKind.BEZWAAR: (timedelta(weeks=6), frozenset({Stage.BESLUIT}), False),
}


@dataclass(frozen=True)
class Deadline:
    """One statutory term of a case.

    Attributes:
        kind: which term.
        start: the event the term counts from.
        due: last day of the term, after holds and the Algemene termijnenwet.
        hold_days: days added because the case was on hold.
        on_hold: the case is on hold now, so the term is not running.
        binding: missing it is a breach by the municipality (shown red when overdue).
        met_on: the day the term was met (the decision was taken); a met term is neither
            overdue nor urgent, and no longer the next deadline.
    """

    kind: DeadlineKind
    start: date
    due: date
    hold_days: int
    on_hold: bool
    binding: bool
    met_on: date | None = None

    def days_left(self, today: date) -> int:
        """Days until ``due``; negative when overdue."""
        return (self.due - today).days

    def is_overdue(self, today: date) -> bool:
        return self.met_on is None and today > self.due

    def is_urgent(self, today: date, within_days: int = 5) -> bool:
        """Due within ``within_days`` days and not yet overdue (nor met)."""
        return self.met_on is None and 0 <= self.days_left(today) <= within_days

    def met_in_time(self) -> bool | None:
        """Whether the term was met by its last day; None while it is not met."""
        return None if self.met_on is None else self.met_on <= self.due


def extend_for_holds(
    start: date, raw_due: date, holds: tuple[HoldPeriod, ...], today: date
) -> tuple[date, int]:
    """Push ``raw_due`` back by the days of every hold that began while the term ran."""
    due, added = raw_due, 0
    for hold in sorted(holds, key=lambda h: h.start):
        if start <= hold.start <= due:
            days = hold.days(today)
            due += timedelta(days=days)
            added += days
    return due, added


def term_end(start: date, term: timedelta) -> date:
    """The last day of a term of ``term`` counted from ``start`` (no holds)."""
    return next_term_end_day(start + term)


def _start_of(kind: DeadlineKind, case: Case) -> date | None:
    if kind in (DeadlineKind.PERSOONLIJK_PLAN, DeadlineKind.ONDERZOEK):
        return case.melding_date
    if kind is DeadlineKind.BESLISSING:
        return case.aanvraag_date
    return case.decision_sent_date


def case_deadlines(case: Case, today: date) -> list[Deadline]:
    """The terms running for ``case`` in its current stage, earliest first."""
    result = []
    for kind, (term, stages, binding) in _RULES.items():
        start = _start_of(kind, case)
        if case.stage not in stages or start is None:
            continue
        due, hold_days = extend_for_holds(start, start + term, case.holds, today)
        running = case.current_hold
        # Only a hold that began while this term ran stops it; a term that had already ended stays ended.
        stopped = running is not None and start <= running.start <= due
        result.append(
            Deadline(
                kind=kind,
                start=start,
                due=next_term_end_day(due),
                hold_days=hold_days,
                on_hold=stopped,
                binding=binding,
                met_on=case.decided_date if kind is DeadlineKind.BESLISSING else None,
            )
        )
    return sorted(result, key=lambda d: d.due)


def next_deadline(case: Case, today: date) -> Deadline | None:
    """The term the consultant must watch now.

    A binding term (onderzoek, beschikking) is never hidden, overdue or not; an informational
    term (persoonlijk plan, bezwaar) only shows while it has not passed. A met term (the
    decision taken) is not watched any more.
    """
    for deadline in case_deadlines(case, today):
        if deadline.met_on is not None:
            continue
        if deadline.binding or not deadline.is_overdue(today):
            return deadline
    return None
