"""The process: stage transitions, holds and closing."""

from datetime import date

import pytest

from tests.domain.test_deadlines import ACTOR, make_case
from wmo_desk.domain.cases import (
    CloseReason,
    EventKind,
    Stage,
    allowed_stages,
    close_case,
    move_to_stage,
    put_on_hold,
    resume,
)
from wmo_desk.domain.errors import UserError


def test_the_normal_path_records_aanvraag_and_decision_dates():
    case = make_case(date(2026, 3, 2))
    case, e1 = move_to_stage(case, Stage.ONDERZOEK, date(2026, 3, 5), ACTOR)
    case, _ = move_to_stage(case, Stage.VERSLAG, date(2026, 3, 20), ACTOR)
    case, _ = move_to_stage(case, Stage.AANVRAAG, date(2026, 3, 25), ACTOR)
    assert case.aanvraag_date == date(2026, 3, 25)
    case, e4 = move_to_stage(case, Stage.BESLUIT, date(2026, 4, 2), ACTOR)
    assert case.decision_sent_date == date(2026, 4, 2)
    assert e1.kind is EventKind.STAGE and e1.actor_name == "Sanne de Wit"
    assert "Aanvraag" in e4.text and "Beschikking verzonden" in e4.text and "02-04-2026" in e4.text


def test_skipping_a_stage_is_refused_in_dutch():
    case = make_case(date(2026, 3, 2))
    with pytest.raises(UserError) as info:
        move_to_stage(case, Stage.BESLUIT, date(2026, 3, 5), ACTOR)
    assert "kan een dossier niet naar" in info.value.message


def test_a_date_before_the_melding_is_refused():
    case = make_case(date(2026, 3, 2))
    with pytest.raises(UserError, match="vóór de datum van de melding"):
        move_to_stage(case, Stage.ONDERZOEK, date(2026, 3, 1), ACTOR)


def test_hold_blocks_steps_until_resumed():
    case = make_case(date(2026, 3, 2), stage=Stage.ONDERZOEK)
    case, event = put_on_hold(case, date(2026, 3, 10), "Ziekenhuisopname", ACTOR)
    assert case.is_on_hold and event.kind is EventKind.HOLD and "Ziekenhuisopname" in event.text
    assert allowed_stages(case) == ()
    with pytest.raises(UserError, match="Hervat"):
        move_to_stage(case, Stage.VERSLAG, date(2026, 3, 11), ACTOR)
    with pytest.raises(UserError, match="al opgeschort"):
        put_on_hold(case, date(2026, 3, 11), "nog eens", ACTOR)
    case, event = resume(case, date(2026, 3, 20), ACTOR)
    assert not case.is_on_hold and "10 dagen" in event.text
    assert allowed_stages(case) == (Stage.VERSLAG,)


def test_hold_needs_a_reason():
    case = make_case(date(2026, 3, 2))
    with pytest.raises(UserError, match="reden"):
        put_on_hold(case, date(2026, 3, 3), "  ", ACTOR)


def test_closing_ends_a_running_hold_and_is_final():
    case = make_case(date(2026, 3, 2))
    case, _ = put_on_hold(case, date(2026, 3, 3), "Overleg met familie", ACTOR)
    case, event = close_case(
        case, CloseReason.ALGEMENE_VOORZIENING, date(2026, 3, 9), "Boodschappendienst", ACTOR
    )
    assert case.is_closed and case.close_reason is CloseReason.ALGEMENE_VOORZIENING
    assert case.holds[-1].end == date(2026, 3, 9)
    assert "algemene voorziening" in event.text and "Boodschappendienst" in event.text
    with pytest.raises(UserError):
        move_to_stage(case, Stage.ONDERZOEK, date(2026, 3, 10), ACTOR)
    with pytest.raises(UserError):
        close_case(case, CloseReason.INGETROKKEN, date(2026, 3, 10), "", ACTOR)


def test_back_to_onderzoek_clears_the_aanvraag():
    case = make_case(date(2026, 3, 2), stage=Stage.AANVRAAG, aanvraag_date=date(2026, 3, 20))
    case, _ = move_to_stage(case, Stage.ONDERZOEK, date(2026, 3, 22), ACTOR)
    assert case.aanvraag_date is None
