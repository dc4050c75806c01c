"""Documents live only inside the database: open a checked temporary copy, save a copy where
the user chooses, log each use; convert a profile that still has a ``documents/`` folder.

The copies the system viewer needs lie in ``<profile>/geopend/`` (private to the user) and are
overwritten with zeros and removed when the app closes, and at the next start after a crash.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from wmo_desk.domain.documents import DocumentRef, DocumentSource, StoredDocument
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.integrity import content_intact
from wmo_desk.services.clock import Clock
from wmo_desk.services.files import os_reason, save_file
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.documents import StoredDocumentRepository

log = logging.getLogger(__name__)

OPEN_DIR = "geopend"
OLD_DIR = "documents"
_OLD_VERSLAG = re.compile(r"verslag-([0-9a-f]{8})-\d{4}-\d{2}-\d{2}\.pdf")
_UNSAFE = re.compile(r"[^\w.\- ]")
_CHUNK = 1 << 16


def safe_filename(name: str) -> str:
    """``name`` as one plain file name (no folders, no characters a file system refuses)."""
    plain = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    return plain or "document"


def shred(path: Path) -> None:
    """Overwrite the file with zeros, then remove it (a best effort against undelete tools;
    SSDs and copy-on-write file systems may keep old blocks)."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        zeros = bytes(_CHUNK)
        left = size
        while left > 0:
            step = min(left, _CHUNK)
            f.write(zeros[:step])
            left -= step
        f.flush()
        os.fsync(f.fileno())
    path.unlink()


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _private_dir(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)  # mkdir's mode is reduced by the umask, and an old folder kept its


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(content)
    if os.name == "posix":
        os.chmod(path, 0o600)


