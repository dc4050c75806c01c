"""The profile's database at rest: SQLCipher with a key from the keyring or a passphrase.

What a finder of the laptop would try: read the file, the WAL, the backups; open it with
another key; and what the consultant meets: a missing or wrong key says so and changes nothing,
an old plaintext profile is converted with all its data.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import keyring
import pytest
import sqlcipher3
from keyring.backends import fail
from sqlalchemy import text

from tests.conftest import TEST_KEY
from tests.privacy import readable
from wmo_desk.services.context import DATABASE_NAME, AppContext
from wmo_desk.services.demo import fill_demo
from wmo_desk.services.profile_key import (
    KEYRING_SERVICE,
    PROFILE_FILE,
    KeyProblem,
    ProfileKeys,
    ProfileLock,
)
from wmo_desk.storage.cipher import is_plaintext

PASSPHRASE = "een lange wachtwoordzin voor de test"


def demo_profile(folder: Path, clock, keys: ProfileKeys | None = None) -> tuple[str, str]:
    """A demo profile in ``folder``, closed again; returns one client's (BSN, surname)."""
    ctx = AppContext.open(folder, clock, keys=keys)
    fill_demo(ctx, case_count=12)
    with ctx.db.engine.connect() as conn:
        bsn, surname = conn.execute(text("SELECT bsn, sort_name FROM clients LIMIT 1")).one()
    ctx.close()
    return bsn, surname


def hits(folder: Path, *needles: str) -> list[str]:
    return readable(folder, needles)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_profile_is_encrypted_with_a_key_kept_in_the_keyring(tmp_path, clock, memory_keyring):
    folder = tmp_path / "profiel"
    bsn, surname = demo_profile(folder, clock)
    database = folder / DATABASE_NAME
    assert not is_plaintext(database)
    lock = ProfileLock.read(folder)
    assert lock is not None and lock.protection == "keyring"
    stored = memory_keyring.store.get_password(KEYRING_SERVICE, lock.profile_id)
    assert stored is not None and len(bytes.fromhex(stored)) == 32
    assert stored not in (folder / PROFILE_FILE).read_text(encoding="utf-8")
    assert hits(folder, bsn, surname) == []
    # the raw file does not open without the key
    connection = sqlcipher3.connect(str(database))
    with pytest.raises(sqlcipher3.DatabaseError):
        connection.execute("SELECT count(*) FROM clients").fetchone()
    connection.close()


def test_the_wal_of_an_open_profile_is_encrypted_too(tmp_path, clock):
    folder = tmp_path / "profiel"
    ctx = AppContext.open(folder, clock)
    fill_demo(ctx, case_count=12)
    with ctx.db.engine.connect() as conn:
        bsn, surname = conn.execute(text("SELECT bsn, sort_name FROM clients LIMIT 1")).one()
    wal = folder / (DATABASE_NAME + "-wal")
    assert wal.exists() and wal.stat().st_size > 0, "the demo's writes are still in the WAL"
    assert hits(folder, bsn, surname) == []
    ctx.close()


