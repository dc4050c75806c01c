"""The synchronised records as typed values: what each payload field may hold, by the domain's rules.

A payload is what the desktop pushes for a row (every column except the sync bookkeeping; dates as
ISO text, binary content as base64) plus the travel keys ``_form_snapshot`` and ``_local_id``.
Each record type has a model here with the payload's own keys, so the wire is unchanged:

- every column's key must be present; a nullable column may hold ``null``, no other may;
- a text is at most as long as its desktop column (``String(n)``) and holds no control, bidi or
  lone-surrogate character (:mod:`wmo_desk.domain.text`);
- codes come from the domain's code lists; BSN, postcode, dates and a document's SHA-256 are
  checked with the domain's own functions.

:func:`validate` says in Dutch what is wrong with a payload (tombstones, with their empty payload,
are not validated); :func:`parse` gives the typed record and :func:`dump` the payload again,
exactly: ``dump(parse(t, p)) == p`` with the same keys and JSON types.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, NoReturn

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from wmo_desk.domain.bsn import bsn_problem, normalize_bsn
from wmo_desk.domain.cases import Channel, CloseReason, EventKind, Reporter, Stage
from wmo_desk.domain.clients import Sex
from wmo_desk.domain.codes import CHANGE_REASONS, FREQUENCIES, PRODUCT_CATEGORIES, UNITS
from wmo_desk.domain.contact import email_problem, phone_problem
from wmo_desk.domain.deadlines import DeadlineKind
from wmo_desk.domain.decisions import DecisionOutcome, DecisionStatus, DeliveryForm
from wmo_desk.domain.evaluations import Outcome as CallOutcome
from wmo_desk.domain.evaluations import record_problem as evaluation_problem
from wmo_desk.domain.intake import street_short_problem
from wmo_desk.domain.integrity import document_intact
from wmo_desk.domain.postcode import normalize_postcode, postcode_problem
from wmo_desk.domain.results import omvang_errors
from wmo_desk.domain.text import json_text_problem, text_problem
from wmo_desk.domain.zrm import ZRM_DOMAINS, ZRM_LEVELS, ZrmScore, check_scores
from wmo_desk.sync.engine import (
    BSN_FIELD_LENGTH,
    DOCUMENT_ID_LENGTH,
    DOCUMENT_KIND_LENGTH,
    FORM_SNAPSHOT_KEY,
    ID_LENGTH,
    LOCAL_ID_KEY,
    WITHDRAWN_MARK,
)
from wmo_desk.sync.field_names import FIELD_NAMES

_SQL_INT_MAX = 2**31 - 1  # the server stores numbers in INTEGER columns
_ALLOCATION_NUMBER_MAX = 999_999_999  # iWmo ToewijzingNummer (DOMAIN.md §4)
_HOUSE_NUMBER_MAX = 99_999  # as the intake checks it
_DOCUMENT_KIND = re.compile(r"beschikking|(toewijzing|wmo301)-[1-9][0-9]*-v[1-9][0-9]*")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class RecordProblem:
    """What is wrong with a payload: the field (a payload key, or a path such as ``holds[0].end``)
    and a Dutch sentence naming it, fit to show a consultant as is."""

    field: str
    message: str


class RecordError(ValueError):
    """A payload :func:`parse` cannot turn into a record; ``problem`` says why in Dutch."""

    def __init__(self, problem: RecordProblem) -> None:
        super().__init__(f"{problem.field}: {problem.message}")
        self.problem = problem


#: The Dutch name of every payload key: in the record rules' messages and in the conflict
#: dialog (its order is the order the dialog lists differing fields in). One table for both.


def _fail(message: str, field: str | None = None) -> NoReturn:
    # The message travels in the context, never as the template: it may hold braces.
    raise PydanticCustomError("wmo_desk", "{message}", {"message": message, "field": field})


def _lower_first(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


# --- value types ---------------------------------------------------------------------------


def _fit(value: str) -> str:
    if problem := text_problem(value, "de tekst"):
        _fail(problem)
    return value


def _text(max_length: int | None = None, min_length: int = 0) -> Any:
    """A text of a ``String(max_length)`` column (no limit for ``Text``)."""
    return Annotated[
        StrictStr,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_fit),
    ]


def _identifier(value: object) -> str:
    if not isinstance(value, str):
        _fail("een id is tekst.")
    try:
        canonical = str(uuid.UUID(value))
    except ValueError:
        canonical = ""
    if canonical != value:
        _fail("geen geldige id (een UUID in kleine letters).")
    return value


def _same(value: Any) -> Any:
    return value


def _iso_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
        if day is not None and day.isoformat() == value:
            return day
    _fail("een datum als JJJJ-MM-DD.")


def _iso_moment(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.isoformat() != value:
            moment = None
    if moment is None:
        _fail("een tijdstip als JJJJ-MM-DDTUU:MM:SS met tijdzone.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        _fail("een tijdstip heeft een tijdzone.")
    return moment


def _base64(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        try:
            content = base64.b64decode(value, validate=True)
        except (ValueError, binascii.Error):
            content = None
        # only the one canonical spelling, so the payload comes back byte for byte
        if content is not None and base64.b64encode(content).decode("ascii") == value:
            return content
    _fail("de inhoud is geen geldige base64.")


def _distance(value: object) -> float:
    # A JSON number stays the number it was (3 stays 3, 3.0 stays 3.0): the wire is unchanged.
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail("een getal (kilometers).")
    if not math.isfinite(value) or value < 0:
        _fail("een afstand is nul of meer kilometers.")
    return value


def _member(enum: type[StrEnum]) -> Any:
    """A value of one of the domain's enums; on the wire its value."""
    allowed = ", ".join(m.value for m in enum)

    def check(value: object) -> StrEnum:
        if isinstance(value, enum):
            return value
        if isinstance(value, str) and value in enum._value2member_map_:
            return enum(value)
        _fail(f"onbekende waarde; kies uit {allowed}.")

    return Annotated[
        enum, PlainValidator(check), PlainSerializer(lambda m: m.value, return_type=str)
    ]


