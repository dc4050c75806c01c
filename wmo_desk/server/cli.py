"""The ``wmo-desk-server`` command: init the database, manage accounts, serve the API."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

from wmo_desk.catalogue.loader import parse_catalogue
from wmo_desk.domain.errors import UserError
from wmo_desk.server.auth import (
    AccountError,
    create_user,
    purge_sessions,
    request_wipe,
    revoke_sessions,
    set_active,
    set_password,
)
from wmo_desk.server.db import ServerDatabase, database_url
from wmo_desk.server.models import ROLES
from wmo_desk.server.records import publish_catalogue


def _read_password(args: argparse.Namespace) -> str:
    if args.password_file:
        return Path(args.password_file).read_text(encoding="utf-8").rstrip("\r\n")
    first = getpass.getpass("Wachtwoord: ")
    if getpass.getpass("Nogmaals: ") != first:
        raise AccountError("De wachtwoorden zijn niet gelijk.")
    return first


def _init(args: argparse.Namespace) -> int:
    ServerDatabase.open(args.db).close()
    print("Database klaar.")
    return 0


def _create_user(args: argparse.Namespace) -> int:
    password = _read_password(args)
    db = ServerDatabase.open(args.db)
    try:
        with db.session_scope() as session:
            user = create_user(
                session,
                username=args.username,
                password=password,
                display_name=args.name,
                role=args.role,
                municipality_code=args.municipality,
            )
            print(f"Gebruiker {user.username} aangemaakt ({user.role}, {user.municipality_code}).")
    finally:
        db.close()
    return 0


def _import_catalogue(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        catalogue = parse_catalogue(path.read_bytes(), path)
    except (OSError, UserError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    db = ServerDatabase.open(args.db)
    try:
        with db.session_scope() as session:
            db.writer_lock(session)
            published = publish_catalogue(session, json.loads(path.read_bytes()))
    finally:
        db.close()
    print(
        f"Catalogus {catalogue.region_name} versie {catalogue.version} gepubliceerd "
        f"voor {len(published)} gemeenten."
    )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    db = ServerDatabase.open(args.db)
    try:
        with db.session_scope() as session:
            if args.wipe:
                request_wipe(session, args.username)
            else:
                count = revoke_sessions(session, args.username)
    finally:
        db.close()
    if args.wipe:
        print(
            f"Wissen op afstand aangevraagd voor {args.username}: bij de volgende synchronisatie "
            "wordt het profiel gewist; daarna worden de sessies ingetrokken."
        )
    else:
        print(f"{count} sessie(s) van {args.username} ingetrokken.")
    return 0


def _set_active(args: argparse.Namespace) -> int:
    db = ServerDatabase.open(args.db)
    try:
        with db.session_scope() as session:
            revoked = set_active(session, args.username, args.active)
    finally:
        db.close()
    if args.active:
        print(f"Account {args.username} ingeschakeld.")
    else:
        print(f"Account {args.username} uitgeschakeld; {revoked} sessie(s) ingetrokken.")
    return 0


def _set_password(args: argparse.Namespace) -> int:
    password = _read_password(args)
    db = ServerDatabase.open(args.db)
    try:
        with db.session_scope() as session:
            revoked = set_password(session, args.username, password)
    finally:
        db.close()
    print(f"Wachtwoord van {args.username} gewijzigd; {revoked} sessie(s) ingetrokken.")
    return 0


def _purge_sessions(args: argparse.Namespace) -> int:
    db = ServerDatabase.open(args.db)
    try:
        with db.session_scope() as session:
            count = purge_sessions(session, keep=timedelta(days=args.days))
    finally:
        db.close()
    print(f"{count} oude sessie(s) verwijderd.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from wmo_desk.server.app import WORKER_DB_ENV, WORKER_TOKEN_HOURS_ENV, create_app
    from wmo_desk.server.serving import HTTP_PROTOCOL

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    url = database_url(args.db)
    # uvicorn's own access log prints query strings; ours logs route templates only.
    options = {
        "host": args.host,
        "port": args.port,
        "access_log": False,
        "log_level": "info",
        "http": HTTP_PROTOCOL,
    }
    if args.workers == 1:
        uvicorn.run(create_app(url, token_hours=args.token_hours), **options)
        return 0
    if not url.startswith("postgresql"):
        print(
            "Meer dan één serverproces kan alleen op PostgreSQL (--db postgresql://...): "
            "een SQLite-bestand heeft één schrijver.",
            file=sys.stderr,
        )
        return 2
    # Migrate once here; each worker process builds its app from these variables.
    ServerDatabase.open(url).close()
    os.environ[WORKER_DB_ENV] = url
    os.environ[WORKER_TOKEN_HOURS_ENV] = str(args.token_hours)
    uvicorn.run("wmo_desk.server.app:worker_app", factory=True, workers=args.workers, **options)
    return 0


def default_database() -> Path:
    """The embedded SQLite file used without ``--db``: ``server.sqlite`` in the platform's data
    folder (platformdirs), e.g. ~/.local/share/wmo_desk-server/ on Linux; created when missing."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("wmo_desk-server", appauthor=False))
    return folder / "server.sqlite"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wmo-desk-server", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument(
            "--db",
            default=str(default_database()),
            help="database URL or SQLite file path (default: an embedded SQLite file in the "
            f"platform's data folder, {default_database()})",
        )
        return sub

    command("init", "create or upgrade the database").set_defaults(func=_init)

    create = command("create-user", "add an account")
    create.add_argument("--username", required=True)
    create.add_argument("--name", required=True, help="display name")
    create.add_argument(
        "--role",
        required=True,
        choices=ROLES,
        help="consulent, teamleider, bw-consulent: the desktop (sync); regio, meldpunt, "
        "toezichthouder: the regional web pages under /regio/ only",
    )
    create.add_argument("--municipality", required=True, help="4-digit CBS code, e.g. 0828")
    create.add_argument("--password-file", help="file holding the password (else prompted)")
    create.set_defaults(func=_create_user)

    imports = command("import-catalogue", "publish a region catalogue (JSON) to its municipalities")
    imports.add_argument(
        "--file", required=True, help="catalogue file, see docs/catalogue-format.md"
    )
    imports.set_defaults(func=_import_catalogue)

    revoke = command("revoke", "log out every session of a user")
    revoke.add_argument("--username", required=True)
    revoke.add_argument(
        "--wipe",
        action="store_true",
        help="first have the desktop send what it holds and wipe its profile at the next sync; "
        "the sessions are revoked once it reports the wipe",
    )
    revoke.set_defaults(func=_revoke)

    deactivate = command("deactivate", "switch an account off: no login, its sessions revoked")
    deactivate.add_argument("--username", required=True)
    deactivate.set_defaults(func=_set_active, active=False)

    activate = command("activate", "switch a deactivated account on again")
    activate.add_argument("--username", required=True)
    activate.set_defaults(func=_set_active, active=True)

    password = command("set-password", "give an account a new password; its sessions revoked")
    password.add_argument("--username", required=True)
    password.add_argument("--password-file", help="file holding the password (else prompted)")
    password.set_defaults(func=_set_password)

    purge = command("purge-sessions", "delete sessions expired or revoked long ago")
    purge.add_argument(
        "--days", type=float, default=7, help="older than this many days (default 7)"
    )
    purge.set_defaults(func=_purge_sessions)

    serve = command("serve", "run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8750)
    serve.add_argument("--token-hours", type=float, default=12)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        choices=range(1, 65),
        metavar="N",
        help="server processes on one PostgreSQL database (default 1; SQLite: 1 only)",
    )
    serve.set_defaults(func=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except AccountError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
