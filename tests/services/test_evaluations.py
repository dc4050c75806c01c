"""The telephone evaluation after the keukentafelgesprek: scheduled when the conversation is
completed, due after the set weeks, reassigned to a colleague, tried again after no answer, a
refusal, and the anonymous part sent at the sync."""

from __future__ import annotations

from datetime import date

import pytest

from tests.services.test_team import final_decision
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.evaluations import Outcome
from wmo_desk.domain.forms import QuestionType, missing_required
from wmo_desk.services.evaluations import exchange
from wmo_desk.storage.repositories.audit import AuditRepository


def answer_required(form, answers=None) -> dict:
    """Answers to every required question that shows (new ones may appear on the way)."""
    answers = dict(answers or {})
    while missing := missing_required(form, answers):
        for q in missing:
            answers[q.id] = {
                QuestionType.DATE: "2026-11-20",
                QuestionType.YES_NO: True,
                QuestionType.SINGLE_CHOICE: q.options[0][0] if q.options else None,
                QuestionType.MULTIPLE_CHOICE: [q.options[0][0]] if q.options else None,
                QuestionType.NUMBER: 1,
                QuestionType.PEOPLE: [{"name": "J. de Vries"}],
            }.get(q.type, "Besproken met de cliënt.")
    return answers


def complete_conversation(ctx, case_id: str | None = None) -> str:
    """Start and complete the keukentafelgesprek of a case in onderzoek; returns the case id."""
    if case_id is None:
        flt = CaseloadFilter(municipality_code=ctx.profile.municipality_code, stage=Stage.ONDERZOEK)
        case_id = ctx.caseload.summaries(flt)[0].case_id
    conversation, form = ctx.conversation.start(case_id)
    assert ctx.conversation.complete(conversation.id, form, answer_required(form)) == []
    return case_id


def only_task(ctx):
    tasks = ctx.evaluations.tasks()
    assert len(tasks) == 1
    return tasks[0]


def test_completing_the_conversation_schedules_the_call_for_its_consultant(demo_ctx):
    ctx = demo_ctx
    assert ctx.evaluations.tasks() == []
    case_id = complete_conversation(ctx)
    task = only_task(ctx)
    view = ctx.cases.view(case_id)
    assert task.evaluation.case_id == case_id
    assert task.evaluation.assignee_id == view.case.consultant_id == ctx.profile.user.id
    assert task.client_name == view.client.display_name and task.phone == view.client.phone
    # Monday 23 November 2026 + 6 weeks
    assert task.evaluation.due == date(2027, 1, 4)
    assert task.client_name and task.evaluation.is_open
    # completing again (after a correction) does not schedule a second call
    conversation, form = ctx.conversation.for_case(case_id)
    ctx.conversation.complete(conversation.id, form, conversation.answers)
    assert len(ctx.evaluations.tasks()) == 1


def test_the_due_date_follows_the_setting_and_skips_weekends_and_holidays(demo_ctx, clock):
    ctx = demo_ctx
    assert ctx.evaluations.weeks() == 6
    ctx.evaluations.set_weeks(4)
    assert ctx.evaluations.weeks() == 4
    complete_conversation(ctx)
    assert only_task(ctx).evaluation.due == date(2026, 12, 21)
    with pytest.raises(UserError):
        ctx.evaluations.set_weeks(0)
    with pytest.raises(UserError):
        ctx.evaluations.set_weeks(27)
    # completed on Saturday 14 November, 6 weeks: Saturday 26 December (tweede kerstdag)
    ctx.evaluations.set_weeks(6)
    clock.day = date(2026, 11, 14)
    flt = CaseloadFilter(municipality_code=ctx.profile.municipality_code, stage=Stage.ONDERZOEK)
    other = ctx.caseload.summaries(flt)[1].case_id
    complete_conversation(ctx, other)
    due = {t.evaluation.case_id: t.evaluation.due for t in ctx.evaluations.tasks()}
    assert due[other] == date(2026, 12, 28)


def test_a_call_can_go_to_a_colleague_of_the_same_municipality(demo_ctx):
    ctx = demo_ctx
    complete_conversation(ctx)
    task = only_task(ctx)
    colleague = next(u for u in ctx.evaluations.colleagues() if u.id != ctx.profile.user.id)
    assert all(u.municipality_code == "0828" for u in ctx.evaluations.colleagues())
    ctx.evaluations.reassign(task.evaluation.id, colleague.id)
    assert ctx.evaluations.tasks() == []
    assert ctx.evaluations.get(task.evaluation.id).assignee_id == colleague.id
    with pytest.raises(UserError, match="collega van uw eigen gemeente"):
        ctx.evaluations.reassign(task.evaluation.id, "00000000-0000-0000-0000-000000000000")


