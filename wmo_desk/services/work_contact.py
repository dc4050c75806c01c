"""The consultant's own work contact details, kept per user in this desktop's settings."""

from __future__ import annotations

import logging

from wmo_desk.domain.contact import WorkContact, check_work_contact
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.settings import SettingsRepository

log = logging.getLogger(__name__)

_PHONE_KEY = "work_phone:{user_id}"
_EMAIL_KEY = "work_email:{user_id}"


def read_work_contact(settings: SettingsRepository, user_id: str) -> WorkContact:
    """What ``user_id`` set on this desktop (empty fields when nothing is set)."""
    return WorkContact(
        phone=settings.get(_PHONE_KEY.format(user_id=user_id), "") or "",
        email=settings.get(_EMAIL_KEY.format(user_id=user_id), "") or "",
    )


def move_work_contact(settings: SettingsRepository, old_id: str, new_id: str) -> None:
    """The server knows the user as ``new_id`` now (first sign-in): the details move along."""
    if old_id == new_id:
        return
    old = read_work_contact(settings, old_id)
    if old == WorkContact() or read_work_contact(settings, new_id) != WorkContact():
        return
    settings.set(_PHONE_KEY.format(user_id=new_id), old.phone)
    settings.set(_EMAIL_KEY.format(user_id=new_id), old.email)
    settings.set(_PHONE_KEY.format(user_id=old_id), "")
    settings.set(_EMAIL_KEY.format(user_id=old_id), "")


class WorkContactService:
    """Reads and saves the telefoon and e-mailadres the letters print beside a consultant.

    They stay on this desktop (not synced): a letter made on another desktop falls back to
    the municipality's general number and address."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, user_id: str) -> WorkContact:
        with self._db.session() as session:
            return read_work_contact(SettingsRepository(session), user_id)

    def save(self, user_id: str, phone: str, email: str) -> WorkContact:
        """Check and keep the details; raises :class:`FieldErrors` (nothing saved) when wrong."""
        contact = check_work_contact(phone, email)
        with self._db.session() as session:
            settings = SettingsRepository(session)
            settings.set(_PHONE_KEY.format(user_id=user_id), contact.phone)
            settings.set(_EMAIL_KEY.format(user_id=user_id), contact.email)
        log.info("work contact details saved")  # no values: they are personal data
        return contact

    def for_letter(self, user_id: str | None, phone: str, email: str) -> WorkContact:
        """What a letter prints beside the consultant: their own details where set, else the
        given ``phone`` and ``email`` (the municipality's), field by field."""
        own = self.get(user_id) if user_id else WorkContact()
        return WorkContact(phone=own.phone or phone, email=own.email or email)
