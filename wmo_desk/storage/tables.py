"""The tables of a wmo_desk database, as SQLAlchemy 2 typed models.

Records made on the desktop carry what offline-first sync needs (STYLE.md): a client-made
UUID, created/modified times, a ``pending`` marker for changes not yet pushed, a tombstone
(``deleted``) instead of a delete, and the server revision last seen. Catalogue tables are
reference data owned by the region and replaced as a whole.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from wmo_desk.domain.evaluations import FORM_ID as EVALUATION_FORM_ID
from wmo_desk.storage.types import JsonText, UtcDateTime
from wmo_desk.sync.engine import BSN_FIELD_LENGTH, DOCUMENT_ID_LENGTH, DOCUMENT_KIND_LENGTH


class Base(DeclarativeBase):
    """Declarative base of all wmo_desk tables."""


class SyncMixin:
    """Columns every synchronised record has."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime())
    pending: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    server_revision: Mapped[int | None] = mapped_column(Integer, default=None)


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class UserRow(SyncMixin, Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    municipality_code: Mapped[str] = mapped_column(String(4))


class ClientRow(SyncMixin, Base):
    __tablename__ = "clients"

    # nine digits, or a withdrawn twin's mark "=<kept id>/<own id>" (sync.engine; 0015)
    bsn: Mapped[str] = mapped_column(String(BSN_FIELD_LENGTH), unique=True)
    initials: Mapped[str] = mapped_column(String(40))
    first_names: Mapped[str] = mapped_column(String(200), default="")
    prefix: Mapped[str] = mapped_column(String(20), default="")
    surname: Mapped[str] = mapped_column(String(200))
    sort_name: Mapped[str] = mapped_column(String(300))
    search_text: Mapped[str] = mapped_column(String(500), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1), default="0")
    street: Mapped[str] = mapped_column(String(200))
    house_number: Mapped[int] = mapped_column(Integer)
    house_number_addition: Mapped[str] = mapped_column(String(10), default="")
    postcode: Mapped[str] = mapped_column(String(6), index=True)
    place: Mapped[str] = mapped_column(String(100))
    municipality_code: Mapped[str] = mapped_column(String(4))
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    # the BRP short street name beside a street over 24 characters (iWmo messages; 0013)
    street_short: Mapped[str] = mapped_column(String(24), server_default="")


class CaseRow(SyncMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_consultant_deadline", "consultant_id", "next_deadline"),
        Index("ix_cases_municipality_stage", "municipality_code", "stage"),
    )

    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    consultant_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    stage: Mapped[str] = mapped_column(String(20))
    melding_date: Mapped[date] = mapped_column(Date)
    reported_by: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    request_text: Mapped[str] = mapped_column(Text)
    aanvraag_date: Mapped[date | None] = mapped_column(Date)
    decision_sent_date: Mapped[date | None] = mapped_column(Date)
    holds: Mapped[list] = mapped_column(JsonText, default=list)
    on_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    close_reason: Mapped[str | None] = mapped_column(String(30))
    close_note: Mapped[str] = mapped_column(Text, default="")
    closed_date: Mapped[date | None] = mapped_column(Date)
    # Denormalised from the domain's deadline rules so 50,000 cases sort and filter in SQL.
    next_deadline: Mapped[date | None] = mapped_column(Date)
    next_deadline_kind: Mapped[str | None] = mapped_column(String(30))
    # The client's sort name, copied by triggers (migration 0011) so the caseload sorts on
    # deadline and name from one index; local only, never written by the code (NULL or ''
    # in an insert is filled at once).
    sort_name: Mapped[str | None] = mapped_column(String(300), server_default="")


