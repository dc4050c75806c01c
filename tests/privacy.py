"""Looking at a profile folder as the finder of a lost laptop would (tests only)."""

from __future__ import annotations

from pathlib import Path

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def readable(folder: Path, needles) -> list[str]:
    """Every file under ``folder`` that holds one of ``needles`` as UTF-8 or UTF-16."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for needle in needles:
            for encoding in ENCODINGS:
                if needle.encode(encoding) in data:
                    found.append(f"{path.relative_to(folder)}: {needle!r} as {encoding}")
    return found
