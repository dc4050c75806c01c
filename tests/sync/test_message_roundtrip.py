"""The messages beside the case records travel unchanged too (issue 10's property test): the
colleague (``user``) and withdrawal records the server publishes, the catalogue record, a
signal and its status, an evaluation. Each valid value goes to JSON as one side sends it and
comes back, read by the other side, equal; and the JSON it becomes again is the same bytes.

The case records' own trip (desktop -> wire -> server -> wire -> desktop) is
``tests/sync/test_records.py::test_a_record_travels_to_the_server_and_back_unchanged``."""

from __future__ import annotations

import json
from datetime import UTC, date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sync.test_records import _FIT
from wmo_desk.domain.evaluations import Outcome
from wmo_desk.domain.signals import SignalKind, SignalStatus
from wmo_desk.paths import resources_dir
from wmo_desk.sync.catalogue import CatalogueIn
from wmo_desk.sync.evaluations import EvaluationIn, EvaluationReceipt
from wmo_desk.sync.protocol import UserPayload, WithdrawalPayload
from wmo_desk.sync.signals import SignalIn, SignalReceipt, SignalStatusOut, SignalStatusPage

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

_TEXT = st.text(_FIT, min_size=1, max_size=60).filter(str.strip)
_DATES = st.dates(date(2015, 1, 1), date(2100, 12, 31))
_MOMENTS = st.datetimes(timezones=st.just(UTC))
_PROVIDERS = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._:-]{0,30}\Z")
_CODES = st.from_regex(r"\A[a-z0-9_]{1,20}\Z")


def _travels(model) -> None:
    """``model`` as JSON on the wire, read by the other side: equal, and the same JSON again."""
    wire = model.model_dump_json()
    back = type(model).model_validate_json(wire)
    assert back == model
    assert back.model_dump_json() == wire
    assert json.loads(wire) == model.model_dump(mode="json")


@SETTINGS
@given(
    st.builds(
        UserPayload,
        name=st.text(_FIT, min_size=1, max_size=200),
        role=st.sampled_from(["consulent", "teamleider", "bw-consulent"]),
        active=st.booleans(),
    )
)
def test_a_colleague_record_travels_unchanged(user):
    _travels(user)


@SETTINGS
@given(
    st.builds(
        WithdrawalPayload, case_id=st.uuids(), client_id=st.none() | st.uuids(), user_id=st.uuids()
    )
)
def test_a_withdrawal_record_travels_unchanged(withdrawal):
    _travels(withdrawal)


@st.composite
def _signals(draw) -> SignalIn:
    linked = draw(st.booleans())
    return SignalIn(
        signal_id=draw(st.uuids()),
        provider_id=draw(_PROVIDERS),
        kind=draw(st.sampled_from(SignalKind)),
        what_happened=draw(st.text(_FIT, min_size=1, max_size=400).filter(str.strip)),
        occurred_on=draw(_DATES),
        client_id=draw(st.uuids()) if linked else None,
        consent=linked,
        consent_on=draw(_DATES) if linked else None,
    )


@SETTINGS
@given(_signals(), st.sampled_from(SignalStatus), _MOMENTS, st.integers(0, 2**62))
def test_a_signal_and_its_status_travel_unchanged(signal, status, moment, seq):
    _travels(signal)
    _travels(SignalReceipt(signal_id=signal.signal_id, status=status, received_at=moment))
    out = SignalStatusOut(signal_id=signal.signal_id, status=status, changed_at=moment, seq=seq)
    _travels(out)
    _travels(SignalStatusPage(signals=[out], next_since=seq, more=False))


@st.composite
def _evaluations(draw) -> EvaluationIn:
    outcome = draw(st.sampled_from(Outcome))
    answers = (
        draw(
            st.dictionaries(
                st.from_regex(r"\A[a-z0-9_.]{1,30}\Z"), _CODES | st.booleans(), max_size=15
            )
        )
        if outcome is Outcome.AFGEROND
        else {}
    )
    return EvaluationIn(
        evaluation_id=draw(st.uuids()),
        municipality_code=draw(st.from_regex(r"\A[0-9]{4}\Z")),
        year=draw(st.integers(2015, 2100)),
        outcome=outcome,
        form_id=draw(st.from_regex(r"\A[a-z0-9_-]{1,30}\Z")),
        form_version=draw(st.from_regex(r"\A[0-9]{1,3}(\.[0-9]{1,3}){0,2}\Z")),
        answers=answers,
        product_codes=draw(st.lists(st.from_regex(r"\A[0-9A-Za-z]{1,5}\Z"), max_size=5)),
        provider_ids=draw(st.lists(_PROVIDERS, max_size=5)),
    )


@SETTINGS
@given(_evaluations(), _MOMENTS, st.booleans())
def test_an_evaluation_and_its_receipt_travel_unchanged(evaluation, moment, duplicate):
    _travels(evaluation)
    _travels(
        EvaluationReceipt(
            evaluation_id=evaluation.evaluation_id, received_at=moment, duplicate=duplicate
        )
    )


BUNDLED = sorted((resources_dir() / "catalogues").glob("*.json"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
@settings(max_examples=15, deadline=None, derandomize=True)
@given(notes=st.text(_FIT, max_size=200), version=_TEXT, name=_TEXT)
def test_a_catalogue_record_travels_unchanged(path, notes, version, name):
    """Each catalogue that ships, with generated texts where a region writes its own."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(notes=notes, version=version, region_name=name)
    catalogue = CatalogueIn.model_validate(data)
    _travels(catalogue)


def test_every_bundled_catalogue_is_tried():
    assert len(BUNDLED) >= 2
