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


def server_user_id(server, username: str) -> str:
    from wmo_desk.server.models import User

    with server.app.state.db.session_scope() as session:
        return str(session.scalar(select(User.id).where(User.username == username)))


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
    # gone from Sanne's laptop, whom to call with it
    assert sanne.evaluations.tasks() == []
    assert local_records(sanne, "evaluation") == {}
    assert local_records(sanne, "evaluation", deleted=True) == {}
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

    def evaluation(body: dict, record_id: str = task.evaluation.id, deleted=False) -> dict:
        stored = _stored(server, record_id) if record_id == task.evaluation.id else None
        return change(
            "evaluation", record_id, body, stored.revision if stored else None,
            case_id=body["case_id"], deleted=deleted,
        )  # fmt: skip

    def refused(push, body: dict, **how) -> str:
        [result] = push(evaluation(body, **how))
        assert result["status"] == "forbidden", result
        return result["reason"]

    as_ahmed, as_sanne = api(server, "ahmed"), api(server, "sanne")
    # a colleague it is not assigned to may not take it over, nor make a call on her case
    assert refused(as_ahmed, {**payload, "assignee_id": ahmed.profile.user.id}) == (
        Refusal.CALL_NOT_YOURS
    )
    assert refused(as_ahmed, payload, record_id=str(uuid.uuid4())) == Refusal.CALL_NOT_YOURS
    # it goes only to an active colleague of the municipality who syncs
    kees = server_user_id(server, "kees")  # another municipality
    for stranger in (str(uuid.uuid4()), kees):
        assert refused(as_sanne, {**payload, "assignee_id": stranger}) == Refusal.UNKNOWN_ASSIGNEE
    # one call per conversation, and its conversation never changes
    assert refused(as_sanne, payload, record_id=str(uuid.uuid4())) == Refusal.CALL_EXISTS
    other = {**payload, "conversation_id": str(uuid.uuid4())}
    assert refused(as_sanne, other) == Refusal.CALL_NOT_YOURS
    assert refused(as_sanne, other, record_id=str(uuid.uuid4())) == Refusal.UNKNOWN_CASE
    # the municipality inside is the one it travels with
    assert refused(as_sanne, {**payload, "municipality_code": "1721"}) == Refusal.INVALID
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
    assert recorded["product_codes"] == recorded["provider_ids"] == []
    assert refused(as_sanne, {**recorded, "outcome": "afgerond", "attempts": 1}) == (
        Refusal.RECORDED
    )
    assert server_records(server, "evaluation")[task.evaluation.id] == recorded


def test_a_removed_call_cannot_be_brought_back_by_its_former_assignee(desktops, server):
    sanne, ahmed, _ = _team(desktops)
    complete_conversation(sanne, case_in(sanne, Stage.ONDERZOEK))
    task = only_task(sanne)
    sanne.evaluations.reassign(task.evaluation.id, ahmed.profile.user.id)
    sanne.sync.sync()
    payload = server_records(server, "evaluation")[task.evaluation.id]
    revision = _stored(server, task.evaluation.id).revision
    as_ahmed, as_sanne = api(server, "ahmed"), api(server, "sanne")
    # the assignee may not remove it; the case's consultant may
    tombstone = change("evaluation", task.evaluation.id, {}, revision, case_id=payload["case_id"],
                       deleted=True)  # fmt: skip
    [result] = as_ahmed(tombstone)
    assert (result["status"], result["reason"]) == ("forbidden", Refusal.NOT_YOURS)
    [result] = as_sanne(tombstone)
    assert result["status"] == "applied"
    back = change("evaluation", task.evaluation.id, payload, result["revision"],
                  case_id=payload["case_id"])  # fmt: skip
    [result] = as_ahmed(back)
    assert (result["status"], result["reason"]) == ("forbidden", Refusal.CALL_NOT_YOURS)
    assert server_records(server, "evaluation", deleted=True).keys() == {task.evaluation.id}