def _code(codes: dict[str, str], *, empty: bool) -> Any:
    """A code from one of the iWmo code lists; ``empty``: or "" (none)."""
    allowed = ", ".join(codes)

    def check(value: object) -> str:
        if isinstance(value, str) and (value in codes or (empty and value == "")):
            return value
        _fail(f"onbekende code; kies uit {allowed}{' of leeg' if empty else ''}.")

    return Annotated[str, PlainValidator(check), PlainSerializer(_same, return_type=str)]


def _digits(count: int, what: str) -> Any:
    pattern = re.compile(f"[0-9]{{{count}}}")

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            _fail(f"{what} bestaat uit {count} cijfers.")
        return value

    return Annotated[StrictStr, AfterValidator(check)]


def _number(low: int, high: int = _SQL_INT_MAX) -> Any:
    return Annotated[StrictInt, Field(ge=low, le=high)]


def _bsn(value: str) -> str:
    if value.startswith(WITHDRAWN_MARK):
        kept, slash, own = value[len(WITHDRAWN_MARK) :].partition("/")
        try:
            _identifier(kept)
            _identifier(own)
        except PydanticCustomError:
            slash = ""
        if not slash:
            _fail("een teruggetrokken cliënt heeft =<id van de behouden cliënt>/<eigen id>.")
        return value
    if problem := bsn_problem(value):
        _fail(_lower_first(problem))
    if normalize_bsn(value) != value:
        _fail("negen cijfers, zonder spaties of punten.")
    return value


def _work_phone(value: str) -> str:
    if problem := phone_problem(value):
        _fail(_lower_first(problem))
    return value


def _work_email(value: str) -> str:
    if problem := email_problem(value):
        _fail(_lower_first(problem))
    return value


def _postcode(value: str) -> str:
    if problem := postcode_problem(value):
        _fail(_lower_first(problem))
    if normalize_postcode(value) != value:
        _fail("vier cijfers en twee hoofdletters, zonder spatie (1234AB).")
    return value


