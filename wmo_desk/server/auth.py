"""Accounts and bearer tokens: argon2 password hashes, sessions stored as token hashes only."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from wmo_desk.server import throttle
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.models import ROLES, SYNC_ROLES, AuthSession, User
from wmo_desk.server.records import publish_user
from wmo_desk.sync.protocol import DEVICE_HEADER

DEFAULT_TOKEN_HOURS = 12
MIN_PASSWORD_LENGTH = 10
# Sessions expired or revoked longer ago than this are deleted (at login, purge-sessions).
SESSION_KEEP = timedelta(days=7)

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both failures take as long.
_DUMMY_HASH = _hasher.hash("wmo-desk-no-such-user")
_bearer = HTTPBearer(auto_error=False, description="Het token uit POST /api/v1/login.")


class AuthError(Exception):
    """A refused login or token; ``code`` and the Dutch ``message`` go to the client as is."""

    code = "auth_error"
    message = "Niet aangemeld."

    def __init__(self) -> None:
        super().__init__(self.message)


class BadCredentials(AuthError):
    code = "bad_credentials"
    message = "Gebruikersnaam of wachtwoord klopt niet."


class TokenInvalid(AuthError):
    code = "token_invalid"
    message = "U bent niet aangemeld. Meld u opnieuw aan."


class TokenExpired(AuthError):
    code = "token_expired"
    message = "Uw sessie is verlopen. Meld u opnieuw aan."


class TokenRevoked(AuthError):
    code = "token_revoked"
    message = "Uw sessie is ingetrokken. Meld u opnieuw aan."


class UserInactive(AuthError):
    code = "user_inactive"
    message = "Dit account is uitgeschakeld. Neem contact op met de beheerder."


class AccountError(ValueError):
    """Invalid account data given by an administrator; the message is Dutch."""


@dataclass(frozen=True)
class IssuedToken:
    """A fresh bearer token: the only moment the server holds it in clear."""

    token: str
    expires_at: datetime
    user: User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def utc_now() -> datetime:
    """The server clock (``app.state.clock``; tests give the app another)."""
    return datetime.now(UTC)


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utc_now()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Wachtwoord: minstens {MIN_PASSWORD_LENGTH} tekens.")


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise AccountError(f"Gebruiker {username!r} bestaat niet.")
    return user


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    display_name: str,
    role: str,
    municipality_code: str,
) -> User:
    """Add an active account; raises :class:`AccountError` for invalid or duplicate data."""
    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9._@-]{2,100}", username):
        raise AccountError("Gebruikersnaam: 2 tot 100 letters, cijfers of . _ @ -.")
    if role not in ROLES:
        raise AccountError(f"Onbekende rol {role!r}; kies uit {', '.join(ROLES)}.")
    if not re.fullmatch(r"\d{4}", municipality_code):
        raise AccountError("Gemeentecode: vier cijfers (CBS-code), bijvoorbeeld 0828.")
    _check_password(password)
    if not display_name.strip():
        raise AccountError("Naam mag niet leeg zijn.")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"Gebruikersnaam {username!r} bestaat al.")
    user = User(
        id=uuid.uuid4(),
        username=username,
        password_hash=_hasher.hash(password),
        display_name=display_name.strip(),
        role=role,
        municipality_code=municipality_code,
        active=True,
    )
    session.add(user)
    session.flush()
    if user.role in SYNC_ROLES:  # desktops know colleagues; a web account is none of theirs
        publish_user(session, user)
    return user


# Password hashing (argon2: 64 MiB and tens of milliseconds of CPU per sign-in) runs in this
# bounded pool, not in the threads that serve sync requests: a burst of sign-ins queues here
# instead of taking every worker thread (and 64 MiB each) while pushes and pulls wait.
HASH_WORKERS = max(1, (os.cpu_count() or 2) // 2)
_hash_pool = ThreadPoolExecutor(max_workers=HASH_WORKERS, thread_name_prefix="wachtwoord")


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one of ``password_hash`` (None: an unknown user, checked
    against a dummy hash so both failures take as long)."""
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


