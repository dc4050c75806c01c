"""Schemathesis against the real server process: no generated request, valid or not, gets a 5xx."""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from sqlalchemy import select

from tests.server.test_sync_api import change
from tests.serverproc import serving
from wmo_desk.server import auth
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.models import AllocationNumber, Approval
from wmo_desk.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import Failure
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

PASSWORD = "correct horse battery"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Each login hashes a password (argon2, ~0.1 s): a fifth of the examples, at least 25, per pass.
SLOW = {"POST /api/v1/login": 5}
# A longer search than CI's budget allows: WMO_DESK_FUZZ_EXAMPLES=500 pytest tests/server/test_fuzz.py
EXAMPLES = os.environ.get("WMO_DESK_FUZZ_EXAMPLES")


@dataclass
class Run:
    """What the generated requests got: how many, and every 5xx or failed check."""

    calls: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    by_operation: dict[str, dict[int, int]] = field(default_factory=dict)


def _users(url: str) -> None:
    db = ServerDatabase.open(url)
    try:
        with db.session_scope() as session:
            for username, role in (("sanne", "consulent"), ("tl", "teamleider")):
                auth.create_user(
                    session,
                    username=username,
                    password=PASSWORD,
                    display_name=username.title(),
                    role=role,
                    municipality_code="0828",
                )
    finally:
        db.close()


# Adjusts a generated positive case of an operation (by label) before it is sent.
Aim = Callable[[object], object]