def _json_fit(value: Any) -> Any:
    if found := json_text_problem(value):
        where = "" if found.where == "(geheel)" else f" (bij {found.where})"
        _fail(_lower_first(found.message).rstrip(".") + where + ".")
    return value


Id = Annotated[str, PlainValidator(_identifier), PlainSerializer(_same, return_type=str)]
IsoDate = Annotated[
    date, PlainValidator(_iso_date), PlainSerializer(date.isoformat, return_type=str)
]
Moment = Annotated[
    datetime, PlainValidator(_iso_moment), PlainSerializer(datetime.isoformat, return_type=str)
]
Content = Annotated[
    bytes,
    PlainValidator(_base64),
    PlainSerializer(lambda b: base64.b64encode(b).decode("ascii"), return_type=str),
]
Distance = Annotated[float, PlainValidator(_distance), PlainSerializer(_same)]
JsonObject = Annotated[dict[StrictStr, Any], AfterValidator(_json_fit)]
Municipality = _digits(4, "een gemeentecode (CBS)")
Agb = _digits(8, "een AGB-code")
Sha256 = Annotated[StrictStr, StringConstraints(max_length=64), AfterValidator(lambda v: _sha(v))]


def _sha(value: str) -> str:
    if not _SHA256.fullmatch(value):
        _fail("een SHA-256 in 64 hexadecimale tekens (kleine letters).")
    return value


def _end_not_before_start(end: date | None, info: ValidationInfo) -> date | None:
    start = info.data.get("start")
    if end is not None and isinstance(start, date) and end < start:
        _fail("de einddatum ligt vóór de ingangsdatum.")
    return end


# --- the records -------------------------------------------------------------------------


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Record(_Part):
    """What every synchronised record has: its times, and the local id it may travel with
    (as long as the desktop's id column: a decision document's is longer)."""

    created_at: Moment
    modified_at: Moment
    local_id: _text(ID_LENGTH, 1) | None = Field(default=None, alias=LOCAL_ID_KEY)


class ClientRecord(Record):
    """A client: who the resident is and where they live."""

    bsn: Annotated[StrictStr, StringConstraints(max_length=BSN_FIELD_LENGTH), AfterValidator(_bsn)]
    initials: _text(40)
    first_names: _text(200)
    prefix: _text(20)
    surname: _text(200)
    sort_name: _text(300)
    search_text: _text(500)
    birth_date: IsoDate
    sex: _member(Sex)
    street: _text(200)
    house_number: _number(1, _HOUSE_NUMBER_MAX)
    house_number_addition: _text(10)
    postcode: Annotated[StrictStr, StringConstraints(max_length=6), AfterValidator(_postcode)]
    place: _text(100)
    municipality_code: Municipality
    phone: _text(30)
    email: _text(200)
    #: the BRP short street name beside a street over 24 characters (protocol 4)
    street_short: _text(24) = ""


class HoldRecord(_Part):
    """A pause (opschorting) of a case; ``end`` is null while it lasts."""

    start: IsoDate
    end: IsoDate | None
    reason: _text()

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        return _end_not_before_start(end, info)


class CaseRecord(Record):
    """A melding and everything that follows from it, for one client."""

    client_id: Id
    municipality_code: Municipality
    consultant_id: Id
    stage: _member(Stage)
    melding_date: IsoDate
    reported_by: _member(Reporter)
    channel: _member(Channel)
    request_text: _text()
    aanvraag_date: IsoDate | None
    decision_sent_date: IsoDate | None
    holds: list[HoldRecord]
    on_hold: StrictBool
    close_reason: _member(CloseReason) | None
    close_note: _text()
    closed_date: IsoDate | None
    next_deadline: IsoDate | None
    next_deadline_kind: _member(DeadlineKind) | None


class CaseEventRecord(Record):
    """One line on a case's timeline."""

    case_id: Id
    kind: _member(EventKind)
    text: _text()
    actor_id: Id
    actor_name: _text(200)
    at: Moment


