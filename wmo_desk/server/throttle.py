"""Sign-in back-off: failed logins counted per username and per client address, then a lockout."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wmo_desk.server.models import LoginFailure

WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=5)
USERNAME_LIMIT = 5
# Higher than per username: colleagues behind one office NAT share an address.
ADDRESS_LIMIT = 20

USERNAME = "user"
ADDRESS = "address"


class TooManyAttempts(Exception):
    """Sign-in refused for a while after too many failures (HTTP 429); the message is Dutch."""

    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, math.ceil(retry_after / 60))
        wait = "1 minuut" if minutes == 1 else f"{minutes} minuten"
        self.message = f"Te veel mislukte aanmeldpogingen. Probeer het over {wait} opnieuw."
        super().__init__(self.message)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _keys(username: str, address: str | None) -> list[tuple[str, str, int]]:
    """(scope, key hash, limit) per counter; the typed name and the address are never stored."""
    keys = [(USERNAME, _digest(username.strip().lower()), USERNAME_LIMIT)]
    if address:
        keys.append((ADDRESS, _digest(address), ADDRESS_LIMIT))
    return keys


def _locked_until(
    session: Session, scope: str, key_hash: str, limit: int, now: datetime
) -> datetime | None:
    # The newest `limit` failures inside the window: all there means locked until the newest
    # plus LOCK. After that one more failure locks again, until the window has moved on.
    recent = session.scalars(
        select(LoginFailure.failed_at)
        .where(
            LoginFailure.scope == scope,
            LoginFailure.key_hash == key_hash,
            LoginFailure.failed_at > now - WINDOW,
        )
        .order_by(LoginFailure.failed_at.desc())
        .limit(limit)
    ).all()
    if len(recent) < limit:
        return None
    until = recent[0] + LOCK
    return until if until > now else None


def check(session: Session, username: str, address: str | None, *, now: datetime) -> None:
    """Raise :class:`TooManyAttempts` while the username or the address is locked out."""
    locks = [
        until
        for scope, key_hash, limit in _keys(username, address)
        if (until := _locked_until(session, scope, key_hash, limit, now)) is not None
    ]
    if locks:
        raise TooManyAttempts(max(1, math.ceil((max(locks) - now).total_seconds())))


def record_failure(session: Session, username: str, address: str | None, *, now: datetime) -> None:
    """Count a failed sign-in for the username and the address; forget failures out of the window."""
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - WINDOW))
    for scope, key_hash, _limit in _keys(username, address):
        session.add(LoginFailure(scope=scope, key_hash=key_hash, failed_at=now))
    session.flush()


def reset(session: Session, username: str) -> None:
    """Forget the username's failures (a good sign-in, a new password); the address keeps count."""
    ((scope, key_hash, _limit),) = _keys(username, None)
    session.execute(
        delete(LoginFailure).where(LoginFailure.scope == scope, LoginFailure.key_hash == key_hash)
    )
