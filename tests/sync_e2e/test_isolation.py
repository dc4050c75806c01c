"""Who receives what: a consultant only their own cases, nobody another municipality's; a case
reassigned by the team lead reaches the new consultant with everything that belongs to it."""

from __future__ import annotations

import pytest

from tests.conftest import TODAY
from tests.fakes import FakeClock
from tests.sync_e2e.helpers import (
    add_note,
    add_result,
    add_zrm,
    case_ids,
    case_in,
    edit_request,
    local_records,
    register,
    server_records,
)
from tests.synckit import PASSWORD
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.users import Role
from wmo_desk.services.demo import demo_bsn
from wmo_desk.services.sync import SyncService

CASE_TYPES = (
    "client",
    "case",
    "case_event",
    "conversation",
    "case_result",
    "zrm_assessment",
    "provider_choice",
)


def open_kees(desktops):
    """Kees Bakker's desktop, set up for Bernheze (1721) in the same region."""
    from wmo_desk.services.context import AppContext

    ctx = AppContext.open(desktops.root / "kees", FakeClock(TODAY))
    ctx.http = desktops.server.http
    choice = next(c for c in ctx.region_choices() if c.code == "BNO-O")
    ctx.profile = ctx.profiles.set_up(choice, "1721", "Kees Bakker", Role.CONSULENT)
    ctx.activate(ctx.profile)
    desktops.opened.append(ctx)
    desktops.sign_in(ctx, "kees")
    return ctx


