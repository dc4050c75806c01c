"""A consultant's own work contact details (telefoon, e-mailadres) and their checks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from wmo_desk.domain.errors import FieldErrors

_SEPARATORS = re.compile(r"[\s\-]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")

#: the example numbers have no-break spaces: a wrapped message keeps each on one line
PHONE_MESSAGE = (
    "Een telefoonnummer heeft 10 cijfers en begint met 0 (0412\u00a0123\u00a0456), "
    "of begint met +31 (+31\u00a0412\u00a0123\u00a0456)."
)
EMAIL_MESSAGE = "Dit is geen geldig e-mailadres (voorbeeld: j.devries@gemeente.nl)."


@dataclass(frozen=True)
class WorkContact:
    """How a resident reaches the consultant; an empty field is not set.

    Attributes:
        phone: the work phone number as the consultant writes it (``0412 123 456``).
        email: the work e-mail address.
    """

    phone: str = ""
    email: str = ""


def phone_problem(text: str) -> str | None:
    """A Dutch message why ``text`` is no Dutch phone number, or None when it is one (or empty).

    Spaces and dashes do not count: ten digits starting with 0, or +31 and nine digits."""
    digits = _SEPARATORS.sub("", text)
    if not digits:
        return None
    if digits.startswith("+31"):
        rest = digits[3:]
        ok = rest.isdigit() and len(rest) == 9 and not rest.startswith("0")
    else:
        ok = digits.isdigit() and len(digits) == 10 and digits.startswith("0")
    return None if ok else PHONE_MESSAGE


def email_problem(text: str) -> str | None:
    """A Dutch message why ``text`` is no e-mail address, or None when it is one (or empty)."""
    stripped = text.strip()
    if not stripped or _EMAIL.match(stripped):
        return None
    return EMAIL_MESSAGE


def check_work_contact(phone: str, email: str) -> WorkContact:
    """The contact details as they are kept (spaces trimmed); raises :class:`FieldErrors` with
    ``phone`` and/or ``email`` when one is wrong."""
    errors: dict[str, str] = {}
    if problem := phone_problem(phone):
        errors["phone"] = problem
    if problem := email_problem(email):
        errors["email"] = problem
    if errors:
        raise FieldErrors(errors)
    return WorkContact(phone=" ".join(phone.split()), email=email.strip())
