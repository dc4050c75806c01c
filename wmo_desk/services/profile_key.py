"""Where a profile's database key comes from: the OS keyring, or a passphrase through Argon2id.

Each profile folder has ``profiel.json`` with what is not secret: the profile's id (the
keyring account), how its key is kept, and for a passphrase the salt and Argon2id costs.
The key itself is 32 random bytes in the operating system's keyring (Windows Credential
Manager, macOS Keychain, Secret Service). Where no keyring exists the consultant chooses a
passphrase; there is no plaintext fallback, and ``keyrings.alt`` is never used.

A missing or wrong key is a :class:`KeyProblem` with a Dutch message; nothing is changed then.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from wmo_desk.domain.errors import UserError
from wmo_desk.storage.cipher import KEY_BYTES, WrongKey, is_plaintext

log = logging.getLogger(__name__)

PROFILE_FILE = "profiel.json"
KEYRING_SERVICE = "wmo_desk-database"
MIN_PASSPHRASE = 12
#: Argon2id costs for a passphrase (about a quarter of a second here; OWASP's minimum is lower)
ARGON2 = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}


class KeyProblem(UserError):
    """The profile cannot be opened: no key, a wrong key, or nowhere to keep a new one."""


class Protection(StrEnum):
    KEYRING = "keyring"
    PASSPHRASE = "passphrase"
    #: the throwaway demo profile without a keyring: a random key in memory only
    TEMPORARY = "temporary"


@dataclass(frozen=True)
class PassphraseRequest:
    """What the passphrase prompt shows: a new passphrase (asked twice) or the existing one."""

    new: bool
    attempt: int = 1
    folder: str = ""


#: asks the consultant; None when they cancel
AskPassphrase = Callable[[PassphraseRequest], str | None]


def derive_key(passphrase: str, salt: bytes, costs: dict[str, int]) -> bytes:
    """The 32-byte database key of ``passphrase`` (Argon2id)."""
    from argon2.low_level import Type, hash_secret_raw  # only profiles with a passphrase

    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=costs["time_cost"],
        memory_cost=costs["memory_cost"],
        parallelism=costs["parallelism"],
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def passphrase_problem(passphrase: str) -> str | None:
    """Why ``passphrase`` is too weak for a new profile, in Dutch; None when it will do."""
    if len(passphrase) < MIN_PASSPHRASE:
        return f"Kies een wachtwoordzin van minstens {MIN_PASSPHRASE} tekens."
    if len(set(passphrase)) < 5:
        return "Kies een wachtwoordzin met meer verschillende tekens."
    return None


@dataclass
class ProfileLock:
    """The contents of ``profiel.json``."""

    profile_id: str
    protection: Protection
    salt: str = ""
    argon2: dict[str, int] | None = None

    @classmethod
    def read(cls, folder: Path) -> ProfileLock | None:
        path = folder / PROFILE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                profile_id=str(data["profile_id"]),
                protection=Protection(data["protection"]),
                salt=str(data.get("salt", "")),
                argon2=data.get("argon2"),
            )
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            raise KeyProblem(
                "Profiel onleesbaar",
                f"Het bestand {PROFILE_FILE} in de profielmap is beschadigd. Er is niets "
                "gewijzigd; neem contact op met de functioneel beheerder.",
            ) from None

    def write(self, folder: Path) -> None:
        data = {"profile_id": self.profile_id, "protection": self.protection.value}
        if self.protection is Protection.PASSPHRASE:
            data |= {"salt": self.salt, "argon2": self.argon2}
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / (PROFILE_FILE + ".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, folder / PROFILE_FILE)


def _missing_key(folder: Path) -> KeyProblem:
    return KeyProblem(
        "Sleutel ontbreekt",
        "De sleutel van dit profiel staat niet in de sleutelbos van deze computer, dus de "
        "gegevens kunnen niet worden geopend. Er is niets gewijzigd. Is dit profiel van een "
        "andere computer of gebruiker gekopieerd? Neem contact op met de functioneel beheerder."
        f"\n\nProfielmap: {folder}",
    )


def _wrong_key(folder: Path) -> KeyProblem:
    return KeyProblem(
        "Sleutel past niet",
        "De sleutel in de sleutelbos opent de gegevens van dit profiel niet. Er is niets "
        f"gewijzigd. Neem contact op met de functioneel beheerder.\n\nProfielmap: {folder}",
    )


def _wrong_passphrase() -> KeyProblem:
    return KeyProblem(
        "Wachtwoordzin onjuist",
        "Met deze wachtwoordzin gaan de gegevens van dit profiel niet open. Er is niets gewijzigd.",
    )


class ProfileKeys:
    """Finds or makes the key of one profile folder.

    Args:
        folder: the profile folder.
        ask_passphrase: asks the consultant for a passphrase (a dialog, or the terminal);
            None where nobody can be asked.
        use_keyring: False to keep the key out of the keyring (a passphrase instead).
        temporary: a throwaway profile (a fresh demo): a new key is kept in memory only.
    """

    def __init__(
        self,
        folder: Path,
        *,
        ask_passphrase: AskPassphrase | None = None,
        use_keyring: bool = True,
        temporary: bool = False,
    ) -> None:
        self.folder = folder
        self._ask = ask_passphrase
        self._use_keyring = use_keyring
        self._temporary = temporary
        self.lock: ProfileLock | None = None
        #: the key that opened the database last, in memory only: a second open in the same
        #: run (the first screen, then the services) asks nobody again
        self._found: bytes | None = None

    def open_with(self, database: Path, opener: Callable[[bytes], object]) -> object:
        """Call ``opener(key)`` with this profile's key (made on first use) and return its result.

        ``opener`` raises :class:`WrongKey` when the key does not fit; a passphrase is then asked
        again (three times), a keyring key is reported. Nothing is written before a key fits,
        except ``profiel.json`` for a new profile. The key that fitted is kept for a later call
        in the same run."""
        if self._found is not None:
            try:
                return opener(self._found)
            except WrongKey:
                # the database was replaced meanwhile: reported, never asked for again here (a
                # second open may run on a worker thread, where no dialog can be shown)
                self._found = None
                raise _wrong_key(self.folder) from None
        lock = ProfileLock.read(self.folder)
        exists = database.exists() and database.stat().st_size > 0
        if lock is None:
            if exists and not is_plaintext(database):
                raise KeyProblem(
                    "Profielgegevens ontbreken",
                    f"Het bestand {PROFILE_FILE} ontbreekt, dus de versleutelde gegevens van dit "
                    "profiel kunnen niet worden geopend. Er is niets gewijzigd. Neem contact op "
                    f"met de functioneel beheerder.\n\nProfielmap: {self.folder}",
                )
            key, lock = self._new_key()
            try:
                result = self._opened(opener, key)
            except BaseException:
                # forget the new key only while nothing was encrypted with it
                if not (database.exists() and database.stat().st_size > 0) or is_plaintext(
                    database
                ):
                    self._forget(lock)
                raise
            self.lock = lock
            return result
        self.lock = lock
        if lock.protection is Protection.KEYRING:
            key = self._keyring_key(lock)
            try:
                return self._opened(opener, key)
            except WrongKey:
                raise _wrong_key(self.folder) from None
        if lock.protection is Protection.TEMPORARY:
            raise KeyProblem(
                "Tijdelijk profiel",
                "Dit demoprofiel was versleuteld met een sleutel die alleen in het geheugen stond. "
                "Het kan niet opnieuw worden geopend; start een nieuw demoprofiel.",
            )
        for attempt in (1, 2, 3):
            passphrase = self._ask_passphrase(PassphraseRequest(False, attempt, str(self.folder)))
            key = derive_key(passphrase, bytes.fromhex(lock.salt), lock.argon2 or ARGON2)
            try:
                return self._opened(opener, key)
            except WrongKey:
                continue
        raise _wrong_passphrase()

    def _opened(self, opener: Callable[[bytes], object], key: bytes) -> object:
        result = opener(key)
        self._found = key
        return result

    def delete(self) -> None:
        """Forget the key (remote wipe): the encrypted files can no longer be read."""
        self._found = None
        lock = ProfileLock.read(self.folder)
        if lock is not None:
            self._forget(lock)

    # ---------------------------------------------------------------- internals

    def _ask_passphrase(self, request: PassphraseRequest) -> str:
        passphrase = self._ask(request) if self._ask else None
        if passphrase is None and request.attempt > 1:
            raise _wrong_passphrase()
        if passphrase is None:
            raise KeyProblem(
                "Geen wachtwoordzin",
                "Zonder wachtwoordzin kunnen de gegevens van dit profiel niet worden geopend. "
                "Er is niets gewijzigd.",
            )
        return passphrase

    def _keyring_key(self, lock: ProfileLock) -> bytes:
        import keyring  # only profiles whose key is in the keyring (20-45 ms to import)
        from keyring.errors import KeyringError

        try:
            stored = keyring.get_password(KEYRING_SERVICE, lock.profile_id)
        except KeyringError:
            raise KeyProblem(
                "Sleutelbos niet bereikbaar",
                "De sleutelbos van deze computer is niet bereikbaar, dus de sleutel van dit "
                "profiel kan niet worden gelezen. Er is niets gewijzigd. Meld u opnieuw aan bij "
                "de computer en probeer het nog eens.",
            ) from None
        if not stored:
            raise _missing_key(self.folder)
        try:
            key = bytes.fromhex(stored)
        except ValueError:
            raise _wrong_key(self.folder) from None
        if len(key) != KEY_BYTES:
            raise _wrong_key(self.folder)
        return key

    def _new_key(self) -> tuple[bytes, ProfileLock]:
        profile_id = str(uuid.uuid4())
        if self._temporary:
            # a throwaway demo profile: its key is never written anywhere
            log.info("demo profile: its key is kept in memory only")
            lock = ProfileLock(profile_id, Protection.TEMPORARY)
            lock.write(self.folder)
            return secrets.token_bytes(KEY_BYTES), lock
        if self._use_keyring:
            import keyring
            from keyring.errors import KeyringError

            key = secrets.token_bytes(KEY_BYTES)
            try:
                keyring.set_password(KEYRING_SERVICE, profile_id, key.hex())
                if keyring.get_password(KEYRING_SERVICE, profile_id) == key.hex():
                    lock = ProfileLock(profile_id, Protection.KEYRING)
                    lock.write(self.folder)
                    log.info("new profile key kept in the OS keyring")
                    return key, lock
            except KeyringError:
                log.info("no OS keyring: the profile key comes from a passphrase")
        passphrase = self._ask_passphrase(PassphraseRequest(True, 1, str(self.folder)))
        problem = passphrase_problem(passphrase)
        if problem:
            raise KeyProblem("Wachtwoordzin te zwak", problem)
        salt = secrets.token_bytes(16)
        lock = ProfileLock(profile_id, Protection.PASSPHRASE, salt.hex(), dict(ARGON2))
        key = derive_key(passphrase, salt, ARGON2)
        lock.write(self.folder)
        return key, lock

    def _forget(self, lock: ProfileLock) -> None:
        if lock.protection is Protection.KEYRING:
            import keyring
            from keyring.errors import KeyringError

            try:
                keyring.delete_password(KEYRING_SERVICE, lock.profile_id)
            except KeyringError:
                log.warning("the profile key could not be removed from the keyring")
        (self.folder / PROFILE_FILE).unlink(missing_ok=True)
