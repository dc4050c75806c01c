"""The sync protocol between desktop and server, defined once: messages, statuses, refusals.

Both sides import this module: the server's API declares its bodies with these models, the
desktop's :mod:`wmo_desk.sync.client` parses the answers into them. Every refusal a user can
meet has its Dutch text here, in one place.

Versions: a desktop sends :data:`PROTOCOL_HEADER` with :data:`PROTOCOL_VERSION` on every call.
The server refuses a version below :data:`MIN_PROTOCOL_VERSION` with HTTP 426 and the code
``protocol_outdated``, whose message asks the user to update wmo_desk. A call without the header
(a script, the OpenAPI page) is taken as the current version.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    Field,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)

from wmo_desk.domain.audit import AuditEntry
from wmo_desk.domain.text import (
    MAX_DEPTH,
    json_text_problem,
    text_problem,
    unencodable_problem,
)

# 5: evaluation tasks are synchronised records (a desktop of 4 would keep them to itself)
PROTOCOL_VERSION = 5
MIN_PROTOCOL_VERSION = 5
PROTOCOL_HEADER = "Wmo-Desk-Protocol"
# The desktop profile a call comes from (its access-log device id). With the sign-in it names
# who wrote a version: that profile's pulls pass over it (it has it already).
DEVICE_HEADER = "Wmo-Desk-Device"

MAX_CHANGES_PER_PUSH = 500
MAX_PULL_LIMIT = 1000
MAX_AUDIT_PER_PUSH = 5000
# Revisions are 64-bit on both databases.
MAX_REVISION = 2**63 - 1


class ChangeStatus(StrEnum):
    """What became of one pushed change."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"


class Refusal(StrEnum):
    """Why the server refused a change or a call; :func:`refusal_text` says it in Dutch."""

    OTHER_MUNICIPALITY = "other_municipality"
    NOT_YOURS = "not_yours"
    UNKNOWN_CASE = "unknown_case"
    UNKNOWN_CONSULTANT = "unknown_consultant"
    UNKNOWN_ASSIGNEE = "unknown_assignee"
    RECORDED = "recorded"
    CALL_NOT_YOURS = "call_not_yours"
    CALL_EXISTS = "call_exists"
    UNKNOWN_CLIENT = "unknown_client"
    FINAL = "final"
    CHECKSUM = "checksum"
    SERVER_OWNED = "server_owned"
    NOT_APPROVED = "not_approved"
    NOT_APPROVER = "not_approver"
    NOT_TEAMLEIDER = "not_teamleider"
    OWN_PROPOSAL = "own_proposal"
    NOT_SUBMITTED = "not_submitted"
    UNKNOWN_DECISION = "unknown_decision"
    UNKNOWN_NUMBER = "unknown_number"
    INVALID = "invalid"


REFUSAL_TEXT: dict[Refusal, str] = {
    Refusal.OTHER_MUNICIPALITY: "De wijziging hoort bij een andere gemeente.",
    Refusal.NOT_YOURS: "De casus is niet (meer) aan u toegewezen.",
    Refusal.UNKNOWN_CASE: "De server kent de casus van deze wijziging niet.",
    Refusal.UNKNOWN_CONSULTANT: "De consulent van deze casus is geen collega van deze gemeente.",
    Refusal.UNKNOWN_ASSIGNEE: (
        "De evaluatie is toegewezen aan iemand die geen actieve collega van deze gemeente is."
    ),
    Refusal.RECORDED: "De uitkomst van deze evaluatie is al vastgelegd en wordt niet gewijzigd.",
    Refusal.CALL_NOT_YOURS: "Deze evaluatie is niet (meer) aan u toegewezen.",
    Refusal.CALL_EXISTS: "Voor dit keukentafelgesprek staat al een evaluatie klaar.",
    Refusal.UNKNOWN_CLIENT: (
        "De casus verwijst naar een cliënt die u niet mag zien of die de server niet kent."
    ),
    Refusal.FINAL: "Een definitief besluit en zijn documenten worden nooit meer gewijzigd.",
    Refusal.CHECKSUM: "Het document is onderweg beschadigd (controlegetal klopt niet).",
    Refusal.SERVER_OWNED: "Deze gegevens worden alleen door de server beheerd.",
    Refusal.NOT_APPROVED: (
        "Een besluit wordt alleen definitief na goedkeuring door een teamleider op de server."
    ),
    Refusal.NOT_APPROVER: (
        "Alleen de teamleider die het besluit goedkeurde, legt de besluitdocumenten vast."
    ),
    Refusal.NOT_TEAMLEIDER: "Alleen een teamleider van deze gemeente keurt besluiten goed.",
    Refusal.OWN_PROPOSAL: (
        "U kunt uw eigen voorstel niet goedkeuren; een andere teamleider moet dat doen."
    ),
    Refusal.NOT_SUBMITTED: (
        "Alleen een ingediend voorstel kan worden goedgekeurd. Synchroniseer en probeer opnieuw."
    ),
    Refusal.UNKNOWN_DECISION: (
        "De server kent dit besluit (nog) niet. Synchroniseer eerst en probeer het opnieuw."
    ),
    Refusal.UNKNOWN_NUMBER: "Dit toewijzingnummer is niet door de server uitgegeven.",
    Refusal.INVALID: "De gegevens zijn ongeldig.",
}


