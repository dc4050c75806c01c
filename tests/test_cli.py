"""The command line: import-catalogue replaces the catalogue, or changes nothing and says why."""

import json
import os
import subprocess
import sys

from wmo_desk.paths import resources_dir

#: the commands run without a keyring (as on a bare server), so the profile takes a passphrase
PASSPHRASE = "correct paard batterij niet"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def run(*args, passphrase=PASSPHRASE, env=None):
    env = {**os.environ, **NO_KEYRING, **(env or {})}
    env.pop("WMO_DESK_PASSPHRASE", None)
    if passphrase is not None:
        env["WMO_DESK_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "wmo_desk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def open_profile(profile):
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.profile_key import ProfileKeys

    keys = ProfileKeys(profile, ask_passphrase=lambda request: PASSPHRASE, use_keyring=False)
    return AppContext.open(profile, backup=False, keys=keys)


def test_import_catalog_reads_a_new_version_and_refuses_a_broken_one(tmp_path):
    profile = tmp_path / "profiel"
    data = json.loads((resources_dir() / "catalogues" / "meierij.json").read_text(encoding="utf-8"))
    data["version"] = "2027.1"
    good = tmp_path / "meierij-2027.json"
    good.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("import-catalogue", str(good), "--profile", str(profile))
    assert result.returncode == 0, result.stderr
    assert "Catalogus Meierij" in result.stdout and "versie 2027.1 ingelezen" in result.stdout

    data["providers"][0]["agb_code"] = "12"
    bad = tmp_path / "kapot.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("import-catalog", str(bad), "--profile", str(profile))
    assert result.returncode == 1
    assert "kapot.json, veld 'providers[0].agb_code'" in result.stderr

    from wmo_desk.storage.repositories.catalogue import CatalogueRepository

    ctx = open_profile(profile)
    with ctx.db.session() as s:
        assert CatalogueRepository(s).load("MEIERIJ").version == "2027.1"
    ctx.close()


def test_set_eigen_bijdrage(tmp_path):
    profile = tmp_path / "profiel"
    result = run("set-eigen-bijdrage", "2240", "--profile", str(profile))
    assert result.returncode == 0 and "22,40 euro per maand" in result.stdout
    assert run("set-eigen-bijdrage", "-5", "--profile", str(profile)).returncode == 1


def test_a_command_without_keyring_or_passphrase_changes_nothing_and_says_why(tmp_path):
    profile = tmp_path / "profiel"
    assert run("set-eigen-bijdrage", "2240", "--profile", str(profile)).returncode == 0
    before = (profile / "wmo_desk.sqlite").read_bytes()
    result = run("set-eigen-bijdrage", "2500", "--profile", str(profile), passphrase=None)
    assert result.returncode == 1
    assert "Geen wachtwoordzin" in result.stderr
    wrong = run("set-eigen-bijdrage", "2500", "--profile", str(profile), passphrase="iets anders!!")
    assert wrong.returncode == 1 and "Wachtwoordzin onjuist" in wrong.stderr
    assert (profile / "wmo_desk.sqlite").read_bytes() == before


def test_restore_backup_puts_the_days_backup_back_and_keeps_the_current_one(tmp_path):
    profile = tmp_path / "profiel"
    assert run("set-eigen-bijdrage", "2240", "--profile", str(profile)).returncode == 0
    # the second start of the day backs the database up before it changes it
    assert run("set-eigen-bijdrage", "2500", "--profile", str(profile)).returncode == 0
    (backup,) = (profile / "backups").glob("wmo_desk-*.sqlite")

    result = run("restore-backup", str(backup), "--profile", str(profile))
    assert result.returncode == 0, result.stderr
    assert f"Reservekopie {backup.name} teruggezet." in result.stdout
    assert len(list((profile / "backups").glob("wmo_desk-*.sqlite"))) == 2

    from wmo_desk.storage.repositories.settings import SettingsRepository

    ctx = open_profile(profile)
    with ctx.db.session() as s:
        assert SettingsRepository(s).get("eigen_bijdrage_cents") == "2240"
    ctx.close()

    other = tmp_path / "ander"  # another profile, same passphrase, so another key (salt)
    assert run("set-eigen-bijdrage", "100", "--profile", str(other)).returncode == 0
    refused = run(
        "restore-backup", str(backup), "--profile", str(other), passphrase="andere zin, ook lang"
    )
    assert refused.returncode == 1
    assert (
        "Wachtwoordzin onjuist" in refused.stderr or "hoort niet bij dit profiel" in refused.stderr
    )


def test_the_demo_starts_and_leaves_no_profile_behind(tmp_path):
    """``wmo-desk --demo`` as the Quick start runs it (offscreen): the window comes up with the
    demo caseload, and the throwaway profile is removed when it closes."""
    env = {**os.environ, **NO_KEYRING, "TMPDIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "wmo_desk", "--demo", "--smoke-test"],
        capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.glob("wmo_desk-demo-*")) == []


def test_the_app_starts_a_set_up_profile_and_completes_its_window(tmp_path):
    """``wmo-desk --profile`` of a profile that is set up takes the fast start (its caseload
    first, the services in the background) and comes up complete: the smoke test leaves
    only once the services are attached, and the caseload they read is in the access log."""
    from wmo_desk.services.demo import fill_demo
    from wmo_desk.storage.repositories.audit import AuditRepository

    profile = tmp_path / "profiel"
    ctx = open_profile(profile)
    fill_demo(ctx)
    ctx.close()
    result = run("--profile", str(profile), "--smoke-test", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    ctx = open_profile(profile)
    with ctx.db.session() as session:
        logged = [
            e.detail for e in AuditRepository(session).entries() if e.action == "caseload.list"
        ]
    ctx.close()
    assert logged[-1] == "27 resultaten"
