"""Who may approve and what becomes final, through the real server process on SQLite and
PostgreSQL, asserting on the rows the server stored: every refusal changes nothing."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import select

from tests.server.test_sync_api import PASSWORD, Api, change
from tests.serverproc import serving
from wmo_desk.server import auth
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.models import AllocationNumber, Approval, Record
from wmo_desk.server.records import publish_catalogue
from wmo_desk.sync.protocol import PROTOCOL_HEADER

USERS = {
    "sanne": ("consulent", "0828"),
    "ahmed": ("consulent", "0828"),
    "tl": ("teamleider", "0828"),
    "tl2": ("teamleider", "0828"),
    "kees": ("consulent", "1721"),
    "bram": ("bw-consulent", "0828"),
}


@pytest.fixture
def live(server_db_url, tmp_path):
    """The real ``wmo-desk-server serve`` with six accounts; yields (api, database)."""
    db = ServerDatabase.open(server_db_url)
    with db.session_scope() as session:
        for name, (role, code) in USERS.items():
            auth.create_user(
                session, username=name, password=PASSWORD, display_name=name.title(),
                role=role, municipality_code=code,
            )  # fmt: skip
    with (
        serving(server_db_url, tmp_path / "server.log") as root,
        httpx.Client(base_url=root, timeout=30) as client,
    ):
        yield Api(SimpleNamespace(state=SimpleNamespace(db=db)), client, USERS), db
    db.close()


def stored(db, record_type):
    """What the server holds of ``record_type``: id -> (revision, payload, deleted)."""
    with db.session_scope() as session:
        rows = session.scalars(select(Record).where(Record.record_type == record_type))
        return {str(r.record_id): (r.revision, json.loads(r.payload), r.deleted) for r in rows}


def snapshot(db):
    with db.session_scope() as session:
        return sorted(
            (r.record_type, str(r.record_id), r.revision, r.payload, r.deleted)
            for r in session.scalars(select(Record))
        )


def _post(api, user, path, body):
    return api.client.post(path, json=body, headers={"Authorization": f"Bearer {api.tokens[user]}"})


def proposal(api, consultant="sanne", provisions=1):
    """A client, a case and a submitted decision with natura provisions, pushed by
    ``consultant``; returns (decision change, provision changes, results)."""
    client_id, case_id, decision_id = (str(uuid.uuid4()) for _ in range(3))
    payload = {"case_id": case_id, "status": "ingediend", "proposed_by": api.ids[consultant],
               "kenmerk": "", "approved_by": None, "decision_date": None}  # fmt: skip
    decision = change("decision", record_id=decision_id, **payload)
    provs = [
        change("provision", case_id=case_id, decision_id=decision_id, product_code="07A09",
               delivery_form="natura", provider_id="p1")
        for _ in range(provisions)
    ]  # fmt: skip
    results = api.push(
        consultant,
        [
            change(record_id=client_id, surname="Jansen", bsn="999990019"),
            change("case", record_id=case_id, consultant_id=api.ids[consultant],
                   client_id=client_id),
            decision,
            *provs,
        ],
    )  # fmt: skip
    assert {r["status"] for r in results} == {"applied"}
    return decision, provs, results


def final_of(decision, grant, base):
    return dict(
        decision, change_id=str(uuid.uuid4()), base_revision=base,
        payload={**decision["payload"], "status": "definitief", "kenmerk": grant["kenmerk"],
                 "approved_by": grant["approved_by"], "decision_date": grant["decision_date"]},
    )  # fmt: skip


def document_for(decision, pdf=b"%PDF-1.4 beschikking"):
    return change(
        "decision_document", case_id=decision["case_id"], decision_id=decision["record_id"],
        kind="beschikking", content=base64.b64encode(pdf).decode(),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )  # fmt: skip


def test_a_consultant_cannot_make_a_decision_final_nor_add_its_documents(live):
    api, db = live
    decision, _provs, results = proposal(api)
    before = snapshot(db)
    forged = {"kenmerk": "WMO-0828-2026-000001", "approved_by": api.ids["sanne"],
              "decision_date": "2026-12-01"}  # fmt: skip
    final = final_of(decision, forged, results[2]["revision"])
    refused = api.push("sanne", [final, document_for(decision)])
    assert [(r["status"], r["reason"]) for r in refused] == [
        ("forbidden", "not_approved"),
        ("forbidden", "not_approved"),
    ]
    # the server's version goes back with the refusal: still submitted
    assert refused[0]["server_payload"]["status"] == "ingediend"
    assert snapshot(db) == before
    [(_rev, payload, _deleted)] = stored(db, "decision").values()
    assert payload["status"] == "ingediend"
    assert stored(db, "decision_document") == {}


def test_a_consultant_or_the_proposer_cannot_approve(live):
    api, db = live
    decision, _provs, _results = proposal(api)
    answer = _post(api, "sanne", f"/api/v1/decisions/{decision['record_id']}/approve", {})
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_teamleider"
    assert "teamleider" in answer.json()["message"]
    # a team lead who proposed it may not approve it: four eyes
    own, _p, _r = proposal_by_teamlead(api)
    before = snapshot(db)
    answer = _post(api, "tl", f"/api/v1/decisions/{own['record_id']}/approve", {})
    assert (answer.status_code, answer.json()["code"]) == (403, "own_proposal")
    assert "eigen voorstel" in answer.json()["message"]
    assert snapshot(db) == before
    # another municipality's consultant or team lead does not even learn it exists
    answer = _post(api, "kees", f"/api/v1/decisions/{decision['record_id']}/approve", {})
    assert answer.status_code in (403, 404)
    with db.session_scope() as session:
        assert session.scalars(select(Approval)).all() == []
        assert session.scalars(select(AllocationNumber)).all() == []


def proposal_by_teamlead(api):
    client_id, case_id, decision_id = (str(uuid.uuid4()) for _ in range(3))
    decision = change(
        "decision", record_id=decision_id, case_id=case_id, status="ingediend",
        proposed_by=api.ids["tl"],
    )  # fmt: skip
    results = api.push(
        "tl",
        [
            change(record_id=client_id, surname="Bakker", bsn="999990020"),
            change("case", record_id=case_id, consultant_id=api.ids["sanne"], client_id=client_id),
            decision,
        ],
    )
    assert {r["status"] for r in results} == {"applied"}
    return decision, [], results


def test_approval_gives_each_decision_its_own_kenmerk_and_numbers(live):
    """Two laptops prepared decisions offline: approval hands out different numbers."""
    api, db = live
    first, first_provs, first_results = proposal(api, "sanne", provisions=2)
    second, second_provs, _second_results = proposal(api, "ahmed", provisions=1)
    grants = [
        api.approve("tl", first["record_id"], [p["record_id"] for p in first_provs]),
        api.approve("tl2", second["record_id"], [p["record_id"] for p in second_provs]),
    ]
    kenmerken = [g["kenmerk"] for g in grants]
    assert len(set(kenmerken)) == 2 and all(k.startswith("WMO-0828-") for k in kenmerken)
    numbers = [n for g in grants for n in g["numbers"].values()]
    assert len(numbers) == 3 == len(set(numbers)) and all(0 < n <= 999_999_999 for n in numbers)
    # a retry by the same team lead gets the same answer, no new numbers
    again = api.approve("tl", first["record_id"], [p["record_id"] for p in first_provs])
    assert again == grants[0]
    with db.session_scope() as session:
        approvals = {str(a.decision_id): a for a in session.scalars(select(Approval))}
        issued = session.scalars(select(AllocationNumber)).all()
    assert approvals[first["record_id"]].approved_by == uuid.UUID(api.ids["tl"])
    assert sorted(a.kenmerk for a in approvals.values()) == sorted(kenmerken)
    assert sorted(i.number for i in issued) == sorted(numbers)

    # the approving team lead's desktop pushes the final decision, its toewijzing and PDF
    base = first_results[2]["revision"]
    number = grants[0]["numbers"][first_provs[0]["record_id"]]
    allocation = change(
        "allocation",
        case_id=first["case_id"],
        provision_id=first_provs[0]["record_id"],
        number=number,
        version=1,
    )
    done = api.push("tl", [final_of(first, grants[0], base), allocation, document_for(first)])
    assert [r["status"] for r in done] == ["applied"] * 3
    [(_rev, payload, _d)] = [
        v for k, v in stored(db, "decision").items() if k == first["record_id"]
    ]
    assert payload["status"] == "definitief" and payload["kenmerk"] == kenmerken[0]

    # another team lead cannot add documents to it; nobody uses a number not issued for it
    before = snapshot(db)
    foreign = api.push("tl2", [document_for(first, b"%PDF-1.4 ander")])[0]
    assert (foreign["status"], foreign["reason"]) == ("forbidden", "not_approver")
    made_up = dict(allocation, change_id=str(uuid.uuid4()), record_id=str(uuid.uuid4()),
                   payload={**allocation["payload"], "number": 424242})  # fmt: skip
    stolen = dict(allocation, change_id=str(uuid.uuid4()), record_id=str(uuid.uuid4()),
                  payload={**allocation["payload"], "provision_id": second_provs[0]["record_id"]})  # fmt: skip
    refused = api.push("tl", [made_up, stolen])
    assert [r["reason"] for r in refused] == ["unknown_number", "unknown_number"]
    # the approved decision's provisions no longer change
    changed = dict(first_provs[1], change_id=str(uuid.uuid4()), base_revision=first_results[4]["revision"],
                   payload={**first_provs[1]["payload"], "provider_id": "p2"})  # fmt: skip
    assert api.push("sanne", [changed])[0]["reason"] == "final"
    assert snapshot(db) == before


def test_a_case_cannot_be_linked_to_a_colleagues_or_another_municipalitys_client(live):
    api, db = live
    colleague = change(surname="Pietersen", bsn="999990032")
    api.push("ahmed", [colleague, change("case", consultant_id=api.ids["ahmed"],
                                          client_id=colleague["record_id"])])  # fmt: skip
    elsewhere = change(code="1721", surname="Bakker", bsn="999990044")
    api.push("kees", [elsewhere, change("case", code="1721", consultant_id=api.ids["kees"],
                                         client_id=elsewhere["record_id"])])  # fmt: skip
    before = snapshot(db)
    mine = change("case", consultant_id=api.ids["sanne"], client_id=colleague["record_id"])
    other = change("case", consultant_id=api.ids["sanne"], client_id=elsewhere["record_id"])
    refused = api.push("sanne", [mine, other])
    assert [(r["status"], r["reason"]) for r in refused] == [("forbidden", "unknown_client")] * 2
    # Kees re-points his case at an Oss client: refused, and the Oss client keeps its revision
    kees_case = change("case", code="1721", consultant_id=api.ids["kees"],
                       client_id=colleague["record_id"])  # fmt: skip
    assert api.push("kees", [kees_case])[0]["status"] == "forbidden"
    assert snapshot(db) == before
    pulled = json.dumps(api.pull_all("sanne"))
    assert "Pietersen" not in pulled and "999990032" not in pulled and "Bakker" not in pulled


def test_an_existing_case_cannot_be_moved_to_another_municipalitys_client(live):
    """Kees's case is stored; he pushes it again on its revision, now pointing at an Oss
    client: refused, and nothing (the Oss client's revision included) changes."""
    api, db = live
    oss = change(surname="Pietersen", bsn="999990032")
    api.push("sanne", [oss, change("case", consultant_id=api.ids["sanne"],
                                    client_id=oss["record_id"])])  # fmt: skip
    own = change(code="1721", surname="Bakker", bsn="999990044")
    kees_case = change("case", code="1721", consultant_id=api.ids["kees"],
                       client_id=own["record_id"])  # fmt: skip
    pushed = api.push("kees", [own, kees_case])
    assert [r["status"] for r in pushed] == ["applied", "applied"]
    before = snapshot(db)
    oss_client_before = stored(db, "client")[oss["record_id"]]
    moved = dict(
        kees_case, change_id=str(uuid.uuid4()), base_revision=pushed[1]["revision"],
        payload={**kees_case["payload"], "client_id": oss["record_id"]},
    )  # fmt: skip
    [refused] = api.push("kees", [moved])
    assert (refused["status"], refused["reason"]) == ("forbidden", "unknown_client")
    assert snapshot(db) == before
    assert stored(db, "client")[oss["record_id"]] == oss_client_before
    assert stored(db, "case")[kees_case["record_id"]][1]["client_id"] == own["record_id"]
    pulled = json.dumps(api.pull_all("kees"))
    assert "Pietersen" not in pulled and "999990032" not in pulled


def test_an_existing_case_cannot_be_moved_to_a_colleagues_client(live):
    """The same within one municipality: Sanne's stored case, re-pointed at Ahmed's client."""
    api, db = live
    theirs = change(surname="Pietersen", bsn="999990032")
    api.push("ahmed", [theirs, change("case", consultant_id=api.ids["ahmed"],
                                       client_id=theirs["record_id"])])  # fmt: skip
    mine = change(surname="Jansen", bsn="999990019")
    sanne_case = change("case", consultant_id=api.ids["sanne"], client_id=mine["record_id"])
    pushed = api.push("sanne", [mine, sanne_case])
    assert [r["status"] for r in pushed] == ["applied", "applied"]
    before = snapshot(db)
    moved = dict(
        sanne_case, change_id=str(uuid.uuid4()), base_revision=pushed[1]["revision"],
        payload={**sanne_case["payload"], "client_id": theirs["record_id"]},
    )  # fmt: skip
    [refused] = api.push("sanne", [moved])
    assert (refused["status"], refused["reason"]) == ("forbidden", "unknown_client")
    assert snapshot(db) == before
    pulled = json.dumps(api.pull_all("sanne"))
    assert "Pietersen" not in pulled and "999990032" not in pulled


def test_an_older_desktop_is_told_in_dutch_to_update(live):
    api, _db = live
    answer = api.client.get(
        "/api/v1/sync/pull",
        headers={"Authorization": f"Bearer {api.tokens['sanne']}", PROTOCOL_HEADER: "1"},
    )
    assert answer.status_code == 426
    assert answer.json()["code"] == "protocol_outdated"
    assert "Werk wmo_desk bij" in answer.json()["message"]


def test_bw_capacity_reaches_bw_consultants_only(live):
    """Published from the region's own copy; a plain consultant's pull carries none of it."""
    api, db = live
    region_copy = Path(__file__).resolve().parents[1] / "fixtures" / "bno-o-with-capacity.json"
    with db.session_scope() as session:
        publish_catalogue(session, json.loads(region_copy.read_text(encoding="utf-8")))

    def capacity(user):
        [record] = [r for r in api.pull_all(user) if r["record_type"] == "catalogue"]
        return [
            (loc["bw_places"], loc["bw_clients"])
            for p in record["payload"]["providers"]
            for loc in p["locations"]
            if "bw_places" in loc or "bw_clients" in loc
        ]

    assert len(capacity("bram")) > 10
    for user in ("sanne", "tl"):
        assert capacity(user) == []
    # the server still holds it, for the BW consultants
    stored_payload = next(iter(stored(db, "catalogue").values()))[1]
    assert any("bw_places" in loc for p in stored_payload["providers"] for loc in p["locations"])