class FormSnapshotRecord(_Part):
    """The exact form definition a conversation used, with its SHA-256."""

    definition: JsonObject
    sha256: Sha256

    @model_validator(mode="after")
    def _intact(self) -> FormSnapshotRecord:
        # the digest the desktop made of it (storage/repositories/conversations.py)
        digest = hashlib.sha256(json.dumps(self.definition, sort_keys=True).encode()).hexdigest()
        if digest != self.sha256:
            _fail("de controlesom past niet bij de formulierdefinitie.", "sha256")
        return self


class ConversationRecord(Record):
    """A conversation (gesprek) held with the form it used."""

    case_id: Id
    form_id: _text(100, 1)
    form_version: _text(40, 1)
    held_on: IsoDate | None
    place: _text(200)
    answers: JsonObject
    completed: StrictBool
    current_section: _text(100)
    verslag_signed_on: IsoDate | None
    form_snapshot: FormSnapshotRecord | None = Field(default=None, alias=FORM_SNAPSHOT_KEY)


class CaseResultRecord(Record):
    """A result the support must achieve, in the region's product model."""

    case_id: Id
    care_form: _text(40, 1)
    product_code: _text(5)
    result_area: _text(10)
    level: _text(40)
    description: _text()
    term_end: IsoDate | None
    household_member: _text(200)
    # the agreed omvang, if any (protocol 3)
    volume: _number(1) | None = None
    unit: _code(UNITS, empty=True) = ""
    frequency: _code(FREQUENCIES, empty=True) = ""

    @model_validator(mode="after")
    def _whole_omvang(self) -> CaseResultRecord:
        # the desktop's rule (domain.results.omvang_errors): a number with its unit and period
        for field, message in omvang_errors(self.volume, self.unit, self.frequency).items():
            _fail(_lower_first(message), field)
        return self


class ZrmScoreRecord(_Part):
    """One ZRM domain's score; ``level`` null means n.v.t./onbekend."""

    domain: StrictStr
    level: StrictInt | None
    note: _text() = ""

    @field_validator("domain")
    @classmethod
    def _known_domain(cls, value: str) -> str:
        if value not in ZRM_DOMAINS:
            _fail("onbekend ZRM-domein.")
        return value

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: int | None) -> int | None:
        if value is not None and value not in ZRM_LEVELS:
            _fail("een ZRM-niveau is 1 tot en met 5, of leeg (n.v.t./onbekend).")
        return value


class ZrmAssessmentRecord(Record):
    """A dated Zelfredzaamheid-Matrix."""

    case_id: Id
    assessed_on: IsoDate
    assessor_id: Id
    scores: list[ZrmScoreRecord]

    @field_validator("scores")
    @classmethod
    def _every_domain_once(cls, scores: list[ZrmScoreRecord]) -> list[ZrmScoreRecord]:
        try:
            check_scores(tuple(ZrmScore(s.domain, s.level, s.note) for s in scores))
        except ValueError:
            _fail(f"elk van de {len(ZRM_DOMAINS)} ZRM-domeinen precies één keer.")
        return scores


class ProviderChoiceRecord(Record):
    """The provider the client chose (keuzevrijheid)."""

    case_id: Id
    care_form: _text(40, 1)
    product_code: _text(5)
    provider_id: _text(64, 1)
    provider_name: _text(300)
    provider_agb: Agb
    location_id: _text(80, 1)
    location_label: _text(400)
    distance_km: Distance | None
    rank: _number(1) | None
    reason: _text()
    chosen_on: IsoDate


class DecisionRecord(Record):
    """A beschikking (its provisions are records of their own)."""

    case_id: Id
    outcome: _member(DecisionOutcome)
    motivation: _text()
    status: _member(DecisionStatus)
    proposed_by: Id
    approved_by: Id | None
    kenmerk: _text(40)
    decision_date: IsoDate | None
    replaces_id: Id | None
    #: the proposer's work contact for the letters (protocol 4), checked as the desktop does
    proposer_phone: Annotated[_text(30), AfterValidator(_work_phone)] = ""
    proposer_email: Annotated[_text(200), AfterValidator(_work_email)] = ""


