"""Command line entry point: ``wmo-desk [--demo] [--profile DIR]``."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
import tempfile
from pathlib import Path

from platformdirs import user_data_dir

log = logging.getLogger("wmo_desk")


def default_profile_dir() -> Path:
    """The user's own data folder (platformdirs), e.g. ~/.local/share/wmo_desk on Linux."""
    return Path(user_data_dir("wmo_desk", appauthor=False))


def _setup_logging(folder: Path, verbose: bool) -> None:
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        logs / "wmo_desk.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)


PASSPHRASE_ENV = "WMO_DESK_PASSPHRASE"


def terminal_passphrase(request) -> str | None:
    """The passphrase for a command: ``$WMO_DESK_PASSPHRASE`` (scripts), or typed at the terminal."""
    import getpass
    import os

    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV] if request.attempt == 1 else None
    if not sys.stdin.isatty():
        return None
    prompt = "Nieuwe wachtwoordzin: " if request.new else "Wachtwoordzin van het profiel: "
    value = getpass.getpass(prompt)
    if request.new and getpass.getpass("Herhaal de wachtwoordzin: ") != value:
        print("De twee wachtwoordzinnen zijn niet gelijk.", file=sys.stderr)
        return None
    return value


def open_context(folder: Path):
    """The profile in ``folder`` for a command; a key problem is printed in Dutch (None then)."""
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.profile_key import KeyProblem, ProfileKeys

    try:
        return AppContext.open(folder, keys=ProfileKeys(folder, ask_passphrase=terminal_passphrase))
    except KeyProblem as exc:
        print(f"{exc.title}: {exc.message}", file=sys.stderr)
        return None


def import_catalog(argv: list[str]) -> int:
    """``wmo-desk import-catalogue FILE [--profile DIR]``: replace the region catalogue, all or
    nothing (the server's command has the same name; ``import-catalog`` still works)."""
    parser = argparse.ArgumentParser(
        prog="wmo-desk import-catalogue", description="Lees een nieuwe regiocatalogus in"
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--profile", type=Path, help="de gegevensmap (standaard: uw eigen profiel)")
    args = parser.parse_args(argv)
    from wmo_desk.domain.errors import UserError

    ctx = open_context(args.profile or default_profile_dir())
    if ctx is None:
        return 1
    try:
        region = ctx.profile.region_code if ctx.profile else None
        catalogue = ctx.catalogues.import_file(args.file, expected_region=region)
    except UserError as exc:
        print(f"{exc.title}: {exc.message}", file=sys.stderr)
        return 1
    finally:
        ctx.close()
    print(
        f"Catalogus {catalogue.region_name} versie {catalogue.version} ingelezen: "
        f"{len(catalogue.products)} producten, {len(catalogue.providers)} aanbieders."
    )
    return 0


def set_contribution(argv: list[str]) -> int:
    """``wmo-desk set-eigen-bijdrage CENT [--profile DIR]``: the CAK abonnementstarief per month (yearly index)."""
    parser = argparse.ArgumentParser(
        prog="wmo-desk set-eigen-bijdrage", description="Stel het abonnementstarief in"
    )
    parser.add_argument(
        "cents", type=int, help="bedrag per maand in centen, bijvoorbeeld 2160 voor € 21,60"
    )
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)
    if not 0 <= args.cents <= 100_000:
        print("Het abonnementstarief ligt tussen 0 en 100000 cent.", file=sys.stderr)
        return 1
    from wmo_desk.storage.repositories.settings import SettingsRepository

    ctx = open_context(args.profile or default_profile_dir())
    if ctx is None:
        return 1
    with ctx.db.session() as session:
        SettingsRepository(session).set("eigen_bijdrage_cents", str(args.cents))
    ctx.close()
    print(
        f"Eigen bijdrage ingesteld op {args.cents / 100:.2f} euro per maand.".replace(".", ",", 1)
    )
    return 0


