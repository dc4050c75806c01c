"""`wmo-desk-server import-catalogue`: a region catalogue published to its municipalities."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from sqlalchemy import select

from tests.server.test_uvicorn import _cli
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.models import Record

CATALOGUES = Path(__file__).resolve().parents[2] / "resources" / "catalogues"


def _run(*args):
    return subprocess.run(_cli(*args), capture_output=True, text=True, timeout=60)


def test_a_catalogue_is_published_once_per_municipality_and_replaced_by_a_new_version(tmp_path):
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    source = json.loads((CATALOGUES / "meierij.json").read_text(encoding="utf-8"))
    done = _run("import-catalogue", "--db", db, "--file", str(CATALOGUES / "meierij.json"))
    assert done.returncode == 0, done.stderr
    assert f"versie {source['version']} gepubliceerd voor" in done.stdout

    newer = dict(source, version="2027.1")
    path = tmp_path / "meierij-2027.json"
    path.write_text(json.dumps(newer), encoding="utf-8")
    assert _run("import-catalogue", "--db", db, "--file", str(path)).returncode == 0

    database = ServerDatabase.open(db)
    try:
        with database.session_scope() as session:
            records = list(session.scalars(select(Record).where(Record.record_type == "catalogue")))
            published = {r.municipality_code: json.loads(r.payload)["version"] for r in records}
    finally:
        database.close()
    assert published == {m["cbs_code"]: "2027.1" for m in source["municipalities"]}


def test_a_malformed_catalogue_publishes_nothing_and_says_where(tmp_path):
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    broken = json.loads((CATALOGUES / "bno-o.json").read_text(encoding="utf-8"))
    del broken["providers"][0]["name"]
    path = tmp_path / "kapot.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    done = _run("import-catalogue", "--db", db, "--file", str(path))
    assert done.returncode == 1
    assert "kapot.json" in done.stderr and "providers" in done.stderr
    database = ServerDatabase.open(db)
    try:
        with database.session_scope() as session:
            assert (
                session.scalars(select(Record).where(Record.record_type == "catalogue")).all() == []
            )
    finally:
        database.close()