async def password_matches_async(password_hash: str | None, password: str) -> bool:
    """:func:`password_matches` in the hashing pool, awaited without holding a worker thread."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_hash_pool, password_matches, password_hash, password)


@dataclass(frozen=True)
class LoginStart:
    """What the first step of a sign-in found: the account (None: unknown) and this attempt's
    count in the back-off, forgotten if the password is right."""

    user_id: uuid.UUID | None
    password_hash: str | None
    attempt: list[int]


def start_login(
    session: Session, username: str, *, address: str | None = None, now: datetime | None = None
) -> LoginStart:
    """The first step of a sign-in, committed before the password is checked: the back-off
    (``TooManyAttempts`` while the username or the ``address`` is locked out: the password is
    not even checked) counts this attempt as failed, then the account is looked up."""
    attempt = throttle.reserve(session, username, address, now=_now(now))
    user = session.scalar(select(User).where(User.username == username.strip()))
    return LoginStart(user.id if user else None, user.password_hash if user else None, attempt)


def finish_login(
    session: Session,
    username: str,
    password: str,
    started: LoginStart,
    verified: bool,
    *,
    address: str | None = None,
    lifetime: timedelta = timedelta(hours=DEFAULT_TOKEN_HOURS),
    now: datetime | None = None,
) -> IssuedToken:
    """The last step, after the password was checked: a failure stays counted for the username
    and is counted for the address (:class:`BadCredentials`; the caller commits that), a good
    sign-in forgets the username's count, deletes sessions long expired or revoked and opens a
    session."""
    created = _now(now)
    user = session.get(User, started.user_id) if started.user_id is not None else None
    if not verified or user is None:
        throttle.address_failed(session, address, now=created)
        raise BadCredentials()
    if not user.active:
        raise UserInactive()
    throttle.forget(session, username, started.attempt)
    purge_sessions(session, now=created)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    token = secrets.token_urlsafe(32)
    expires_at = created + lifetime
    session.add(
        AuthSession(
            token_hash=hash_token(token),
            user_id=user.id,
            created_at=created,
            expires_at=expires_at,
        )
    )
    session.flush()
    return IssuedToken(token=token, expires_at=expires_at, user=user)


def login(
    session: Session,
    username: str,
    password: str,
    *,
    address: str | None = None,
    lifetime: timedelta = timedelta(hours=DEFAULT_TOKEN_HOURS),
    now: datetime | None = None,
) -> IssuedToken:
    """Check the password and open a session, in one go (:func:`start_login`, the password,
    :func:`finish_login`) inside the caller's transaction; raises :class:`BadCredentials`,
    ``UserInactive`` or ``TooManyAttempts``. The attempt's count is written with that
    transaction (commit it on :class:`BadCredentials` too); the routes use :func:`login_async`,
    which commits the count before the password is checked."""
    created = _now(now)
    started = start_login(session, username, address=address, now=created)
    verified = password_matches(started.password_hash, password)
    return finish_login(
        session,
        username,
        password,
        started,
        verified,
        address=address,
        lifetime=lifetime,
        now=created,
    )


async def login_async(
    db: ServerDatabase,
    username: str,
    password: str,
    *,
    address: str | None = None,
    lifetime: timedelta = timedelta(hours=DEFAULT_TOKEN_HOURS),
    now: datetime | None = None,
    admit: Callable[[User], bool] | None = None,
) -> IssuedToken | None:
    """:func:`login` for the routes: the database steps in the worker threads, the password in
    the bounded hashing pool, so a burst of sign-ins never holds the threads sync requests need.
    With ``admit``, an account it refuses (right password, wrong kind of account) gets no
    session: None."""
    created = _now(now)

    def start() -> LoginStart:
        with db.session_scope() as session:
            return start_login(session, username, address=address, now=created)

    def finish(started: LoginStart, verified: bool) -> IssuedToken | None:
        with db.session_scope() as session:
            try:
                issued = finish_login(
                    session,
                    username,
                    password,
                    started,
                    verified,
                    address=address,
                    lifetime=lifetime,
                    now=created,
                )
            except BadCredentials:
                session.commit()  # the address's count stays
                raise
            if admit is not None and not admit(issued.user):
                session.rollback()
                return None
            return issued

    started = await run_in_threadpool(start)
    verified = await password_matches_async(started.password_hash, password)
    return await run_in_threadpool(finish, started, verified)


def revoke_sessions(session: Session, username: str, *, now: datetime | None = None) -> int:
    """Revoke every open session of ``username``; returns how many. Unknown user: AccountError."""
    user = _user(session, username)
    result = session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=_now(now))
    )
    return result.rowcount


def request_wipe(session: Session, username: str, *, now: datetime | None = None) -> User:
    """Ask the user's desktop to wipe its profile at the next sync (``revoke --wipe``).

    The sessions stay valid until the desktop reports the wipe (``POST /api/v1/wipe/done``): its
    push still takes what was recorded offline, its pull brings nothing but ``wipe``. Unknown
    user: AccountError."""
    user = _user(session, username)
    if user.wipe_requested_at is None:
        user.wipe_requested_at = _now(now)
    session.flush()
    return user


def set_active(
    session: Session, username: str, active: bool, *, now: datetime | None = None
) -> int:
    """Switch an account on or off and publish it, so desktops learn it; switching off also
    revokes its sessions (returns how many). Unknown user: AccountError."""
    user = _user(session, username)
    revoked = 0 if active else revoke_sessions(session, username, now=now)
    user.active = active
    session.flush()
    if user.role in SYNC_ROLES:  # desktops know colleagues; a web account is none of theirs
        publish_user(session, user)
    return revoked


def set_password(
    session: Session, username: str, password: str, *, now: datetime | None = None
) -> int:
    """Give an account a new password and revoke its open sessions (returns how many); the
    username's failed sign-ins are forgotten. Unknown user or too short: AccountError."""
    user = _user(session, username)
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    throttle.reset(session, user.username)
    return revoke_sessions(session, username, now=now)


