"""Desktops syncing with a server: profiles on disk, the server app in-process (TestClient).

The ``server`` and ``desktops`` fixtures are in tests/conftest.py; here every test gets the
in-memory keyring."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _tokens_in_memory(memory_keyring):
    yield
