"""Hand-written fakes shared by the tests (no mock.patch): a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time


class FakeClock:
    """A clock that says what the test tells it."""

    def __init__(self, today: date) -> None:
        self.day = today

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, time(10, 0), tzinfo=UTC)


class InMemoryKeyring:
    """A keyring backend that keeps secrets in a dict (tests only; users get the OS keyring)."""

    priority = 1

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.secrets:
            raise PasswordDeleteError("not found")
        del self.secrets[(service, username)]


def memory_keyring_backend():
    """A keyring backend over :class:`InMemoryKeyring` (tests only; users get the OS keyring)."""
    import keyring.backend

    class MemoryBackend(keyring.backend.KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.store = InMemoryKeyring()

        def get_password(self, service, username):
            return self.store.get_password(service, username)

        def set_password(self, service, username, password):
            self.store.set_password(service, username, password)

        def delete_password(self, service, username):
            self.store.delete_password(service, username)

    return MemoryBackend()


class GatedHttp:
    """An HTTP client for the desktop whose requests wait until the test opens the gate.

    Wraps another client (the in-process server's); ``waiting`` is set once a request waits.
    """

    def __init__(self, http) -> None:
        import threading

        self._http = http
        self.gate = threading.Event()
        self.gate.set()
        self.waiting = threading.Event()

    def request(self, *args, **kwargs):
        if not self.gate.is_set():
            self.waiting.set()
            if not self.gate.wait(timeout=60):
                raise TimeoutError("the test never opened the gate")
        return self._http.request(*args, **kwargs)


#: profiles shared between test processes take this passphrase (no keyring crosses a process)
TEST_PASSPHRASE = "testwachtwoordzin, niet echt"


def passphrase_keys(folder):
    """The key source of a profile that several processes open: a passphrase, no keyring."""
    from wmo_desk.services.profile_key import ProfileKeys

    return ProfileKeys(folder, ask_passphrase=lambda request: TEST_PASSPHRASE, use_keyring=False)


class FixedKeys:
    """A key source that always gives ``key``: for profiles that tests copy or share between
    fixtures of different scopes (the database is still really encrypted with it)."""

    def __init__(self, key: bytes | None = None) -> None:
        from tests.conftest import TEST_KEY

        self.key = key or TEST_KEY
        self.lock = None

    def open_with(self, database, opener):
        return opener(self.key)

    def delete(self) -> None:
        pass