def restore_backup(argv: list[str]) -> int:
    """``wmo-desk restore-backup FILE [--profile DIR]``: put a backup back (wmo_desk closed)."""
    parser = argparse.ArgumentParser(
        prog="wmo-desk restore-backup",
        description="Zet een reservekopie uit de map backups terug (sluit wmo_desk eerst)",
    )
    parser.add_argument("backup", type=Path, help="het bestand uit <profiel>/backups")
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)
    from wmo_desk.services.context import DATABASE_NAME
    from wmo_desk.services.profile_key import KeyProblem, ProfileKeys
    from wmo_desk.storage.database import ForeignBackup
    from wmo_desk.storage.database import restore_backup as restore

    folder = args.profile or default_profile_dir()
    if not args.backup.is_file():
        print(f"Reservekopie niet gevonden: {args.backup}", file=sys.stderr)
        return 1
    keys = ProfileKeys(folder, ask_passphrase=terminal_passphrase)
    try:
        before = keys.open_with(
            folder / DATABASE_NAME, lambda key: restore(folder / DATABASE_NAME, key, args.backup)
        )
    except KeyProblem as exc:
        print(f"{exc.title}: {exc.message}", file=sys.stderr)
        return 1
    except ForeignBackup:
        print(
            "Deze reservekopie hoort niet bij dit profiel (de sleutel past niet). Er is niets "
            "gewijzigd.",
            file=sys.stderr,
        )
        return 1
    print(f"Reservekopie {args.backup.name} teruggezet.")
    if before is not None:
        print(f"De gegevens van vóór het terugzetten staan in {before.name}.")
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="wmo-desk", description="wmo_desk voor Wmo-consulenten")
    parser.add_argument(
        "--demo", action="store_true", help="start met een nieuw tijdelijk profiel vol demogegevens"
    )
    parser.add_argument("--profile", type=Path, help="gebruik deze map voor de gegevens")
    parser.add_argument("--verbose", action="store_true", help="uitgebreide logging (DEBUG)")
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["import-catalogue"], ["import-catalog"]):
        return import_catalog(argv[1:])
    if argv[:1] == ["set-eigen-bijdrage"]:
        return set_contribution(argv[1:])
    if argv[:1] == ["restore-backup"]:
        return restore_backup(argv[1:])
    args = parse_args(argv)
    from wmo_desk.services.first_screen import QuickScreen
    from wmo_desk.services.profile_key import KeyProblem, ProfileKeys

    fresh_demo = args.demo and args.profile is None
    if args.demo:
        folder = args.profile or Path(tempfile.mkdtemp(prefix="wmo_desk-demo-"))
    else:
        folder = args.profile or default_profile_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _setup_logging(folder, args.verbose)
    log.info("starting wmo_desk (demo: %s)", args.demo)
    log.debug("profile folder %s", folder)

    def ask(request):
        import os

        if os.environ.get(PASSPHRASE_ENV):
            return terminal_passphrase(request)
        from wmo_desk.ui.passphrase_dialog import ask_passphrase

        return ask_passphrase(request)

    keys = ProfileKeys(folder, ask_passphrase=ask, temporary=fresh_demo)
    try:
        # a profile that is set up and at the newest schema: its caseload is on screen before
        # the services load (issue 14); anything else opens in full first
        quick = None if fresh_demo else QuickScreen.open(folder, keys)
        if quick is not None:
            from wmo_desk.ui.app import run_starting

            return run_starting(quick, smoke_test=args.smoke_test)
        from wmo_desk.services.context import AppContext

        ctx = AppContext.open(folder, keys=keys)
    except KeyProblem as exc:
        from wmo_desk.ui.app import show_start_problem

        show_start_problem(exc)
        return 1
    if args.demo and ctx.profile is None:
        from wmo_desk.services.demo import fill_demo

        fill_demo(ctx)
    from wmo_desk.ui.app import run

    try:
        return run(ctx, smoke_test=args.smoke_test)
    finally:
        ctx.close()
        if fresh_demo:
            _remove_demo(folder)


def _remove_demo(folder: Path) -> None:
    """The throwaway demo profile goes when the demo closes (its key was in memory only, so
    nothing could open it again anyway)."""
    import shutil

    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename).is_relative_to(
            folder
        ):
            root.removeHandler(handler)
            handler.close()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
