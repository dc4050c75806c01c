"""A case a team lead takes from one consultant and gives to another leaves the first laptop."""

from __future__ import annotations

from tests.sync_e2e.helpers import add_note, case_ids, case_in, local_records
from wmo_desk.domain.cases import Stage


def _team(desktops):
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    sanne.sync.sync()
    ahmed = desktops.open("ahmed", user="Ahmed Yilmaz")
    desktops.sign_in(ahmed, "ahmed")
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    return sanne, ahmed, ruud


def test_the_former_consultant_loses_the_case_and_gets_it_back_when_returned(desktops):
    sanne, ahmed, ruud = _team(desktops)
    case_id = case_in(sanne, Stage.ONDERZOEK)
    client_id = sanne.cases.view(case_id).client.id
    note = add_note(sanne, case_id, "Huisbezoek gepland")
    sanne.sync.sync()
    ruud.sync.sync()
    before = len(case_ids(sanne))

    ruud.cases.reassign(case_id, ahmed.profile.user.id)
    ruud.sync.sync()
    sanne.sync.sync()
    ahmed.sync.sync()

    # gone from Sanne's caseload, with its timeline and its client (no other case of hers)
    assert case_id not in case_ids(sanne) and len(case_ids(sanne)) == before - 1
    assert note not in local_records(sanne, "case_event")
    assert client_id not in local_records(sanne, "client")
    assert sanne.sync.status().pending == 0 and sanne.sync.conflicts() == []
    # Ahmed has it, and the team lead still sees it
    assert case_id in case_ids(ahmed, mine=True)
    assert case_id in case_ids(ruud)

    # given back: it reappears on Sanne's laptop with everything that belongs to it
    ruud.sync.sync()
    ruud.cases.reassign(case_id, sanne.profile.user.id)
    ruud.sync.sync()
    sanne.sync.sync()
    assert case_id in case_ids(sanne, mine=True)
    assert note in local_records(sanne, "case_event")
    assert client_id in local_records(sanne, "client")


def test_work_done_on_a_withdrawn_case_is_kept_for_the_consultant_to_read(desktops):
    sanne, ahmed, ruud = _team(desktops)
    case_id = case_in(sanne, Stage.ONDERZOEK)
    ruud.cases.reassign(case_id, ahmed.profile.user.id)
    ruud.sync.sync()

    add_note(sanne, case_id, "Gebeld met de dochter")  # offline, before she hears of it
    sanne.sync.sync()
    assert case_id not in case_ids(sanne)
    kept = [c for c in sanne.sync.conflicts() if c.kind == "refused"]
    assert kept and {c.case_id for c in kept} == {case_id}
    assert "Gebeld met de dochter" in [c.local_payload.get("text") for c in kept]
