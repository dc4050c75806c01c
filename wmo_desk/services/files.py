"""Writing a file the user chose: whole or not at all, with a Dutch message when it fails."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from wmo_desk.domain.errors import UserError


def save_file(target: Path, content: bytes, name: str) -> Path:
    """Write ``content`` to ``target`` through a temporary file beside it (flushed to disk, then
    renamed), so a crash never leaves half a document; ``name`` is how the message calls it."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".wmo-", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise UserError(
            "Opslaan mislukt",
            f"{name} kon niet worden opgeslagen in {target.parent} ({exc.strerror or exc}).",
        ) from exc
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return target
