"""A final decision travels from the team lead to the consultant with its documents intact;
the server never lets anyone change it, nor accept a document that does not match its SHA-256."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import date

import pytest

from tests.sync_e2e.helpers import case_in, local_records, pending, server_records, server_revisions
from tests.synckit import PASSWORD
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.decisions import DecisionOutcome, DecisionStatus, DeliveryForm, Provision
from wmo_desk.storage.repositories.sync_payloads import wire_id


def api(server, username: str):
    """Push straight to the API as ``username``, as a broken or hostile client would."""
    login = server.http.post("/api/v1/login", json={"username": username, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}

    def push(*changes: dict) -> list[dict]:
        response = server.http.post(
            "/api/v1/sync/push", json={"changes": list(changes)}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()["results"]

    return push


def change(record_type: str, record_id: str, payload: dict, base: int | None, **extra) -> dict:
    return {
        "change_id": str(uuid.uuid4()),
        "record_type": record_type,
        "record_id": record_id,
        "municipality_code": "0828",
        "base_revision": base,
        "payload": payload,
        **extra,
    }


@pytest.fixture
def approved(desktops, server):
    """Sanne proposed a decision, Ruud approved it on his desktop; both synced."""
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    case_id = case_in(sanne, Stage.AANVRAAG)
    catalogue = sanne.catalogues.current()
    product = next(p for p in catalogue.products if p.care_form == "dagbesteding")
    provider = next(p for p in catalogue.providers if product.code in p.product_codes)
    decision = sanne.decisions.propose(
        case_id, DecisionOutcome.TOEGEKEND, "Zie verslag: dagbesteding geeft structuur."
    )
    provision = Provision(
        decision_id=decision.id,
        product_code=product.code,
        result="Structuur in de week",
        start=date(2026, 12, 1),
        end=date(2027, 11, 30),
        delivery_form=DeliveryForm.NATURA,
        volume=2,
        unit="82",
        frequency="4",
        provider_id=provider.id,
    )
    sanne.decisions.submit(sanne.decisions.save(decision, provisions=(provision,)))
    assert sanne.sync.sync().refused == 0

    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    [queued] = ruud.decisions.queue()
    assert queued.id == decision.id
    final = ruud.decisions.approve(queued)
    report = ruud.sync.sync()
    assert report.refused == 0 and report.new_conflicts == 0
    assert pending(ruud) == 0
    report = sanne.sync.sync()
    assert report.refused == 0 and report.new_conflicts == 0
    return sanne, ruud, final


def test_the_consultant_receives_the_final_decision_and_its_documents(approved, server):
    sanne, ruud, final = approved
    [received] = [d for d in sanne.decisions.for_case(final.case_id) if d.id == final.id]
    assert received.status is DecisionStatus.DEFINITIEF
    assert received.kenmerk == final.kenmerk and received.kenmerk.startswith("WMO-0828-2026-")
    assert received.approved_by == ruud.profile.user.id
    assert [p.provider_id for p in received.provisions] == [p.provider_id for p in final.provisions]
    assert sanne.decisions.allocations(final.id) == ruud.decisions.allocations(final.id)

    mine = sanne.decisions.documents(final.id)  # checks every SHA-256, raises on a mismatch
    assert sorted(mine) == sorted(ruud.decisions.documents(final.id))
    assert {kind for kind, _name, _content in mine} >= {"beschikking"}
    stored = local_records(sanne, "decision_document")
    on_server = server_records(server, "decision_document")
    assert stored == {k: v for k, v in on_server.items() if k in stored} and stored
    for payload in stored.values():
        content = base64.b64decode(payload["content"])
        assert hashlib.sha256(content).hexdigest() == payload["sha256"]
    beschikking = next(c for kind, _n, c in mine if kind == "beschikking")
    assert beschikking.startswith(b"%PDF")
    assert pending(sanne) == 0


def test_a_document_that_does_not_match_its_checksum_is_refused(approved, server):
    _sanne, _ruud, final = approved
    document = next(iter(server_records(server, "decision_document").values()))
    push = api(server, "ruud")
    forged = {
        **document,
        "kind": "bijlage",
        "content": base64.b64encode(b"%PDF-1.7 vervalst").decode("ascii"),
    }
    new_id = str(uuid.uuid4())
    [result] = push(change("decision_document", new_id, forged, None, case_id=final.case_id))
    assert (result["status"], result["reason"]) == ("forbidden", "checksum")
    assert new_id not in server_records(server, "decision_document")


def test_a_final_decision_and_its_documents_never_change_on_the_server(approved, server):
    _sanne, _ruud, final = approved
    before = server_revisions(server)
    decision = server_records(server, "decision")[final.id]
    revision = before[("decision", final.id)]
    push = api(server, "ruud")

    changed = {**decision, "motivation": "Achteraf anders gemotiveerd"}
    [result] = push(change("decision", final.id, changed, revision, case_id=final.case_id))
    assert (result["status"], result["reason"]) == ("forbidden", "final")
    [result] = push(change("decision", final.id, {}, revision, case_id=final.case_id, deleted=True))
    assert (result["status"], result["reason"]) == ("forbidden", "final")

    document_id, document = next(iter(server_records(server, "decision_document").items()))
    content = b"%PDF-1.7 een andere beschikking"
    replaced = {
        **document,
        "content": base64.b64encode(content).decode("ascii"),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    doc_revision = before[("decision_document", wire_id(document_id))]
    [result] = push(
        change(
            "decision_document", wire_id(document_id), replaced, doc_revision, case_id=final.case_id
        )
    )
    assert (result["status"], result["reason"]) == ("forbidden", "final")

    # the consultant may not either
    [result] = api(server, "sanne")(
        change("decision", final.id, changed, revision, case_id=final.case_id)
    )
    assert (result["status"], result["reason"]) == ("forbidden", "final")
    assert server_revisions(server) == before
    assert server_records(server, "decision")[final.id] == decision


def test_a_desktop_whose_copy_was_altered_is_told_why_its_change_was_refused(approved, server):
    from sqlalchemy import update

    from wmo_desk.services.sync import SyncService
    from wmo_desk.storage.tables import DecisionRow

    sanne, _ruud, final = approved
    # the service refuses to change a final decision, so only a tool on the database file can
    with sanne.db.session() as session:
        session.execute(
            update(DecisionRow)
            .where(DecisionRow.id == final.id)
            .values(motivation="Met de hand gewijzigd", pending=True)
        )
    report = sanne.sync.sync()
    assert report.refused == 1
    [refusal] = sanne.sync.conflicts()
    assert refusal.kind == "refused" and refusal.reason == "final"
    assert SyncService.refusal_text(refusal) == (
        "Een definitief besluit en zijn documenten worden nooit meer gewijzigd."
    )
    assert refusal.local_payload["motivation"] == "Met de hand gewijzigd"
    assert server_records(server, "decision")[final.id]["motivation"] == final.motivation
    # the desktop shows the final decision as it was approved again
    [shown] = [d for d in sanne.decisions.for_case(final.case_id) if d.id == final.id]
    assert shown.motivation == final.motivation and shown.status is DecisionStatus.DEFINITIEF
    assert (
        local_records(sanne, "decision")[final.id] == server_records(server, "decision")[final.id]
    )
    assert pending(sanne) == 0


def _submitted(ctx, nth: int, volume: int):
    case_id = case_in(ctx, Stage.AANVRAAG, nth)
    catalogue = ctx.catalogues.current()
    product = next(p for p in catalogue.products if p.care_form == "dagbesteding")
    provider = next(p for p in catalogue.providers if product.code in p.product_codes)
    decision = ctx.decisions.propose(case_id, DecisionOutcome.TOEGEKEND, "Zie verslag.")
    provision = Provision(
        decision_id=decision.id, product_code=product.code, result="Structuur",
        start=date(2026, 12, 1), end=date(2027, 11, 30), delivery_form=DeliveryForm.NATURA,
        volume=volume, unit="82", frequency="4", provider_id=provider.id,
    )  # fmt: skip
    return ctx.decisions.submit(ctx.decisions.save(decision, provisions=(provision,)))


def test_decisions_prepared_offline_on_two_laptops_get_different_numbers(
    approved, desktops, server
):
    sanne, ruud, first = approved
    # Sanne's two laptops each prepare a decision offline, then sync
    laptop = desktops.open("sanne-2", demo=True)
    desktops.sign_in(laptop, "sanne")
    laptop.sync.sync()
    _submitted(sanne, 1, 3)
    _submitted(laptop, 2, 4)
    for ctx in (sanne, laptop, sanne, ruud):
        ctx.sync.sync()
    queued = ruud.decisions.queue()
    assert len(queued) == 2
    finals = [ruud.decisions.approve(d) for d in queued]
    ruud.sync.sync()
    kenmerken = {first.kenmerk, *(f.kenmerk for f in finals)}
    assert len(kenmerken) == 3
    numbers = [a.number for d in (first, *finals) for a in ruud.decisions.allocations(d.id)]
    assert len(numbers) == 3 == len(set(numbers))
    # the server issued exactly these, and holds the final decisions as approved
    assert sorted(r["number"] for r in server_records(server, "allocation").values()) == sorted(
        numbers
    )
    for final in finals:
        assert server_records(server, "decision")[final.id]["kenmerk"] == final.kenmerk
    sanne.sync.sync()
    assert {d.kenmerk for c in case_ids_of(finals) for d in sanne.decisions.for_case(c)} >= {
        f.kenmerk for f in finals
    }


def case_ids_of(decisions):
    return {d.case_id for d in decisions}


def test_a_team_lead_not_signed_in_cannot_approve(approved, desktops):
    sanne, ruud, _final = approved
    _submitted(sanne, 1, 3)
    sanne.sync.sync()
    ruud.sync.sync()
    [queued] = ruud.decisions.queue()
    ruud.sign_out()
    from wmo_desk.domain.errors import UserError

    with pytest.raises(UserError) as refused:
        ruud.decisions.approve(queued)
    assert refused.value.title == "Aanmelden nodig"
    assert "Meld u aan" in refused.value.message
    [still] = ruud.decisions.queue()
    assert still.status is DecisionStatus.INGEDIEND and still.kenmerk == ""


def test_a_consultants_desktop_that_makes_a_decision_final_is_refused(approved, server):
    from dataclasses import replace

    from wmo_desk.services.sync import SyncService
    from wmo_desk.storage.repositories.decisions import DecisionRepository

    sanne, _ruud, _final = approved
    submitted = _submitted(sanne, 1, 3)
    sanne.sync.sync()
    # a tampered desktop writes a final decision of its own
    forged = replace(
        submitted, status=DecisionStatus.DEFINITIEF, approved_by=sanne.profile.user.id,
        kenmerk="WMO-0828-2026-999999", decision_date=date(2026, 12, 1),
    )  # fmt: skip
    with sanne.db.session() as session:
        DecisionRepository(session).save(forged)
    report = sanne.sync.sync()
    assert report.refused == 1
    [refusal] = sanne.sync.conflicts()
    assert refusal.reason == "not_approved"
    assert "goedkeuring door een teamleider" in SyncService.refusal_text(refusal)
    assert server_records(server, "decision")[submitted.id]["status"] == "ingediend"
    # the desktop shows the decision as the server holds it: still submitted
    [shown] = [d for d in sanne.decisions.for_case(submitted.case_id) if d.id == submitted.id]
    assert shown.status is DecisionStatus.INGEDIEND