def refusal_text(reason: str | None) -> str:
    """The Dutch text of a refusal ``reason``; a reason this desktop does not know gets a
    general text (a newer server may know more reasons)."""
    try:
        return REFUSAL_TEXT[Refusal(reason)]
    except ValueError:
        return "De server heeft de wijziging geweigerd."


PROTOCOL_OUTDATED_TEXT = (
    "Deze versie van wmo_desk is te oud voor de regionale server. Werk wmo_desk bij en "
    "synchroniseer daarna opnieuw; wat u offline heeft vastgelegd blijft bewaard."
)


# --- account ---------------------------------------------------------------------------------


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)

    @field_validator("username")
    @classmethod
    def _fit_username(cls, value: str) -> str:
        problem = text_problem(value, "De gebruikersnaam")
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("password")
    @classmethod
    def _hashable_password(cls, value: str) -> str:
        # Only what cannot be hashed (no UTF-8) is refused: an odd character an administrator
        # once chose must still log in.
        if unencodable_problem(value):
            raise ValueError("Het wachtwoord bevat een ongeldig teken.")
        return value


class UserOut(BaseModel):
    id: uuid.UUID
    username: str
    display_name: str
    role: str
    municipality_code: str


class LoginResponse(BaseModel):
    token: str
    expires_at: datetime
    user: UserOut


class ErrorBody(BaseModel):
    """Every refusal of a call (4xx): a code for programs, a Dutch message for people."""

    code: str
    message: str


class Health(BaseModel):
    status: Literal["ok"]


# --- push and pull ---------------------------------------------------------------------------


#: validation context key: the payload passed the record rules already (a desktop's outbox)
PAYLOAD_CHECKED = "payload_checked"


def _deeper_than(value: object, max_depth: int) -> bool:
    """Whether a dict or list sits at ``max_depth`` levels or deeper (the top is level 0)."""
    level = [value]
    for _ in range(max_depth):
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list | tuple)
        ]
        if not level:
            return False
    return True