class DocumentService:
    """Stores, opens, saves and logs the use of the documents of a profile.

    Args:
        db: the profile's database.
        clock: the time source for ``created_at``.
        folder: the profile folder (``geopend/`` and the old ``documents/`` lie in it).
        user_id: who works now (called at each use; the profile can change).
    """

    def __init__(
        self, db: Database, clock: Clock, folder: Path, user_id: Callable[[], str]
    ) -> None:
        self._db = db
        self._clock = clock
        self._folder = folder
        self._user_id = user_id

    @property
    def open_dir(self) -> Path:
        """The private folder of the temporary copies."""
        return self._folder / OPEN_DIR

    # --- documents made on this laptop --------------------------------------------------

    def store(self, case_id: str, kind: str, filename: str, content: bytes) -> DocumentRef:
        """Keep a document made now for the case (logged as made); returns its reference."""
        user = self._user_id()
        with self._db.session() as session:
            repo = StoredDocumentRepository(session)
            client_id = repo.client_of(case_id)
            if client_id is None:
                raise UserError("Dossier niet gevonden", "Dit dossier bestaat niet (meer).")
            document = StoredDocument(
                id=str(uuid.uuid4()),
                case_id=case_id,
                kind=kind,
                filename=safe_filename(filename),
                sha256=_sha256(content),
                content=content,
                created_at=self._clock.now(),
                created_by=user,
            )
            repo.add(document)
            ref = self._ref(document, client_id)
            self._log(session, "document.make", ref)
        return ref

    def latest(self, case_id: str, kind: str) -> DocumentRef | None:
        """The newest stored document of ``kind`` for the case."""
        with self._db.session() as session:
            repo = StoredDocumentRepository(session)
            document = repo.latest(case_id, kind)
            client_id = repo.client_of(case_id) if document else None
        return self._ref(document, client_id or "") if document else None

    def for_decision(self, decision_id: str) -> list[DocumentRef]:
        """The documents of a final decision (the beschikking first)."""
        with self._db.session() as session:
            rows = StoredDocumentRepository(session).decision_documents(decision_id)
        return [
            DocumentRef(
                id=doc_id,
                source=DocumentSource.DECISION,
                kind=kind,
                filename=safe_filename(filename),
                case_id=case_id,
                client_id=client_id,
            )
            for doc_id, kind, filename, case_id, client_id in rows
        ]

    @staticmethod
    def _ref(document: StoredDocument, client_id: str) -> DocumentRef:
        return DocumentRef(
            id=document.id,
            source=DocumentSource.VERSLAG,
            kind=document.kind,
            filename=document.filename,
            case_id=document.case_id,
            client_id=client_id,
        )

    def _log(self, session, action: str, ref: DocumentRef) -> None:
        AuditRepository(session).record(
            self._user_id(),
            action,
            ref.client_id or None,
            ref.case_id,
            object_id=ref.id,
            detail=ref.log_kind,
        )

    def _content(self, session, ref: DocumentRef) -> bytes:
        """The stored content, checked against its SHA-256 (a mismatch is refused)."""
        repo = StoredDocumentRepository(session)
        if ref.source is DocumentSource.VERSLAG:
            document = repo.get(ref.id)
            stored = (document.content, document.sha256) if document else None
        else:
            found = repo.decision_document(ref.id)
            stored = (found[2], found[3]) if found else None
        if stored is None:
            raise UserError("Document niet gevonden", f"{ref.filename} is niet (meer) opgeslagen.")
        content, digest = stored
        if not content_intact(content, digest):
            raise UserError(
                "Document beschadigd",
                f"{ref.filename} komt niet overeen met de vastgelegde controlesom en wordt "
                "daarom niet geopend.",
            )
        return content

    # --- use: open, save, print ---------------------------------------------------------

    def open_copy(self, ref: DocumentRef) -> Path:
        """A temporary copy in the private ``geopend/`` folder for the viewer (logged as viewed)."""
        with self._db.session() as session:
            content = self._content(session, ref)
            try:
                _private_dir(self.open_dir)
                path = self._free_name(ref.filename)
                _write_private(path, content)
            except OSError as exc:
                raise UserError(
                    "Openen mislukt",
                    f"Er kon geen tijdelijke kopie van {ref.filename} worden gemaakt: "
                    f"{os_reason(exc)}.",
                ) from exc
            self._log(session, "document.view", ref)
        return path

    def _free_name(self, filename: str) -> Path:
        """``geopend/<filename>``, or a numbered name while a viewer still holds that one."""
        path = self.open_dir / filename
        stem, suffix = path.stem, path.suffix
        n = 1
        while path.exists():
            try:
                shred(path)
            except OSError:  # held open (Windows): take another name
                n += 1
                path = self.open_dir / f"{stem} ({n}){suffix}"
        return path

    def save_as(self, ref: DocumentRef, target: Path) -> Path:
        """Write the document to ``target`` the user chose (logged as exported); returns it."""
        with self._db.session() as session:
            content = self._content(session, ref)
            save_file(target, content, ref.filename)
            self._log(session, "document.export", ref)
        return target

    def content(self, ref: DocumentRef) -> bytes:
        """The document's bytes, checked against its SHA-256, for printing from memory (the
        print itself is logged by :meth:`log_print` once it went to the printer)."""
        with self._db.session() as session:
            return self._content(session, ref)

    def log_print(self, ref: DocumentRef) -> None:
        """Record that the user printed the document."""
        with self._db.session() as session:
            self._log(session, "document.print", ref)

    # --- housekeeping -------------------------------------------------------------------

    def clean_open_copies(self) -> int:
        """Overwrite and remove every temporary copy; returns how many were removed."""
        folder = self.open_dir
        if not folder.is_dir():
            return 0
        removed = kept = 0
        for path in sorted(folder.rglob("*"), reverse=True):
            try:
                if path.is_dir():
                    path.rmdir()
                else:
                    shred(path)
                    removed += 1
            except OSError:
                kept += 1  # still open in a viewer (Windows); removed at the next start
        if kept:
            log.info("%d opened copies still in use, removed later", kept)
        return removed

    def import_old_documents(self) -> int:
        """Move an old profile's ``documents/`` verslag PDFs into the database, then overwrite and
        remove the folder. Idempotent; returns how many were imported."""
        folder = self._folder / OLD_DIR
        if not folder.is_dir():
            return 0
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        imported = unmatched = 0
        user = self._user_id()
        with self._db.session() as session:
            repo = StoredDocumentRepository(session)
            for path in files:
                match = _OLD_VERSLAG.fullmatch(path.name)
                if path.parent != folder or match is None:
                    continue  # decision documents written out for viewing: already stored
                found = repo.case_for_prefix(match.group(1))
                if found is None:
                    unmatched += 1
                    continue
                content = path.read_bytes()
                document = StoredDocument(
                    id=str(uuid.uuid4()),
                    case_id=found[0],
                    kind="verslag",
                    filename=path.name,
                    sha256=_sha256(content),
                    content=content,
                    created_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
                    created_by=user,
                )
                if repo.has_content(document.case_id, document.kind, document.sha256):
                    continue
                repo.add(document)
                imported += 1
        left = 0
        for path in sorted(folder.rglob("*"), reverse=True):
            try:
                if path.is_dir():
                    path.rmdir()
                else:
                    shred(path)
            except OSError:
                left += 1
        try:
            folder.rmdir()
        except OSError:
            left += 1
        log.info(
            "old documents folder converted: %d verslagen imported, %d without a case left out, "
            "%d files of %d not yet removed",
            imported,
            unmatched,
            left,
            len(files),
        )
        return imported