class ProvisionRecord(Record):
    """A maatwerkvoorziening within a decision."""

    decision_id: Id
    product_code: _text(5, 1)
    result: _text()
    start: IsoDate
    end: IsoDate | None
    delivery_form: _member(DeliveryForm)
    volume: _number(0) | None
    unit: _code(UNITS, empty=True)
    frequency: _code(FREQUENCIES, empty=True)
    provider_id: _text(64, 1) | None
    pgb_cents: _number(0) | None

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        return _end_not_before_start(end, info)


class AllocationRecord(Record):
    """A toewijzing (iWmo WMO301) of one provision to a provider; versions share a number."""

    provision_id: Id
    number: _number(1, _ALLOCATION_NUMBER_MAX)
    version: _number(1)
    provider_id: _text(64, 1)
    product_category: _code(PRODUCT_CATEGORIES, empty=False)
    product_code: _text(5)
    start: IsoDate
    end: IsoDate | None
    volume: _number(0) | None
    unit: _code(UNITS, empty=True)
    frequency: _code(FREQUENCIES, empty=True)
    change_reason: _code(CHANGE_REASONS, empty=True)

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        return _end_not_before_start(end, info)


class DecisionDocumentRecord(Record):
    """A document rendered once when a decision became final, with its SHA-256."""

    #: "<decision id>-<kind>" (sync.engine.document_id)
    local_id: _text(DOCUMENT_ID_LENGTH, 1) | None = Field(default=None, alias=LOCAL_ID_KEY)
    decision_id: Id
    kind: Annotated[
        StrictStr,
        StringConstraints(max_length=DOCUMENT_KIND_LENGTH),
        AfterValidator(lambda v: _kind(v)),
    ]
    filename: _text(200, 1)
    sha256: Sha256
    content: Content

    @model_validator(mode="after")
    def _intact(self) -> DecisionDocumentRecord:
        payload = {"content": base64.b64encode(self.content).decode("ascii"), "sha256": self.sha256}
        if not document_intact(payload):
            _fail(
                "de inhoud past niet bij de SHA-256; het document is onderweg veranderd.", "sha256"
            )
        return self


class EvaluationRecord(Record):
    """A telephone evaluation (cliëntervaring) in someone's task list (protocol 5).

    The task travels, the answers never do: they stay on the desktop that recorded the call and
    go to the region only in the anonymous report. ``client_name`` and ``phone`` are whom to
    call, for a colleague who does not hold the case; they are emptied once the call is recorded.
    """

    case_id: Id
    conversation_id: Id
    municipality_code: Municipality
    assignee_id: Id
    due: IsoDate
    attempts: _number(0, 3)
    outcome: _member(CallOutcome) | None
    recorded_on: IsoDate | None
    client_name: _text(300)
    phone: _text(30)
    # as a provision names them (the anonymous report checks them against the catalogue)
    product_codes: Annotated[list[_text(5, 1)], Field(max_length=20)]
    provider_ids: Annotated[list[_text(64, 1)], Field(max_length=20)]

    @model_validator(mode="after")
    def _whole(self) -> EvaluationRecord:
        found = evaluation_problem(
            CallOutcome(self.outcome) if self.outcome else None,
            self.recorded_on,
            self.attempts,
            self.client_name,
            self.phone,
            self.product_codes,
            self.provider_ids,
        )
        if found is not None:
            _fail(found[1], found[0])
        return self


def _kind(value: str) -> str:
    if not _DOCUMENT_KIND.fullmatch(value):
        _fail("beschikking, toewijzing-<nummer>-v<versie> of wmo301-<nummer>-v<versie>.")
    return value


#: The typed record of each record type (the keys of the desktop's RECORD_TYPES).
RECORDS: dict[str, type[Record]] = {
    "client": ClientRecord,
    "case": CaseRecord,
    "case_event": CaseEventRecord,
    "conversation": ConversationRecord,
    "case_result": CaseResultRecord,
    "zrm_assessment": ZrmAssessmentRecord,
    "provider_choice": ProviderChoiceRecord,
    "decision": DecisionRecord,
    "provision": ProvisionRecord,
    "allocation": AllocationRecord,
    "decision_document": DecisionDocumentRecord,
    "evaluation": EvaluationRecord,
}


