"""Two laptops of one consultant edit the same case offline: the second to sync gets a conflict
with both versions kept; every way of resolving it leaves both laptops and the server equal."""

from __future__ import annotations

import pytest

from tests.sync_e2e.helpers import (
    add_note,
    add_result,
    case_ids,
    edit_request,
    edit_result,
    local_records,
    pending,
    register,
    server_records,
)
from wmo_desk.services.demo import demo_bsn
from wmo_desk.services.sync import SyncService


@pytest.fixture
def laptops(desktops):
    """Sanne's demo laptop and her second laptop, both synced: the same 30 cases on each."""
    first = desktops.open("laptop-1", demo=True)
    desktops.sign_in(first, "sanne")
    first.sync.sync()
    second = desktops.open("laptop-2", user="Sanne de Wit")
    desktops.sign_in(second, "sanne")
    second.sync.sync()
    assert len(case_ids(second)) == 30
    return first, second


def request_text(ctx, case_id: str) -> str:
    return ctx.cases.view(case_id).case.request_text


def sync_all(*desktops) -> None:
    for ctx in desktops:
        ctx.sync.sync()


def test_the_second_to_sync_gets_a_conflict_with_both_versions_kept(laptops, server):
    first, second = laptops
    case_id = case_ids(first)[0]
    edit_request(first, case_id, "Hulp bij het huishouden, twee uur per week.")
    edit_request(second, case_id, "Hulp bij het huishouden en bij de boodschappen.")

    assert first.sync.sync().new_conflicts == 0
    report = second.sync.sync()

    assert report.new_conflicts == 1
    [conflict] = second.sync.conflicts()
    assert conflict.record_type == "case" and conflict.case_id == case_id
    assert (
        conflict.local_payload["request_text"] == "Hulp bij het huishouden en bij de boodschappen."
    )
    assert conflict.server_payload["request_text"] == "Hulp bij het huishouden, twee uur per week."
    assert [(d.field, d.mine, d.server) for d in SyncService.differences(conflict)] == [
        (
            "request_text",
            "Hulp bij het huishouden en bij de boodschappen.",
            "Hulp bij het huishouden, twee uur per week.",
        )
    ]
    assert second.sync.cases_in_conflict() == {case_id}
    # the laptop keeps showing its own text; the server keeps the first one
    assert request_text(second, case_id) == "Hulp bij het huishouden en bij de boodschappen."
    assert server_records(server, "case")[case_id]["request_text"] == (
        "Hulp bij het huishouden, twee uur per week."
    )
    # an unresolved conflict is not pushed again, however often the laptop syncs
    assert second.sync.sync().pushed == 0
    assert server_records(server, "case")[case_id]["request_text"] == (
        "Hulp bij het huishouden, twee uur per week."
    )
    # counted as a conflict to settle, not as a change waiting to be sent
    assert second.sync.status().conflicts == 1 and pending(second) == 0


def test_taking_the_server_version_converges(laptops, server):
    first, second = laptops
    case_id = case_ids(first)[0]
    edit_request(first, case_id, "Versie van laptop 1")
    edit_request(second, case_id, "Versie van laptop 2")
    sync_all(first, second)
    [conflict] = second.sync.conflicts()

    second.sync.resolve(conflict.id)

    assert request_text(second, case_id) == "Versie van laptop 1"
    assert pending(second) == 0 and second.sync.conflicts() == []
    sync_all(second, first)
    assert request_text(first, case_id) == request_text(second, case_id) == "Versie van laptop 1"
    assert local_records(first, "case") == local_records(second, "case")
    assert local_records(second, "case") == server_records(server, "case")
    # the version not chosen is still in the conflict record
    [kept] = _resolved(second)
    assert kept.local_payload["request_text"] == "Versie van laptop 2"
    assert kept.resolution == "server"


def test_keeping_my_version_pushes_it_and_the_other_laptop_receives_it(laptops, server):
    first, second = laptops
    case_id = case_ids(first)[0]
    edit_request(first, case_id, "Versie van laptop 1")
    edit_request(second, case_id, "Versie van laptop 2")
    sync_all(first, second)
    [conflict] = second.sync.conflicts()

    second.sync.resolve(conflict.id, take_server=set())

    assert request_text(second, case_id) == "Versie van laptop 2"
    assert pending(second) == 1  # to be pushed on top of the server's version
    report = second.sync.sync()
    assert report.pushed == 1 and report.new_conflicts == 0
    first.sync.sync()
    assert request_text(first, case_id) == "Versie van laptop 2"
    assert local_records(first, "case") == local_records(second, "case")
    assert local_records(second, "case") == server_records(server, "case")
    assert pending(first) == pending(second) == 0
    [kept] = _resolved(second)
    assert kept.server_payload["request_text"] == "Versie van laptop 1"
    assert kept.resolution == "eigen"