def purge_sessions(
    session: Session, *, keep: timedelta = SESSION_KEEP, now: datetime | None = None
) -> int:
    """Delete sessions that expired, or were revoked, more than ``keep`` ago; returns how many."""
    before = _now(now) - keep
    result = session.execute(
        delete(AuthSession).where(
            or_(AuthSession.expires_at < before, AuthSession.revoked_at < before)
        ),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def user_for_token(session: Session, token: str, *, now: datetime | None = None) -> User:
    """The user behind a bearer token, or TokenInvalid/TokenExpired/TokenRevoked/UserInactive."""
    row = session.get(AuthSession, hash_token(token)) if token else None
    if row is None:
        raise TokenInvalid()
    if row.revoked_at is not None:
        raise TokenRevoked()
    if row.expires_at <= _now(now):
        raise TokenExpired()
    user = session.get(User, row.user_id)
    if user is None:
        raise TokenInvalid()
    if not user.active:
        raise UserInactive()
    return user


@dataclass(frozen=True)
class Bearer:
    """The bearer token of a request, read from its headers without asking the database.

    ``writer`` is what the request's pushes are marked with (:func:`writer_of`). The token is
    checked against the database by :func:`user_for_token`, in :func:`current_user`.
    """

    token: str
    writer: str


async def bearer(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Bearer:
    """FastAPI dependency: the ``Authorization: Bearer`` token, or TokenInvalid when there is
    none. Runs on the event loop (no database, no thread turn)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise TokenInvalid()
    return Bearer(
        credentials.credentials,
        writer_of(credentials.credentials, request.headers.get(DEVICE_HEADER)),
    )


def current_user(request: Request, signed: Annotated[Bearer, Depends(bearer)]) -> User:
    """FastAPI dependency: the user of the ``Authorization: Bearer`` token, or an AuthError.

    It checks the token in a transaction of its own, before the request's body and parameters
    are validated (a refused token is a 401 whatever the body), and holds no connection after:
    the route, in a thread turn of its own, takes a connection then (holding one across two
    thread turns could leave every connection with a request that waits for a thread)."""
    with request.app.state.db.session_scope() as session:
        user = user_for_token(session, signed.token)
    request.state.session = signed.writer
    return user


def writer_of(token: str, device: str | None) -> str:
    """Who writes what a request pushes: the sign-in (its token's hash) and the desktop profile
    it names (DEVICE_HEADER; two profiles of one sign-in are two writers). A push marks what it
    wrote with this, and a pull with the same passes over it. A device is only the caller's own
    word: naming another one only makes the caller's own pulls bring back more."""
    signed = hash_token(token)
    if not device or len(device) > 64:
        return signed
    return hashlib.sha256(f"{signed}:{device}".encode("utf-8", "replace")).hexdigest()