def _maybe_unstorable(value: dict[str, Any]) -> bool:
    """False when ``value`` surely holds no lone surrogate, NaN or too deep nesting; True when
    the exact walk (:func:`json_text_problem`) must say where. One C-level encoding finds a
    surrogate (no UTF-8) or a NaN (not JSON) in any key or text: the walk per string is what
    made this check cost more than the record rules themselves."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, TypeError, RecursionError):  # UnicodeEncodeError is a ValueError
        return True
    return _deeper_than(value, MAX_DEPTH)


class Change(BaseModel):
    change_id: uuid.UUID
    record_type: str = Field(pattern=r"^[a-z][a-z_]{0,39}$", examples=["case", "client"])
    record_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^\d{4}$", examples=["0828"])
    base_revision: int | None = Field(default=None, ge=0, le=MAX_REVISION)
    case_id: uuid.UUID | None = Field(
        default=None, description="The case this record belongs to (not for a case or a client)."
    )
    deleted: bool = False
    payload: dict[str, Any] = Field(default_factory=dict)

    @field_validator("payload")
    @classmethod
    def _fit_payload(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        # What no record can hold and no server can store or send back (a lone surrogate, NaN,
        # nesting hundreds deep) refuses the whole push; the rest of the domain's text rules
        # (control and bidi characters) refuse just the change, per record type (sync/records.py).
        # A desktop's outbox payload has passed those record rules already (a superset of this
        # check): built with PAYLOAD_CHECKED, it is not walked twice. The server never passes it.
        if info.context is not None and info.context.get(PAYLOAD_CHECKED):
            return value
        if not _maybe_unstorable(value):
            return value
        problem = json_text_problem(value, check=unencodable_problem)
        if problem:
            raise ValueError(f"Veld {problem.where}: {problem.message}")
        return value

    @classmethod
    def of_checked(cls, **fields: Any) -> Change:
        """A change whose payload passed the record rules (``records.parse``) on this desktop;
        the envelope is validated as always, the payload not walked again."""
        return cls.model_validate(fields, context={PAYLOAD_CHECKED: True})


class PushRequest(BaseModel):
    changes: list[Change] = Field(max_length=MAX_CHANGES_PER_PUSH)


class ChangeResult(BaseModel):
    change_id: uuid.UUID
    status: ChangeStatus
    revision: int | None = Field(
        default=None,
        description="applied/duplicate: its revision; conflict and refused as final: the server's.",
    )
    server_payload: dict[str, Any] | None = Field(
        default=None,
        description="conflict, and forbidden for reason final: the version the server kept.",
    )
    server_deleted: bool | None = None
    reason: Refusal | None = Field(default=None, description="forbidden only: why.")
    detail: str | None = Field(
        default=None, description="invalid only: which field, in Dutch, to show at the record."
    )


class _WipeFlag(BaseModel):
    """An answer that tells the desktop whether a remote wipe is pending (``revoke --wipe``)."""

    wipe: bool = Field(
        default=False,
        description="A remote wipe is pending for this user: sync what is left, then wipe "
        "the profile and report it (POST /api/v1/wipe/done).",
    )


class PushResponse(_WipeFlag):
    results: list[ChangeResult]


class RecordOut(BaseModel):
    record_type: str
    record_id: uuid.UUID
    municipality_code: str
    owner_user_id: uuid.UUID | None
    case_id: uuid.UUID | None = None
    revision: int
    deleted: bool
    payload: dict[str, Any]
    updated_at: datetime


class PullResponse(_WipeFlag):
    """While a remote wipe is pending: no records, ``wipe`` true."""

    records: list[RecordOut]
    next_since: int = Field(description="Pass as ?since= in the next pull.")
    more: bool

    def records_as_json(self) -> list[dict[str, Any]]:
        """The records as JSON values (ids and times as text), in one call for the page."""
        return _records_out().dump_python(self.records, mode="json")


@functools.cache
def _records_out() -> TypeAdapter[list[RecordOut]]:
    return TypeAdapter(list[RecordOut])


# --- approval under mandate ------------------------------------------------------------------


class ApprovalRequest(BaseModel):
    """A team lead approves a submitted decision the server holds.

    ``allocate`` names the decision's provisions that get a toewijzing (natura with a
    provider); the server gives each a toewijzingnummer."""

    allocate: list[uuid.UUID] = Field(default_factory=list, max_length=200)


class ApprovalResponse(BaseModel):
    decision_id: uuid.UUID
    kenmerk: str
    decision_date: date
    approved_by: uuid.UUID
    approved_at: datetime
    numbers: dict[uuid.UUID, int] = Field(
        description="provision id -> toewijzingnummer (unique per municipality, never reused)"
    )


class NumberRequest(BaseModel):
    """A new toewijzingnummer for a provision of a final decision (a change of provider)."""

    provision_id: uuid.UUID


class NumberResponse(BaseModel):
    provision_id: uuid.UUID
    number: int


# --- records only the server writes ----------------------------------------------------------


class UserPayload(BaseModel):
    """A colleague as desktops learn them (``user`` records): never the password hash."""

    model_config = {"extra": "forbid"}

    name: str = Field(min_length=1, max_length=200)
    role: Literal["consulent", "teamleider", "bw-consulent"]
    active: bool


class WithdrawalPayload(BaseModel):
    """A case taken from the consultant ``user_id`` (``withdrawal`` records)."""

    model_config = {"extra": "forbid"}

    case_id: uuid.UUID
    client_id: uuid.UUID | None
    user_id: uuid.UUID


# --- the access log (NEN 7513), inzage and remote wipe ---------------------------------------

#: the device id of the entries the server writes itself (never a desktop's)
SERVER_DEVICE = "server"
_HASH = r"^[0-9a-f]{64}$"


def _fit(value: str | None, subject: str) -> str | None:
    if value is not None:
        problem = text_problem(value, subject)
        if problem:
            raise ValueError(problem)
    return value


class AuditEntryIn(BaseModel):
    """One line of a device's access log as it travels (:class:`~wmo_desk.domain.audit.AuditEntry`)."""

    seq: int = Field(ge=1, le=MAX_REVISION)
    at: AwareDatetime
    user_id: str = Field(min_length=1, max_length=36)
    device_id: str = Field(min_length=1, max_length=36)
    action: str = Field(min_length=1, max_length=40)
    client_id: str | None = Field(default=None, max_length=36)
    case_id: str | None = Field(default=None, max_length=36)
    object_id: str | None = Field(default=None, max_length=64)
    detail: str = Field(default="", max_length=200)
    prev_hash: str = Field(pattern=_HASH)
    hash: str = Field(pattern=_HASH)

    @field_validator("at")
    @classmethod
    def _utc_at(cls, value: datetime) -> datetime:
        # the hash is taken over the time in UTC; a time that has none (year 1 east of
        # Greenwich) cannot be hashed or stored
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError(
                "Het tijdstip ligt buiten het bereik dat kan worden opgeslagen."
            ) from None

    @field_validator("user_id", "device_id", "action", "client_id", "case_id", "object_id")
    @classmethod
    def _fit_ids(cls, value: str | None) -> str | None:
        return _fit(value, "De code")

    @field_validator("detail")
    @classmethod
    def _fit_detail(cls, value: str) -> str:
        _fit(value, "De toelichting")
        return value

    def to_entry(self) -> AuditEntry:
        return AuditEntry(**self.model_dump())

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryIn:
        # a shallow copy of the flat entry: dataclasses.asdict deep-copies every value
        return cls(**{f.name: getattr(entry, f.name) for f in dataclasses.fields(entry)})