def test_a_per_field_merge_keeps_my_hold_and_takes_their_text(laptops, server):
    first, second = laptops
    case_id = case_ids(first)[0]
    today = second.clock.today()
    edit_request(first, case_id, "Tekst van laptop 1")
    edit_request(second, case_id, "Tekst van laptop 2")
    second.cases.hold(case_id, today, "Cliënt logeert bij haar dochter")
    sync_all(first, second)
    [conflict] = second.sync.conflicts()
    fields = {d.field for d in SyncService.differences(conflict)}
    assert {"request_text", "holds", "on_hold"} <= fields

    second.sync.resolve(conflict.id, take_server={"request_text"})

    view = second.cases.view(case_id)
    assert view.case.request_text == "Tekst van laptop 1" and view.case.is_on_hold
    sync_all(second, first)
    for ctx in (first, second):
        view = ctx.cases.view(case_id)
        assert view.case.request_text == "Tekst van laptop 1"
        assert view.case.current_hold.reason == "Cliënt logeert bij haar dochter"
        # the hold's timeline entry was never in conflict: it reached both laptops
        assert any("Cliënt logeert bij haar dochter" in e.text for e in view.timeline)
    assert local_records(first, "case") == local_records(second, "case")
    assert local_records(second, "case") == server_records(server, "case")
    assert local_records(first, "case_event") == server_records(server, "case_event")
    assert pending(first) == pending(second) == 0
    assert _resolved(second)[0].resolution == "samengevoegd"


def test_a_result_removed_on_one_laptop_and_edited_on_the_other(laptops, server):
    first, second = laptops
    case_id = case_ids(first)[0]
    gone, kept, removed_later = (
        add_result(first, case_id, f"Resultaat {n}") for n in ("een", "twee", "drie")
    )
    sync_all(first, second)
    assert len(second.assessment.results(case_id)) == 3

    # laptop 1 removes two results and edits the third; laptop 2 edits the first two and
    # removes the third
    first.assessment.remove_result(case_id, gone.id)
    first.assessment.remove_result(case_id, kept.id)
    edit_result(first, removed_later, "Resultaat drie, aangepast op laptop 1")
    edit_result(second, gone, "Resultaat een, aangepast op laptop 2")
    edit_result(second, kept, "Resultaat twee, aangepast op laptop 2")
    second.assessment.remove_result(case_id, removed_later.id)
    sync_all(first, second)

    conflicts = {c.record_id: c for c in second.sync.conflicts()}
    assert set(conflicts) == {gone.id, kept.id, removed_later.id}
    assert conflicts[gone.id].server_deleted and not conflicts[gone.id].local_deleted
    assert conflicts[removed_later.id].local_deleted
    assert not conflicts[removed_later.id].server_deleted

    second.sync.resolve(conflicts[gone.id].id)  # the removal stands
    second.sync.resolve(conflicts[kept.id].id, take_server=set())  # my edit comes back
    second.sync.resolve(conflicts[removed_later.id].id, take_server=set())  # my removal stands
    sync_all(second, first)

    for ctx in (first, second):
        assert [r.description for r in ctx.assessment.results(case_id)] == [
            "Resultaat twee, aangepast op laptop 2"
        ]
        assert pending(ctx) == 0 and ctx.sync.conflicts() == []
    assert set(local_records(first, "case_result", deleted=True)) == {gone.id, removed_later.id}
    assert local_records(first, "case_result") == local_records(second, "case_result")
    assert local_records(second, "case_result") == server_records(server, "case_result")
    assert server_records(server, "case_result", deleted=True).keys() == {
        gone.id,
        removed_later.id,
    }


def test_a_team_lead_and_the_consultant_edit_the_same_case(desktops, server):
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    sanne.sync.sync()
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    case_id = case_ids(sanne)[3]
    edit_request(ruud, case_id, "Aangevuld door de teamleider")
    edit_request(sanne, case_id, "Aangevuld door de consulent")
    sync_all(ruud, sanne)

    [conflict] = sanne.sync.conflicts()
    assert conflict.server_payload["request_text"] == "Aangevuld door de teamleider"
    sanne.sync.resolve(conflict.id, take_server=set())
    sync_all(sanne, ruud)
    assert request_text(ruud, case_id) == request_text(sanne, case_id)
    assert request_text(ruud, case_id) == "Aangevuld door de consulent"
    assert local_records(ruud, "case") == local_records(sanne, "case")


def _resolved(ctx):
    from wmo_desk.storage.repositories.sync import SyncRepository

    with ctx.db.session() as session:
        return [c for c in SyncRepository(session).conflicts(open_only=False) if c.resolved_at]


