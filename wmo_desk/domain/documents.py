"""Documents kept inside the database: what one is, and how it is pointed at without its content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class DocumentSource(StrEnum):
    """Which table holds a document."""

    VERSLAG = "verslag"  # stored_documents: made on this laptop
    DECISION = "decision"  # decision_documents: rendered once when a decision became final


@dataclass(frozen=True)
class StoredDocument:
    """A document made on this laptop (the verslag), with its content and SHA-256."""

    id: str
    case_id: str
    kind: str
    filename: str
    sha256: str
    content: bytes
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class DocumentRef:
    """A document to open, save or print, named without its content (safe to hold in a widget).

    Attributes:
        id: the row id in the table of ``source``.
        kind: ``verslag``, ``beschikking``, ``toewijzing-…``, ``wmo301-…``; what the access log
            records as detail.
        filename: the name a saved or opened copy gets.
    """

    id: str
    source: DocumentSource
    kind: str
    filename: str
    case_id: str
    client_id: str

    @property
    def log_kind(self) -> str:
        """The kind without allocation numbers (``toewijzing``, ``wmo301``) for the access log."""
        return self.kind.split("-", 1)[0]