def _fuzz(base: str, token: str, examples: int, aims: dict[str, Aim] | None = None) -> Run:
    """Per operation ``examples`` positive cases and ``1.25 * examples`` negative ones (fewer for
    SLOW operations), all signed in, hypothesis derandomized: the same requests every run.
    ``aims`` point an operation's positive cases at records the server holds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    signed_in = {"Authorization": f"Bearer {token}"}
    current = {**signed_in, PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    run = Run()
    for result in schema.get_all_operations():
        operation = result.ok()
        slow = SLOW.get(operation.label, 1)
        count = examples if slow == 1 else min(examples, max(25, examples // slow))
        # A generated protocol header is mostly an old version, answered 426 before the body is
        # looked at: most cases send the current one, a quarter of the negative ones their own.
        passes = (
            (GenerationMode.POSITIVE, current, count),
            (GenerationMode.NEGATIVE, current, count),
            (GenerationMode.NEGATIVE, signed_in, max(2, count // 4)),
        )
        aim = (aims or {}).get(operation.label)
        for mode, headers, n in passes:
            _fuzz_operation(run, base, operation, mode, headers, n, aim)
    return run


def _reaching_the_store(case):
    """A generated change is of a random municipality and mostly refused before the database is
    written; valid changes of the user's own, new and outside a case, are stored with their
    generated payload."""
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("changes"), list):
        for change in body["changes"]:
            change.update(municipality_code="0828", base_revision=None, case_id=None)
    return case


def _fuzz_operation(
    run: Run, base: str, operation, mode, headers: dict, examples: int, aim: Aim | None = None
) -> None:
    strategy = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.POSITIVE:
        strategy = strategy.map(_reaching_the_store)
        if aim is not None:
            strategy = strategy.map(aim)

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # every case is counted; none is shrunk
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case) -> None:
        response = case.call(base_url=base, headers=headers, timeout=30)
        run.calls += 1
        run.statuses[response.status_code] = run.statuses.get(response.status_code, 0) + 1
        mine = run.by_operation.setdefault(operation.label, {})
        mine[response.status_code] = mine.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, Failure) as failure:
            run.failures.append(f"{operation.label} ({mode.value}): {failure}")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing to get wrong (health)


def _assert_clean(run: Run, log_text: str) -> None:
    server_errors = {status: n for status, n in run.statuses.items() if status >= 500}
    assert server_errors == {}, "\n\n".join(run.failures[:5])
    assert run.failures == [], "\n\n".join(run.failures[:5])
    assert "Traceback" not in log_text, log_text[-4000:]


def _login(base: str, username: str) -> dict:
    login = httpx.post(
        f"{base}/api/v1/login", json={"username": username, "password": PASSWORD}, timeout=30
    )
    assert login.status_code == 200, login.text
    return login.json()


def _serve_and_fuzz(url: str, tmp_path, examples: int) -> tuple[Run, str]:
    _users(url)
    log = tmp_path / "server.log"
    with serving(url, log) as base:
        run = _fuzz(base, _login(base, "sanne")["token"], examples)
    return run, log.read_text("utf-8", "replace")


APPROVE = "POST /api/v1/decisions/{decision_id}/approve"
NUMBER = "POST /api/v1/allocation-numbers"


def _submitted_decision(base: str, consultant: dict) -> tuple[str, list[str]]:
    """Sanne's client, case and submitted decision with two natura provisions, pushed over HTTP;
    returns the decision id and the provision ids."""
    client_id, case_id, decision_id = (str(uuid.uuid4()) for _ in range(3))
    provisions = [
        change("provision", case_id=case_id, decision_id=decision_id, product_code="07A09",
               delivery_form="natura", provider_id="p1")
        for _ in range(2)
    ]  # fmt: skip
    changes = [
        change(record_id=client_id, surname="Jansen", bsn="999990019"),
        change("case", record_id=case_id, consultant_id=consultant["user"]["id"],
               client_id=client_id),
        change("decision", record_id=decision_id, case_id=case_id, status="ingediend",
               proposed_by=consultant["user"]["id"], kenmerk="", approved_by=None,
               decision_date=None),
        *provisions,
    ]  # fmt: skip
    pushed = httpx.post(
        f"{base}/api/v1/sync/push",
        json={"changes": changes},
        headers={"Authorization": f"Bearer {consultant['token']}"},
        timeout=30,
    )
    assert pushed.status_code == 200, pushed.text
    assert {r["status"] for r in pushed.json()["results"]} == {"applied"}, pushed.text
    return decision_id, [p["record_id"] for p in provisions]


@pytest.mark.timeout(0 if EXAMPLES else 300)  # a safety net, not a time limit
def test_no_generated_request_of_a_team_lead_gets_a_server_error(tmp_path):
    """The same checks with a team lead's token, so approval and new toewijzingnummers get past
    the role check: their positive cases name a submitted decision of Sanne's and its
    provisions, so the server approves it, answers retries and issues new numbers."""
    examples = int(EXAMPLES or 30)
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    _users(url)
    log = tmp_path / "server.log"
    with serving(url, log) as base:
        decision_id, provisions = _submitted_decision(base, _login(base, "sanne"))

        def approve(case):
            case.path_parameters = {**(case.path_parameters or {}), "decision_id": decision_id}
            case.body = {"allocate": provisions}
            return case

        def number(case):
            case.body = {"provision_id": provisions[len(str(case.body)) % len(provisions)]}
            return case

        team_lead = _login(base, "tl")
        run = _fuzz(base, team_lead["token"], examples, {APPROVE: approve, NUMBER: number})
    _assert_clean(run, log.read_text("utf-8", "replace"))
    assert run.calls >= 300, run.statuses
    # past the role check: the decision approved (and retried), new numbers issued
    assert run.by_operation[APPROVE].get(200, 0) >= 2, run.by_operation[APPROVE]
    assert run.by_operation[NUMBER].get(200, 0) >= 1, run.by_operation[NUMBER]
    db = ServerDatabase.open(url)
    try:
        with db.session_scope() as session:
            [approval] = session.scalars(select(Approval)).all()
            issued = session.scalars(select(AllocationNumber)).all()
    finally:
        db.close()
    assert str(approval.decision_id) == decision_id
    assert str(approval.approved_by) == team_lead["user"]["id"]
    # two numbers at approval, one per 200 of a new-number request, all different
    numbers = [i.number for i in issued]
    assert len(numbers) == 2 + run.by_operation[NUMBER][200] == len(set(numbers))
    assert {str(i.provision_id) for i in issued} == set(provisions)


@pytest.mark.timeout(0 if EXAMPLES else 400)  # a safety net, not a time limit
def test_no_generated_request_gets_a_server_error_on_sqlite(tmp_path):
    examples = int(EXAMPLES or 110)
    run, log_text = _serve_and_fuzz(f"sqlite:///{tmp_path / 'server.sqlite'}", tmp_path, examples)
    _assert_clean(run, log_text)
    assert run.calls >= 1000, run.statuses


@pytest.mark.timeout(0 if EXAMPLES else 400)  # a safety net, not a time limit
def test_no_generated_request_gets_a_server_error_on_postgresql(tmp_path, postgres_url):
    examples = int(EXAMPLES or 30)
    run, log_text = _serve_and_fuzz(postgres_url, tmp_path, examples)
    _assert_clean(run, log_text)
    assert run.calls >= 250, run.statuses