def test_a_call_taken_back_from_a_colleague_leaves_the_colleagues_laptop(desktops, server):
    sanne, ahmed, _ = _team(desktops)
    complete_conversation(sanne, case_in(sanne, Stage.ONDERZOEK))
    task = only_task(sanne)
    sanne.evaluations.reassign(task.evaluation.id, ahmed.profile.user.id)
    sanne.sync.sync()
    ahmed.sync.sync()
    assert [t.phone for t in ahmed.evaluations.tasks()] == [task.phone]

    sanne.evaluations.reassign(task.evaluation.id, sanne.profile.user.id)  # she calls herself
    sanne.sync.sync()
    ahmed.sync.sync()
    assert ahmed.evaluations.tasks() == []
    assert local_records(ahmed, "evaluation") == {}
    assert local_records(ahmed, "evaluation", deleted=True) == {}
    assert [t.evaluation.id for t in sanne.evaluations.tasks()] == [task.evaluation.id]


def test_one_call_recorded_on_two_laptops_is_reported_once(desktops, server):
    """The case's consultant and the colleague it was handed to both record it offline: the
    first to sync holds, the other's recording is refused and its report never sent."""
    from wmo_desk.server.models import EvaluationReport

    sanne, ahmed, _ = _team(desktops)
    complete_conversation(sanne, case_in(sanne, Stage.ONDERZOEK))
    task = only_task(sanne)
    sanne.evaluations.reassign(task.evaluation.id, ahmed.profile.user.id)
    sanne.sync.sync()
    ahmed.sync.sync()
    ahmed.evaluations.complete(task.evaluation.id, {"ceo.1": "eens"})
    sanne.evaluations.refuse(task.evaluation.id)  # she reached the client herself
    ahmed.sync.sync()
    sanne.sync.sync()

    with server.app.state.db.session_scope() as session:
        reports = [
            (r.outcome, r.received_at.day) for r in session.scalars(select(EvaluationReport))
        ]
    assert reports == [("afgerond", 1)]  # one report, dated by its month only
    assert server_records(server, "evaluation")[task.evaluation.id]["outcome"] == "afgerond"
    mine = sanne.evaluations.get(task.evaluation.id)
    assert mine.outcome is Outcome.AFGEROND and mine.report_id is None
    refusals = [c for c in sanne.sync.conflicts() if c.record_type == "evaluation"]
    assert [c.reason for c in refusals] == [Refusal.RECORDED]


def test_a_refusal_read_on_a_colleagues_laptop_keeps_no_phone_number(desktops, server):
    """A colleague's recording the server refused stays until read; then the call leaves the
    laptop, and what the refusal kept of it no longer says whom to call."""
    from wmo_desk.storage.tables import SyncConflictRow

    sanne, ahmed, _ = _team(desktops)
    complete_conversation(sanne, case_in(sanne, Stage.ONDERZOEK))
    task = only_task(sanne)
    sanne.evaluations.reassign(task.evaluation.id, ahmed.profile.user.id)
    sanne.sync.sync()
    ahmed.sync.sync()
    ahmed.evaluations.no_answer(task.evaluation.id)  # offline: tried once
    sanne.evaluations.reassign(task.evaluation.id, sanne.profile.user.id)  # she takes it back
    sanne.sync.sync()
    ahmed.sync.sync()
    [refusal] = [c for c in ahmed.sync.conflicts() if c.record_type == "evaluation"]
    assert refusal.reason == Refusal.CALL_NOT_YOURS
    assert task.phone in str(refusal.local_payload)  # shown until read
    ahmed.sync.resolve(refusal.id)  # Gelezen
    ahmed.sync.sync()
    assert local_records(ahmed, "evaluation") == {}
    with ahmed.db.session() as session:
        kept = list(session.scalars(select(SyncConflictRow)))
    assert kept and all(
        task.phone not in str(c.local_payload) + str(c.server_payload) for c in kept
    )
