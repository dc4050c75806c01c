"""Writing a file the user chose: whole or not at all, with a Dutch message when it fails."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from wmo_desk.domain.errors import UserError

#: what the operating system's most common refusals mean, in the words the user reads
_REASONS = {
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "uw opslagruimte (quotum) is vol",
    errno.EACCES: "u hebt geen toestemming om daar te schrijven",
    errno.EPERM: "u hebt geen toestemming om daar te schrijven",
    errno.EROFS: "die plek is alleen-lezen",
    errno.ENOENT: "die map bestaat niet (meer)",
    errno.ENAMETOOLONG: "de naam of het pad is te lang",
}


def os_reason(exc: OSError) -> str:
    """Why writing failed, in Dutch (the system's own text for the rarer cases)."""
    if isinstance(exc, PermissionError) and exc.errno is None:
        return _REASONS[errno.EACCES]
    return _REASONS.get(exc.errno or 0) or str(exc.strerror or exc)


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
            f"{name} kon niet worden opgeslagen in {target.parent}: {os_reason(exc)}.",
        ) from exc
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return target
