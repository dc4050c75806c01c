"""The sync engine's decisions for a pull, without a database: the plan it returns for local
edits, twin clients, tombstones and withdrawals of reassigned cases."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from wmo_desk.sync.apply import apply_records, plan_records, plan_withdrawals
from wmo_desk.sync.engine import Answer, answer_to, goes_back, still_as_sent, withdrawn_bsn
from wmo_desk.sync.port import CaseHolding, Held, NewConflict, Plan, Pulled, ServerVersion

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
SANNE = "a1000000-0000-4000-8000-000000000000"
A, B, C = (f"{n}0000000-0000-4000-8000-000000000000" for n in "abc")
CASE, OTHER_CASE, EVENT = (f"c{n}000000-0000-4000-8000-000000000000" for n in "123")


def _client(client_id: str, bsn: str, surname: str = "Jansen") -> dict:
    return {"id": client_id, "bsn": bsn, "surname": surname,
            "created_at": "2026-11-01T09:00:00+00:00", "modified_at": "2026-11-20T10:00:00+00:00"}  # fmt: skip


def _case(case_id: str, client_id: str, request: str = "Hulp bij douchen") -> dict:
    return {"id": case_id, "client_id": client_id, "consultant_id": SANNE, "request_text": request,
            "created_at": "2026-11-01T09:00:00+00:00", "modified_at": "2026-11-20T10:00:00+00:00"}  # fmt: skip


def _pulled(record_type: str, payload: dict, revision: int, deleted: bool = False) -> Pulled:
    """A record as the server sends it (the id beside the payload, not in it)."""
    wire = {k: v for k, v in payload.items() if k != "id"}
    return Pulled(record_type, payload["id"], revision, deleted, "0828", {} if deleted else wire)


def _edited(payload: dict, revision: int | None, **values) -> Held:
    """A row with local changes the server has not seen."""
    local = {k: v for k, v in {**payload, **values}.items() if k != "id"}
    return Held(payload["id"], revision, True, False, payload.get("bsn"), local)


def _synced(record_id: str, revision: int | None, bsn: str | None = None) -> Held:
    return Held(record_id, revision, False, False, bsn)


def _written(plan: Plan, record_type: str, record_id: str) -> dict:
    write = plan.writes[record_type][record_id]
    return {"new": write.new, **write.payload, "deleted": write.deleted,
            "pending": write.pending, "server_revision": write.server_revision}  # fmt: skip


# --- local edits ---------------------------------------------------------------------------


def test_a_local_edit_and_a_newer_server_version_become_a_conflict_with_both():
    mine = _edited(_case(CASE, A), 3, request_text="Mijn versie")
    theirs = _pulled("case", _case(CASE, A, "Hun versie"), 5)

    plan = plan_records("case", [theirs], {CASE: mine}, now=NOW)

    [conflict] = plan.conflicts
    assert (conflict.kind, conflict.record_id, conflict.case_id) == ("conflict", CASE, CASE)
    assert conflict.local["request_text"] == "Mijn versie"
    assert conflict.server["request_text"] == "Hun versie"
    assert conflict.server_revision == 5
    # the local version stays and is no longer pushed until the user chose
    assert plan.writes == {}
    assert plan.dropped_changes == [CASE]
    assert plan.applied == 0


def test_a_local_edit_the_server_holds_already_is_no_conflict():
    payload = _case(CASE, A)
    mine = _edited(payload, 3, modified_at="2026-11-21T08:00:00+00:00")  # only the time differs

    plan = plan_records("case", [_pulled("case", payload, 5)], {CASE: mine}, now=NOW)

    assert plan.conflicts == []
    written = _written(plan, "case", CASE)
    assert (written["server_revision"], written["pending"]) == (5, False)
    assert written["modified_at"] == payload["modified_at"]  # the server's version, times and all


def test_an_open_conflict_gets_the_newer_server_version_instead_of_a_second_conflict():
    mine = _edited(_case(CASE, A), 3, request_text="Mijn versie")
    theirs = _pulled("case", _case(CASE, A, "Nog een versie"), 7)

    plan = plan_records("case", [theirs], {CASE: mine}, now=NOW, open_conflicts={CASE})

    assert plan.conflicts == []
    [version] = plan.server_versions
    assert version == ServerVersion(CASE, theirs.payload, False, 7)


def test_a_conflict_of_a_provision_is_found_from_its_decision_by_storage():
    provision = {"id": EVENT, "decision_id": B, "amount": 100}
    mine = _edited(provision, 1, amount=200)

    plan = plan_records("provision", [_pulled("provision", provision, 2)], {EVENT: mine}, now=NOW)

    [conflict] = plan.conflicts
    assert conflict.case_id is None and conflict.case_from["decision_id"] == B


# --- plain records -------------------------------------------------------------------------


def test_new_newer_known_and_removed_records():
    held = {
        B: _synced(B, 1, "222333444"),
        C: _synced(C, 4, "333444555"),
        "d0000000-0000-4000-8000-000000000000": _synced("d0000000-0000-4000-8000-000000000000", 2),
    }
    pulled = [
        _pulled("client", _client(A, "123456782"), 10),  # new
        _pulled("client", _client(B, "222333444", "de Vries-Smit"), 11),  # newer
        _pulled("client", _client(C, "333444555"), 4),  # the revision held already
        _pulled("client", {"id": "d0000000-0000-4000-8000-000000000000"}, 12, deleted=True),
    ]

    plan = plan_records("client", pulled, held, now=NOW)

    assert _written(plan, "client", A)["new"] and _written(plan, "client", A)["bsn"] == "123456782"
    assert _written(plan, "client", B)["surname"] == "de Vries-Smit"
    assert C not in plan.writes["client"]
    tombstone = _written(plan, "client", "d0000000-0000-4000-8000-000000000000")
    assert (tombstone["deleted"], tombstone["server_revision"], tombstone["pending"]) == (
        True,
        12,
        False,
    )
    assert plan.applied == 3


def test_a_damaged_decision_document_is_refused():
    content = base64.b64encode(b"%PDF besluit").decode()
    document = {"id": "x", "decision_id": B, "content": content, "sha256": "0" * 64}

    plan = plan_records("decision_document", [_pulled("decision_document", document, 3)], {},
                        now=NOW)  # fmt: skip

    [refused] = plan.conflicts
    assert (refused.kind, refused.reason, refused.case_from["decision_id"]) == (
        "refused",
        "checksum",
        B,
    )
    assert "content" not in refused.server
    assert plan.writes == {} and plan.applied == 0
    intact = {**document, "sha256": hashlib.sha256(b"%PDF besluit").hexdigest()}
    assert plan_records("decision_document", [_pulled("decision_document", intact, 3)], {},
                        now=NOW).applied == 1  # fmt: skip


def test_a_new_case_brings_its_unknown_consultant_and_a_conversation_its_form_version():
    case = plan_records("case", [_pulled("case", _case(CASE, A), 3)], {}, now=NOW)
    snapshot = {"definition": {"id": "melding"}, "sha256": "abc"}
    conversation = {"id": EVENT, "case_id": CASE, "form_id": "melding", "form_version": "2",
                    "_form_snapshot": snapshot}  # fmt: skip
    talk = plan_records("conversation", [_pulled("conversation", conversation, 4)], {}, now=NOW)

    assert case.users == {SANNE: "0828"}
    assert talk.form_snapshots == {("melding", "2"): snapshot}
    assert "_form_snapshot" not in talk.writes["conversation"][EVENT].payload


# --- twin clients --------------------------------------------------------------------------


def test_a_local_twin_with_the_larger_id_gives_way_to_the_pulled_client():
    local_twin = "f9000000-0000-4000-8000-000000000001"
    held = {local_twin: _edited(_client(local_twin, "123456782"), None)}

    plan = plan_records(
        "client", [_pulled("client", _client(A, "123456782"), 10)], held,
        now=NOW, owners={"123456782": local_twin},
    )  # fmt: skip

    assert _written(plan, "client", A)["bsn"] == "123456782"
    twin = _written(plan, "client", local_twin)
    assert twin["bsn"] == withdrawn_bsn(A, local_twin)
    # never on the server: nothing to withdraw there
    assert (twin["new"], twin["deleted"], twin["pending"]) == (False, True, False)
    assert twin["modified_at"] == NOW.isoformat()
    assert plan.moved_cases == [(local_twin, A)]
    assert plan.dropped_changes == [local_twin]
    assert plan.applied == 1


def test_a_pulled_client_with_the_larger_id_gives_way_to_the_local_one():
    kept_local = "10000000-0000-4000-8000-000000000001"
    held = {kept_local: _edited(_client(kept_local, "111222333"), None)}

    plan = plan_records(
        "client", [_pulled("client", _client(C, "111222333"), 11)], held,
        now=NOW, owners={"111222333": kept_local},
    )  # fmt: skip

    pulled = _written(plan, "client", C)
    # stored as withdrawn, and the server is told so
    assert (pulled["new"], pulled["bsn"], pulled["deleted"], pulled["pending"]) == (
        True,
        withdrawn_bsn(kept_local, C),
        True,
        True,
    )
    assert kept_local not in plan.writes["client"]
    assert plan.moved_cases == [(C, kept_local)]
    assert plan.applied == 0


def test_twins_within_one_pull_keep_the_smaller_id():
    pulled = [_pulled("client", _client(C, "333444555"), 13),
              _pulled("client", _client(B, "333444555"), 14)]  # fmt: skip

    plan = plan_records("client", pulled, {}, now=NOW)

    # B came second but has the smaller id: C, written just before, gives way
    assert _written(plan, "client", B)["bsn"] == "333444555"
    assert _written(plan, "client", C)["bsn"] == withdrawn_bsn(B, C)
    assert _written(plan, "client", C)["new"] and _written(plan, "client", C)["deleted"]
    assert plan.moved_cases == [(C, B)]


def test_a_third_twin_gives_way_to_the_client_kept_too():
    kept_local = "10000000-0000-4000-8000-000000000001"
    held = {kept_local: _synced(kept_local, 2, "111222333")}
    pulled = [_pulled("client", _client(B, "111222333"), 11),
              _pulled("client", _client(C, "111222333"), 12)]  # fmt: skip

    plan = plan_records("client", pulled, held, now=NOW, owners={"111222333": kept_local})

    assert _written(plan, "client", B)["bsn"] == withdrawn_bsn(kept_local, B)
    assert _written(plan, "client", C)["bsn"] == withdrawn_bsn(kept_local, C)
    assert plan.moved_cases == [(B, kept_local), (C, kept_local)]


def test_a_twin_this_desktop_withdrew_keeps_its_tombstone_over_a_newer_version():
    twin = Held(C, 4, False, True, withdrawn_bsn(A, C))

    plan = plan_records("client", [_pulled("client", _client(C, "123456782"), 9)], {C: twin},
                        now=NOW)  # fmt: skip

    assert _written(plan, "client", C) == {
        "new": False, "deleted": None, "pending": True, "server_revision": 9,
    }  # fmt: skip
    assert plan.applied == 0


def test_a_pulled_case_of_a_withdrawn_twin_goes_to_the_client_kept_and_back_to_the_server():
    plan = plan_records("case", [_pulled("case", _case(CASE, C), 17)], {}, now=NOW,
                        kept_of={C: A})  # fmt: skip

    written = _written(plan, "case", CASE)
    assert (written["client_id"], written["pending"], written["server_revision"]) == (A, True, 17)


# --- withdrawals ---------------------------------------------------------------------------


def _withdrawal(case_id: str, revision: int, user_id: str = SANNE) -> Pulled:
    payload = {"case_id": case_id, "user_id": user_id}
    return Pulled("withdrawal", f"w-{case_id}-{revision}", revision, False, "0828", payload)


def _holding(case_revision: int = 5, others: Iterable[str] = ()) -> CaseHolding:
    event = _edited({"id": EVENT, "case_id": CASE, "text": "Gebeld"}, None)
    return CaseHolding(
        case=_synced(CASE, case_revision), records=[("case_event", event)],
        client=_synced(A, 2, "123456782"), other_cases_of_client=frozenset(others),
    )  # fmt: skip


def test_a_withdrawn_case_keeps_a_local_edit_as_a_refused_change():
    plan = plan_withdrawals([_withdrawal(CASE, 8)], SANNE, {CASE: _holding()})

    assert plan.conflicts == [
        NewConflict("refused", "not_yours", "case_event", EVENT, {"case_id": CASE, "text": "Gebeld"},
                    False, None, False, None, case_id=CASE)
    ]  # fmt: skip
    for record_type, record_id in (("case", CASE), ("case_event", EVENT), ("client", A)):
        assert _written(plan, record_type, record_id) == {
            "new": False, "deleted": True, "pending": False, "server_revision": None,
        }  # fmt: skip
    assert sorted(plan.dropped_changes) == sorted([CASE, EVENT, A])
    assert plan.applied == 1


def test_a_client_another_case_needs_stays():
    plan = plan_withdrawals([_withdrawal(CASE, 8)], SANNE, {CASE: _holding(others=[OTHER_CASE])})

    assert "client" not in plan.writes


def test_the_client_goes_with_the_last_of_its_cases_withdrawn_in_one_pull():
    other = CaseHolding(_synced(OTHER_CASE, 5), [], _synced(A, 2, "123456782"),
                        frozenset({CASE}))  # fmt: skip
    cases = {CASE: _holding(others=[OTHER_CASE]), OTHER_CASE: other}

    plan = plan_withdrawals([_withdrawal(CASE, 8), _withdrawal(OTHER_CASE, 9)], SANNE, cases)

    assert A in plan.writes["client"] and plan.applied == 2


def test_a_withdrawal_for_a_colleague_or_of_a_case_given_back_since_changes_nothing():
    colleague = plan_withdrawals([_withdrawal(CASE, 8, user_id=B)], SANNE, {CASE: _holding()})
    given_back = plan_withdrawals([_withdrawal(CASE, 8)], SANNE, {CASE: _holding(case_revision=9)})
    unknown = plan_withdrawals([_withdrawal(CASE, 8)], SANNE, {})

    for plan in (colleague, given_back, unknown):
        assert (plan.writes, plan.conflicts, plan.applied) == ({}, [], 0)


# --- through the port ----------------------------------------------------------------------


class _Store:
    """A PullStore over dicts that counts its reads (the engine reads per batch)."""

    def __init__(self, rows: dict[str, Held]) -> None:
        self.rows = rows
        self.reads: list[str] = []
        self.plans: list[Plan] = []

    def held(self, record_type: str, ids: Iterable[str]) -> dict[str, Held]:
        self.reads.append("held")
        return {i: self.rows[i] for i in ids if i in self.rows}

    def clients_by_bsn(self, bsns: Iterable[str]) -> dict[str, str]:
        self.reads.append("clients_by_bsn")
        wanted = set(bsns)
        return {row.bsn: row.record_id for row in self.rows.values() if row.bsn in wanted}

    def withdrawn_twins(self) -> dict[str, str]:
        self.reads.append("withdrawn_twins")
        return {}

    def open_conflicts(self, ids: Iterable[str]) -> set[str]:
        self.reads.append("open_conflicts")
        return set()

    def cases(self, case_ids: Iterable[str]) -> dict[str, CaseHolding]:
        return {}

    def carry_out(self, plan: Plan) -> None:
        self.plans.append(plan)


def test_a_batch_of_clients_is_read_with_a_few_calls_and_written_as_one_plan():
    local_twin = "f9000000-0000-4000-8000-000000000001"
    store = _Store({local_twin: _synced(local_twin, 3, "123456782")})
    pulled = [_pulled("client", _client(f"{n:08x}-0000-4000-8000-000000000000", f"{n:09d}"), n)
              for n in range(1, 200)]  # fmt: skip
    pulled.append(_pulled("client", _client(A, "123456782"), 300))

    applied = apply_records(store, "client", pulled, NOW)

    assert applied == 200
    # the pulled ids, the BSNs, the twin found by BSN
    assert store.reads == ["held", "clients_by_bsn", "held"]
    [plan] = store.plans
    assert plan.writes["client"][local_twin].pending  # known to the server: withdrawn there too


# --- a pushed change answered with another version -----------------------------------------


def test_the_answer_to_a_pushed_change_the_server_holds_otherwise():
    sent = {"request_text": "Mijn versie", "modified_at": "2026-11-20T10:00:00+00:00"}
    same = {**sent, "modified_at": "2026-11-21T08:00:00+00:00"}  # only the time differs
    other = {**sent, "request_text": "Hun versie"}
    edited = {**sent, "request_text": "Nog verder bewerkt"}

    assert answer_to(sent, False, sent, False, None, False, None) is Answer.SEND_AS_NEW
    assert answer_to(sent, False, sent, False, same, False, 4) is Answer.ADOPT
    assert answer_to(sent, False, edited, False, same, False, 4) is Answer.REBASE
    assert answer_to(sent, False, sent, False, other, False, 4) is Answer.CONFLICT
    assert answer_to(sent, False, sent, False, other, True, 4) is Answer.CONFLICT
    assert (
        answer_to({}, True, {}, True, other, False, 4, withdrawn_twin=True)
        is Answer.TOMBSTONE_ON_TOP
    )


def test_a_row_is_done_when_still_as_sent_and_goes_back_when_read_otherwise():
    sent = {"request_text": "Mijn versie"}
    assert still_as_sent(sent, False, sent, False) and still_as_sent({}, True, {}, True)
    assert not still_as_sent({"request_text": "Later"}, False, sent, False)
    assert not still_as_sent(sent, True, sent, False)
    assert goes_back({"client_id": A}, {"client_id": C})
    assert not goes_back({"client_id": A}, {"client_id": A, "_local_id": "x"})
