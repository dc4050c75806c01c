"""Command line entry point: ``wmo-desk [--demo] [--profile DIR]``."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
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
    args = parse_args(argv)
    from wmo_desk.services.context import AppContext

    if args.demo:
        folder = args.profile or Path(tempfile.mkdtemp(prefix="wmo_desk-demo-"))
    else:
        folder = args.profile or default_profile_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _setup_logging(folder, args.verbose)
    log.info("starting wmo_desk with profile %s (demo: %s)", folder, args.demo)
    ctx = AppContext.open(folder)
    if args.demo and ctx.profile is None:
        from wmo_desk.services.demo import fill_demo

        fill_demo(ctx)
    from wmo_desk.ui.app import run

    try:
        return run(ctx, smoke_test=args.smoke_test)
    finally:
        ctx.close()


if __name__ == "__main__":
    raise SystemExit(main())