def pulled_by(server, username: str) -> list[dict]:
    """Everything the server answers ``username`` from the start (what any desktop would get)."""
    login = server.http.post("/api/v1/login", json={"username": username, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    response = server.http.get(
        "/api/v1/sync/pull", params={"since": 0, "limit": 1000}, headers=headers
    )
    assert response.status_code == 200 and not response.json()["more"]
    return response.json()["records"]


@pytest.fixture
def sanne(desktops):
    """Sanne's demo caseload on the server, one case in onderzoek with everything recorded."""
    ctx = desktops.open("sanne", demo=True)
    desktops.sign_in(ctx, "sanne")
    case_id = case_in(ctx, Stage.ONDERZOEK)
    conversation, _form = ctx.conversation.start(case_id)
    ctx.conversation.save_answers(
        conversation.id, {"hulpvraag.wens": "Weer zelf boodschappen doen"}, "hulpvraag"
    )
    add_zrm(ctx, case_id, finance=2)
    add_result(ctx, case_id, "Twee dagdelen dagbesteding per week")
    ranked = ctx.suggestions.suggestions(case_id, "dagbesteding").ranked
    ctx.suggestions.choose(case_id, "dagbesteding", "", ranked[0], "")
    report = ctx.sync.sync()
    assert report.refused == 0
    ctx.recorded_case = case_id
    return ctx


def test_a_colleague_receives_none_of_sannes_cases(sanne, desktops, server):
    ahmed = desktops.open("ahmed", user="Ahmed Yilmaz")
    desktops.sign_in(ahmed, "ahmed")
    ahmed.sync.sync()

    assert case_ids(ahmed) == []
    for record_type in CASE_TYPES:
        assert local_records(ahmed, record_type) == {}, record_type
    # he does know his colleagues by name
    assert {u.name for u in ahmed.profiles.users()} >= {"Sanne de Wit", "Ruud Verhoeven"}
    answer = pulled_by(server, "ahmed")
    assert {r["record_type"] for r in answer} == {"user"}
    assert all(r["municipality_code"] == "0828" for r in answer)


def test_another_municipality_receives_nothing_of_oss(sanne, desktops, server):
    kees = open_kees(desktops)
    kees.sync.sync()

    assert local_records(kees, "case") == {} and local_records(kees, "client") == {}
    assert {u.name for u in kees.profiles.users()} == {"Kees Bakker"}
    answer = pulled_by(server, "kees")
    assert [(r["record_type"], r["municipality_code"]) for r in answer] == [("user", "1721")]
    # and the other way round: Kees's own melding stays in Bernheze
    kees_case = register(kees, "999990020", municipality="1721")
    assert kees.sync.sync().refused == 0
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    sanne.sync.sync()
    assert kees_case not in local_records(ruud, "case")
    assert kees_case not in local_records(sanne, "case")
    assert kees_case in server_records(server, "case")
    assert len(case_ids(ruud)) == 30


def test_a_reassigned_case_reaches_the_new_consultant_with_all_that_belongs_to_it(
    sanne, desktops, server
):
    case_id = sanne.recorded_case
    ahmed = desktops.open("ahmed", user="Ahmed Yilmaz")
    desktops.sign_in(ahmed, "ahmed")
    ahmed.sync.sync()
    assert case_ids(ahmed) == []
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()

    ahmed_id = next(u.id for u in ruud.profiles.users() if u.name == "Ahmed Yilmaz")
    assert ahmed_id == ahmed.profile.user.id
    ruud.cases.reassign(case_id, ahmed_id)
    assert ruud.sync.sync().refused == 0
    ahmed.sync.sync()

    assert case_ids(ahmed) == [case_id] and case_ids(ahmed, mine=True) == [case_id]
    view = ahmed.cases.view(case_id)
    assert view.consultant.name == "Ahmed Yilmaz"
    assert view.client.id == sanne.cases.view(case_id).client.id
    assert view.timeline[-1].text == "Toegewezen aan Ahmed Yilmaz"
    conversation, form = ahmed.conversation.for_case(case_id)
    assert conversation.answers["hulpvraag.wens"] == "Weer zelf boodschappen doen"
    assert form.form_id == "keukentafelgesprek"
    [zrm] = ahmed.assessment.zrm_history(case_id)
    assert {s.domain: s.level for s in zrm.scores}["Financiën"] == 2
    assert [r.description for r in ahmed.assessment.results(case_id)] == [
        "Twee dagdelen dagbesteding per week"
    ]
    [(choice, _warning)] = ahmed.suggestions.choices(case_id)
    assert choice.care_form == "dagbesteding"
    # exactly this case's records, as the server holds them
    for record_type in CASE_TYPES:
        mine = local_records(ahmed, record_type)
        assert mine, record_type
        expected = server_records(server, record_type)
        assert mine == {k: v for k, v in expected.items() if k in mine}, record_type
    assert set(local_records(ahmed, "client")) == {view.client.id}
    assert set(local_records(ahmed, "case")) == {case_id}

    # Ahmed works on: his note is accepted
    add_note(ahmed, case_id, "Kennismaking met de cliënt gepland")
    report = ahmed.sync.sync()
    assert report.refused == 0 and report.new_conflicts == 0
    ruud.sync.sync()
    assert "Kennismaking met de cliënt gepland" in [
        e.text for e in ruud.cases.view(case_id).timeline
    ]

    # Sanne's laptop still has the case; a change she makes to it is refused and kept for her
    edit_request(sanne, case_id, "Nog aangevuld door Sanne")
    report = sanne.sync.sync()
    assert report.refused == 1
    [refusal] = sanne.sync.conflicts()
    assert refusal.kind == "refused" and refusal.record_id == case_id
    assert SyncService.refusal_text(refusal) == "De casus is niet (meer) aan u toegewezen."
    assert refusal.local_payload["request_text"] == "Nog aangevuld door Sanne"
    assert server_records(server, "case")[case_id]["consultant_id"] == ahmed_id
    assert server_records(server, "case")[case_id]["request_text"] != "Nog aangevuld door Sanne"
    assert sanne.sync.status().pending == 0


def test_a_client_the_team_lead_registers_reaches_only_the_consultant_of_the_case(desktops, server):
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ahmed = desktops.open("ahmed", user="Ahmed Yilmaz")
    desktops.sign_in(ahmed, "ahmed")
    sanne = desktops.open("sanne", user="Sanne de Wit")
    desktops.sign_in(sanne, "sanne")
    case_id = register(ruud, demo_bsn(300), surname="Hermans", text="Telefonische melding")
    assert ruud.sync.sync().refused == 0
    for ctx in (ahmed, sanne):
        ctx.sync.sync()
        assert local_records(ctx, "client") == {} and local_records(ctx, "case") == {}

    ahmed_id = next(u.id for u in ruud.profiles.users() if u.name == "Ahmed Yilmaz")
    ruud.cases.reassign(case_id, ahmed_id)
    ruud.sync.sync()
    for ctx in (ahmed, sanne):
        ctx.sync.sync()
    assert ahmed.cases.view(case_id).client.surname == "Hermans"
    assert local_records(sanne, "client") == {}
