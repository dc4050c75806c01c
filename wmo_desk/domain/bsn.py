"""The Dutch citizen service number (BSN): the elfproef, normalisation and masking."""

from __future__ import annotations

from wmo_desk.domain.errors import UserError


def normalize_bsn(text: str) -> str:
    """Strip spaces, dots and dashes; pad an 8-digit number with a leading zero."""
    digits = "".join(ch for ch in text if ch not in " .-\t")
    if len(digits) == 8 and digits.isdigit():
        digits = "0" + digits
    return digits


def is_valid_bsn(text: str) -> bool:
    """True when ``text`` is 9 digits passing the elfproef and not all zeros."""
    if len(text) != 9 or not text.isascii() or not text.isdigit() or text == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(w * int(d) for w, d in zip(weights, text, strict=True)) % 11 == 0


def bsn_problem(text: str) -> str | None:
    """Return a Dutch message explaining why ``text`` is not a BSN, or None when it is."""
    value = normalize_bsn(text)
    if not value:
        return "Vul het BSN in."
    if not value.isdigit() or not value.isascii():
        return "Een BSN bestaat alleen uit cijfers."
    if len(value) != 9:
        return f"Een BSN heeft 9 cijfers; u typte er {len(value)}."
    if not is_valid_bsn(value):
        return "Dit is geen geldig BSN (de elfproef klopt niet). Controleer de cijfers."
    return None


def parse_bsn(text: str) -> str:
    """Return the normalised BSN or raise a :class:`UserError` in Dutch."""
    problem = bsn_problem(text)
    if problem:
        raise UserError("Ongeldig BSN", problem)
    return normalize_bsn(text)


def mask_bsn(bsn: str) -> str:
    """Show only the last three digits: ``******123``."""
    return "*" * (len(bsn) - 3) + bsn[-3:] if len(bsn) > 3 else bsn


def format_bsn(bsn: str) -> str:
    """``1234.56.782``: the grouping Dutch letters and forms use for a BSN."""
    return f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}" if len(bsn) == 9 and bsn.isdigit() else bsn
