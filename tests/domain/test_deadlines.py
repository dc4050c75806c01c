"""Statutory terms of a case: month ends, leap days, holidays and holds."""

from datetime import date

import pytest

from wmo_desk.domain.cases import Case, Channel, HoldPeriod, Reporter, Stage, move_to_stage
from wmo_desk.domain.deadlines import DeadlineKind, case_deadlines, next_deadline, term_end

ACTOR = ("u1", "Sanne de Wit")


def make_case(melding: date, **changes) -> Case:
    values = dict(
        client_id="c1",
        municipality_code="0828",
        consultant_id="u1",
        melding_date=melding,
        reported_by=Reporter.CLIENT,
        channel=Channel.TELEFOON,
        request_text="Hulp bij het huishouden",
    )
    values.update(changes)
    return Case(**values)


def by_kind(case: Case, today: date) -> dict[DeadlineKind, date]:
    return {d.kind: d.due for d in case_deadlines(case, today)}


def test_domain_examples():
    # DOMAIN.md §2: melding Monday 2 March 2026 -> onderzoek due Monday 13 April 2026.
    case = make_case(date(2026, 3, 2))
    assert by_kind(case, date(2026, 3, 3))[DeadlineKind.ONDERZOEK] == date(2026, 4, 13)
    # A decision sent Wednesday 2 December 2026 can be objected to until Wednesday 13 January 2027.
    sent = make_case(
        date(2026, 10, 1),
        stage=Stage.BESLUIT,
        aanvraag_date=date(2026, 11, 20),
        decision_sent_date=date(2026, 12, 2),
    )
    assert by_kind(sent, date(2026, 12, 3))[DeadlineKind.BEZWAAR] == date(2027, 1, 13)


def test_persoonlijk_plan_is_seven_days_and_moves_off_the_weekend():
    case = make_case(date(2026, 3, 2))  # Monday
    assert by_kind(case, date(2026, 3, 2))[DeadlineKind.PERSOONLIJK_PLAN] == date(2026, 3, 9)
    friday = make_case(date(2026, 3, 6))  # +7 = Friday 13 March
    assert by_kind(friday, date(2026, 3, 6))[DeadlineKind.PERSOONLIJK_PLAN] == date(2026, 3, 13)


def test_decision_term_across_a_month_end_onto_a_saturday():
    case = make_case(date(2026, 1, 5), stage=Stage.AANVRAAG, aanvraag_date=date(2026, 1, 31))
    assert by_kind(case, date(2026, 2, 1)) == {DeadlineKind.BESLISSING: date(2026, 2, 16)}


def test_leap_day():
    case = make_case(date(2028, 1, 18))  # +6 weeks = Tuesday 29 February 2028
    assert by_kind(case, date(2028, 1, 19))[DeadlineKind.ONDERZOEK] == date(2028, 2, 29)
    aanvraag = make_case(date(2028, 1, 2), stage=Stage.AANVRAAG, aanvraag_date=date(2028, 2, 15))
    assert by_kind(aanvraag, date(2028, 2, 16))[DeadlineKind.BESLISSING] == date(2028, 2, 29)


def test_term_ending_on_kings_day_and_christmas_moves_on():
    case = make_case(date(2026, 3, 16))  # +6 weeks = Monday 27 April 2026, Koningsdag
    assert by_kind(case, date(2026, 3, 17))[DeadlineKind.ONDERZOEK] == date(2026, 4, 28)
    assert term_end(date(2026, 12, 11), __import__("datetime").timedelta(weeks=2)) == date(
        2026, 12, 28
    )


def test_finished_hold_extends_the_running_terms():
    hold = HoldPeriod(start=date(2026, 3, 10), end=date(2026, 3, 20), reason="Ziekenhuisopname")
    case = make_case(date(2026, 3, 2), stage=Stage.ONDERZOEK, holds=(hold,))
    deadlines = {d.kind: d for d in case_deadlines(case, date(2026, 3, 25))}
    onderzoek = deadlines[DeadlineKind.ONDERZOEK]
    assert onderzoek.due == date(2026, 4, 23)  # 13 April + 10 days
    assert onderzoek.hold_days == 10
    assert not onderzoek.on_hold
    # the persoonlijk plan term (9 March) had ended before the hold began
    assert deadlines[DeadlineKind.PERSOONLIJK_PLAN].due == date(2026, 3, 9)


def test_running_hold_keeps_growing_and_is_shown():
    hold = HoldPeriod(start=date(2026, 3, 10), reason="Cliënt op vakantie")
    case = make_case(date(2026, 3, 2), stage=Stage.ONDERZOEK, holds=(hold,))
    first = next_deadline(case, date(2026, 3, 15))
    later = next_deadline(case, date(2026, 3, 20))
    assert first.on_hold and later.on_hold
    assert first.due == date(2026, 4, 20)  # 13 April + 5 days
    assert later.due == date(2026, 4, 23)  # + 10 days (Thursday)


def test_hold_after_the_term_ended_changes_nothing():
    hold = HoldPeriod(start=date(2026, 5, 1), end=date(2026, 5, 20), reason="Later")
    case = make_case(date(2026, 3, 2), holds=(hold,))
    assert by_kind(case, date(2026, 5, 21))[DeadlineKind.ONDERZOEK] == date(2026, 4, 13)