def test_a_missing_key_says_so_and_changes_nothing(tmp_path, clock, memory_keyring):
    folder = tmp_path / "profiel"
    demo_profile(folder, clock)
    lock = ProfileLock.read(folder)
    memory_keyring.store.delete_password(KEYRING_SERVICE, lock.profile_id)
    before = {p.name: digest(p) for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(KeyProblem) as problem:
        AppContext.open(folder, clock)
    assert problem.value.title == "Sleutel ontbreekt"
    assert "Er is niets gewijzigd" in problem.value.message
    assert {p.name: digest(p) for p in folder.rglob("*") if p.is_file()} == before


def test_a_wrong_key_says_so_and_changes_nothing(tmp_path, clock, memory_keyring):
    folder = tmp_path / "profiel"
    demo_profile(folder, clock)
    lock = ProfileLock.read(folder)
    memory_keyring.store.set_password(KEYRING_SERVICE, lock.profile_id, "ab" * 32)
    before = digest(folder / DATABASE_NAME)
    with pytest.raises(KeyProblem) as problem:
        AppContext.open(folder, clock)
    assert problem.value.title == "Sleutel past niet"
    assert digest(folder / DATABASE_NAME) == before
    assert ProfileLock.read(folder) == lock


def test_an_encrypted_database_without_its_profile_file_is_left_alone(tmp_path, clock):
    folder = tmp_path / "profiel"
    demo_profile(folder, clock)
    (folder / PROFILE_FILE).unlink()
    before = digest(folder / DATABASE_NAME)
    with pytest.raises(KeyProblem) as problem:
        AppContext.open(folder, clock)
    assert problem.value.title == "Profielgegevens ontbreken"
    assert digest(folder / DATABASE_NAME) == before
    assert not (folder / PROFILE_FILE).exists()


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_the_key_comes_from_a_passphrase(tmp_path, clock, no_keyring):
    folder = tmp_path / "profiel"
    asked = []

    def ask(request):
        asked.append(request)
        return PASSPHRASE if request.attempt == 1 or not request.new else None

    bsn, surname = demo_profile(folder, clock, ProfileKeys(folder, ask_passphrase=ask))
    assert asked[0].new
    lock = ProfileLock.read(folder)
    assert lock.protection == "passphrase" and len(bytes.fromhex(lock.salt)) == 16
    assert lock.argon2["memory_cost"] >= 65536
    assert hits(folder, bsn, surname, PASSPHRASE) == []

    answers = iter(["fout", "ook fout", PASSPHRASE])
    ctx = AppContext.open(
        folder, clock, keys=ProfileKeys(folder, ask_passphrase=lambda r: next(answers))
    )
    assert ctx.profile is not None
    ctx.close()

    before = digest(folder / DATABASE_NAME)
    with pytest.raises(KeyProblem) as problem:
        AppContext.open(folder, clock, keys=ProfileKeys(folder, ask_passphrase=lambda r: "fout"))
    assert problem.value.title == "Wachtwoordzin onjuist"
    with pytest.raises(KeyProblem) as cancelled:
        AppContext.open(folder, clock, keys=ProfileKeys(folder, ask_passphrase=lambda r: None))
    assert cancelled.value.title == "Geen wachtwoordzin"
    assert digest(folder / DATABASE_NAME) == before


def test_a_weak_new_passphrase_is_refused_and_nothing_is_made(tmp_path, clock, no_keyring):
    folder = tmp_path / "profiel"
    with pytest.raises(KeyProblem) as problem:
        AppContext.open(folder, clock, keys=ProfileKeys(folder, ask_passphrase=lambda r: "kort"))
    assert "minstens 12 tekens" in problem.value.message
    assert not (folder / DATABASE_NAME).exists() and not (folder / PROFILE_FILE).exists()


def test_a_fresh_demo_gets_a_key_in_memory_only(tmp_path, clock, memory_keyring):
    folder = tmp_path / "demo"
    demo_profile(folder, clock, ProfileKeys(folder, temporary=True))
    assert not is_plaintext(folder / DATABASE_NAME)
    assert not [k for k in memory_keyring.store.secrets if k[0] == KEYRING_SERVICE]
    with pytest.raises(KeyProblem) as problem:
        AppContext.open(folder, clock, keys=ProfileKeys(folder, temporary=True))
    assert problem.value.title == "Tijdelijk profiel"


def decrypt_to(source: Path, key: bytes, target: Path) -> None:
    """What an older wmo_desk left: the same database, unencrypted."""
    connection = sqlcipher3.connect(str(source))
    connection.execute(f"PRAGMA key=\"x'{key.hex()}'\"")
    connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
    connection.execute("SELECT sqlcipher_export('plain')")
    connection.execute("DETACH DATABASE plain")
    connection.close()


def table_contents(ctx: AppContext) -> dict[str, list]:
    with ctx.db.engine.connect() as conn:
        tables = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            t: sorted(map(repr, conn.exec_driver_sql(f'SELECT * FROM "{t}"').all())) for t in tables
        }


def test_a_plaintext_profile_is_converted_once_with_all_its_data(tmp_path, clock, memory_keyring):
    made = tmp_path / "made"
    ctx = AppContext.open(made, clock, backup=False)
    fill_demo(ctx, case_count=12)
    expected = table_contents(ctx)
    with ctx.db.engine.connect() as conn:
        bsn, surname = conn.execute(text("SELECT bsn, sort_name FROM clients LIMIT 1")).one()
    ctx.close()
    key = bytes.fromhex(
        memory_keyring.store.get_password(KEYRING_SERVICE, ProfileLock.read(made).profile_id)
    )
    old = tmp_path / "oud"
    (old / "backups").mkdir(parents=True)
    decrypt_to(made / DATABASE_NAME, key, old / DATABASE_NAME)
    decrypt_to(
        made / DATABASE_NAME, key, old / "backups" / "wmo_desk-20261101T080000000000Z.sqlite"
    )
    assert is_plaintext(old / DATABASE_NAME)
    assert hits(old, bsn), "the old profile really is readable"

    ctx = AppContext.open(old, clock)
    assert table_contents(ctx) == expected
    ctx.close()
    assert not is_plaintext(old / DATABASE_NAME)
    assert ProfileLock.read(old).protection == "keyring"
    assert hits(old, bsn, surname) == []
    backups = list((old / "backups").iterdir())
    assert backups and not any(is_plaintext(b) for b in backups)
    leftovers = [p.name for p in old.iterdir() if ".encrypting" in p.name or ".plaintext" in p.name]
    assert leftovers == []
    # a second start finds nothing to convert
    ctx = AppContext.open(old, clock)
    assert table_contents(ctx) == expected
    ctx.close()


def test_a_conversion_killed_halfway_is_picked_up_at_the_next_start(
    tmp_path, clock, memory_keyring
):
    from wmo_desk.storage.database import Database

    folder = tmp_path / "profiel"
    Database.open_file(folder / DATABASE_NAME, TEST_KEY).close()
    plain = folder / (DATABASE_NAME + ".plaintext")
    decrypt_to(folder / DATABASE_NAME, TEST_KEY, plain)
    (folder / DATABASE_NAME).unlink()
    (folder / (DATABASE_NAME + ".encrypting")).write_bytes(b"half a copy")
    # killed between moving the plaintext aside and moving the encrypted copy in
    ctx = AppContext.open(folder, clock)
    ctx.close()
    assert not is_plaintext(folder / DATABASE_NAME)
    assert not plain.exists() and not (folder / (DATABASE_NAME + ".encrypting")).exists()