# --- validate, parse, dump ---------------------------------------------------------------

_UNFIT_IN_KEY = re.compile(r"[^0-9A-Za-z_]")


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for step in loc:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out


def _builtin_message(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    messages: dict[str, Callable[[], str]] = {
        "missing": lambda: "ontbreekt.",
        "string_type": lambda: "moet tekst zijn.",
        "string_too_long": lambda: f"hoogstens {ctx.get('max_length')} tekens.",
        "string_too_short": lambda: "mag niet leeg zijn.",
        "int_type": lambda: "moet een geheel getal zijn.",
        "bool_type": lambda: "moet waar of onwaar zijn (true/false).",
        "greater_than_equal": lambda: f"minstens {ctx.get('ge')}.",
        "less_than_equal": lambda: f"hoogstens {ctx.get('le')}.",
        "list_type": lambda: "moet een lijst zijn.",
        "dict_type": lambda: "moet een object zijn.",
        "model_type": lambda: "moet een object zijn.",
    }
    return messages.get(kind, lambda: "ongeldige waarde.")()


def _problem_of(error: ErrorDetails) -> RecordProblem:
    loc = tuple(error["loc"])
    ctx = error.get("ctx") or {}
    if error["type"] == "extra_forbidden":
        name = _UNFIT_IN_KEY.sub("?", str(loc[-1]))[:60]
        field = _where((*loc[:-1], name))
        return RecordProblem(field, f"Onbekend veld {name}: dit recordtype kent het niet.")
    if error["type"] == "wmo_desk":
        if ctx.get("field"):
            loc = (*loc, ctx["field"])
        text = str(ctx["message"])
    else:
        text = _builtin_message(error)
    field = _where(loc)
    label = FIELD_NAMES.get(str(loc[0]), str(loc[0])) if loc else "Record"
    return RecordProblem(field or "(geheel)", f"{label}: {text}")


def _model_of(record_type: str) -> type[Record]:
    model = RECORDS.get(record_type)
    if model is None:
        name = _UNFIT_IN_KEY.sub("?", str(record_type))[:40]
        raise RecordError(
            RecordProblem("record_type", f"Onbekend recordtype {name}: de server kent het niet.")
        )
    return model


def parse(record_type: str, payload: dict[str, Any]) -> Record:
    """The typed record ``payload`` holds; raises :class:`RecordError` with the first problem."""
    model = _model_of(record_type)
    if not isinstance(payload, dict):
        raise RecordError(RecordProblem("(geheel)", "Record: moet een object zijn."))
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise RecordError(_problem_of(error.errors()[0])) from None


def validate(record_type: str, payload: dict[str, Any]) -> RecordProblem | None:
    """What is wrong with the payload of a (not deleted) record, in Dutch; None when it is fine."""
    try:
        parse(record_type, payload)
    except RecordError as error:
        return error.problem
    return None


def change_problem(record_type: str, payload: dict[str, Any]) -> RecordProblem | None:
    """What a new or changed record must meet beyond :func:`validate`, in Dutch; rules that
    came after records were already stored, which a pull keeps reading as they are: a client
    with a street over 24 characters needs the BRP short street name (the desktop's intake
    rule, ``domain.intake.street_short_problem``; the WMO301 carries at most 24)."""
    if record_type == "client":
        street, short = payload.get("street"), payload.get("street_short", "")
        typed = isinstance(street, str) and isinstance(short, str)
        if typed and (problem := street_short_problem(street, short)):
            name = FIELD_NAMES["street_short"]
            return RecordProblem("street_short", f"{name}: {_lower_first(problem)}")
    return None


def dump(record: Record) -> dict[str, Any]:
    """The payload of ``record``, as the desktop sends it (a travel key only when it has one)."""
    return record.model_dump(mode="json", by_alias=True, exclude_unset=True)