@pytest.mark.parametrize(
    "stage,kinds",
    [
        (Stage.MELDING, {DeadlineKind.PERSOONLIJK_PLAN, DeadlineKind.ONDERZOEK}),
        (Stage.ONDERZOEK, {DeadlineKind.PERSOONLIJK_PLAN, DeadlineKind.ONDERZOEK}),
        (Stage.VERSLAG, set()),
        (Stage.LEVERING, set()),
        (Stage.AFGESLOTEN, set()),
    ],
)
def test_which_terms_run_in_which_stage(stage, kinds):
    case = make_case(date(2026, 3, 2), stage=stage)
    assert set(by_kind(case, date(2026, 3, 3))) == kinds


def test_next_deadline_skips_a_passed_informational_term_but_keeps_an_overdue_binding_one():
    case = make_case(date(2026, 3, 2), stage=Stage.ONDERZOEK)
    assert next_deadline(case, date(2026, 3, 3)).kind is DeadlineKind.PERSOONLIJK_PLAN
    assert next_deadline(case, date(2026, 3, 20)).kind is DeadlineKind.ONDERZOEK
    overdue = next_deadline(case, date(2026, 5, 1))
    assert overdue.kind is DeadlineKind.ONDERZOEK
    assert overdue.is_overdue(date(2026, 5, 1))
    assert overdue.days_left(date(2026, 5, 1)) == -18


def test_urgency_window():
    case = make_case(date(2026, 3, 2), stage=Stage.ONDERZOEK)
    d = next_deadline(case, date(2026, 4, 8))
    assert d.is_urgent(date(2026, 4, 8))  # 5 days left
    assert not d.is_urgent(date(2026, 4, 7))  # 6 days left


def test_a_term_that_ended_before_the_hold_is_not_shown_as_on_hold():
    hold = HoldPeriod(start=date(2026, 3, 20), reason="Opname")
    case = make_case(date(2026, 3, 2), stage=Stage.ONDERZOEK, holds=(hold,))
    deadlines = {d.kind: d for d in case_deadlines(case, date(2026, 3, 25))}
    assert not deadlines[DeadlineKind.PERSOONLIJK_PLAN].on_hold
    assert deadlines[DeadlineKind.ONDERZOEK].on_hold


def test_an_approved_decision_meets_the_decision_term_even_when_the_letter_is_not_sent():
    from wmo_desk.domain.cases import record_decision

    aanvraag = make_case(date(2026, 10, 1), stage=Stage.AANVRAAG, aanvraag_date=date(2026, 11, 9))
    decided, event = record_decision(aanvraag, date(2026, 11, 20), "WMO-0828-2026-000001", ACTOR)
    assert decided.stage is Stage.BESLOTEN and decided.decided_date == date(2026, 11, 20)
    assert event is not None and "besluit WMO-0828-2026-000001 op 20-11-2026" in event.text
    # a month later, the letter still unsent: the term is met, not 4 weeks late
    [term] = case_deadlines(decided, date(2026, 12, 20))
    assert term.kind is DeadlineKind.BESLISSING and term.due == date(2026, 11, 23)
    assert term.met_on == date(2026, 11, 20) and term.met_in_time()
    assert not term.is_overdue(date(2026, 12, 20)) and not term.is_urgent(date(2026, 11, 21))
    assert next_deadline(decided, date(2026, 12, 20)) is None  # the caseload moves on
    # sending it starts the bezwaar term, counted from the day it was sent
    sent, _event = move_to_stage(decided, Stage.BESLUIT, date(2026, 12, 2), ACTOR)
    assert by_kind(sent, date(2026, 12, 3)) == {DeadlineKind.BEZWAAR: date(2027, 1, 13)}
    assert sent.decided_date is None


def test_a_late_decision_is_met_but_not_in_time_and_a_later_decision_leaves_the_stage():
    from wmo_desk.domain.cases import record_decision

    aanvraag = make_case(date(2026, 10, 1), stage=Stage.AANVRAAG, aanvraag_date=date(2026, 11, 2))
    late, _ = record_decision(aanvraag, date(2026, 11, 30), "K", ACTOR)
    [term] = case_deadlines(late, date(2026, 12, 1))
    assert term.met_on == date(2026, 11, 30) and term.met_in_time() is False
    # a new decision while care is delivered (a change) does not move the case back
    delivering = make_case(date(2026, 1, 5), stage=Stage.LEVERING)
    assert record_decision(delivering, date(2026, 11, 30), "K", ACTOR) == (delivering, None)


def test_the_monitor_reading_of_the_decision_term_is_unchanged():
    # wmo_desk/server/web/monitoring.py asks for the term of a case in aanvraag, never met
    case = make_case(date(2026, 1, 5), stage=Stage.AANVRAAG, aanvraag_date=date(2026, 1, 31))
    [term] = case_deadlines(case, date(2026, 3, 1))
    assert term.met_on is None and term.is_overdue(date(2026, 3, 1))
    assert next_deadline(case, date(2026, 3, 1)) == term


def test_a_besloten_case_cannot_be_sent_before_its_decision():
    from wmo_desk.domain.cases import record_decision
    from wmo_desk.domain.errors import UserError

    aanvraag = make_case(date(2026, 10, 1), stage=Stage.AANVRAAG, aanvraag_date=date(2026, 11, 9))
    decided, _ = record_decision(aanvraag, date(2026, 11, 20), "K", ACTOR)
    with pytest.raises(UserError, match="vóór het besluit"):
        move_to_stage(decided, Stage.BESLUIT, date(2026, 11, 19), ACTOR)
