"""Renders the invented test beschikking, toewijzing and WMO301 to docs/ (review and screenshots)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.documents.test_beschikking import (  # noqa: E402
    BEGELEIDING_PGB,
    HBH_NATURA,
    sample_beschikking,
)
from tests.documents.test_toewijzing import sample_toewijzing  # noqa: E402
from tests.documents.test_wmo301 import message, natura_product  # noqa: E402
from wmo_desk.documents.beschikking import render_beschikking  # noqa: E402
from wmo_desk.documents.toewijzing import render_toewijzing  # noqa: E402
from wmo_desk.documents.wmo301 import build_wmo301  # noqa: E402


def _write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    print(f"{path.relative_to(ROOT)} ({len(content)} bytes)")
    return path


def _first_page_png(pdf: Path, target: Path, resolution: int) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "page"
        command = ["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1"]
        subprocess.run([*command, str(pdf), str(prefix)], check=True)
        # pdftoppm pads the page number to the page count's width: page-1.png or page-01.png.
        shutil.copyfile(next(Path(tmp).glob("page-*.png")), target)
    print(target.relative_to(ROOT))


def main(resolution: int = 60) -> None:
    samples = ROOT / "docs" / "samples"
    shots = ROOT / "docs" / "screenshots"
    decision = sample_beschikking(provisions=(HBH_NATURA, BEGELEIDING_PGB))
    pdf = _write(samples / "beschikking-voorbeeld.pdf", render_beschikking(decision))
    _first_page_png(pdf, shots / "beschikking_page1.png", resolution)
    pdf = _write(samples / "toewijzing-voorbeeld.pdf", render_toewijzing(sample_toewijzing()))
    _first_page_png(pdf, shots / "toewijzing_page1.png", resolution)
    _write(samples / "wmo301-voorbeeld.xml", build_wmo301(message(natura_product())))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
