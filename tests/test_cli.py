"""The command line: import-catalog replaces the catalogue, or changes nothing and says why."""

import json
import subprocess
import sys

from wmo_desk.paths import resources_dir


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "wmo_desk", *args], capture_output=True, text=True, timeout=120
    )


def test_import_catalog_reads_a_new_version_and_refuses_a_broken_one(tmp_path):
    profile = tmp_path / "profiel"
    data = json.loads((resources_dir() / "catalogues" / "meierij.json").read_text(encoding="utf-8"))
    data["version"] = "2027.1"
    good = tmp_path / "meierij-2027.json"
    good.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("import-catalog", str(good), "--profile", str(profile))
    assert result.returncode == 0, result.stderr
    assert "Catalogus Meierij" in result.stdout and "versie 2027.1 ingelezen" in result.stdout

    data["providers"][0]["agb_code"] = "12"
    bad = tmp_path / "kapot.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("import-catalog", str(bad), "--profile", str(profile))
    assert result.returncode == 1
    assert "kapot.json, veld 'providers[0].agb_code'" in result.stderr

    from wmo_desk.storage.database import Database
    from wmo_desk.storage.repositories.catalogue import CatalogueRepository

    db = Database.open_file(profile / "wmo_desk.sqlite", backup=False)
    with db.session() as s:
        assert CatalogueRepository(s).load("MEIERIJ").version == "2027.1"
    db.close()


def test_set_eigen_bijdrage(tmp_path):
    profile = tmp_path / "profiel"
    result = run("set-eigen-bijdrage", "2240", "--profile", str(profile))
    assert result.returncode == 0 and "22,40 euro per maand" in result.stdout
    assert run("set-eigen-bijdrage", "-5", "--profile", str(profile)).returncode == 1
