"""Schemathesis against the real server process: no generated request, valid or not, gets a 5xx."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from tests.serverproc import serving
from wmo_desk.server import auth
from wmo_desk.server.db import ServerDatabase
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


def _fuzz(base: str, token: str, examples: int) -> Run:
    """Per operation ``examples`` positive cases and ``1.25 * examples`` negative ones (fewer for
    SLOW operations), all signed in, hypothesis derandomized: the same requests every run."""
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
        for mode, headers, n in passes:
            _fuzz_operation(run, base, operation, mode, headers, n)
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


def _fuzz_operation(run: Run, base: str, operation, mode, headers: dict, examples: int) -> None:
    strategy = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.POSITIVE:
        strategy = strategy.map(_reaching_the_store)

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


def _serve_and_fuzz(url: str, tmp_path, examples: int) -> tuple[Run, str]:
    _users(url)
    log = tmp_path / "server.log"
    with serving(url, log) as base:
        login = httpx.post(
            f"{base}/api/v1/login", json={"username": "sanne", "password": PASSWORD}, timeout=30
        )
        assert login.status_code == 200, login.text
        run = _fuzz(base, login.json()["token"], examples)
    return run, log.read_text("utf-8", "replace")


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
