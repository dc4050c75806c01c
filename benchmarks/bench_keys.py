"""The key of every benchmark profile, in a module of its own: a start-up benchmark imports it
without the data builder (which loads SQLAlchemy and the services)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

#: the database key of every benchmark profile (benchmark data only; users get a random key in
#: the OS keyring). A raw 32-byte key like theirs, so no key derivation is timed.
BENCH_KEY = hashlib.sha256(b"wmo_desk benchmark profile").digest()


class BenchKeys:
    """The key source of benchmark profiles: always :data:`BENCH_KEY` (this machine has no
    OS keyring, and a passphrase would time Argon2). Pass as ``AppContext.open(..., keys=)``."""

    lock = None

    def open_with(self, database: Path, opener: Callable[[bytes], object]) -> object:
        return opener(BENCH_KEY)

    def delete(self) -> None:
        pass
