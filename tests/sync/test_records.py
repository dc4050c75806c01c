"""The typed sync records: every payload a real desktop pushes passes and comes back unchanged;
a wrong BSN, postcode, period, length, character, code, field or checksum is refused in Dutch."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, String, select

from tests.conftest import TODAY
from tests.fakes import FakeClock, FixedKeys
from tests.services.test_verslag import fill_required
from tests.sync_e2e.helpers import add_result, add_zrm
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Channel, CloseReason, EventKind, Reporter, Stage
from wmo_desk.domain.clients import Sex
from wmo_desk.domain.codes import CHANGE_REASONS, FREQUENCIES, PRODUCT_CATEGORIES, UNITS
from wmo_desk.domain.deadlines import DeadlineKind
from wmo_desk.domain.decisions import (
    DecisionOutcome,
    DecisionStatus,
    DeliveryForm,
    Provision,
)
from wmo_desk.domain.evaluations import Outcome as CallOutcome
from wmo_desk.domain.users import Role
from wmo_desk.domain.zrm import ZRM_DOMAINS
from wmo_desk.storage.repositories.sync import SyncRepository
from wmo_desk.storage.repositories.sync_payloads import (
    LOCAL_ONLY,
    RECORD_TYPES,
    payload_of,
    withdrawn_bsn,
)
from wmo_desk.storage.tables import SyncOutboxRow
from wmo_desk.storage.types import UtcDateTime
from wmo_desk.sync.engine import LOCAL_ID_KEY
from wmo_desk.sync.records import RECORDS, RecordError, RecordProblem, dump, parse, validate

BOOKKEEPING = {"id", "pending", "deleted", "server_revision"}


def _as(ctx, role: Role):
    user = next(u for u in ctx.profiles.users() if u.role is role)
    ctx.activate(replace(ctx.profile, user=user))
    return user


def _case(ctx, stage: Stage, nth: int = 0) -> str:
    return ctx.caseload.summaries(CaseloadFilter("0828", stage=stage))[nth].case_id


@pytest.fixture(scope="module")
def desktop(tmp_path_factory):
    """The demo profile, and in it one of every record: a conversation, a ZRM, a result, a
    provider chosen, a final decision (natura and pgb) with its documents and toewijzingen."""
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.demo import fill_demo

    ctx = AppContext.open(
        tmp_path_factory.mktemp("records") / "profile", FakeClock(TODAY), keys=FixedKeys()
    )
    fill_demo(ctx)
    case_id = _case(ctx, Stage.ONDERZOEK)
    conversation, form = ctx.conversation.start(case_id)
    answers = fill_required(form, {})
    ctx.conversation.save_answers(conversation.id, answers, "")
    assert ctx.conversation.complete(conversation.id, form, answers) == []
    add_zrm(ctx, case_id)
    add_result(ctx, case_id, "Drie dagen per week dagbesteding")
    ranked = ctx.suggestions.suggestions(case_id, "dagbesteding").ranked
    ctx.suggestions.choose(case_id, "dagbesteding", "", ranked[0], "")
    ctx.conversation.record_signed(case_id, conversation.id, TODAY)

    catalogue = ctx.catalogues.current()
    product = next(p for p in catalogue.products if p.care_form == "dagbesteding")
    provider = next(p for p in catalogue.providers if product.code in p.product_codes)
    decision = ctx.decisions.propose(
        case_id, DecisionOutcome.TOEGEKEND, "Zie verslag: dagbesteding geeft structuur."
    )
    natura = Provision(
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
    pgb = replace(
        natura,
        id=natura.id[::-1],
        delivery_form=DeliveryForm.PGB,
        provider_id=None,
        pgb_cents=min(1000, product.tariff_cents or 1000),
        end=None,
    )
    ctx.decisions.submit(ctx.decisions.save(decision, provisions=(natura, pgb)))
    _as(ctx, Role.TEAMLEIDER)
    final = ctx.decisions.approve(ctx.decisions.queue()[0])
    [allocation] = ctx.decisions.allocations(final.id)
    ctx.decisions.change_period_or_volume(final, allocation, date(2027, 6, 30), 3)
    _as(ctx, Role.CONSULENT)
    yield ctx
    ctx.close()


def _rows(ctx) -> dict[str, list[dict]]:
    with ctx.db.session() as session:
        return {
            record_type: [payload_of(row) for row in session.scalars(select(model))]
            for record_type, model in RECORD_TYPES.items()
        }


@pytest.fixture(scope="module")
def payloads(desktop) -> dict[str, list[dict]]:
    """Every row of every record type, as payload_of gives it."""
    found = _rows(desktop)
    assert all(found.values()), {t: len(p) for t, p in found.items()}
    return found


@pytest.fixture(scope="module")
def outbox(desktop) -> list[tuple[str, dict]]:
    """What the desktop pushes: the prepared changes, travel keys and all."""
    with desktop.db.session() as session:
        SyncRepository(session).prepare_outbox()
        changes = [
            (c.record_type, c.payload)
            for c in session.scalars(select(SyncOutboxRow))
            if not c.deleted
        ]
        session.rollback()
    return changes


def test_the_records_are_the_desktops_record_types():
    from wmo_desk.services.sync import RECORD_LABELS

    assert list(RECORDS) == list(RECORD_TYPES)
    # a conflict or refusal names what it is about in Dutch, for every record type
    assert set(RECORD_LABELS) == set(RECORD_TYPES)


def test_every_payload_of_the_demo_desktop_is_valid_and_comes_back_unchanged(payloads):
    for record_type, found in payloads.items():
        for payload in found:
            assert validate(record_type, payload) is None, (record_type, payload)
            assert dump(parse(record_type, payload)) == payload


def test_every_prepared_change_is_valid_and_comes_back_unchanged(outbox):
    kinds = {record_type for record_type, _ in outbox}
    assert kinds == set(RECORD_TYPES)
    travelled = {key for _, payload in outbox for key in payload if key.startswith("_")}
    assert travelled == {"_form_snapshot", "_local_id"}
    for record_type, payload in outbox:
        assert validate(record_type, payload) is None, (record_type, payload)
        again = json.loads(json.dumps(dump(parse(record_type, payload))))
        assert again == payload


def test_a_withdrawn_twin_keeps_its_mark_in_place_of_the_bsn(payloads):
    payload = dict(payloads["client"][0])
    payload["bsn"] = withdrawn_bsn(
        "0b6f0f52-8a49-4c1e-9a3e-5f0c2d1e7a31", "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"
    )
    assert validate("client", payload) is None
    assert dump(parse("client", payload)) == payload
    payload["bsn"] = "=niet-een-id/ook-niet"
    assert validate("client", payload).field == "bsn"


# --- refusals, in Dutch ------------------------------------------------------------------


def _with(payloads, record_type: str, **changes) -> dict:
    return {**payloads[record_type][0], **changes}


def test_a_bsn_failing_the_elfproef_is_refused(payloads):
    assert validate("client", _with(payloads, "client", bsn="123456789")) == RecordProblem(
        "bsn", "BSN: dit is geen geldig BSN (de elfproef klopt niet). Controleer de cijfers."
    )


def test_a_bsn_not_in_its_stored_form_is_refused(payloads):
    problem = validate("client", _with(payloads, "client", bsn="1112.22.333"))
    assert problem is not None and problem.field == "bsn"


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("5341 G", "Postcode: een postcode is vier cijfers en twee letters, bijvoorbeeld 5341 AB."),
        ("0341GE", "Postcode: een postcode begint niet met 0."),
        ("5341SS", "Postcode: de lettercombinatie SS komt in postcodes niet voor."),
        ("5341ge", "Postcode: vier cijfers en twee hoofdletters, zonder spatie (1234AB)."),
    ],
)
def test_a_bad_postcode_is_refused(payloads, postcode, message):
    assert validate("client", _with(payloads, "client", postcode=postcode)) == RecordProblem(
        "postcode", message
    )


@pytest.mark.parametrize("record_type", ["provision", "allocation"])
def test_an_end_before_the_start_is_refused(payloads, record_type):
    payload = _with(payloads, record_type, start="2027-01-02", end="2027-01-01")
    assert validate(record_type, payload) == RecordProblem(
        "end", "Einddatum: de einddatum ligt vóór de ingangsdatum."
    )
    assert validate(record_type, {**payload, "end": "2027-01-02"}) is None


def test_a_hold_ending_before_it_started_is_refused(payloads):
    hold = {"start": "2026-11-10", "end": "2026-11-09", "reason": "Ziekenhuis"}
    payload = _with(payloads, "case", holds=[hold])
    assert validate("case", payload) == RecordProblem(
        "holds[0].end", "Opschortingen: de einddatum ligt vóór de ingangsdatum."
    )


def test_an_agreed_omvang_without_its_unit_or_period_is_refused(payloads):
    payload = _with(payloads, "case_result", volume=3, unit="", frequency="2")
    assert validate("case_result", payload) == RecordProblem(
        "unit", "Eenheid: kies de eenheid van de omvang."
    )
    payload = {**payload, "unit": "04", "frequency": ""}
    assert validate("case_result", payload) == RecordProblem(
        "frequency", "Frequentie: kies per welke periode de omvang geldt."
    )
    assert validate("case_result", {**payload, "frequency": "2"}) is None
    assert validate("case_result", {**payload, "volume": None, "frequency": ""}) is None


def _string_columns():
    for record_type, model in RECORD_TYPES.items():
        for column in model.__table__.columns:
            if (
                column.key not in BOOKKEEPING | LOCAL_ONLY[record_type]
                and isinstance(column.type, String)
                and column.type.length
            ):
                yield record_type, column.key, column.type.length
        # the local id a record travels with is its own id (a decision document's is no UUID)
        yield record_type, LOCAL_ID_KEY, model.__table__.c.id.type.length


# fields whose form is fixed (an id, a code, a BSN ...): too long is refused, but "aaa" is no value
_FORMED = {
    "bsn", "postcode", "municipality_code", "sex", "stage", "reported_by", "channel",
    "close_reason", "next_deadline_kind", "kind", "outcome", "status", "delivery_form", "unit",
    "frequency", "product_category", "change_reason", "provider_agb", "sha256", "client_id",
    "consultant_id", "case_id", "actor_id", "assessor_id", "proposed_by", "approved_by",
    "replaces_id", "decision_id", "provision_id", "proposer_phone", "proposer_email",
    "conversation_id", "assignee_id",
}  # fmt: skip


@pytest.mark.parametrize(("record_type", "field", "length"), list(_string_columns()))
def test_texts_are_as_long_as_the_desktop_column_and_no_longer(
    payloads, record_type, field, length
):
    too_long = validate(record_type, _with(payloads, record_type, **{field: "a" * (length + 1)}))
    assert too_long is not None and too_long.field == field
    if field not in _FORMED:
        assert validate(record_type, _with(payloads, record_type, **{field: "a" * length})) is None
        assert too_long.message.endswith(f": hoogstens {length} tekens.")


def test_what_the_desktop_writes_fits_its_columns(desktop, payloads):
    """The withdrawn twin's mark fits clients.bsn; the longest decision document's id fits
    decision_documents.id and the sync tables that name records (the longest kind the record
    accepts: a ToewijzingNummer of nine digits, the version in what is left)."""
    from wmo_desk.storage.tables import (
        ClientRow,
        DecisionDocumentRow,
        SyncConflictRow,
        SyncInboxRow,
        SyncOutboxRow,
    )
    from wmo_desk.sync.engine import DOCUMENT_KIND_LENGTH, ID_LENGTH, document_id

    kept, own = str(uuid.uuid4()), str(uuid.uuid4())
    assert len(withdrawn_bsn(kept, own)) == ClientRow.__table__.c.bsn.type.length
    prefix = "toewijzing-999999999-v"
    longest_kind = prefix + "9" * (DOCUMENT_KIND_LENGTH - len(prefix))
    assert len(longest_kind) == DecisionDocumentRow.__table__.c.kind.type.length
    document = _with(payloads, "decision_document", kind=longest_kind)
    assert validate("decision_document", document) is None
    assert validate("decision_document", {**document, "kind": longest_kind + "9"}).field == "kind"
    longest_id = document_id(str(uuid.uuid4()), longest_kind)
    assert len(longest_id) == DecisionDocumentRow.__table__.c.id.type.length
    assert validate("decision_document", {**document, LOCAL_ID_KEY: longest_id}) is None
    for table in (SyncOutboxRow, SyncInboxRow, SyncConflictRow):
        assert table.__table__.c.record_id.type.length == len(longest_id), table
    # every other record's id is a UUID, as its column says
    for record_type, model in RECORD_TYPES.items():
        if record_type != "decision_document":
            assert model.__table__.c.id.type.length == ID_LENGTH, record_type
    # and the demo desktop's own documents: made with document_id
    with desktop.db.session() as session:
        rows = list(session.scalars(select(DecisionDocumentRow)))
    assert rows and all(r.id == document_id(r.decision_id, r.kind) for r in rows)


def test_a_surname_one_character_too_long_is_refused(payloads):
    assert validate("client", _with(payloads, "client", surname="x" * 201)) == RecordProblem(
        "surname", "Achternaam: hoogstens 200 tekens."
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Jans\x00en", "Achternaam: de tekst bevat een onzichtbaar stuurteken (U+0000)."),
        (
            "Jans\u202een",
            "Achternaam: de tekst bevat een teken dat de leesrichting omdraait (U+202E).",
        ),
    ],
)
def test_control_and_bidi_characters_in_a_name_are_refused(payloads, name, message):
    assert validate("client", _with(payloads, "client", surname=name)) == RecordProblem(
        "surname", message
    )


def test_a_control_character_deep_in_the_answers_is_refused(payloads):
    payload = _with(payloads, "conversation", answers={"mensen": [{"name": "Kees\x07"}]})
    problem = validate("conversation", payload)
    assert problem is not None and problem.field == "answers"
    assert "U+0007" in problem.message and "mensen[0].name" in problem.message


def test_an_unknown_code_is_refused(payloads):
    assert validate("decision", _with(payloads, "decision", outcome="misschien")) == RecordProblem(
        "outcome", "Uitkomst: onbekende waarde; kies uit toegekend, deels_toegekend, afgewezen."
    )
    problem = validate("provision", _with(payloads, "provision", unit="99"))
    assert problem is not None and problem.field == "unit"
    assert problem.message.startswith("Eenheid: onbekende code")


def test_an_unknown_field_is_refused(payloads):
    assert validate("case", _with(payloads, "case", priority="hoog")) == RecordProblem(
        "priority", "Onbekend veld priority: dit recordtype kent het niet."
    )


def test_a_missing_field_is_refused(payloads):
    payload = dict(payloads["provision"][0])
    del payload["end"]
    assert validate("provision", payload) == RecordProblem("end", "Einddatum: ontbreekt.")


def test_a_null_where_the_desktop_column_is_not_nullable_is_refused(payloads):
    problem = validate("client", _with(payloads, "client", birth_date=None))
    assert problem == RecordProblem("birth_date", "Geboortedatum: een datum als JJJJ-MM-DD.")


def test_a_document_whose_content_does_not_match_its_sha256_is_refused(payloads):
    payload = _with(payloads, "decision_document", sha256=hashlib.sha256(b"anders").hexdigest())
    assert validate("decision_document", payload) == RecordProblem(
        "sha256",
        "Controlesom: de inhoud past niet bij de SHA-256; het document is onderweg veranderd.",
    )


def test_an_unknown_record_type_is_refused():
    assert validate("sinterklaas", {}) == RecordProblem(
        "record_type", "Onbekend recordtype sinterklaas: de server kent het niet."
    )
    with pytest.raises(RecordError):
        parse("sinterklaas", {})


# --- desktop -> wire -> server -> wire -> desktop -----------------------------------------

_FIT = st.characters(
    exclude_categories=("Cc", "Cs"),
    exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
)
_IDS = st.uuids().map(str)
_DATES = st.dates(date(1900, 1, 1), date(2100, 12, 31))
_MOMENTS = st.datetimes(
    datetime(2000, 1, 1),
    datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))]),
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(_FIT, max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(_FIT, max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def _bsns(draw) -> str:
    while True:
        first = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
        total = sum(w * d for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2), first, strict=True))
        last = total % 11
        if last <= 9 and (any(first) or last):
            return "".join(map(str, first)) + str(last)


_POSTCODES = st.builds(
    lambda digits, letters: digits + letters,
    st.integers(1000, 9999).map(str),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2).filter(
        lambda s: s not in {"SA", "SD", "SS"}
    ),
)


def _codes(values, empty: bool = False):
    return st.sampled_from([*values, *([""] if empty else [])])


def _enum(enum):
    return st.sampled_from([m.value for m in enum])


_HOLDS = st.lists(
    st.tuples(_DATES, st.none() | st.integers(0, 400), st.text(_FIT, max_size=30)).map(
        lambda t: {
            "start": t[0].isoformat(),
            "end": None if t[1] is None else (t[0] + timedelta(days=t[1])).isoformat(),
            "reason": t[2],
        }
    ),
    max_size=3,
)


@st.composite
def _scores(draw) -> list[dict]:
    domains = draw(st.permutations(ZRM_DOMAINS))
    out = []
    for domain in domains:
        score = {"domain": domain, "level": draw(st.none() | st.integers(1, 5))}
        if draw(st.booleans()):
            score["note"] = draw(st.text(_FIT, max_size=20))
        out.append(score)
    return out


_BY_NAME = {
    "bsn": _bsns(),
    "postcode": _POSTCODES,
    "municipality_code": st.from_regex(r"\A[0-9]{4}\Z"),
    "provider_agb": st.from_regex(r"\A[0-9]{8}\Z"),
    "sex": _enum(Sex),
    "stage": _enum(Stage),
    "reported_by": _enum(Reporter),
    "channel": _enum(Channel),
    "close_reason": _enum(CloseReason),
    "next_deadline_kind": _enum(DeadlineKind),
    "outcome": _enum(DecisionOutcome),
    "status": _enum(DecisionStatus),
    "delivery_form": _enum(DeliveryForm),
    "unit": _codes(UNITS, empty=True),
    "frequency": _codes(FREQUENCIES, empty=True),
    "change_reason": _codes(CHANGE_REASONS, empty=True),
    "product_category": _codes(PRODUCT_CATEGORIES),
    "house_number": st.integers(1, 99_999),
    "number": st.integers(1, 999_999_999),
    "version": st.integers(1, 2**31 - 1),
    "rank": st.integers(1, 2**31 - 1),
    "volume": st.integers(0, 2**31 - 1),
    "pgb_cents": st.integers(0, 2**31 - 1),
    "distance_km": st.floats(0, 500, allow_nan=False) | st.integers(0, 500),
    "holds": _HOLDS,
    "scores": _scores(),
    "answers": st.dictionaries(st.text(_FIT, max_size=12), _JSON, max_size=4),
    "proposer_phone": st.sampled_from(["", "0412 123 456", "06-12345678", "+31 412 123 456"]),
    "proposer_email": st.sampled_from(["", "j.devries@oss.example", "wmo@gemeente-oss.nl"]),
}
_ID_FIELDS = {
    "client_id", "consultant_id", "case_id", "actor_id", "assessor_id", "proposed_by",
    "approved_by", "replaces_id", "decision_id", "provision_id", "conversation_id", "assignee_id",
}  # fmt: skip
_NOT_EMPTY = {"form_id", "form_version", "care_form", "provider_id", "location_id", "filename"}


_EVALUATION = {
    "outcome": _enum(CallOutcome),
    "attempts": st.integers(0, 3),
    "product_codes": st.lists(st.text(_FIT, min_size=1, max_size=5), max_size=3),
    "provider_ids": st.lists(st.text(_FIT, min_size=1, max_size=64), max_size=3),
}


def _column_strategy(record_type: str, column):
    name = column.key
    if record_type == "evaluation" and name in _EVALUATION:
        value = _EVALUATION[name]
    elif name in _BY_NAME:
        value = _BY_NAME[name]
    elif record_type == "case_event" and name == "kind":
        value = _enum(EventKind)
    elif name in _ID_FIELDS:
        value = _IDS
    elif isinstance(column.type, UtcDateTime):
        value = _MOMENTS.map(datetime.isoformat)
    elif isinstance(column.type, Date):
        value = _DATES.map(date.isoformat)
    elif isinstance(column.type, String):
        low = (
            1
            if name in _NOT_EMPTY or (record_type == "provision" and name == "product_code")
            else 0
        )
        value = st.text(_FIT, min_size=low, max_size=column.type.length or 60)
    elif column.type.python_type is bool:
        value = st.booleans()
    else:
        value = st.text(_FIT, max_size=60)
    return st.none() | value if column.nullable else value


@st.composite
def _payloads(draw, record_type: str) -> dict:
    kept = BOOKKEEPING | LOCAL_ONLY[record_type]  # columns that never travel
    columns = [c for c in RECORD_TYPES[record_type].__table__.columns if c.key not in kept]
    payload = {c.key: draw(_column_strategy(record_type, c)) for c in columns}
    if "start" in payload and payload.get("end") is not None:
        start = date.fromisoformat(payload["start"])
        payload["end"] = (start + timedelta(days=draw(st.integers(0, 3000)))).isoformat()
    if record_type == "case_result" and payload["volume"] is not None:
        # an agreed omvang is a positive number with its unit and period (or none at all)
        payload.update(
            volume=max(1, payload["volume"]),
            unit=draw(_codes(UNITS)),
            frequency=draw(_codes(FREQUENCIES)),
        )
    if record_type == "evaluation":
        # a whole evaluation: recorded on a day with its outcome, whom to call only before
        if payload["outcome"] is None:
            payload.update(recorded_on=None, attempts=min(payload["attempts"], 2))
        else:
            payload.update(
                recorded_on=draw(_DATES).isoformat(),
                client_name="",
                phone="",
                product_codes=[],
                provider_ids=[],
                attempts=3 if payload["outcome"] == "geen_bereik" else payload["attempts"],
            )
    if record_type == "decision_document":
        kind = draw(st.sampled_from(["beschikking", "toewijzing", "wmo301"]))
        if kind != "beschikking":
            kind += f"-{draw(st.integers(1, 999_999_999))}-v{draw(st.integers(1, 99))}"
        content = draw(st.binary(max_size=200))
        payload.update(
            kind=kind,
            content=base64.b64encode(content).decode("ascii"),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        if draw(st.booleans()):
            payload["_local_id"] = f"{payload['decision_id']}-{kind}"
    if record_type == "conversation" and draw(st.booleans()):
        definition = draw(st.dictionaries(st.text(_FIT, max_size=8), _JSON, max_size=4))
        digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
        payload["_form_snapshot"] = {"definition": definition, "sha256": digest}
    return payload


@pytest.mark.parametrize("record_type", list(RECORD_TYPES))
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example],
)
@given(data=st.data())
def test_a_record_travels_to_the_server_and_back_unchanged(record_type, data):
    payload = data.draw(_payloads(record_type))
    assert validate(record_type, payload) is None
    record = parse(record_type, payload)
    wire = json.dumps(dump(record), ensure_ascii=False)  # desktop -> server
    stored = parse(record_type, json.loads(wire))  # the server reads it ...
    back = json.loads(json.dumps(dump(stored), ensure_ascii=False))  # ... and sends it on
    assert stored == record
    assert back == payload
    assert parse(record_type, back) == record


@pytest.mark.parametrize(
    ("record_type", "field", "value", "message"),
    [
        ("client", "house_number", "12", "Huisnummer: moet een geheel getal zijn."),
        ("client", "house_number", True, "Huisnummer: moet een geheel getal zijn."),
        ("client", "house_number", 0, "Huisnummer: minstens 1."),
        ("conversation", "completed", 1, "Afgerond: moet waar of onwaar zijn (true/false)."),
        ("client", "birth_date", "20261123", "Geboortedatum: een datum als JJJJ-MM-DD."),
        ("case_event", "at", "2026-11-23T10:30:00", "Tijdstip: een tijdstip heeft een tijdzone."),
        ("case", "client_id", "besluit-1", "Cliënt: geen geldige id (een UUID in kleine letters)."),
    ],
)
def test_a_value_of_the_wrong_json_type_or_form_is_refused(
    payloads, record_type, field, value, message
):
    payload = _with(payloads, record_type, **{field: value})
    assert validate(record_type, payload) == RecordProblem(field, message)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"outcome": "afgerond", "recorded_on": "2027-01-12", "attempts": 1},
            "phone",
            "Telefoon: na het gesprek blijven naam en telefoonnummer niet bij de evaluatie.",
        ),
        (
            {"outcome": "geen_bereik", "recorded_on": "2027-01-12", "attempts": 2,
             "client_name": "", "phone": ""},
            "attempts",
            "Pogingen: geen bereik is pas definitief na 3 pogingen.",
        ),
        (
            {"recorded_on": "2027-01-12"},
            "recorded_on",
            "Vastgelegd op: vul de uitkomst en de datum van vastleggen allebei in, of geen van "
            "beide.",
        ),
        ({"attempts": 4}, "attempts", "Pogingen: hoogstens 3."),  # the field's own limit
        (
            {"outcome": "afgerond", "recorded_on": "2027-01-12", "attempts": 1,
             "client_name": "", "phone": "", "product_codes": ["14"]},
            "product_codes",
            "Producten: na het gesprek gaan producten en aanbieders alleen anoniem naar de regio.",
        ),
    ],
)  # fmt: skip
def test_an_evaluation_that_does_not_hold_together_is_refused(payloads, change, field, message):
    """The rules of a call, on both sides: whom to call goes once the call is recorded."""
    open_task = payloads["evaluation"][0]
    assert open_task["outcome"] is None and open_task["client_name"] and open_task["phone"]
    assert validate("evaluation", open_task) is None
    assert validate("evaluation", {**open_task, **change}) == RecordProblem(field, message)
