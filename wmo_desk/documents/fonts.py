"""The DejaVu Sans fonts every wmo_desk PDF embeds, registered with reportlab once."""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from wmo_desk.paths import resources_dir

FAMILY = "DejaVuSans"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
}

_lock = threading.Lock()
_registered = False


def register_fonts() -> str:
    """Register the three DejaVu Sans faces and their family; return the family name.

    Safe to call before every render and from several threads: the fonts are read from
    ``resources/fonts`` (shipped with the app, so no system fonts are needed) only once.
    """
    global _registered
    with _lock:
        if _registered:
            return FAMILY
        folder = resources_dir() / "fonts"
        for name, filename in _FILES.items():
            if name in pdfmetrics.getRegisteredFontNames():
                continue
            path = folder / filename
            if not path.is_file():
                raise FileNotFoundError(f"font file missing from the resources: {path}")
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # No bold-oblique face is shipped: <b><i> falls back to bold rather than to Helvetica.
        pdfmetrics.registerFontFamily(
            FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD
        )
        _registered = True
        return FAMILY
