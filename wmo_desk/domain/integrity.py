"""The integrity of documents as they travel and before they are shown: content against its SHA-256."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Any


def document_intact(payload: Mapping[str, Any]) -> bool:
    """Whether a decision document's base64 ``content`` has the SHA-256 in ``sha256``."""
    try:
        content = base64.b64decode(str(payload.get("content", "")), validate=True)
    except (ValueError, binascii.Error):
        return False
    return content_intact(content, payload.get("sha256"))


def content_intact(content: bytes, sha256: object) -> bool:
    """Whether ``content`` has the SHA-256 (hex) ``sha256``."""
    return hashlib.sha256(content).hexdigest() == sha256
