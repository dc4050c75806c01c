"""The server's tables (users, sessions, the sync store, applied changes, the access log); not the
desktop's."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from wmo_desk.storage.types import UtcDateTime

# The first three sync a desktop; regio (regional office), meldpunt (signal desk) and
# toezichthouder (Wmo supervisor) use the web pages only (wmo_desk/server/roles.py).
ROLES = ("consulent", "teamleider", "bw-consulent", "regio", "meldpunt", "toezichthouder")
SYNC_ROLES = frozenset(ROLES[:3])


class ServerBase(DeclarativeBase):
    """Metadata of the server schema only; named constraints so batch migrations can alter them."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class User(ServerBase):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('consulent', 'teamleider', 'bw-consulent', 'regio', 'meldpunt', "
            "'toezichthouder')",
            name="role",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    municipality_code: Mapped[str] = mapped_column(String(4))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # revoke --wipe: the desktop wipes its profile at the next sync, then reports it (wipe/done)
    wipe_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuthSession(ServerBase):
    """A login; only the SHA-256 of its bearer token is stored, never the token."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Record(ServerBase):
    """One synced record (a case, a client, ...): the newest version, or its tombstone."""

    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("record_type", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id"))
    # The case a record belongs to (a case: itself); its visibility follows that case's owner.
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    # A case record only: its client, so the consultant of the case also sees the client.
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    # Server-wide sequence: pull cursors count on every change getting a higher, unique number.
    revision: Mapped[int] = mapped_column(BigInteger, unique=True)
    payload: Mapped[str] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The sign-in (SHA-256 of its token) whose push wrote this version; NULL when the server
    # wrote it (approval, reassignment, publication). That session's pull skips it: the desktop
    # has it already.
    written_in: Mapped[str | None] = mapped_column(String(64))


class AppliedChange(ServerBase):
    """A change_id the server has applied: a second delivery is answered, not applied again."""

    __tablename__ = "applied_changes"

    change_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revision: Mapped[int] = mapped_column(BigInteger)


class Approval(ServerBase):
    """A decision approved under mandate: who approved it, when, and the kenmerk it got.

    The only way a decision becomes final; kenmerken are unique per municipality and year."""

    __tablename__ = "approvals"
    __table_args__ = (UniqueConstraint("municipality_code", "year", "sequence"),)

    decision_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    proposed_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    approved_by: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decision_date: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    kenmerk: Mapped[str] = mapped_column(String(40), unique=True)


class AllocationNumber(ServerBase):
    """A toewijzingnummer the server issued for a provision (iWmo TR332: unique per
    municipality, at most nine digits, never reused)."""

    __tablename__ = "allocation_numbers"

    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    provision_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    decision_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    issued_to: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginFailure(ServerBase):
    """A failed sign-in, counted per ``scope`` (``user`` or ``address``) for the back-off.

    Only an HMAC-SHA-256 of the lowercased username typed, or of the client address, keyed
    with the database's ``throttle`` :class:`ServerKey`, is stored;
    a row is forgotten once it is out of the back-off window (wmo_desk/server/throttle.py)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(7))
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class AuditLogEntry(ServerBase):
    """One line of the access log (NEN 7513): pushed by a desktop (its hash chain) or written by
    the server itself (``source`` 'server', device 'server', no seq or hash).

    Append-only: database triggers refuse UPDATE and DELETE (migration s0005)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        UniqueConstraint("device_id", "seq"),
        CheckConstraint("source IN ('desktop', 'server')", name="source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    source: Mapped[str] = mapped_column(String(7))
    device_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    user_id: Mapped[str] = mapped_column(String(36))
    pushed_by: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    client_id: Mapped[str | None] = mapped_column(String(36), index=True)
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    object_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(200))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditDevice(ServerBase):
    """A device's chain head on the server, and the user it is bound to (the first to push)."""

    __tablename__ = "audit_devices"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


# Signals to the regional meldpunt (wmo_desk/server/signals_api.py); the values are those of
# wmo_desk.domain.signals, spelled out here as in the migration (s0008).
SIGNAL_KINDS = ("kwaliteit", "rechtmatigheid", "fraude", "calamiteit")
SIGNAL_STATUSES = ("ontvangen", "in_behandeling", "overgedragen_aan_toezicht", "afgehandeld")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class SignalReport(ServerBase):
    """A signal about a provider, as reported from a desktop; its status is the meldpunt's.

    A client is referenced by id only (never a name or BSN), and only with consent.
    ``status_seq`` is the id of the signal's newest history row: the reporter's pull cursor."""

    __tablename__ = "signals"
    __table_args__ = (
        CheckConstraint(_in("kind", SIGNAL_KINDS), name="kind"),
        CheckConstraint(_in("status", SIGNAL_STATUSES), name="status"),
        CheckConstraint("client_id IS NULL OR consent_on IS NOT NULL", name="consent"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    reporter_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"), index=True)
    provider_id: Mapped[str] = mapped_column(String(100), index=True)
    provider_name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    what_happened: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[date] = mapped_column(Date)
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    consent_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status_seq: Mapped[int] = mapped_column(BigInteger, index=True)


class SignalStatusChange(ServerBase):
    """One step in a signal's history: its status from ``at`` on, who set it, and why."""

    __tablename__ = "signal_history"
    __table_args__ = (CheckConstraint(_in("status", SIGNAL_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    signal_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("signals.id"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    by_user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")


# Telephone evaluations (cliëntervaring, wmo_desk/server/evaluations_api.py); the outcomes of
# wmo_desk.domain.evaluations, spelled out here as in the migration (s0009).
EVALUATION_OUTCOMES = ("afgerond", "geen_bereik", "wil_niet_meewerken")


class EvaluationReport(ServerBase):
    """One anonymous evaluation: no client, case, consultant, name or date finer than the year.

    ``answers`` (JSON: question id -> chosen value), ``product_codes`` and ``provider_ids``
    (JSON lists) are as the desktop sent them, checked against the form."""

    __tablename__ = "evaluations"
    __table_args__ = (CheckConstraint(_in("outcome", EVALUATION_OUTCOMES), name="outcome"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    outcome: Mapped[str] = mapped_column(String(30))
    form_id: Mapped[str] = mapped_column(String(100))
    form_version: Mapped[str] = mapped_column(String(40))
    answers: Mapped[str] = mapped_column(Text)
    product_codes: Mapped[str] = mapped_column(Text)
    provider_ids: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ServerKey(ServerBase):
    """A secret of this server database, made by its migration (s0010): ``throttle`` keys the
    hashes of the sign-in back-off. In the database, so every server process shares it."""

    __tablename__ = "server_keys"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
