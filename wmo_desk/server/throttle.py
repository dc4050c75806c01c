"""Sign-in back-off: failed logins counted per username and per client address, then a lockout.

An attempt is counted against its username *before* its password is checked (:func:`reserve`),
under a lock per username, and forgotten again when it succeeds. So parallel attempts at the
limit cannot each get a try: the sixth of six simultaneous wrong passwords for one account is
refused like the sixth of six in a row. An address counts the wrong passwords it sent.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import weakref
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select, text
from sqlalchemy.orm import Session

from wmo_desk.server.models import LoginFailure, ServerKey

WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=5)
USERNAME_LIMIT = 5
# Higher than per username: colleagues behind one office NAT share an address.
ADDRESS_LIMIT = 20

USERNAME = "user"
ADDRESS = "address"
# First key of the advisory locks of the counters on PostgreSQL ("wmot"); the second is the
# counter's hash. PostgreSQL keeps two-key locks apart from the one-key writer lock.
_LOCK_CLASS = 0x776D6F74


class TooManyAttempts(Exception):
    """Sign-in refused for a while after too many failures (HTTP 429); the message is Dutch."""

    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, math.ceil(retry_after / 60))
        wait = "1 minuut" if minutes == 1 else f"{minutes} minuten"
        self.message = f"Te veel mislukte aanmeldpogingen. Probeer het over {wait} opnieuw."
        super().__init__(self.message)


# The key of each server database, read once per process (it never changes).
_KEYS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()
KEY_NAME = "throttle"


def _key(session: Session) -> bytes:
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    key = _KEYS.get(engine)
    if key is None:
        value = session.scalar(select(ServerKey.value).where(ServerKey.name == KEY_NAME))
        if value is None:
            raise LookupError("server_keys has no throttle key: run wmo-desk-server init")
        key = _KEYS.setdefault(engine, bytes.fromhex(value))
    return key


def _digest(key: bytes, value: str) -> str:
    # Keyed: a copy of the table alone does not say which usernames or addresses failed
    # (unkeyed, a username or an IPv4 address is found back by trying them all).
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _keys(session: Session, username: str, address: str | None) -> list[tuple[str, str, int]]:
    """(scope, key hash, limit) per counter; the typed name and the address are never stored."""
    key = _key(session)
    keys = [(USERNAME, _digest(key, username.strip().lower()), USERNAME_LIMIT)]
    if address:
        keys.append((ADDRESS, _digest(key, address), ADDRESS_LIMIT))
    return keys


def _locked_until(
    session: Session, scope: str, key_hash: str, limit: int, now: datetime, own: list[int]
) -> datetime | None:
    # The newest `limit` failures inside the window: all there means locked until the newest
    # plus LOCK. After that one more failure locks again, until the window has moved on.
    recent = session.scalars(
        select(LoginFailure.failed_at)
        .where(
            LoginFailure.scope == scope,
            LoginFailure.key_hash == key_hash,
            LoginFailure.failed_at > now - WINDOW,
            LoginFailure.id.not_in(own),
        )
        .order_by(LoginFailure.failed_at.desc())
        .limit(limit)
    ).all()
    if len(recent) < limit:
        return None
    until = recent[0] + LOCK
    return until if until > now else None


def _serialise(session: Session, keys: list[tuple[str, str, int]]) -> None:
    """Hold each counter until the transaction ends, always in the same order (no deadlock).

    On SQLite the first write of :func:`reserve` takes the database's write lock, which does
    the same; several server processes run on PostgreSQL only."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for _scope, key_hash, _limit in keys:
        session.execute(
            text("SELECT pg_advisory_xact_lock(:cls, :obj)"),
            {"cls": _LOCK_CLASS, "obj": int.from_bytes(bytes.fromhex(key_hash[:8]), signed=True)},
        )


def _purge(session: Session, now: datetime) -> None:
    """Forget failures out of the window; rows another sign-in holds are left for the next one
    (two purges deleting in different orders would otherwise deadlock on PostgreSQL)."""
    old = (
        select(LoginFailure.id)
        .where(LoginFailure.failed_at <= now - WINDOW)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    session.execute(delete(LoginFailure).where(LoginFailure.id.in_(old)))


def reserve(session: Session, username: str, address: str | None, *, now: datetime) -> list[int]:
    """Count this attempt as a failure of the username before its password is checked; the ids
    to forget if it succeeds (:func:`forget`). Raises :class:`TooManyAttempts` while the
    username or the address is locked out (nothing counted then). The caller commits.

    Only the username's count takes attempts in progress: colleagues behind one office address
    signing in at nine o'clock are not failures of that address. The address counts failures
    once they are known (:func:`address_failed`)."""
    keys = _keys(session, username, address)
    user_key = keys[0]
    _serialise(session, [user_key])
    _purge(session, now)
    attempt = LoginFailure(scope=USERNAME, key_hash=user_key[1], failed_at=now)
    session.add(attempt)
    session.flush()
    own = [attempt.id]
    locks = [
        until
        for scope, key_hash, limit in keys
        if (until := _locked_until(session, scope, key_hash, limit, now, own)) is not None
    ]
    if locks:
        raise TooManyAttempts(max(1, math.ceil((max(locks) - now).total_seconds())))
    return own


def address_failed(session: Session, address: str | None, *, now: datetime) -> None:
    """A wrong password from ``address``: one more failure of that address (the caller
    commits, also when it then refuses the sign-in)."""
    if address:
        ((_scope, key_hash, _limit),) = _keys(session, "", address)[1:]
        session.add(LoginFailure(scope=ADDRESS, key_hash=key_hash, failed_at=now))
        session.flush()


def forget(session: Session, username: str, attempt: list[int]) -> None:
    """A good sign-in: forget the username's failures, this attempt's count among them."""
    reset(session, username)
    if attempt:
        session.execute(delete(LoginFailure).where(LoginFailure.id.in_(attempt)))


def reset(session: Session, username: str) -> None:
    """Forget the username's failures (a good sign-in, a new password); the address keeps count."""
    ((scope, key_hash, _limit),) = _keys(session, username, None)
    session.execute(
        delete(LoginFailure).where(LoginFailure.scope == scope, LoginFailure.key_hash == key_hash)
    )
