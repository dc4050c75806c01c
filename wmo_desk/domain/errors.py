"""Errors a user can meet: a Dutch title and message the UI shows as is."""

from __future__ import annotations


class UserError(Exception):
    """An error the user can act on (bad input, a malformed file), not a bug.

    Attributes:
        title: short Dutch title for a dialog.
        message: Dutch explanation the UI shows as is.
    """

    def __init__(self, title: str, message: str) -> None:
        super().__init__(f"{title}: {message}")
        self.title = title
        self.message = message


class FieldErrors(UserError):
    """Validation failed for one or more fields.

    Attributes:
        errors: field name -> Dutch message, shown at the field it belongs to.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Controleer de invoer", "\n".join(errors.values()))
        self.errors = dict(errors)