def test_notes_added_to_the_same_case_on_both_laptops_are_no_conflict(laptops, server):
    """Adding a timeline note re-sends the unchanged case; equal versions need no choice."""
    first, second = laptops
    case_id = case_ids(first)[0]
    add_note(first, case_id, "Gebeld met de huisarts")
    add_note(second, case_id, "Brief over de hulpvraag verstuurd")

    sync_all(first, second, first)

    assert second.sync.conflicts() == [] and first.sync.conflicts() == []
    assert pending(first) == pending(second) == 0
    for ctx in (first, second):
        texts = [e.text for e in ctx.cases.view(case_id).timeline]
        assert "Gebeld met de huisarts" in texts and "Brief over de hulpvraag verstuurd" in texts
    assert local_records(first, "case") == local_records(second, "case")
    assert local_records(second, "case") == server_records(server, "case")


@pytest.mark.parametrize("take_server", [None, set(), {"request_text"}])
def test_an_edit_made_while_the_conflict_was_open_is_not_lost(laptops, server, take_server):
    first, second = laptops
    case_id = case_ids(first)[0]
    edit_request(first, case_id, "Versie van laptop 1")
    edit_request(second, case_id, "Versie van laptop 2")
    sync_all(first, second)
    [conflict] = second.sync.conflicts()
    # the consultant goes on working on the case before she settles the conflict
    edit_request(second, case_id, "Versie van laptop 2, later aangevuld")

    second.sync.resolve(conflict.id, take_server=take_server)

    [kept] = _resolved(second)
    versions = {kept.local_payload["request_text"], kept.server_payload["request_text"]}
    if take_server is None or take_server:
        assert request_text(second, case_id) == "Versie van laptop 1"
        # the version not chosen is the newest one of this laptop
        assert "Versie van laptop 2, later aangevuld" in versions
    else:
        assert request_text(second, case_id) == "Versie van laptop 2, later aangevuld"
        assert "Versie van laptop 1" in versions
    sync_all(second, first)
    assert request_text(first, case_id) == request_text(second, case_id)
    assert pending(first) == pending(second) == 0


def _clients_with_bsn(records: dict[str, dict], bsn: str) -> set[str]:
    return {i for i, c in records.items() if c.get("bsn") == bsn}


def _one_client_for(ctx, case_ids_: list[str], bsn: str) -> str:
    """Each case opens with the one client this desktop has for ``bsn``; returns its id."""
    [client_id] = _clients_with_bsn(local_records(ctx, "client"), bsn)
    for case_id in case_ids_:
        view = ctx.cases.view(case_id)
        assert view.client.id == client_id and view.client.bsn == bsn
    return client_id


def test_the_same_resident_registered_on_three_desktops_becomes_one_client(
    laptops, desktops, server
):
    first, second = laptops
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    bsn = demo_bsn(200)
    one = register(first, bsn, surname="Verbeek", text="Gebeld door de dochter")
    other = register(second, bsn, surname="Verbeek", text="Zelf langs geweest aan de balie")
    third = register(ruud, bsn, surname="Verbeek", text="Brief van de huisarts")

    # every desktop sends its client before it has seen the others'; the team lead receives
    # all three, the laptops Sanne's two; whoever sees two withdraws one of them
    for _round in range(4):
        sync_all(first, second, ruud)

    kept = _one_client_for(ruud, [one, other, third], bsn)
    assert _one_client_for(first, [one, other], bsn) == kept
    assert _one_client_for(second, [one, other], bsn) == kept
    assert _clients_with_bsn(server_records(server, "client"), bsn) == {kept}
    assert len(server_records(server, "client", deleted=True)) == 2
    for ctx in (first, second, ruud):
        assert pending(ctx) == 0 and ctx.sync.conflicts() == []
    assert local_records(ruud, "case") == server_records(server, "case")
    assert local_records(first, "case") == local_records(second, "case")
    assert {server_records(server, "case")[c]["client_id"] for c in (one, other, third)} == {kept}


def test_the_same_resident_registered_by_the_team_lead_and_the_consultant(desktops, server):
    sanne = desktops.open("sanne", user="Sanne de Wit")
    desktops.sign_in(sanne, "sanne")
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    bsn = demo_bsn(201)
    hers = register(sanne, bsn, surname="Kuijpers", text="Melding bij de consulent")
    his = register(ruud, bsn, surname="Kuijpers", text="Melding bij de teamleider")

    # the desktop that sees both withdraws one; the other follows on its next syncs
    for _round in range(4):
        sync_all(sanne, ruud)

    kept = _one_client_for(ruud, [hers, his], bsn)
    assert _one_client_for(sanne, [hers], bsn) == kept
    assert _clients_with_bsn(server_records(server, "client"), bsn) == {kept}
    for ctx in (sanne, ruud):
        assert pending(ctx) == 0 and ctx.sync.conflicts() == []
