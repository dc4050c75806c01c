"""Signing in to the regional server; the token lives in the OS keyring, never in a file.

Where no keyring backend exists (a bare Linux session) the token is kept in memory only and the
consultant signs in again next time.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the client (and the protocol's pydantic models) load with the first request
    from wmo_desk.sync.client import ServerClient, ServerSession

log = logging.getLogger(__name__)

KEYRING_SERVICE = "wmo_desk"


class TokenStore:
    """The OS keyring, or memory when there is none (``persistent`` says which)."""

    def __init__(self) -> None:
        self._memory: dict[str, str] = {}
        self.persistent = True

    def get(self, account: str) -> str | None:
        """The token of ``account``; the keyring is asked once, then the answer is kept (the
        status bar asks often, and a Secret Service can be slow)."""
        if account in self._memory:
            return self._memory[account]
        if not self.persistent:
            return None
        import keyring  # at the first use: its backends' entry points take 20-45 ms to load
        from keyring.errors import KeyringError

        try:
            token = keyring.get_password(KEYRING_SERVICE, account)
        except KeyringError:
            self.persistent = False
            return None
        if token is not None:
            self._memory[account] = token
        return token

    def put(self, account: str, token: str) -> None:
        import keyring
        from keyring.errors import KeyringError

        self._memory.pop(account, None)
        try:
            keyring.set_password(KEYRING_SERVICE, account, token)
            self.persistent = True
        except KeyringError:
            log.warning("no keyring backend: the sign-in token is kept in memory only")
            self.persistent = False
            self._memory[account] = token

    def delete(self, account: str) -> None:
        import keyring
        from keyring.errors import KeyringError

        self._memory.pop(account, None)
        with contextlib.suppress(KeyringError):  # nothing stored, or no keyring at all
            keyring.delete_password(KEYRING_SERVICE, account)


@dataclass(frozen=True)
class SignInState:
    """What the status bar shows about the connection."""

    signed_in: bool
    username: str = ""
    display_name: str = ""
    remembered: bool = False


class SignInService:
    """Signs the user in once; later starts reuse the stored token while the server accepts it."""

    def __init__(self, client: ServerClient, store: TokenStore) -> None:
        self.client = client
        self._client = client
        self._store = store
        self.session: ServerSession | None = None
        self.username = ""

    def sign_in(self, username: str, password: str) -> SignInState:
        """Raises :class:`ServerError` with a Dutch message (wrong password, unreachable, ...)."""
        self.session = self._client.sign_in(username.strip(), password)
        self.username = username.strip()
        self._store.put(self.username, self.session.token)
        return self.state()

    def token(self, username: str) -> str | None:
        """A stored token for ``username`` that the server still accepts, else None (sign in again)."""
        from wmo_desk.sync.client import ServerError

        token = self._store.get(username)
        if not token:
            return None
        try:
            self._client.check(token)
        except ServerError as exc:
            if exc.code != "unreachable":
                self._store.delete(username)
                return None
            raise
        self.username = username
        return token

    def sign_out(self) -> None:
        if self.username:
            self._store.delete(self.username)
        self.session = None

    def state(self) -> SignInState:
        if self.session is None:
            return SignInState(False)
        return SignInState(True, self.username, self.session.display_name, self._store.persistent)
