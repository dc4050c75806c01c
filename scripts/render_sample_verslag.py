"""Renders the invented test verslag to docs/samples/ and its pages to docs/screenshots/ (review)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.documents.test_verslag import sample_verslag  # noqa: E402
from wmo_desk.documents.verslag import render_verslag  # noqa: E402


def main(resolution: int = 60) -> None:
    pdf = render_verslag(sample_verslag())
    target = ROOT / "docs" / "samples" / "verslag-voorbeeld.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    print(f"{target.relative_to(ROOT)} ({len(pdf)} bytes)")

    shots = ROOT / "docs" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("verslag_page*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(resolution), str(target), str(prefix)], check=True
        )
        # pdftoppm pads the page number to the page count's width: page-1.png or page-01.png.
        for png in sorted(Path(tmp).glob("page-*.png")):
            number = int(png.stem.split("-")[-1])
            out = shots / f"verslag_page{number}.png"
            shutil.copyfile(png, out)
            print(out.relative_to(ROOT))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
