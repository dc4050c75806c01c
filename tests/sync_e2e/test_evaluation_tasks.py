"""The telephone evaluation as a task that travels: handed to a colleague on another laptop, it
reaches their task list with whom to call (not the case or the client's file); the call recorded
there comes back to the case's consultant; a case the team lead gives to another consultant takes
its open call along; the server holds who may write it."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tests.services.test_evaluations import complete_conversation, only_task
from tests.sync_e2e.helpers import case_ids, case_in, local_records, server_records
from tests.sync_e2e.test_immutable import api, change
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.evaluations import Outcome
from wmo_desk.server.models import Record
from wmo_desk.sync.protocol import Refusal


def _team(desktops):
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    sanne.sync.sync()
    ahmed = desktops.open("ahmed", user="Ahmed Yilmaz")
    desktops.sign_in(ahmed, "ahmed")
    ahmed.sync.sync()
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    sanne.sync.sync()  # colleagues' accounts known on every laptop
    return sanne, ahmed, ruud


def _stored(server, evaluation_id: str) -> Record:
    with server.app.state.db.session_scope() as session:
        row = session.scalar(
            select(Record).where(
                Record.record_type == "evaluation", Record.record_id == uuid.UUID(evaluation_id)
            )
        )
        session.expunge_all()
        return row


def test_a_call_handed_to_a_colleague_reaches_their_laptop_and_comes_back_recorded(
    desktops, server
):
    sanne, ahmed, _ = _team(desktops)
    case_id = complete_conversation(sanne, case_in(sanne, Stage.ONDERZOEK))
    task = only_task(sanne)
    client = sanne.cases.view(case_id).client
    sanne.evaluations.reassign(task.evaluation.id, ahmed.profile.user.id)
    sanne.sync.sync()

    stored = _stored(server, task.evaluation.id)
    assert str(stored.owner_user_id) == ahmed.profile.user.id
    assert str(stored.case_id) == case_id

    ahmed.sync.sync()
    [handed] = ahmed.evaluations.tasks()
    assert handed.evaluation.id == task.evaluation.id
    assert handed.client_name == task.client_name and handed.phone == client.phone
    assert handed.assignee_name == "Ahmed Yilmaz"
    # the task only: neither the case nor the client's file comes with it
    assert case_id not in case_ids(ahmed)
    assert client.id not in local_records(ahmed, "client")

    ahmed.evaluations.no_answer(handed.evaluation.id)
    ahmed.sync.sync()
    sanne.sync.sync()
    assert sanne.evaluations.get(task.evaluation.id).attempts == 1
    assert sanne.evaluations.tasks() == []  # still Ahmed's call

    recorded = ahmed.evaluations.refuse(handed.evaluation.id)
    assert recorded.outcome is Outcome.WIL_NIET and recorded.report_id
    ahmed.sync.sync()
    # the outcome is on the server without whom to call; the anonymous report came from
    # Ahmed's laptop under an id of its own
    on_server = server_records(server, "evaluation")[task.evaluation.id]
    assert on_server["outcome"] == "wil_niet_meewerken"
    assert on_server["client_name"] == on_server["phone"] == ""
    assert "answers" not in on_server
    from wmo_desk.server.models import EvaluationReport

    with server.app.state.db.session_scope() as session:
        reports = {str(r.id) for r in session.scalars(select(EvaluationReport))}
    assert reports == {recorded.report_id} and task.evaluation.id not in reports
    # done: the colleague's laptop keeps neither the task nor whom it said to call
    assert ahmed.evaluations.tasks() == []
    assert local_records(ahmed, "evaluation") == {}

    sanne.sync.sync()
    back = sanne.evaluations.get(task.evaluation.id)
    assert back.outcome is Outcome.WIL_NIET and back.client_name == back.phone == ""


def test_an_open_call_follows_the_case_the_team_lead_gives_to_another_consultant(desktops, server):
    sanne, ahmed, ruud = _team(desktops)
    case_id = complete_conversation(sanne, case_in(sanne, Stage.ONDERZOEK))
    task = only_task(sanne)
    sanne.sync.sync()
    ruud.sync.sync()
    # the team lead oversees every open call of the municipality
    overview = ruud.evaluations.tasks(everyone=True)
    assert [t.evaluation.id for t in overview] == [task.evaluation.id]
    assert overview[0].assignee_name == sanne.profile.user.name
    assert ruud.evaluations.tasks() == []  # not his own

    ruud.cases.reassign(case_id, ahmed.profile.user.id)
    ruud.sync.sync()
    ahmed.sync.sync()
    sanne.sync.sync()

    assert [t.evaluation.id for t in ahmed.evaluations.tasks()] == [task.evaluation.id]
    assert sanne.evaluations.tasks() == []
    assert str(_stored(server, task.evaluation.id).owner_user_id) == ahmed.profile.user.id
    ahmed.evaluations.complete(task.evaluation.id, {"ceo.1": "eens"})
    ahmed.sync.sync()
    assert server_records(server, "evaluation")[task.evaluation.id]["outcome"] == "afgerond"


def test_the_server_holds_who_may_write_a_call_and_that_a_recorded_one_stays(desktops, server):
    sanne, ahmed, _ = _team(desktops)
    complete_conversation(sanne, case_in(sanne, Stage.ONDERZOEK))
    task = only_task(sanne)
    sanne.sync.sync()
    payload = server_records(server, "evaluation")[task.evaluation.id]

    def evaluation(body: dict) -> dict:
        revision = _stored(server, task.evaluation.id).revision
        return change("evaluation", task.evaluation.id, body, revision, case_id=body["case_id"])

    as_ahmed, as_sanne = api(server, "ahmed"), api(server, "sanne")
    # a colleague it is not assigned to may not take it over
    [result] = as_ahmed(evaluation({**payload, "assignee_id": ahmed.profile.user.id}))
    assert (result["status"], result["reason"]) == ("forbidden", Refusal.NOT_YOURS)
    # nor may it go to someone who is no colleague of the municipality
    [result] = as_sanne(evaluation({**payload, "assignee_id": str(uuid.uuid4())}))
    assert (result["status"], result["reason"]) == ("forbidden", Refusal.UNKNOWN_ASSIGNEE)
    # a recorded call that still says whom to call is no valid evaluation
    chatty = {**payload, "outcome": "wil_niet_meewerken", "recorded_on": "2027-01-12"}
    [result] = as_sanne(evaluation(chatty))
    assert (result["status"], result["reason"]) == ("forbidden", Refusal.INVALID)
    assert "telefoonnummer" in result["detail"]
    assert server_records(server, "evaluation")[task.evaluation.id] == payload

    sanne.evaluations.refuse(task.evaluation.id)
    sanne.sync.sync()
    recorded = server_records(server, "evaluation")[task.evaluation.id]
    assert recorded["outcome"] == "wil_niet_meewerken"
    [result] = as_sanne(evaluation({**recorded, "outcome": "afgerond", "attempts": 1}))
    assert (result["status"], result["reason"]) == ("forbidden", Refusal.RECORDED)
    assert server_records(server, "evaluation")[task.evaluation.id] == recorded
