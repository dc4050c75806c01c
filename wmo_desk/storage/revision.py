"""The desktop schema's newest migration, read from the migration files without SQLAlchemy or
alembic (both are slow to load): a start at the newest schema needs neither (issue 14)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

_REVISION = re.compile(r"^revision(?::[^=]*)?=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?::[^=]*)?=\s*[\"']([^\"']+)[\"']", re.MULTILINE)


@cache
def head_revision() -> str:
    """The newest migration, read from the migration files without loading alembic (a test
    checks it against alembic's own answer)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = _REVISION.search(text)
        if found:
            revisions.add(found.group(1))
        parent = _DOWN.search(text)
        if parent:
            parents.add(parent.group(1))
    (head,) = revisions - parents
    return head
