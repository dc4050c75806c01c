"""Dutch postcodes: four digits (first not 0) and two letters (not SA, SD or SS)."""

from __future__ import annotations

import re

from wmo_desk.domain.errors import UserError

_PATTERN = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})$")
_FORBIDDEN_LETTERS = {"SA", "SD", "SS"}


def postcode_problem(text: str) -> str | None:
    """Return a Dutch message explaining why ``text`` is no postcode, or None when it is."""
    stripped = text.strip()
    if not stripped:
        return "Vul de postcode in."
    match = _PATTERN.match(stripped)
    if not match:
        if stripped[:1] == "0":
            return "Een postcode begint niet met 0."
        return "Een postcode is vier cijfers en twee letters, bijvoorbeeld 5341 AB."
    if match.group(2).upper() in _FORBIDDEN_LETTERS:
        return f"De lettercombinatie {match.group(2).upper()} komt in postcodes niet voor."
    return None


def normalize_postcode(text: str) -> str:
    """Return the compact stored form ``1234AB``; raise :class:`UserError` when invalid."""
    problem = postcode_problem(text)
    if problem:
        raise UserError("Ongeldige postcode", problem)
    match = _PATTERN.match(text.strip())
    assert match is not None
    return match.group(1) + match.group(2).upper()


def format_postcode(compact: str) -> str:
    """Return the display form ``1234 AB`` of a stored postcode."""
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else compact


def pc4(compact: str) -> str:
    """Return the four-digit area (PC4) of a stored postcode."""
    return compact[:4]