def _device(value: str) -> str:
    _fit(value, "Het apparaat")
    if value == SERVER_DEVICE:
        raise ValueError(f"'{SERVER_DEVICE}' is geen apparaat van een gebruiker.")
    return value


class AuditPushRequest(BaseModel):
    """The next entries of one device's chain, in order (a retry may repeat stored ones)."""

    device_id: str = Field(min_length=1, max_length=36)
    entries: list[AuditEntryIn] = Field(max_length=MAX_AUDIT_PER_PUSH)

    @field_validator("device_id")
    @classmethod
    def _fit_device(cls, value: str) -> str:
        return _device(value)

    @model_validator(mode="after")
    def _one_device(self) -> AuditPushRequest:
        for entry in self.entries:
            if entry.device_id != self.device_id:
                raise ValueError(
                    f"Regel {entry.seq} is van een ander apparaat dan waarvoor wordt verstuurd."
                )
        return self


class AuditPushResponse(BaseModel):
    stored_through: int = Field(description="The device's last entry the server holds (0: none).")
    last_hash: str = Field(description="Its hash (GENESIS when none).")
    wipe: bool = Field(default=False, description="A remote wipe is pending for this user.")


class InzageEntry(BaseModel):
    """One line of an inzage report (AVG art. 15): who did what with the client's file."""

    at: datetime
    user_id: str
    user_name: str | None = Field(description="None: not a known account of this server.")
    role: str | None
    device_id: str
    action: str
    action_label: str
    client_id: str | None
    case_id: str | None
    object_id: str | None
    detail: str
    source: Literal["desktop", "server"]


class InzageResponse(BaseModel):
    client_id: uuid.UUID
    entries: list[InzageEntry] = Field(description="Oldest first.")


class WipeDoneRequest(BaseModel):
    """The desktop has wiped its profile after a pending remote wipe."""

    device_id: str = Field(min_length=1, max_length=36)

    @field_validator("device_id")
    @classmethod
    def _fit_device(cls, value: str) -> str:
        return _device(value)