def test_no_answer_is_tried_again_in_two_working_days_at_most_three_times(demo_ctx, clock):
    ctx = demo_ctx
    complete_conversation(ctx)
    evaluation_id = only_task(ctx).evaluation.id
    clock.day = date(2026, 12, 24)  # Thursday before Christmas
    first = ctx.evaluations.no_answer(evaluation_id)
    assert first.is_open and first.attempts == 1
    assert first.due == date(2026, 12, 29)  # 25, 26 holidays, 27 Sunday: Monday, Tuesday
    clock.day = date(2026, 12, 29)
    second = ctx.evaluations.no_answer(evaluation_id)
    assert second.is_open and second.attempts == 2 and second.due == date(2026, 12, 31)
    third = ctx.evaluations.no_answer(evaluation_id)
    assert third.outcome is Outcome.GEEN_BEREIK and third.attempts == 3
    assert ctx.evaluations.tasks() == []
    with pytest.raises(UserError, match="al vastgelegd"):
        ctx.evaluations.no_answer(evaluation_id)


def test_a_refusal_is_recorded_without_answers(demo_ctx):
    ctx = demo_ctx
    complete_conversation(ctx)
    evaluation_id = only_task(ctx).evaluation.id
    refused = ctx.evaluations.refuse(evaluation_id)
    assert refused.outcome is Outcome.WIL_NIET and refused.answers == {}
    assert ctx.evaluations.tasks() == []
    with pytest.raises(UserError):
        ctx.evaluations.complete(evaluation_id, {"ceo.1": "eens"})
    client_id = ctx.cases.view(refused.case_id).client.id
    with ctx.db.session() as session:
        actions = [action for _at, _user, action in AuditRepository(session).for_client(client_id)]
    assert "evaluation.record" in actions


def test_completed_answers_keep_only_choices_and_take_the_decision(demo_ctx):
    ctx = demo_ctx
    case_id = complete_conversation(ctx)
    final_decision(ctx, case_id, date(2027, 6, 30))
    evaluation_id = only_task(ctx).evaluation.id
    with pytest.raises(UserError, match="ten minste één antwoord"):
        ctx.evaluations.complete(evaluation_id, {"ceo.1": "De heer Jansen"})
    done = ctx.evaluations.complete(
        evaluation_id,
        {
            "ceo.1": "helemaal_eens",
            "ceo.2": None,
            "onbekend": "eens",
            "regio.aanwezig": "weet_niet",
        },
    )
    assert done.outcome is Outcome.AFGEROND
    assert done.answers == {"ceo.1": "helemaal_eens", "regio.aanwezig": "weet_niet"}
    assert done.product_codes == ("07203",)
    assert done.form_version == "2026.1"


class FakeEvaluationServer:
    """Takes evaluations as the server would and keeps what it was sent."""

    def __init__(self, refuse: set[str] = frozenset()) -> None:
        self.bodies = []
        self.refuse = refuse

    def report_evaluation(self, token, body):
        from datetime import UTC, datetime

        from wmo_desk.sync.client import ServerError
        from wmo_desk.sync.evaluations import EvaluationReceipt

        if str(body.evaluation_id) in self.refuse:
            raise ServerError("invalid_answers", "Geweigerd", "Vraag ‘x’ bestaat niet.")
        self.bodies.append(body.model_dump(mode="json"))
        return EvaluationReceipt(
            evaluation_id=body.evaluation_id, received_at=datetime(2026, 12, 1, tzinfo=UTC)
        )


def pushed(ctx) -> None:
    """The server holds the calls as recorded here (what a sync's push does first)."""
    from sqlalchemy import update

    from wmo_desk.storage.tables import EvaluationRow

    with ctx.db.session() as session:
        session.execute(update(EvaluationRow).values(pending=False, server_revision=7))


def test_the_sync_sends_the_anonymous_part_once(demo_ctx):
    ctx = demo_ctx
    case_id = complete_conversation(ctx)
    evaluation_id = only_task(ctx).evaluation.id
    server = FakeEvaluationServer()
    assert exchange(ctx.db, server, "token").sent == 0  # nothing recorded yet
    ctx.evaluations.complete(evaluation_id, {"ceo.1": "eens"})
    assert exchange(ctx.db, server, "token").sent == 0  # not before the server has the call
    pushed(ctx)
    assert exchange(ctx.db, server, "token").sent == 1
    assert exchange(ctx.db, server, "token").sent == 0
    (body,) = server.bodies
    assert set(body) == {
        "evaluation_id",
        "municipality_code",
        "year",
        "outcome",
        "form_id",
        "form_version",
        "answers",
        "product_codes",
        "provider_ids",
    }
    assert body["year"] == 2026 and body["municipality_code"] == "0828"
    view = ctx.cases.view(case_id)
    # nor the task's id: the task is a synchronised record of the case, the report is not
    for value in (
        case_id, evaluation_id, view.client.id, view.client.bsn, view.client.surname, "2026-",
    ):  # fmt: skip
        assert value not in str(body)
    assert body["evaluation_id"] == ctx.evaluations.get(evaluation_id).report_id


def test_a_refused_evaluation_is_kept_and_not_sent_again(demo_ctx):
    ctx = demo_ctx
    complete_conversation(ctx)
    evaluation_id = only_task(ctx).evaluation.id
    report_id = ctx.evaluations.refuse(evaluation_id).report_id
    pushed(ctx)
    server = FakeEvaluationServer(refuse={report_id})
    assert exchange(ctx.db, server, "token").refused == 1
    assert "bestaat niet" in ctx.evaluations.get(evaluation_id).refused
    assert exchange(ctx.db, server, "token").refused == 0