class CaseEventRow(SyncMixin, Base):
    __tablename__ = "case_events"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[str] = mapped_column(String(36))
    actor_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditRow(Base):
    """Access log in NEN 7513 style: who did what, when, to which client, on which device.

    Append-only (database triggers refuse UPDATE and DELETE) and hash-chained per device
    (``domain/audit.py``); pushed to the server with the sync.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int | None] = mapped_column(Integer, index=True, unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    user_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36), default="")
    action: Mapped[str] = mapped_column(String(40))
    client_id: Mapped[str | None] = mapped_column(String(36), index=True)
    case_id: Mapped[str | None] = mapped_column(String(36))
    object_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(200), default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class StoredDocumentRow(Base):
    """A document made on this laptop (the verslag), kept only inside the encrypted database."""

    __tablename__ = "stored_documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(36))


class ConversationRow(SyncMixin, Base):
    __tablename__ = "conversations"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    form_id: Mapped[str] = mapped_column(String(100))
    form_version: Mapped[str] = mapped_column(String(40))
    held_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    answers: Mapped[dict] = mapped_column(JsonText, default=dict)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Which section the consultant was in, so reopening continues exactly there.
    current_section: Mapped[str] = mapped_column(String(100), default="")
    verslag_signed_on: Mapped[date | None] = mapped_column(Date)


class FormSnapshotRow(Base):
    """The exact form definition a conversation used, kept even after forms/ changes."""

    __tablename__ = "form_snapshots"

    form_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    definition: Mapped[dict] = mapped_column(JsonText)
    sha256: Mapped[str] = mapped_column(String(64))


class CaseResultRow(SyncMixin, Base):
    """A result the support must achieve (resultaat), in the region's product model."""

    __tablename__ = "case_results"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    care_form: Mapped[str] = mapped_column(String(40))
    product_code: Mapped[str] = mapped_column(String(5), default="")
    result_area: Mapped[str] = mapped_column(String(10), default="")
    level: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text)
    term_end: Mapped[date | None] = mapped_column(Date)
    household_member: Mapped[str] = mapped_column(String(200), default="")
    # the agreed omvang (migration 0012)
    volume: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(2), default="")
    frequency: Mapped[str] = mapped_column(String(1), default="")


class ZrmAssessmentRow(SyncMixin, Base):
    __tablename__ = "zrm_assessments"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessor_id: Mapped[str] = mapped_column(String(36))
    scores: Mapped[list] = mapped_column(JsonText, default=list)


class DecisionRow(SyncMixin, Base):
    __tablename__ = "decisions"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    motivation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    proposed_by: Mapped[str] = mapped_column(String(36))
    approved_by: Mapped[str | None] = mapped_column(String(36))
    kenmerk: Mapped[str] = mapped_column(String(40), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    replaces_id: Mapped[str | None] = mapped_column(String(36))
    # the proposer's work contact at submission, for the letters (migration 0014)
    proposer_phone: Mapped[str] = mapped_column(String(30), server_default="")
    proposer_email: Mapped[str] = mapped_column(String(200), server_default="")


class DecisionDocumentRow(SyncMixin, Base):
    """A PDF or XML rendered once when a decision became final; its SHA-256 proves it never changed."""

    __tablename__ = "decision_documents"

    # not a UUID: "<decision id>-<kind>" (sync.engine.document_id; 0015)
    id: Mapped[str] = mapped_column(String(DOCUMENT_ID_LENGTH), primary_key=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(DOCUMENT_KIND_LENGTH))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ProvisionRow(SyncMixin, Base):
    __tablename__ = "provisions"

    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), index=True)
    product_code: Mapped[str] = mapped_column(String(5))
    result: Mapped[str] = mapped_column(Text)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    delivery_form: Mapped[str] = mapped_column(String(10))
    volume: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(2), default="")
    frequency: Mapped[str] = mapped_column(String(1), default="")
    provider_id: Mapped[str | None] = mapped_column(String(64))
    pgb_cents: Mapped[int | None] = mapped_column(Integer)


class AllocationRow(SyncMixin, Base):
    __tablename__ = "allocations"

    provision_id: Mapped[str] = mapped_column(ForeignKey("provisions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    provider_id: Mapped[str] = mapped_column(String(64))
    product_category: Mapped[str] = mapped_column(String(2))
    product_code: Mapped[str] = mapped_column(String(5))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    volume: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(2), default="")
    frequency: Mapped[str] = mapped_column(String(1), default="")
    change_reason: Mapped[str] = mapped_column(String(2), default="")


class ProviderChoiceRow(SyncMixin, Base):
    """The provider the client chose (keuzevrijheid); kept even when a later catalogue drops it."""

    __tablename__ = "provider_choices"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    care_form: Mapped[str] = mapped_column(String(40))
    product_code: Mapped[str] = mapped_column(String(5), default="")
    provider_id: Mapped[str] = mapped_column(String(64))
    provider_name: Mapped[str] = mapped_column(String(300))
    provider_agb: Mapped[str] = mapped_column(String(8))
    location_id: Mapped[str] = mapped_column(String(80))
    location_label: Mapped[str] = mapped_column(String(400))
    distance_km: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    chosen_on: Mapped[date] = mapped_column(Date)


# --- the region catalogue (reference data, replaced as a whole) ---------------------------


class RegionRow(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(40))
    published: Mapped[date] = mapped_column(Date)
    contract_start: Mapped[date] = mapped_column(Date)
    contract_end: Mapped[date] = mapped_column(Date)
    centrumgemeente: Mapped[str] = mapped_column(String(4))
    model: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")


class MunicipalityRow(Base):
    __tablename__ = "municipalities"

    cbs_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    former: Mapped[list] = mapped_column(JsonText, default=list)


class CareFormRow(Base):
    __tablename__ = "care_forms"

    region_code: Mapped[str] = mapped_column(
        ForeignKey("regions.code", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class ProductRow(Base):
    __tablename__ = "products"

    region_code: Mapped[str] = mapped_column(
        ForeignKey("regions.code", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(2))
    care_form: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(40), default="")
    result_area: Mapped[str] = mapped_column(String(10), default="")
    unit: Mapped[str] = mapped_column(String(2), default="")
    frequency: Mapped[str] = mapped_column(String(1), default="")
    tariff_cents: Mapped[int | None] = mapped_column(Integer)
    tariff_period: Mapped[str] = mapped_column(String(10), default="")
    tariff_is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer)


class ProviderRow(Base):
    __tablename__ = "providers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code", ondelete="CASCADE"))
    agb_code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(300))
    product_codes: Mapped[list] = mapped_column(JsonText)
    municipality_codes: Mapped[list] = mapped_column(JsonText)
    specialisms: Mapped[list] = mapped_column(JsonText, default=list)
    accepting_new_clients: Mapped[bool] = mapped_column(Boolean, default=True)
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    contact_person: Mapped[str] = mapped_column(String(200), default="")
    is_demo_data: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer)


class ProviderLocationRow(Base):
    __tablename__ = "provider_locations"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    provider_id: Mapped[str] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    street: Mapped[str] = mapped_column(String(200))
    house_number: Mapped[int] = mapped_column(Integer)
    postcode: Mapped[str] = mapped_column(String(6))
    place: Mapped[str] = mapped_column(String(100))
    municipality_code: Mapped[str] = mapped_column(String(4))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    bw_places: Mapped[int | None] = mapped_column(Integer)
    bw_clients: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class AreaAssignmentRow(Base):
    __tablename__ = "area_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code", ondelete="CASCADE"))
    area: Mapped[str] = mapped_column(String(200))
    care_form: Mapped[str] = mapped_column(String(40))
    provider_id: Mapped[str] = mapped_column(String(64))
    municipality_codes: Mapped[list] = mapped_column(JsonText, default=list)
    postcode_areas: Mapped[list] = mapped_column(JsonText, default=list)
    reason: Mapped[str] = mapped_column(Text)


# --- sync state (never synced itself) ----------------------------------------------------


class SyncOutboxRow(Base):
    """A change prepared for the server, kept until the server answered it.

    Its ``change_id`` is fixed when prepared, so a push retried after a crash or a lost answer
    is the same change to the server (applied once)."""

    __tablename__ = "sync_outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True)
    record_type: Mapped[str] = mapped_column(String(40))
    # the row's own id: a decision document's is longer than a UUID (0015)
    record_id: Mapped[str] = mapped_column(String(DOCUMENT_ID_LENGTH), index=True)
    case_id: Mapped[str | None] = mapped_column(String(36))
    base_revision: Mapped[int | None] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[dict] = mapped_column(JsonText)


class SyncInboxRow(Base):
    """A record pulled from the server, waiting until the whole pull can be applied at once."""

    __tablename__ = "sync_inbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(40))
    # the local id the record travelled with, else its id (0015)
    record_id: Mapped[str] = mapped_column(String(DOCUMENT_ID_LENGTH))
    revision: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    municipality_code: Mapped[str] = mapped_column(String(4))
    payload: Mapped[dict] = mapped_column(JsonText)


class SyncConflictRow(Base):
    """Two versions of one record: this desktop's and the server's. Both are kept for good."""

    __tablename__ = "sync_conflicts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # conflict | refused
    reason: Mapped[str] = mapped_column(String(40), default="")
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(DOCUMENT_ID_LENGTH), index=True)  # 0015
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    local_payload: Mapped[dict] = mapped_column(JsonText)
    local_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    server_payload: Mapped[dict | None] = mapped_column(JsonText)
    server_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    server_revision: Mapped[int | None] = mapped_column(Integer)
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolution: Mapped[str] = mapped_column(String(20), default="")
    # a refusal as invalid: the server's Dutch words on which field and why
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")


class SignalRow(Base):
    """A signal to the regional meldpunt: written once here, its status the server's.

    Not part of the record sync: ``sent_at`` is None until the server confirmed receipt, then
    only the status columns change (from the server). ``client_id`` only with ``consent_on``."""

    __tablename__ = "signals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reporter_id: Mapped[str] = mapped_column(String(36), index=True)
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    provider_id: Mapped[str] = mapped_column(String(100))
    provider_name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    what_happened: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[date] = mapped_column(Date)
    client_id: Mapped[str | None] = mapped_column(String(36))
    consent_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    status: Mapped[str | None] = mapped_column(String(30))
    status_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # the server refused it (its Dutch words): kept, shown, never sent again
    refused: Mapped[str] = mapped_column(Text, default="")


class EvaluationRow(SyncMixin, Base):
    """A telephone evaluation (cliëntervaring) of a completed keukentafelgesprek.

    The task is a synchronised record (protocol 5, migration 0016): it reaches the assignee's
    desktop, also a colleague's who does not hold the case, so ``case_id`` is no foreign key and
    ``client_name``/``phone`` say whom to call. The answers, the form and the report's
    bookkeeping stay here: once recorded, the anonymous part is sent once with ``report_id``
    (``POST /api/v1/evaluations``); ``sent_at`` says the server has it."""

    __tablename__ = "evaluations"

    case_id: Mapped[str] = mapped_column(String(36), index=True)
    conversation_id: Mapped[str] = mapped_column(String(36), unique=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    assignee_id: Mapped[str] = mapped_column(String(36), index=True)
    due: Mapped[date] = mapped_column(Date)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(30))
    recorded_on: Mapped[date | None] = mapped_column(Date)
    client_name: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    product_codes: Mapped[list] = mapped_column(JsonText, default=list)
    provider_ids: Mapped[list] = mapped_column(JsonText, default=list)
    # local only
    form_id: Mapped[str] = mapped_column(String(100), default=EVALUATION_FORM_ID)
    form_version: Mapped[str] = mapped_column(String(40), default="")
    answers: Mapped[dict] = mapped_column(JsonText, default=dict)
    report_id: Mapped[str | None] = mapped_column(String(36))
    # the decision's products and providers as the report names them (the task drops them)
    report_product_codes: Mapped[list] = mapped_column(JsonText, default=list)
    report_provider_ids: Mapped[list] = mapped_column(JsonText, default=list)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    refused: Mapped[str] = mapped_column(Text, default="")
